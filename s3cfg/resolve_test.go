package s3cfg

import (
	"errors"
	"strings"
	"testing"
)

func resolve(t *testing.T, s string, env map[string]string) *Config {
	t.Helper()
	return mustParse(t, "[default]\naccess_key = A\nsecret_key = S\n"+s).Resolve(Runtime{LookupEnv: EnvMap(env)})
}

func TestBoolSpellings(t *testing.T) {
	for v, want := range map[string]bool{"True": true, "true": true, "YES": true, "on": true, "1": true,
		"False": false, "no": false, "OFF": false, "0": false} {
		c := resolve(t, "use_https = "+v+"\n", nil)
		got, err := c.Bool("use_https")
		if err != nil || got != want {
			t.Errorf("%q: %v, %v", v, got, err)
		}
		if text, _ := c.Value("use_https"); text != pyBool(want) {
			t.Errorf("%q dumps as %q", v, text)
		}
	}
	for _, v := range []string{"", "y", "n", "2", "None", "yes please"} {
		c := resolve(t, "use_https = "+v+"\n", nil)
		_, err := c.Bool("use_https")
		want := "Config: value of option 'use_https' must be Yes or No, not '" + v + "'"
		var oe *OptionError
		if !errors.As(err, &oe) || err.Error() != want || oe.ExitCode != ExitUsage {
			t.Errorf("%q: err = %v, want %q", v, err, want)
		}
		if c.Err() == nil || c.Err().Error() != want {
			t.Errorf("%q: Err = %v", v, c.Err())
		}
	}
}

func TestIntSpellings(t *testing.T) {
	for v, want := range map[string]int64{"08080": 8080, "+5": 5, "1_000": 1000, "-1": -1, "\u0663": 3} {
		c := resolve(t, "proxy_port = "+v+"\n", nil)
		if got, err := c.Int("proxy_port"); err != nil || got != want {
			t.Errorf("%q: %d, %v", v, got, err)
		}
	}
	c := resolve(t, "proxy_port = 0x10\n", nil)
	if _, err := c.Int("proxy_port"); err == nil || err.Error() != "Config: value of option 'proxy_port' must be an integer, not '0x10'" {
		t.Errorf("err = %v", err)
	}
	if _, err := resolve(t, "proxy_port = 99999999999999999999\n", nil).Int("proxy_port"); err == nil {
		t.Error("an int beyond int64 must be an error for Int")
	}
}

func TestVerbosityAndLimitrate(t *testing.T) {
	for v, want := range map[string]struct {
		text string
		n    int64
	}{"DEBUG": {"DEBUG", 10}, "FATAL": {"CRITICAL", 50}, "WARN": {"WARNING", 30}, "15": {"15", 15}, "20": {"INFO", 20}, "0": {"NOTSET", 0}} {
		c := resolve(t, "verbosity = "+v+"\n", nil)
		text, _ := c.Value("verbosity")
		n, err := c.Int("verbosity")
		if text != want.text || n != want.n || err != nil {
			t.Errorf("verbosity %q: %q %d %v", v, text, n, err)
		}
	}
	if err := resolve(t, "verbosity = debug\n", nil).Err(); err == nil || err.Error() != "Config: verbosity level 'debug' is not valid" {
		t.Errorf("verbosity debug: %v", err)
	}
	for v, want := range map[string]int64{"10k": 10240, "10K": 10240, "2m": 2 << 20, "-1k": -1024, "500": 500, "0": 0} {
		if n, err := resolve(t, "limitrate = "+v+"\n", nil).Int("limitrate"); err != nil || n != want {
			t.Errorf("limitrate %q: %d %v", v, n, err)
		}
	}
	for _, v := range []string{"0k", "1g", "k", "1.5k"} {
		want := "Config: value of option limitrate must have suffix m, k, or nothing, not '" + v + "'"
		if err := resolve(t, "limitrate = "+v+"\n", nil).Err(); err == nil || err.Error() != want {
			t.Errorf("limitrate %q: %v", v, err)
		}
	}
}

func TestEnvReferences(t *testing.T) {
	env := map[string]string{"SEC": "from-env", "HOST": "https://h.example", "SP": " x ", "CHAIN": "$SEC", "LOOP": "$LOOP", "B": "yes"}
	c := resolve(t, "secret_key = $SEC\nhost_base = $HOST\nwebsite_index = $SP\nwebsite_error = $CHAIN\nmime_type = $UNSET\ncontent_type = ${SEC}\nuse_https = $B\nadd_encoding_exts = \"$SEC\"\n", env)
	check := map[string]string{
		"secret_key": "from-env", "host_base": "h.example", "website_index": " x ", "website_error": "from-env",
		"mime_type": "", "content_type": "", "use_https": "True", "add_encoding_exts": "from-env",
	}
	for k, want := range check {
		if got, _ := c.Value(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if c.EnvVar("website_error") != "SEC" || c.EnvVar("mime_type") != "" || c.Line("secret_key") != 4 {
		t.Error("origin of values")
	}
	if err := resolve(t, "website_index = $LOOP\n", env).Err(); err == nil || !strings.Contains(err.Error(), "recursion") {
		t.Errorf("loop: %v", err)
	}
}

func TestHostSchemeStripped(t *testing.T) {
	c := resolve(t, "host_base = https://a\nhost_bucket = http://%(bucket)s.a\ncloudfront_host = HTTP://b\nsimpledb_host = https://c\n", nil)
	for k, want := range map[string]string{"host_base": "a", "host_bucket": "%(bucket)s.a", "cloudfront_host": "HTTP://b", "simpledb_host": "https://c"} {
		if got, _ := c.Value(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestACLPublic(t *testing.T) {
	if _, ok := resolve(t, "", nil).Value("acl_public"); ok {
		t.Fatal("acl_public is dumped only once set")
	}
	if _, err := resolve(t, "", nil).Bool("acl_public"); !errors.Is(err, ErrNotSet) {
		t.Fatal("unset acl_public")
	}
	c := resolve(t, "acl_public = yes\n", nil)
	if b, err := c.Bool("acl_public"); !b || err != nil {
		t.Fatal("acl_public = yes")
	}
	c = resolve(t, "acl_public = maybe  \n", nil)
	if v, _ := c.Value("acl_public"); v != "maybe  " {
		t.Fatalf("acl_public is applied unstripped: %q", v)
	}
	if !strings.Contains(string(c.Dump()), "\nacl_public = maybe  \nadd_encoding_exts") {
		t.Fatal("acl_public in the dump")
	}
}

func TestRuntimeDefaults(t *testing.T) {
	c := mustParse(t, "").Resolve(Runtime{Terminal: true, Encoding: "utf-8"})
	if v, _ := c.Value("progress_meter"); v != "True" {
		t.Error("progress_meter follows the terminal")
	}
	if v, _ := c.Value("encoding"); v != "utf-8" {
		t.Error("encoding follows the locale")
	}
	c = mustParse(t, "").Resolve(Runtime{})
	if v, _ := c.Value("encoding"); v != "UTF-8" {
		t.Error("default encoding")
	}
	if c.AccessKey() != "" || len(c.Keys()) != 87 {
		t.Error("defaults")
	}
}

// TestErrOrder: s3cmd stops on the first bad value in its option order,
// then on its later checks.
func TestErrOrder(t *testing.T) {
	c := resolve(t, "use_https = maybe\nproxy_port = x\n", nil)
	if !strings.Contains(c.Err().Error(), "proxy_port") {
		t.Errorf("Err = %v, want proxy_port's (it sorts first)", c.Err())
	}
	// Each option keeps its own error.
	if _, err := c.Bool("use_https"); err == nil {
		t.Error("use_https error")
	}
	for _, tt := range []struct{ in, msg string }{
		{"kms_key = k\nsignature_v2 = True\n", "KMS encryption requires signature v4"},
		{"multipart_chunk_size_mb = 4\n", "Chunk size 4 MB is too small"},
		{"multipart_chunk_size_mb = 5121\n", "Chunk size 5121 MB is too large"},
		{"socket_timeout = 9223372037\n", "too large"},
		{"encrypt = yes\n", "Encryption requested but no passphrase"},
		{"add_headers = a:b,c\n", "not enough values to unpack"},
	} {
		if err := resolve(t, tt.in, nil).Err(); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%q: %v", tt.in, err)
		}
	}
	if err := resolve(t, "encrypt = yes\ngpg_passphrase = p\nmultipart_chunk_size_mb = 5\n", nil).Err(); err != nil {
		t.Error(err)
	}
}

func TestOptionsTable(t *testing.T) {
	opts := Options()
	if len(opts) != 87 {
		t.Fatalf("%d options", len(opts))
	}
	for i := 1; i < len(opts); i++ {
		if opts[i-1].Key >= opts[i].Key {
			t.Fatal("not in byte order")
		}
	}
	if o, ok := LookupOption("use_https"); !ok || o.Kind != KindBool || o.Default != "True" {
		t.Fatal("use_https")
	}
	if _, ok := LookupOption("acl_public"); ok {
		t.Fatal("acl_public is not one of the 87")
	}
	if KindInt.String() != "int" || Kind(0).String() != "unknown" {
		t.Fatal("Kind.String")
	}
}
