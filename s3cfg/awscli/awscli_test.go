package awscli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

const testSecret = `a#b;c=d"e'f` + "`g%h$i\\j:k[l]"

func hcm04(secret string) Profile {
	return Profile{VStorage: s3cfg.VStorage{AccessKey: "AKEXAMPLE", SecretKey: vngcloud.Secret(secret), Region: "hcm04"}}
}

func TestSections(t *testing.T) {
	p := hcm04(testSecret)
	cred, err := p.CredentialsSection()
	if err != nil {
		t.Fatal(err)
	}
	if want := "[vstorage]\naws_access_key_id = AKEXAMPLE\naws_secret_access_key = " + testSecret + "\n"; string(cred) != want {
		t.Errorf("credentials:\n%s", cred)
	}
	conf, err := p.ConfigSection()
	if err != nil {
		t.Fatal(err)
	}
	want := `[profile vstorage]
region = HCM04
endpoint_url = https://hcm04.vstorage.vngcloud.vn
request_checksum_calculation = when_required
response_checksum_validation = when_required
s3 =
    addressing_style = virtual
`
	if string(conf) != want {
		t.Errorf("config:\n%s", conf)
	}
	p = Profile{Name: "default", VStorage: s3cfg.VStorage{AccessKey: "A", SecretKey: "S", Region: "HAN02", Endpoint: "http://127.0.0.1:9000", PathStyle: true}}
	conf, _ = p.ConfigSection()
	cred, _ = p.CredentialsSection()
	if !strings.HasPrefix(string(conf), "[default]\nregion = HAN02\nendpoint_url = http://127.0.0.1:9000\n") || !strings.HasSuffix(string(conf), "    addressing_style = path\n") || !strings.HasPrefix(string(cred), "[default]\n") {
		t.Errorf("default profile:\n%s\n%s", cred, conf)
	}
}

func TestValuesRefused(t *testing.T) {
	for _, tt := range []struct {
		p    Profile
		key  string
		cred bool
	}{
		{Profile{VStorage: s3cfg.VStorage{SecretKey: "S", Region: "HCM04"}}, keyAccessKey, true},
		{Profile{VStorage: s3cfg.VStorage{AccessKey: "A", Region: "HCM04"}}, keySecretKey, true},
		{hcm04(" spaced-secret"), keySecretKey, true},
		{hcm04("tab\tsecret"), keySecretKey, true},
		{hcm04("ünicode-secret"), keySecretKey, true},
		{Profile{VStorage: s3cfg.VStorage{AccessKey: "A", SecretKey: "S"}}, keyRegion, false},
		{Profile{VStorage: s3cfg.VStorage{AccessKey: "A", SecretKey: "S", Region: "HCM04", Endpoint: "ftp://x"}}, keyEndpoint, false},
		{Profile{Name: "my profile", VStorage: s3cfg.VStorage{AccessKey: "A", SecretKey: "S", Region: "HCM04"}}, "profile", false},
		{Profile{Name: "DEFAULT", VStorage: s3cfg.VStorage{AccessKey: "A", SecretKey: "S", Region: "HCM04"}}, "profile", true},
	} {
		var err error
		if tt.cred {
			_, err = tt.p.CredentialsSection()
		} else {
			_, err = tt.p.ConfigSection()
		}
		var ve *ValueError
		if !errors.As(err, &ve) || ve.Key != tt.key || !errors.Is(err, ErrUnexpressible) {
			t.Errorf("%+v: %v, want an error for %s", tt.p, err, tt.key)
		}
		if err != nil && strings.Contains(err.Error(), "secret") && strings.Contains(err.Error(), "spaced-secret") {
			t.Errorf("the error shows the secret: %v", err)
		}
	}
}

func TestCheckValue(t *testing.T) {
	for _, v := range []string{testSecret, `"quoted"`, "'single'", "`tick`", `"""x"""`, "%(x)s", "$HOME", "x # y", "[x]", "~"} {
		if err := CheckValue("k", v); err != nil {
			t.Errorf("%q: %v", v, err)
		}
	}
	for _, v := range []string{"", " x", "x ", "a\nb", "a\rb", "a\tb", "é", "\x7f"} {
		err := CheckValue("aws_secret_access_key", v)
		if err == nil || !strings.Contains(err.Error(), "aws_secret_access_key") {
			t.Errorf("%q: %v", v, err)
		}
	}
}

func TestCheckName(t *testing.T) {
	for _, n := range []string{"vstorage", "default", "a.b", "x+y@z", "prod-hcm04"} {
		if err := CheckName(n); err != nil {
			t.Errorf("%q: %v", n, err)
		}
	}
	for _, n := range []string{"", "a b", `a"b`, "a'b", "[x]", "DEFAULT", "a]b"} {
		if CheckName(n) == nil {
			t.Errorf("%q accepted", n)
		}
	}
}

func TestParse(t *testing.T) {
	in := "# c\r\n[DEFAULT]\r\nregion = def\r\n\r\n[a]\r\nKey = v1\r\nmulti = first\r\n\r\n  second\r\n  # a comment line inside\r\n  third\r\n\r\nnext : v2 ; not a comment\r\ns3 =\r\n  addressing_style = path\r\n  max_concurrent_requests = 5\r\n[DEFAULT]\r\noutput = json\r\n[profile b]"
	f, err := parse("config", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.sections) != 3 || f.sections[0].name != "DEFAULT" || f.sections[1].name != "a" || f.sections[2].name != "profile b" {
		t.Fatalf("%+v", f.sections)
	}
	a := f.sections[1]
	for k, want := range map[string]string{
		"key": "v1", "multi": "first\n\nsecond\nthird", "next": "v2 ; not a comment",
		"s3": "\naddressing_style = path\nmax_concurrent_requests = 5",
	} {
		if o := a.get(k); o == nil || o.value != want {
			t.Errorf("%s: %+v, want %q", k, o, want)
		}
	}
	if o := a.get("multi"); o.first != 6 || o.last != 10 || len(o.cont) != 2 {
		t.Errorf("multi lines %+v", o)
	}
	if d := f.defaults(); len(d.options) != 2 {
		t.Errorf("[DEFAULT] reopened: %+v", d.options)
	}
	eff, _ := effective(f, a)
	if eff["region"] != "def" || eff["output"] != "json" {
		t.Errorf("effective %v", eff)
	}

	for name, tt := range map[string]struct {
		in   string
		line int
	}{
		"duplicate section":         {"[a]\nx = 1\n[a]\n", 3},
		"duplicate key, other case": {"[a]\nRegion = 1\nregion = 2\n", 3},
		"key before a section":      {"x = 1\n[a]\n", 1},
		"no delimiter":              {"[a]\nsecret-without-delimiter\n", 2},
		"empty key":                 {"[a]\n= 1\n", 2},
		"nested without =":          {"[a]\ns3 =\n  path\n", 2},
		"BOM":                       {"\ufeff[a]\nx = 1\n", 1},
		"invalid UTF-8":             {"[a]\nx = \xff\n", 2},
	} {
		_, err := parse("credentials", []byte(tt.in))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != tt.line || pe.File != "credentials" {
			t.Errorf("%s: %v, want line %d", name, err, tt.line)
		}
		if err != nil && strings.Contains(err.Error(), "secret-without") {
			t.Errorf("%s: the error shows the line", name)
		}
	}
}

func TestProfileOf(t *testing.T) {
	for sec, want := range map[string]string{
		"default": "default", "profile a": "a", "profile  a ": "a", `profile "a b"`: "a b", "profilex y": "y",
		"profile": "", "profile a b": "", "DEFAULT": "", "services s": "", "sso-session s": "", "preview": "", `profile "a`: "",
	} {
		got, ok := profileOf(sec)
		if got != want || ok != (want != "") {
			t.Errorf("%q: %q %v", sec, got, ok)
		}
	}
}

const otherCreds = "# team credentials\n[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = default/secret\n\n; CI\n[ci]\naws_access_key_id=CIKEY\naws_secret_access_key=ci#secret\n"

const otherConfig = "[default]\nregion = us-east-1\noutput = json\n\n# CI profile\n[profile ci]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 4\n"

func TestMergeAppends(t *testing.T) {
	p := hcm04("S")
	out, ch, err := p.MergeCredentials([]byte(otherCreds))
	if err != nil {
		t.Fatal(err)
	}
	sec, _ := p.CredentialsSection()
	if string(out) != otherCreds+"\n"+string(sec) || !ch.Added || strings.Join(ch.Set, ",") != "aws_access_key_id,aws_secret_access_key" {
		t.Errorf("%q %+v", out, ch)
	}
	out, ch, err = p.MergeConfig([]byte(otherConfig))
	if err != nil {
		t.Fatal(err)
	}
	sec, _ = p.ConfigSection()
	if string(out) != otherConfig+"\n"+string(sec) || !ch.Added || len(ch.Set) != 5 {
		t.Errorf("%q %+v", out, ch)
	}
	// CRLF, no final newline, a lone-CR file.
	for in, want := range map[string]string{
		"[x]\r\nk = v":  "[x]\r\nk = v\r\n\r\n[vstorage]\r\n",
		"[x]\rk = v\r":  "[x]\rk = v\r\r[vstorage]\r",
		"":              "[vstorage]\n",
		"# only\n\n":    "# only\n\n[vstorage]\n",
		"[x]\nk = v\n ": "[x]\nk = v\n \n[vstorage]\n",
	} {
		out, _, err := p.MergeCredentials([]byte(in))
		if err != nil || !strings.HasPrefix(string(out), want) {
			t.Errorf("%q: %q %v", in, out, err)
		}
	}
}

func TestMergeUpdatesInPlace(t *testing.T) {
	creds := "[ci]\naws_access_key_id = CIKEY\naws_secret_access_key = ci\n\n[vstorage]\n# rotated monthly\nAWS_ACCESS_KEY_ID=OLD\naws_secret_access_key = old\naws_session_token = stale\n  continued\nx_note = mine\n\n[z]\nk = v\n"
	p := hcm04("new")
	out, ch, err := p.MergeCredentials([]byte(creds))
	if err != nil {
		t.Fatal(err)
	}
	want := "[ci]\naws_access_key_id = CIKEY\naws_secret_access_key = ci\n\n[vstorage]\n# rotated monthly\naws_access_key_id = AKEXAMPLE\naws_secret_access_key = new\nx_note = mine\n\n[z]\nk = v\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if strings.Join(ch.Set, ",") != "aws_access_key_id,aws_secret_access_key" || strings.Join(ch.Removed, ",") != "aws_session_token" || ch.Added {
		t.Errorf("%+v", ch)
	}
	if again, ch, _ := p.MergeCredentials(out); !bytes.Equal(again, out) || ch.Changed() {
		t.Errorf("second merge: %+v", ch)
	}

	conf := "[profile vstorage]\nregion=HAN02\noutput = text\ns3 =\n\taddressing_style = virtual\n\tmax_bandwidth = 50MB/s\n# end of vstorage\n\n[profile ci]\nregion = x\n"
	p.VStorage.PathStyle = true
	out, ch, err = p.MergeConfig([]byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	want = "[profile vstorage]\nregion = HCM04\noutput = text\ns3 =\n\taddressing_style = path\n\tmax_bandwidth = 50MB/s\nendpoint_url = https://hcm04.vstorage.vngcloud.vn\nrequest_checksum_calculation = when_required\nresponse_checksum_validation = when_required\n# end of vstorage\n\n[profile ci]\nregion = x\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if strings.Join(ch.Set, ",") != "endpoint_url,region,request_checksum_calculation,response_checksum_validation,s3" {
		t.Errorf("%+v", ch)
	}
	// An s3 block without addressing_style gets it, in the block's indent.
	conf = "[profile vstorage]\ns3 =\n  max_concurrent_requests = 4\n"
	out, _, err = p.MergeConfig([]byte(conf))
	if err != nil || !strings.HasPrefix(string(out), "[profile vstorage]\ns3 =\n  max_concurrent_requests = 4\n  addressing_style = path\nregion = HCM04\n") {
		t.Errorf("%v\n%s", err, out)
	}
	// A plain s3 value is replaced by the block.
	out, _, err = p.MergeConfig([]byte("[profile vstorage]\ns3 = nonsense\nregion = HCM04\n"))
	if err != nil || !strings.HasPrefix(string(out), "[profile vstorage]\ns3 =\n    addressing_style = path\nregion = HCM04\n") {
		t.Errorf("%v\n%s", err, out)
	}
	// [default] and [profile default] both name the default profile; the
	// last one counts.
	d := hcm04("S")
	d.Name = "default"
	out, ch, err = d.MergeConfig([]byte("[default]\nregion = a\n[profile default]\nregion = b\n"))
	if err != nil || ch.Added || !strings.HasPrefix(string(out), "[default]\nregion = a\n[profile default]\nregion = HCM04\n") {
		t.Errorf("%v %+v\n%s", err, ch, out)
	}
}

func TestMergeRefuses(t *testing.T) {
	p := hcm04("S")
	for _, conf := range []string{
		"[profile vstorage]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = ci\n",
		"[profile vstorage]\nsso_start_url = https://x\n",
		"[profile vstorage]\nservices = vst\n[services vst]\ns3 =\n  endpoint_url = https://elsewhere\n",
		"[DEFAULT]\ncredential_process = /bin/creds\n",
	} {
		if _, _, err := p.MergeConfig([]byte(conf)); !errors.Is(err, ErrConflict) {
			t.Errorf("%q: %v", conf, err)
		}
	}
	if _, _, err := p.MergeCredentials([]byte("[DEFAULT]\naws_session_token = t\n")); err == nil || !strings.Contains(err.Error(), "aws_session_token") {
		t.Errorf("session token from [DEFAULT]: %v", err)
	}
	var pe *ParseError
	if _, _, err := p.MergeCredentials([]byte("[vstorage]\naws_access_key_id = A\naws_access_key_id = B\n")); !errors.As(err, &pe) {
		t.Errorf("duplicate: %v", err)
	}
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	cred, conf := filepath.Join(dir, ".aws", "credentials"), filepath.Join(dir, ".aws", "config")
	p := hcm04("S1")
	res, err := p.WriteFiles(cred, conf, s3cfg.WriteOptions{MkdirAll: true})
	if err != nil || !res.Credentials.Created || !res.Config.Created {
		t.Fatalf("%+v %v", res, err)
	}
	for _, f := range []string{cred, conf} {
		if st, _ := os.Stat(f); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", f, st.Mode().Perm())
		}
	}
	oldCred, _ := os.ReadFile(cred)
	oldConf, _ := os.ReadFile(conf)
	// Unchanged: nothing written, even under Refuse.
	if res, err = p.WriteFiles(cred, conf, s3cfg.WriteOptions{}); err != nil || res.Credentials.Changed() || res.Config.Changed() {
		t.Fatalf("%+v %v", res, err)
	}
	// Refuse: the first file that changes is refused, nothing written.
	p2 := hcm04("S2")
	if _, err = p2.WriteFiles(cred, conf, s3cfg.WriteOptions{}); !errors.Is(err, s3cfg.ErrExist) {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(cred); !bytes.Equal(got, oldCred) {
		t.Fatal("credentials changed")
	}
	// Backup.
	res, err = p2.WriteFiles(cred, conf, s3cfg.WriteOptions{IfExists: s3cfg.Backup})
	if err != nil || res.Credentials.Backup == "" || res.Config.Changed() || res.Config.Backup != "" {
		t.Fatalf("%+v %v", res, err)
	}
	if got, _ := os.ReadFile(res.Credentials.Backup); !bytes.Equal(got, oldCred) {
		t.Error("backup")
	}
	// The config file cannot be written (it is a folder now): the
	// credentials file is put back.
	newCred, _ := os.ReadFile(cred)
	os.Remove(conf)
	os.Mkdir(conf, 0o700)
	p3 := hcm04("S3")
	if _, err = p3.WriteFiles(cred, conf, s3cfg.WriteOptions{IfExists: s3cfg.Backup}); err == nil {
		t.Fatal("wrote into a folder")
	}
	if got, _ := os.ReadFile(cred); !bytes.Equal(got, newCred) {
		t.Errorf("the credentials file was not put back:\n%s", got)
	}
	_ = oldConf
}

func TestDestinationsFor(t *testing.T) {
	for _, tt := range []struct {
		goos       string
		env        map[string]string
		cred, conf string
		err        error
	}{
		{"linux", map[string]string{"HOME": "/home/an"}, "/home/an/.aws/credentials", "/home/an/.aws/config", nil},
		{"darwin", map[string]string{"HOME": "/Users/an/"}, "/Users/an/.aws/credentials", "/Users/an/.aws/config", nil},
		{"linux", map[string]string{"HOME": "/home/an", EnvCredentials: "~/vst/creds", EnvConfig: "${XDG}/aws.conf", "XDG": "/x"}, "/home/an/vst/creds", "/x/aws.conf", nil},
		{"linux", map[string]string{"HOME": "/home/an", EnvConfig: "$UNSET/c"}, "/home/an/.aws/credentials", "$UNSET/c", nil},
		{"windows", map[string]string{"USERPROFILE": `C:\Users\An`, "HOME": "/ignored"}, `C:\Users\An\.aws\credentials`, `C:\Users\An\.aws\config`, nil},
		{"windows", map[string]string{"HOMEDRIVE": "D:", "HOMEPATH": `\Users\An`}, `D:\Users\An\.aws\credentials`, `D:\Users\An\.aws\config`, nil},
		{"windows", map[string]string{"USERPROFILE": `C:\Users\An`, EnvConfig: `%USERPROFILE%\vst\config`}, `C:\Users\An\.aws\credentials`, `C:\Users\An\vst\config`, nil},
		{"linux", map[string]string{"HOME": "/h", EnvCredentials: ""}, "", "", ErrNoFile},
		{"linux", map[string]string{}, "", "", s3cfg.ErrNoHome},
		{"linux", map[string]string{"HOME": "rel"}, "", "", s3cfg.ErrNoHome},
		{"windows", map[string]string{"HOME": `C:\h`}, "", "", s3cfg.ErrNoHome},
		{"linux", map[string]string{EnvCredentials: "/c", EnvConfig: "/d"}, "/c", "/d", nil},
	} {
		ds, err := DestinationsFor(tt.goos, s3cfg.EnvMap(tt.env))
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%s %v: %v", tt.goos, tt.env, err)
			}
			continue
		}
		if err != nil || ds.Credentials.Path != tt.cred || ds.Config.Path != tt.conf {
			t.Errorf("%s %v: %+v %v", tt.goos, tt.env, ds, err)
		}
	}
	ds, _ := DestinationsFor("windows", s3cfg.EnvMap(map[string]string{"USERPROFILE": `C:\Users\An`}))
	if ds.Config.Dir != `C:\Users\An\.aws` || ds.Config.Name != "config" || ds.Config.Rule != "~/.aws" {
		t.Errorf("%+v", ds.Config)
	}
}

func TestDefaultDestinations(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix rules")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, k := range []string{EnvCredentials, EnvConfig} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	ds, err := DefaultDestinations()
	if err != nil || ds.Credentials.Path != filepath.Join(home, ".aws", "credentials") || ds.Config.Path != filepath.Join(home, ".aws", "config") {
		t.Fatalf("%+v %v", ds, err)
	}
	t.Setenv(EnvConfig, "$HOME/other")
	if ds, err = DefaultDestinations(); err != nil || ds.Config.Path != home+"/other" || ds.Config.Rule != EnvConfig {
		t.Fatalf("%+v %v", ds, err)
	}
	os.Unsetenv("HOME")
	os.Unsetenv(EnvConfig)
	if ds, err = DefaultDestinations(); err != nil || !filepath.IsAbs(ds.Config.Path) {
		t.Errorf("%+v %v", ds, err)
	}
}
