package s3cfg

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
)

// sampleVStorage gives the answers of the saved --configure sample.
var sampleVStorage = VStorage{
	AccessKey: "VSTORAGEACCESSKEY0001",
	SecretKey: vngcloud.Secret("vStorage+Dummy/Secret=Key%1"),
	Region:    "HCM04",
}

// TestFullMatchesConfigureSample: the full form is byte for byte the file
// s3cmd 2.3.0 --configure wrote for the same answers.
func TestFullMatchesConfigureSample(t *testing.T) {
	want, err := os.ReadFile("testdata/s3cmd-vstorage-hcm04.s3cfg")
	if err != nil {
		t.Fatal(err)
	}
	v := sampleVStorage
	v.Region = "hcm04" // any case
	got, err := v.Full(nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(got)
	if string(got) != string(want) || hex.EncodeToString(sum[:]) != "7bae25c80a3eec89ecd375fd98f87289" {
		t.Fatalf("Full differs from the sample:\n%s", lineDiff(string(want), string(got)))
	}
	if n := strings.Count(string(got), "\n"); n != 88 {
		t.Fatalf("%d lines", n)
	}
	if n := strings.Count(string(got), " = \n"); n != 20 {
		t.Fatalf("%d empty values, want 20 (with the trailing space)", n)
	}
	// The --dump-config flavour differs in exactly the machine lines.
	d, _ := v.Full(DumpConfigMachine())
	diff := lineDiff(string(want), string(d))
	for _, k := range []string{"gpg_command", "progress_meter", "proxy_port"} {
		if !strings.Contains(diff, k) {
			t.Errorf("--dump-config flavour: %s should differ", k)
		}
	}
	if strings.Count(diff, "line ") != 3 {
		t.Errorf("--dump-config flavour differs in more than 3 lines:\n%s", diff)
	}
}

func TestShort(t *testing.T) {
	got, err := sampleVStorage.Short()
	if err != nil {
		t.Fatal(err)
	}
	want := "[default]\naccess_key = VSTORAGEACCESSKEY0001\nsecret_key = vStorage+Dummy/Secret=Key%1\n" +
		"host_base = hcm04.vstorage.vngcloud.vn\nhost_bucket = %(bucket)s.hcm04.vstorage.vngcloud.vn\n" +
		"bucket_location = HCM04\nuse_https = True\nsignature_v2 = False\n"
	if string(got) != want {
		t.Fatalf("got\n%s", got)
	}
	f := mustParse(t, string(got))
	if ds := f.Diagnostics(); len(ds) != 0 {
		t.Fatal(ds)
	}
}

func TestRegionsAndEndpoints(t *testing.T) {
	tests := []struct {
		v                              VStorage
		hostBase, hostBucket, loc, tls string
	}{
		{VStorage{Region: "han02"}, "han02.vstorage.vngcloud.vn", "%(bucket)s.han02.vstorage.vngcloud.vn", "HAN02", "True"},
		{VStorage{Region: " Hcm03 "}, "hcm03.vstorage.vngcloud.vn", "%(bucket)s.hcm03.vstorage.vngcloud.vn", "HCM03", "True"},
		{VStorage{Region: "HCM04", PathStyle: true}, "hcm04.vstorage.vngcloud.vn", "hcm04.vstorage.vngcloud.vn", "HCM04", "True"},
		{VStorage{Region: "HCM04", Endpoint: "http://127.0.0.1:7070/"}, "127.0.0.1:7070", "%(bucket)s.127.0.0.1:7070", "HCM04", "False"},
		{VStorage{Region: "lab-1", Endpoint: "HTTPS://s3.lab.example", PathStyle: true}, "s3.lab.example", "s3.lab.example", "lab-1", "True"},
		{VStorage{Region: "HAN02", Endpoint: "hcm03-encrypt-vstorage.vngcloud.vn"}, "hcm03-encrypt-vstorage.vngcloud.vn", "%(bucket)s.hcm03-encrypt-vstorage.vngcloud.vn", "HAN02", "True"},
	}
	for _, tt := range tests {
		v := tt.v
		v.AccessKey, v.SecretKey = "AK", "SK"
		b, err := v.Short()
		if err != nil {
			t.Errorf("%+v: %v", tt.v, err)
			continue
		}
		c := mustParse(t, string(b)).Resolve(Runtime{})
		for k, want := range map[string]string{"host_base": tt.hostBase, "host_bucket": tt.hostBucket, "bucket_location": tt.loc, "use_https": tt.tls, "signature_v2": "False"} {
			if got, _ := c.Value(k); got != want {
				t.Errorf("%+v: %s = %q, want %q", tt.v, k, got, want)
			}
		}
	}
}

func TestVStorageRefusals(t *testing.T) {
	const secret = "$ecret value"
	tests := map[string]VStorage{
		"no access key":     {SecretKey: "S", Region: "HCM04"},
		"no secret":         {AccessKey: "A", Region: "HCM04"},
		"no region":         {AccessKey: "A", SecretKey: "S"},
		"US":                {AccessKey: "A", SecretKey: "S", Region: "us", Endpoint: "h"},
		"unknown region":    {AccessKey: "A", SecretKey: "S", Region: "HCM99"},
		"bad scheme":        {AccessKey: "A", SecretKey: "S", Region: "HCM04", Endpoint: "ftp://h"},
		"endpoint path":     {AccessKey: "A", SecretKey: "S", Region: "HCM04", Endpoint: "https://h/bucket"},
		"secret with $":     {AccessKey: "A", SecretKey: secret, Region: "HCM04"},
		"secret quoted":     {AccessKey: "A", SecretKey: `"secret value"`, Region: "HCM04"},
		"secret padded":     {AccessKey: "A", SecretKey: " secret value", Region: "HCM04"},
		"secret line break": {AccessKey: "A", SecretKey: "secret\nvalue", Region: "HCM04"},
		"key with space":    {AccessKey: "A ", SecretKey: "S", Region: "HCM04"},
	}
	for name, v := range tests {
		for form, build := range map[string]func() ([]byte, error){"short": v.Short, "full": func() ([]byte, error) { return v.Full(nil) }} {
			b, err := build()
			var ve *ValueError
			if err == nil || !errors.As(err, &ve) {
				t.Errorf("%s/%s: %q, %v", name, form, b, err)
				continue
			}
			if strings.Contains(err.Error(), "secret value") || strings.Contains(err.Error(), "secret\nvalue") {
				t.Errorf("%s/%s: the error shows the secret: %v", name, form, err)
			}
		}
		if _, err := v.Apply(mustParse(t, "")); err == nil {
			t.Errorf("%s: Apply accepted it", name)
		}
	}
}

// TestApply: only what differs changes; everything else stays.
func TestApply(t *testing.T) {
	in := "# my s3cmd config\r\n[default]\r\naccess_key = OLDKEY\r\nsecret_key = old\r\n" +
		"host_base = https://hcm04.vstorage.vngcloud.vn\r\nuse_https = yes\r\n" +
		"access_token = stale-session-token\r\nmy_note = keep me\r\n; odd line\r\nbucket_location = US\r\n"
	f := mustParse(t, in)
	changed, err := sampleVStorage.Apply(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(changed, ","); got != "access_key,access_token,bucket_location,host_bucket,secret_key,signature_v2" {
		t.Fatalf("changed %s", got)
	}
	want := "# my s3cmd config\r\n[default]\r\naccess_key = VSTORAGEACCESSKEY0001\r\nsecret_key = vStorage+Dummy/Secret=Key%1\r\n" +
		"host_base = https://hcm04.vstorage.vngcloud.vn\r\nuse_https = yes\r\n" +
		"my_note = keep me\r\n; odd line\r\nbucket_location = HCM04\r\n" +
		"host_bucket = %(bucket)s.hcm04.vstorage.vngcloud.vn\r\nsignature_v2 = False\r\n"
	if got := string(f.Bytes()); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
	// Applying again changes nothing.
	if changed, _ := sampleVStorage.Apply(f); len(changed) != 0 {
		t.Fatalf("second Apply changed %v", changed)
	}
	c := f.Resolve(Runtime{})
	short, _ := sampleVStorage.Short()
	sc := mustParse(t, string(short)).Resolve(Runtime{})
	if string(c.Dump()) != string(sc.Dump()) {
		t.Fatalf("the applied file reads differently from the short form:\n%s", lineDiff(string(sc.Dump()), string(c.Dump())))
	}
}
