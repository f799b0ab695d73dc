package awscli_test

import (
	"fmt"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/s3cfg/awscli"
)

// The profile for the key pair and region that build an s3cmd config: the
// key pair goes to the credentials file, the rest to the config file.
func ExampleProfile_ConfigSection() {
	p := awscli.Profile{VStorage: s3cfg.VStorage{
		AccessKey: "VSTORAGEACCESSKEY0001",
		SecretKey: vngcloud.Secret("vStorage+Dummy/Secret=Key%1"),
		Region:    "hcm04",
		PathStyle: true,
	}}
	cred, _ := p.CredentialsSection()
	conf, err := p.ConfigSection()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(cred), "\n", string(conf))
	// Output:
	// [vstorage]
	// aws_access_key_id = VSTORAGEACCESSKEY0001
	// aws_secret_access_key = vStorage+Dummy/Secret=Key%1
	//
	// [profile vstorage]
	// region = HCM04
	// endpoint_url = https://hcm04.vstorage.vngcloud.vn
	// request_checksum_calculation = when_required
	// response_checksum_validation = when_required
	// s3 =
	//     addressing_style = path
}

// Merging keeps the other profiles and the comments; updating changes only
// the lines that differ, and drops a stale session token.
func ExampleProfile_MergeCredentials() {
	old := "# mine\n[default]\naws_access_key_id = OTHER\naws_secret_access_key = other\n\n[vstorage]\naws_access_key_id = OLD\naws_secret_access_key = old#secret\naws_session_token = stale\n"
	p := awscli.Profile{VStorage: s3cfg.VStorage{AccessKey: "NEW", SecretKey: "new;secret", Region: "HAN02"}}
	b, ch, err := p.MergeCredentials([]byte(old))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(b))
	fmt.Println(ch.Set, ch.Removed)
	// Output:
	// # mine
	// [default]
	// aws_access_key_id = OTHER
	// aws_secret_access_key = other
	//
	// [vstorage]
	// aws_access_key_id = NEW
	// aws_secret_access_key = new;secret
	// [aws_access_key_id aws_secret_access_key] [aws_session_token]
}

// Where the AWS CLI reads its files, for any system.
func ExampleDestinationsFor() {
	ds, _ := awscli.DestinationsFor("windows", s3cfg.EnvMap(map[string]string{"USERPROFILE": `C:\Users\An`}))
	fmt.Println(ds.Credentials.Path)
	fmt.Println(ds.Config.Path)
	ds, _ = awscli.DestinationsFor("linux", s3cfg.EnvMap(map[string]string{"HOME": "/home/an", "AWS_CONFIG_FILE": "~/vstorage/config"}))
	fmt.Println(ds.Credentials.Path, ds.Credentials.Rule)
	fmt.Println(ds.Config.Path, ds.Config.Rule)
	// Output:
	// C:\Users\An\.aws\credentials
	// C:\Users\An\.aws\config
	// /home/an/.aws/credentials ~/.aws
	// /home/an/vstorage/config AWS_CONFIG_FILE
}

// A value the AWS CLI would read differently is refused, without showing
// it; "#", ";" and quotes are fine.
func ExampleCheckValue() {
	fmt.Println(awscli.CheckValue("aws_secret_access_key", "ends with a space "))
	fmt.Println(awscli.CheckValue("aws_secret_access_key", `a#b;c="d"`))
	// Output:
	// awscli: cannot write aws_secret_access_key: the value starts or ends with a space, which the AWS CLI strips
	// <nil>
}
