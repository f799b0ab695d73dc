package rclone_test

import (
	"fmt"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/s3cfg/rclone"
)

// The remote for the key pair and region that build an s3cmd config.
func ExampleRemote_Section() {
	r := rclone.Remote{VStorage: s3cfg.VStorage{
		AccessKey: "VSTORAGEACCESSKEY0001",
		SecretKey: vngcloud.Secret("vStorage+Dummy/Secret=Key%1"),
		Region:    "hcm04",
	}}
	b, err := r.Section()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(b))
	// Output:
	// [vstorage]
	// type = s3
	// provider = Other
	// access_key_id = VSTORAGEACCESSKEY0001
	// secret_access_key = vStorage+Dummy/Secret=Key%1
	// endpoint = https://hcm04.vstorage.vngcloud.vn
	// region = HCM04
	// force_path_style = false
}

// Adding the remote to a file keeps the other remotes and the comments;
// updating it changes only the lines that differ.
func ExampleRemote_Merge() {
	old := "# my remotes\n[disk]\ntype = local\n"
	r := rclone.Remote{Name: "vst", VStorage: s3cfg.VStorage{AccessKey: "AK", SecretKey: "first#secret", Region: "HAN02", PathStyle: true}}
	b, ch, _ := r.Merge([]byte(old))
	fmt.Print(string(b))
	fmt.Println(ch.Added)

	r.VStorage.SecretKey = "second;secret"
	_, ch, _ = r.Merge(b)
	fmt.Println(ch.Added, ch.Set)
	// Output:
	// # my remotes
	// [disk]
	// type = local
	//
	// [vst]
	// type = s3
	// provider = Other
	// access_key_id = AK
	// secret_access_key = first#secret
	// endpoint = https://han02.vstorage.vngcloud.vn
	// region = HAN02
	// force_path_style = true
	//
	// true
	// false [secret_access_key]
}

// Where rclone reads its config, for any system: existing files first.
func ExampleDestinationFor() {
	env := s3cfg.EnvMap(map[string]string{"HOME": "/home/an"})
	d, _ := rclone.DestinationFor("linux", env, nil)
	fmt.Println(d.Path, d.Rule, d.Exists)

	legacy := func(p string) bool { return p == "/home/an/.rclone.conf" }
	d, _ = rclone.DestinationFor("linux", env, legacy)
	fmt.Println(d.Path, d.Rule, d.Exists)

	win := s3cfg.EnvMap(map[string]string{"USERPROFILE": `C:\Users\An`, "APPDATA": `C:\Users\An\AppData\Roaming`})
	d, _ = rclone.DestinationFor("windows", win, nil)
	fmt.Println(d.Path)
	// Output:
	// /home/an/.config/rclone/rclone.conf ~/.config false
	// /home/an/.rclone.conf ~/.rclone.conf true
	// C:\Users\An\AppData\Roaming\rclone\rclone.conf
}

// A value rclone would read differently is refused, without showing it.
func ExampleCheckValue() {
	fmt.Println(rclone.CheckValue("secret_access_key", " padded"))
	fmt.Println(rclone.CheckValue("secret_access_key", "a#b;c=d\"e'f"))
	// Output:
	// rclone: cannot write secret_access_key: the value starts or ends with whitespace, which rclone trims
	// <nil>
}
