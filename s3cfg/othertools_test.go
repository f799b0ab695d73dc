package s3cfg

import (
	"errors"
	"testing"
)

func TestS3Endpoint(t *testing.T) {
	for _, tt := range []struct {
		v           VStorage
		region, url string
		errKey      string
	}{
		{VStorage{Region: "hcm04"}, "HCM04", "https://hcm04.vstorage.vngcloud.vn", ""},
		{VStorage{Region: "HAN02", PathStyle: true}, "HAN02", "https://han02.vstorage.vngcloud.vn", ""},
		{VStorage{Region: "HCM04", Endpoint: "http://127.0.0.1:9000/"}, "HCM04", "http://127.0.0.1:9000", ""},
		{VStorage{Region: "LAB", Endpoint: "s3.lab.example"}, "LAB", "https://s3.lab.example", ""},
		{VStorage{Region: "LAB"}, "", "", "bucket_location"},
		{VStorage{}, "", "", "bucket_location"},
		{VStorage{Region: "HCM04", Endpoint: "ftp://x"}, "", "", "host_base"},
		// The keys are not looked at: a secret s3cmd cannot hold is fine.
		{VStorage{Region: "HCM04", SecretKey: "$dollar"}, "HCM04", "https://hcm04.vstorage.vngcloud.vn", ""},
	} {
		region, url, err := tt.v.S3Endpoint()
		var ve *ValueError
		switch {
		case tt.errKey != "":
			if !errors.As(err, &ve) || ve.Key != tt.errKey {
				t.Errorf("%+v: %v, want an error for %s", tt.v, err, tt.errKey)
			}
		case err != nil || region != tt.region || url != tt.url:
			t.Errorf("%+v: %q %q %v", tt.v, region, url, err)
		}
	}
}

func TestPathHelpers(t *testing.T) {
	for _, tt := range []struct {
		goos string
		elem []string
		want string
	}{
		{"windows", []string{`C:\Users\An`, ".aws", "config"}, `C:\Users\An\.aws\config`},
		{"windows", []string{`C:\Users\An\`, `D:\other`}, `D:\other`},
		{"windows", []string{`C:`, "x"}, `C:x`},
		{"linux", []string{"/home/an/", ".config", "rclone"}, "/home/an/.config/rclone"},
		{"darwin", []string{"/a", "/b"}, "/b"},
		{"linux", nil, ""},
	} {
		if got := JoinPath(tt.goos, tt.elem...); got != tt.want {
			t.Errorf("JoinPath(%s, %q) = %q, want %q", tt.goos, tt.elem, got, tt.want)
		}
	}
	if d, n := SplitPath("windows", `C:\Users\An\.aws\credentials`); d != `C:\Users\An\.aws` || n != "credentials" {
		t.Errorf("%q %q", d, n)
	}
	if d, n := SplitPath("linux", "/home/an/.aws/config"); d != "/home/an/.aws" || n != "config" {
		t.Errorf("%q %q", d, n)
	}
	for p, want := range map[string]bool{`C:\x`: true, `\\srv\share\x`: true, `C:x`: false, `x\y`: false, "/x": true} {
		if IsAbsPath("windows", p) != want {
			t.Errorf("windows %q: %v", p, !want)
		}
	}
	if !IsAbsPath("linux", "/x") || IsAbsPath("linux", "x") || IsAbsPath("linux", `C:\x`) {
		t.Error("IsAbsPath linux")
	}
}
