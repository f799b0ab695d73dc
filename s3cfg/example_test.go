package s3cfg_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

// Build the short vStorage config the portal's S3cmd integration gives.
func ExampleVStorage_Short() {
	v := s3cfg.VStorage{
		AccessKey: "VSTORAGEACCESSKEY0001",
		SecretKey: vngcloud.Secret("vStorage+Dummy/Secret=Key%1"),
		Region:    "hcm04",
	}
	b, err := v.Short()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(b))
	fmt.Println(v) // the secret never prints
	// Output:
	// [default]
	// access_key = VSTORAGEACCESSKEY0001
	// secret_key = vStorage+Dummy/Secret=Key%1
	// host_base = hcm04.vstorage.vngcloud.vn
	// host_bucket = %(bucket)s.hcm04.vstorage.vngcloud.vn
	// bucket_location = HCM04
	// use_https = True
	// signature_v2 = False
	// {VSTORAGEACCESSKEY0001 [REDACTED] hcm04  false}
}

// The full form is what "s3cmd --configure" writes: 88 lines.
func ExampleVStorage_Full() {
	v := s3cfg.VStorage{AccessKey: "AK", SecretKey: "SK", Region: "HAN02", PathStyle: true}
	b, _ := v.Full(nil)
	f, _ := s3cfg.Parse(b)
	host, _ := f.Get("host_bucket")
	gpg, _ := f.Get("gpg_command")
	fmt.Println(f.NumLines(), host, gpg)
	// Output:
	// 88 han02.vstorage.vngcloud.vn /usr/bin/gpg
}

// A value that no s3cmd file can hold is refused, without showing it.
func ExampleVStorage_Short_unexpressible() {
	v := s3cfg.VStorage{AccessKey: "AK", SecretKey: "$tartsWithDollar", Region: "HCM04"}
	_, err := v.Short()
	fmt.Println(err)
	fmt.Println(errors.Is(err, s3cfg.ErrUnexpressible))
	// Output:
	// s3cfg: cannot write secret_key: the value starts with "$", which s3cmd replaces with an environment variable
	// true
}

// Read a file the way s3cmd does: the last line wins in any section, "#"
// only starts whole-line comments, quotes and "$NAME" are s3cmd's.
func ExampleFile_Resolve() {
	data := []byte(`[default]
access_key = AK
secret_key = abc#def ; all of it
host_base = https://old.example
use_https = yes

[other]
host_base = "hcm04.vstorage.vngcloud.vn"
bucket_location = $REGION
`)
	f, _ := s3cfg.Parse(data)
	c := f.Resolve(s3cfg.Runtime{LookupEnv: s3cfg.EnvMap(map[string]string{"REGION": "HCM04"})})
	host, _ := c.Value("host_base")
	loc, _ := c.Value("bucket_location")
	https, _ := c.Bool("use_https")
	fmt.Println(c.SecretKey().Reveal())
	fmt.Println(host, loc, https, c.Line("host_base"))
	// Output:
	// abc#def ; all of it
	// hcm04.vstorage.vngcloud.vn HCM04 true 8
}

// Typed access fails with s3cmd's own messages.
func ExampleConfig_Bool() {
	f, _ := s3cfg.Parse([]byte("access_key = A\nsecret_key = S\nuse_https = y\n"))
	c := f.Resolve(s3cfg.Runtime{})
	_, err := c.Bool("use_https")
	fmt.Println(err)
	fmt.Println(c.Err() != nil)
	// Output:
	// Config: value of option 'use_https' must be Yes or No, not 'y'
	// true
}

// Edit a file losslessly: only the line s3cmd reads changes, and a new key
// goes after the last key of the last section, with the file's line ends.
func ExampleFile_Set() {
	f, _ := s3cfg.Parse([]byte("# mine\r\n[default]\r\nhost_base   =   old.example\r\n\r\n# the end\r\n"))
	_ = f.Set("host_base", "hcm04.vstorage.vngcloud.vn")
	_ = f.Set("bucket_location", "HCM04")
	fmt.Printf("%q\n", f.Bytes())
	// Output:
	// "# mine\r\n[default]\r\nhost_base   =   hcm04.vstorage.vngcloud.vn\r\nbucket_location = HCM04\r\n\r\n# the end\r\n"
}

// Findings: lines s3cmd ignores, misspelt keys, a BOM that hides a key.
func ExampleFile_Diagnostics() {
	f, _ := s3cfg.Parse([]byte("\ufeffaccess_key = A\n[default]\nsecretkey = S\n; note\n"))
	for _, d := range f.Diagnostics() {
		fmt.Println(d)
	}
	// Output:
	// line 1: warning: a UTF-8 byte order mark starts the file, so s3cmd does not see the key access_key on line 1; remove the BOM or start the file with [default]
	// line 3: warning: s3cmd ignores the unknown key secretkey; did you mean secret_key?
	// line 4: warning: s3cmd ignores this line ("Ignoring invalid line"): ";" does not start a comment for s3cmd, only "#" does
}

// Where s3cmd looks for its file, for any system.
func ExampleDestinationFor() {
	env := s3cfg.EnvMap(map[string]string{
		"USERPROFILE": `C:\Users\Lan`,
		"APPDATA":     `C:\Users\Lan\AppData\Roaming`,
		"HOME":        "/home/lan",
	})
	for _, goos := range []string{"windows", "linux"} {
		d, _ := s3cfg.DestinationFor(goos, env)
		fmt.Printf("%s: %s (%s)\n", goos, d.Path, d.Rule)
	}
	fmt.Println(s3cfg.DownloadName, "→", s3cfg.WindowsName)
	// Output:
	// windows: C:\Users\Lan\AppData\Roaming\s3cmd.ini (%APPDATA%)
	// linux: /home/lan/.s3cfg ($HOME)
	// s3cnf.s3cfg → s3cmd.ini
}

// Update an existing file for vStorage, changing only what differs.
func ExampleVStorage_Apply() {
	f, _ := s3cfg.Parse([]byte("[default]\naccess_key = AK\nsecret_key = old\nuse_https = yes\n# keep me\n"))
	changed, _ := s3cfg.VStorage{AccessKey: "AK", SecretKey: "new", Region: "HCM04"}.Apply(f)
	fmt.Println(changed)
	fmt.Print(string(f.Bytes()))
	// Output:
	// [bucket_location host_base host_bucket secret_key signature_v2]
	// [default]
	// access_key = AK
	// secret_key = new
	// use_https = yes
	// host_base = hcm04.vstorage.vngcloud.vn
	// host_bucket = %(bucket)s.hcm04.vstorage.vngcloud.vn
	// bucket_location = HCM04
	// signature_v2 = False
	// # keep me
}

func ExampleWriteFile() {
	dir, _ := os.MkdirTemp("", "s3cfg-example")
	defer os.RemoveAll(dir)
	data, err := s3cfg.VStorage{AccessKey: "AKIAEXAMPLE", SecretKey: vngcloud.Secret("wJalr/EXAMPLE"), Region: "HCM04"}.Short()
	if err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(dir, s3cfg.DownloadName)
	if _, err := s3cfg.WriteFile(path, data, s3cfg.WriteOptions{}); err != nil {
		log.Fatal(err)
	}
	// A second write is refused unless asked to back up or replace.
	_, err = s3cfg.WriteFile(path, data, s3cfg.WriteOptions{})
	fmt.Println(errors.Is(err, s3cfg.ErrExist))
	bak, _ := s3cfg.WriteFile(path, data, s3cfg.WriteOptions{IfExists: s3cfg.Backup})
	fmt.Println(filepath.Base(bak))
	// Output:
	// true
	// s3cnf.s3cfg.bak
}

// ExampleCheckWritable checks a destination before creating what it will
// hold.
func ExampleCheckWritable() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	err := s3cfg.CheckWritable(filepath.Join(dir, "no-such-folder", "s3cmd.ini"), s3cfg.WriteOptions{})
	fmt.Println(errors.Is(err, s3cfg.ErrNoFolder))
	err = s3cfg.CheckWritable(filepath.Join(dir, "no-such-folder", "s3cmd.ini"), s3cfg.WriteOptions{MkdirAll: true})
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}
