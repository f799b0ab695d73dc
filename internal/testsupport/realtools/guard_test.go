package realtools

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodS3cfg = `[default]
access_key = AK
secret_key = SK
host_base = 127.0.0.1:7070
host_bucket = 127.0.0.1:7070
use_https = False
`

func TestCheckS3cmdConfig(t *testing.T) {
	t.Parallel()
	keys := "access_key = AK\nsecret_key = SK\n"
	hosts := "host_base = 127.0.0.1:7070\nhost_bucket = 127.0.0.1:7070\n"
	for _, tc := range []struct {
		name    string
		cfg     string
		env     []string
		wantErr string // "" means accepted
	}{
		{name: "good", cfg: goodS3cfg},
		{name: "localhost", cfg: keys + "host_base = localhost:7070\nhost_bucket = localhost:7070\n"},
		{name: "LOCALHOST", cfg: keys + "host_base = LOCALHOST\nhost_bucket = LOCALHOST\n"},
		{name: "ipv6 loopback", cfg: keys + "host_base = [::1]:7070\nhost_bucket = [::1]:7070\n"},
		{name: "127/8 no port", cfg: keys + "host_base = 127.1.2.3\nhost_bucket = 127.1.2.3\n"},
		{name: "scheme stripped", cfg: keys + "host_base = http://127.0.0.1:7070\nhost_bucket = https://127.0.0.1:7070\n"},
		{name: "host_bucket without placeholder is unused", cfg: keys + "host_base = 127.0.0.1:7070\nhost_bucket = example.com\n"},
		{name: "crlf", cfg: strings.ReplaceAll(goodS3cfg, "\n", "\r\n")},
		{name: "cr only", cfg: strings.ReplaceAll(goodS3cfg, "\n", "\r")},
		{name: "keys before any section, quoted", cfg: "access_key = \"AK\"\nsecret_key=SK\n" + hosts},
		{name: "empty then set later", cfg: "secret_key =\n" + keys + hosts},

		{name: "empty secret", cfg: "access_key = AK\nsecret_key = \n" + hosts, wantErr: "secret_key is empty"},
		{name: "quoted empty secret", cfg: "access_key = AK\nsecret_key = \"\"\n" + hosts, wantErr: "secret_key is empty"},
		{name: "whitespace secret", cfg: "access_key = AK\nsecret_key =   \t \n" + hosts, wantErr: "secret_key is empty"},
		{name: "empty access key", cfg: "access_key =\nsecret_key = SK\n" + hosts, wantErr: "access_key is empty"},
		{name: "no secret line", cfg: "access_key = AK\n" + hosts, wantErr: "secret_key is empty"},
		{name: "commented secret", cfg: "access_key = AK\n  # secret_key = SK\n" + hosts, wantErr: "secret_key is empty"},
		{name: "later empty secret in another section wins", cfg: keys + hosts + "[other]\nsecret_key =\n", wantErr: "secret_key is empty"},
		{name: "BOM hides the first key", cfg: "\ufeffaccess_key = AK\nsecret_key = SK\n" + hosts, wantErr: "access_key is empty"},
		{name: "unset variable", cfg: "access_key = AK\nsecret_key = $REALTOOLS_UNSET\n" + hosts, wantErr: "secret_key is empty"},
		{name: "variable set", cfg: "access_key = AK\nsecret_key = $SK_VAR\n" + hosts, env: []string{"SK_VAR=xyz"}},
		{name: "variable set to empty", cfg: "access_key = AK\nsecret_key = $SK_VAR\n" + hosts, env: []string{"SK_VAR="}, wantErr: "secret_key is empty"},
		{name: "variable last entry wins", cfg: "access_key = AK\nsecret_key = $SK_VAR\n" + hosts, env: []string{"SK_VAR=x", "SK_VAR="}, wantErr: "secret_key is empty"},

		{name: "access token", cfg: goodS3cfg + "access_token = tok\n", wantErr: "access_token is set"},
		{name: "access token in a later section", cfg: goodS3cfg + "[x]\naccess_token=tok\n", wantErr: "access_token is set"},
		{name: "indented access token", cfg: goodS3cfg + "   access_token = tok\n", wantErr: "access_token is set"},
		{name: "nbsp-indented access token (Python \\s)", cfg: goodS3cfg + "\u00a0access_token = tok\n", wantErr: "access_token is set"},
		{name: "access token with inline #", cfg: goodS3cfg + "access_token = # not a comment\n", wantErr: "access_token is set"},
		{name: "access token from variable", cfg: goodS3cfg + "access_token = $TOK\n", env: []string{"TOK=t"}, wantErr: "access_token is set"},
		{name: "commented access token", cfg: goodS3cfg + "# access_token = tok\n"},
		{name: "semicolon line is ignored by s3cmd", cfg: goodS3cfg + "; access_token = tok\n"},
		{name: "quoted empty access token", cfg: goodS3cfg + "access_token = \"\"\n"},
		{name: "access token set then cleared", cfg: goodS3cfg + "access_token = tok\n[b]\naccess_token =\n"},

		{name: "vstorage host", cfg: keys + "host_base = hcm04.vstorage.vngcloud.vn\nhost_bucket = hcm04.vstorage.vngcloud.vn\n", wantErr: "host_base"},
		{name: "private address", cfg: keys + "host_base = 10.0.0.1:80\nhost_bucket = 10.0.0.1:80\n", wantErr: "not a loopback host"},
		{name: "metadata address", cfg: keys + "host_base = 169.254.169.254\nhost_bucket = 169.254.169.254\n", wantErr: "not a loopback host"},
		{name: "default host_base", cfg: keys, wantErr: `host_base = "s3.amazonaws.com"`},
		{name: "host_base from unset variable", cfg: keys + "host_base = $NOPE\nhost_bucket = 127.0.0.1\n", wantErr: `host_base = "s3.amazonaws.com"`},
		{name: "userinfo trick", cfg: keys + "host_base = 127.0.0.1@example.com\nhost_bucket = 127.0.0.1\n", wantErr: "not a loopback host"},
		{name: "userinfo trick 2", cfg: keys + "host_base = example.com@127.0.0.1:80\nhost_bucket = 127.0.0.1\n", wantErr: "not a loopback host"},
		{name: "port trick", cfg: keys + "host_base = 127.0.0.1:80@example.com\nhost_bucket = 127.0.0.1\n", wantErr: "not a loopback host"},
		{name: "short IPv4 form", cfg: keys + "host_base = 127.1\nhost_bucket = 127.1\n", wantErr: "not a loopback host"},
		{name: "uppercase scheme is not stripped", cfg: keys + "host_base = HTTP://127.0.0.1\nhost_bucket = 127.0.0.1\n", wantErr: "not a loopback host"},
		{name: "virtual host on IP", cfg: keys + "host_base = 127.0.0.1:7070\nhost_bucket = %(bucket)s.127.0.0.1:7070\n", wantErr: "virtual-host"},
		{name: "virtual host on localhost", cfg: keys + "host_base = localhost:7070\nhost_bucket = %(bucket)s.localhost:7070\n", wantErr: "virtual-host"},
		{name: "default host_bucket is virtual host", cfg: keys + "host_base = 127.0.0.1:7070\n", wantErr: "virtual-host"},
		{name: "virtual host through loopback proxy", cfg: keys + "host_base = hcm04.vstorage.vngcloud.vn\nhost_bucket = %(bucket)s.hcm04.vstorage.vngcloud.vn\nproxy_host = 127.0.0.1\nproxy_port = 7070\n"},
		{name: "remote proxy", cfg: keys + hosts + "proxy_host = proxy.example.com\nproxy_port = 3128\n", wantErr: "proxy_host"},

		{name: "not UTF-8", cfg: goodS3cfg + "# \xff\xfe\n", wantErr: "not valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckS3cmdConfig([]byte(tc.cfg), tc.env)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("accepted, want an error containing %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("error %q does not contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestParseS3cmdLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line, key, value string
		ok               bool
	}{
		{"key = value", "key", "value", true},
		{"key=value", "key", "value", true},
		{"  key  =  a = b  ", "key", "a = b", true},
		{`key = "quoted"`, "key", "quoted", true},
		{`key = "quoted"  `, "key", `quoted"`, true}, // s3cmd's [1:-1] bug
		{`key = 'single'`, "key", "'single'", true},
		{`key = "`, "key", `"`, true},
		{`key = "a"b"`, "key", `a"b`, true},
		{"key = v # not a comment", "key", "v # not a comment", true},
		{"# key = v", "", "", false},
		{"; key = v", "", "", false},
		{"[section]", "", "", false},
		{"  [section]", "", "", false},
		{"key-dash = v", "", "", false},
		{"key: v", "", "", false},
		{"", "", "", false},
		{"\u3000", "", "", false},
		{"\x1ckey = v", "key", "v", true}, // \x1c is whitespace to Python
		{"clé = v", "clé", "v", true},     // \w is Unicode
	} {
		key, value, ok := parseS3cmdLine(tc.line)
		if key != tc.key || value != tc.value || ok != tc.ok {
			t.Errorf("parseS3cmdLine(%q) = %q, %q, %v; want %q, %q, %v", tc.line, key, value, ok, tc.key, tc.value, tc.ok)
		}
	}
}

func TestIsLoopbackHostPort(t *testing.T) {
	t.Parallel()
	for hp, want := range map[string]bool{
		"127.0.0.1": true, "127.0.0.1:7070": true, "127.255.255.254:1": true, "localhost": true,
		"localhost:80": true, "Localhost:80": true, "[::1]": true, "[::1]:7070": true,
		"": false, "::1": false, "[::1]x": false, "[::1]:": false, "127.0.0.1:": false,
		"127.0.0.1:123456": false, "127.0.0.1:8o": false, "128.0.0.1": false, "10.0.0.1:80": false,
		"169.254.169.254": false, "0.0.0.0": false, "[::]:80": false, "[::ffff:127.0.0.1]:80": false,
		"localhost.": false, "a.localhost": false, "127.0.0.1.nip.io": false, "127.0.0.1/x": false,
		"user@127.0.0.1": false, "127.000.0.1": false, "[fe80::1]": false,
	} {
		if got := isLoopbackHostPort(hp); got != want {
			t.Errorf("isLoopbackHostPort(%q) = %v, want %v", hp, got, want)
		}
	}
}

func TestCheckS3cmdArgs(t *testing.T) {
	t.Parallel()
	cfg, err := parseS3cmdConfig([]byte(goodS3cfg))
	if err != nil {
		t.Fatal(err)
	}
	cfLocal, err := parseS3cmdConfig([]byte(goodS3cfg + "cloudfront_host = 127.0.0.1:9\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args    []string
		cfg     *s3cmdConfig
		wantErr string
	}{
		{args: []string{"ls"}},
		{args: []string{"put", "--acl-public", "-v", "f", "s3://b/k"}},
		{args: []string{"put", "-mtext/css", "f", "s3://b/k"}}, // c inside -m's value
		{args: []string{"--continue", "get", "s3://b/k"}},
		{args: []string{"--region=HCM04", "mb", "s3://b"}},
		{args: []string{"ls", "--", "-c"}},
		{args: []string{"-c", "other.cfg", "ls"}, wantErr: "-c"},
		{args: []string{"-rc", "other.cfg", "ls"}, wantErr: "-c"},
		{args: []string{"--config=other.cfg", "ls"}, wantErr: "--config"},
		{args: []string{"--conf", "other.cfg", "ls"}, wantErr: "--conf"},
		{args: []string{"--configure"}, wantErr: "--configure"},
		{args: []string{"--access_key=AK", "ls"}, wantErr: "--access_key"},
		{args: []string{"ls", "--secret_key", "x"}, wantErr: "--secret_key"},
		{args: []string{"--access_token=t", "ls"}, wantErr: "--access_token"},
		{args: []string{"--host=10.0.0.1", "ls"}, wantErr: "--host"},
		{args: []string{"--host-bucket=%(bucket)s.x", "ls"}, wantErr: "--host-bucket"},
		{args: []string{"--ho=x", "ls"}, wantErr: "--ho"},
		{args: []string{"cflist"}, wantErr: "CloudFront"},
		{args: []string{"sync", "--cf-invalidate", "d/", "s3://b/"}, wantErr: "CloudFront"},
		{args: []string{"cflist"}, cfg: cfLocal},
	} {
		c := tc.cfg
		if c == nil {
			c = cfg
		}
		err := checkS3cmdArgs(tc.args, c, nil)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%q refused: %v", tc.args, err)
		case tc.wantErr != "" && err == nil:
			t.Errorf("%q accepted, want an error containing %q", tc.args, tc.wantErr)
		case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
			t.Errorf("%q: error %q does not contain %q", tc.args, err, tc.wantErr)
		}
	}
}

func TestCheckRclone(t *testing.T) {
	t.Parallel()
	good := "[t]\ntype = s3\nprovider = Other\nendpoint = http://127.0.0.1:7070\naccess_key_id = a\nsecret_access_key = b\n"
	for _, tc := range []struct {
		name, cfg, wantErr string
	}{
		{name: "good", cfg: good},
		{name: "good plus alias and local", cfg: good + "[a]\ntype = alias\nremote = t:bucket\n[l]\ntype = local\n"},
		{name: "quoted endpoint", cfg: "[t]\ntype = s3\nendpoint = \"http://localhost:1\"\n"},
		{name: "no endpoint", cfg: "[t]\ntype = s3\nprovider = AWS\n", wantErr: "without endpoint"},
		{name: "remote endpoint", cfg: "[t]\ntype = s3\nendpoint = https://hcm04.vstorage.vngcloud.vn\n", wantErr: "not an http(s) URL of a loopback host"},
		{name: "endpoint without scheme", cfg: "[t]\ntype = s3\nendpoint = 127.0.0.1:7070\n", wantErr: "loopback"},
		{name: "env_auth", cfg: good + "env_auth = true\n", wantErr: "env_auth"},
		{name: "other backend", cfg: good + "[g]\ntype = drive\n", wantErr: `type "drive"`},
		{name: "encrypted", cfg: "# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nabc\n", wantErr: "encrypted"},
	} {
		err := checkRcloneConfig([]byte(tc.cfg))
		if (err == nil) != (tc.wantErr == "") || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: checkRcloneConfig = %v, want error containing %q", tc.name, err, tc.wantErr)
		}
	}
	for _, tc := range []struct {
		args    []string
		wantErr string
	}{
		{args: []string{"lsd", "t:"}},
		{args: []string{"copyto", "/tmp/a,b:c", "t:bucket/k", "--retries", "1"}},
		{args: []string{"config", "show"}},
		{args: []string{"lsf", ":local:/tmp"}},
		{args: []string{"lsd", ":s3:bucket"}, wantErr: "on-the-fly"},
		{args: []string{"lsd", "--", ":s3:bucket"}, wantErr: "on-the-fly"},
		{args: []string{"lsd", "t,endpoint=http://example.com:bucket"}, wantErr: "connection-string"},
		{args: []string{"lsd", "--s3-endpoint=http://example.com", "t:"}, wantErr: "--s3-endpoint"},
		{args: []string{"lsd", "--config", "/other", "t:"}, wantErr: "--config"},
		{args: []string{"config", "create", "g", "drive"}, wantErr: "read-only"},
		{args: []string{"selfupdate"}, wantErr: "internet"},
	} {
		err := checkRcloneArgs(tc.args)
		if (err == nil) != (tc.wantErr == "") || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("checkRcloneArgs(%q) = %v, want error containing %q", tc.args, err, tc.wantErr)
		}
	}
}

func TestCheckAWS(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, wantErr string
	}{
		{name: "credentials", file: "[default]\naws_access_key_id = a\naws_secret_access_key = b\n"},
		{name: "config", file: "[default]\nregion = HCM04\ns3 =\n  addressing_style = path\n[profile x]\noutput = json\n"},
		{name: "role", file: "[profile x]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n", wantErr: "fetch credentials elsewhere"},
		{name: "sso", file: "[profile x]\nsso_start_url = https://x.awsapps.com/start\n", wantErr: "sso_start_url"},
		{name: "sso session", file: "[sso-session s]\nsso_region = us-east-1\n", wantErr: "SSO"},
		{name: "process", file: "[default]\ncredential_process = /bin/echo\n", wantErr: "credential_process"},
		{name: "web identity", file: "[default]\nweb_identity_token_file = /tok\n", wantErr: "web_identity_token_file"},
	} {
		err := checkAWSFile("f", []byte(tc.file))
		if (err == nil) != (tc.wantErr == "") || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: checkAWSFile = %v, want error containing %q", tc.name, err, tc.wantErr)
		}
	}
	for _, tc := range []struct {
		args    []string
		wantErr string
	}{
		{args: []string{"s3", "ls"}},
		{args: []string{"s3", "cp", "--exclude", "*", "a", "s3://b/"}},
		{args: []string{"--endpoint", "http://10.0.0.1", "s3", "ls"}, wantErr: "--endpoint"},
		{args: []string{"s3", "ls", "--endpoint-url=http://x"}, wantErr: "--endpoint-url"},
		{args: []string{"--e", "http://x", "s3", "ls"}, wantErr: "--e"},
		{args: []string{"sso", "login"}, wantErr: "sso"},
	} {
		err := checkAWSArgs(tc.args)
		if (err == nil) != (tc.wantErr == "") || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("checkAWSArgs(%q) = %v, want error containing %q", tc.args, err, tc.wantErr)
		}
	}
	for u, ok := range map[string]bool{
		"http://127.0.0.1:7070": true, "https://localhost": true, "http://[::1]:80/": true,
		"http://user@127.0.0.1": false, "ftp://127.0.0.1": false, "http://10.0.0.1": false,
		"127.0.0.1:80": false, "http://hcm04.vstorage.vngcloud.vn": false, "http:127.0.0.1": false,
	} {
		if err := checkLoopbackURL(u); (err == nil) != ok {
			t.Errorf("checkLoopbackURL(%q) = %v, want ok=%v", u, err, ok)
		}
	}
}

// TestRunS3cmdRefuses drives the real entry point with a fake testing.TB:
// each unsafe config must end in t.Fatalf before s3cmd is even looked up.
func TestRunS3cmdRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keys := "access_key = AK\nsecret_key = SK\n"
	hosts := "host_base = 127.0.0.1:7070\nhost_bucket = 127.0.0.1:7070\n"
	for _, tc := range []struct {
		name, cfg string
		args      []string
		extra     []string
		want      []string
	}{
		{name: "empty-secret", cfg: "access_key = AK\nsecret_key =\n" + hosts, want: []string{"secret_key is empty", "169.254.169.254"}},
		{name: "access-token", cfg: keys + hosts + "access_token = x\n", want: []string{"access_token is set"}},
		{name: "remote-host", cfg: keys + "host_base = hcm04.vstorage.vngcloud.vn\nhost_bucket = hcm04.vstorage.vngcloud.vn\n", want: []string{"host_base", "not a loopback host"}},
		{name: "virtual-host", cfg: keys + "host_base = 127.0.0.1:7070\nhost_bucket = %(bucket)s.127.0.0.1:7070\n", want: []string{"virtual-host"}},
		{name: "override", cfg: keys + hosts, args: []string{"--host=10.0.0.1", "ls"}, want: []string{"--host"}},
		{name: "aws-env", cfg: keys + hosts, extra: []string{"AWS_ACCESS_KEY_ID=x"}, want: []string{"AWS_ACCESS_KEY_ID"}},
		{name: "proxy-env", cfg: keys + hosts, extra: []string{"HTTPS_PROXY=http://10.0.0.1:3128"}, want: []string{"proxy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := WriteFile(t, dir, tc.name+".s3cfg", tc.cfg)
			args := tc.args
			if args == nil {
				args = []string{"ls"}
			}
			o := runFake(t, func(tb testing.TB) { Cmd{Extra: tc.extra}.RunS3cmd(tb, path, args...) })
			mustRefuse(t, o, append([]string{"realtools: refusing"}, tc.want...)...)
		})
	}
	t.Run("missing-file", func(t *testing.T) {
		t.Parallel()
		o := runFake(t, func(tb testing.TB) { RunS3cmd(tb, "", filepath.Join(dir, "nope.s3cfg"), "ls") })
		mustRefuse(t, o, "cannot read the config file", "169.254.169.254")
	})
}

func TestRunRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		fn   func(tb testing.TB)
		want string
	}{
		{"proxy in extra", func(tb testing.TB) { Run(tb, "", []string{"http_proxy=http://10.0.0.1:3128"}, "true") }, "proxy variable http_proxy"},
		{"malformed extra", func(tb testing.TB) { Run(tb, "", []string{"NOEQUALS"}, "true") }, "not KEY=VALUE"},
		{"plain s3cmd", func(tb testing.TB) { Run(tb, "", nil, "s3cmd", "ls") }, "RunS3cmd"},
		{"plain aws", func(tb testing.TB) { Run(tb, "", nil, "/usr/bin/aws", "s3", "ls") }, "RunAWS"},
		{"plain rclone", func(tb testing.TB) { Run(tb, "", nil, "rclone", "lsd", "t:") }, "RunRclone"},
		{"aws remote endpoint", func(tb testing.TB) {
			c, f := WriteFile(tb, dir, "c", "[default]\n"), WriteFile(tb, dir, "f", "[default]\n")
			RunAWS(tb, "", c, f, "https://hcm04.vstorage.vngcloud.vn", "s3", "ls")
		}, "not an http(s) URL of a loopback host"},
		{"aws role", func(tb testing.TB) {
			c, f := WriteFile(tb, dir, "c2", "[default]\n"), WriteFile(tb, dir, "f2", "[default]\nrole_arn = x\n")
			RunAWS(tb, "", c, f, "http://127.0.0.1:1", "s3", "ls")
		}, "role_arn"},
		{"aws missing file", func(tb testing.TB) {
			RunAWS(tb, "", filepath.Join(dir, "none"), filepath.Join(dir, "none2"), "http://127.0.0.1:1", "s3", "ls")
		}, "no such file"},
		{"aws env", func(tb testing.TB) {
			c, f := WriteFile(tb, dir, "c3", "[default]\n"), WriteFile(tb, dir, "f3", "[default]\n")
			Cmd{Extra: []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://10.0.0.1/"}}.RunAWS(tb, c, f, "http://127.0.0.1:1", "s3", "ls")
		}, "AWS_CONTAINER_CREDENTIALS_FULL_URI"},
		{"rclone remote endpoint", func(tb testing.TB) {
			RunRclone(tb, "", WriteFile(tb, dir, "r.conf", "[t]\ntype = s3\nendpoint = https://hcm04.vstorage.vngcloud.vn\n"), "lsd", "t:")
		}, "loopback"},
		{"rclone env", func(tb testing.TB) {
			Cmd{Extra: []string{"RCLONE_S3_ENDPOINT=http://10.0.0.1"}}.RunRclone(tb, WriteFile(tb, dir, "r2.conf", "[l]\ntype = local\n"), "lsd", "l:/")
		}, "RCLONE_S3_ENDPOINT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mustRefuse(t, runFake(t, tc.fn), tc.want)
		})
	}
}

// TestToolLookupCI checks that a missing tool skips, or fails when CI is set.
func TestToolLookupCI(t *testing.T) {
	spec := toolSpec{name: "realtools-no-such-tool", install: "apt-get install -y nothing"}
	t.Setenv("CI", "")
	o := runFake(t, func(tb testing.TB) { findTool(tb, spec) })
	if o.returned || o.fatal != "" || !strings.Contains(o.skipped, "realtools-no-such-tool not found: apt-get install -y nothing") {
		t.Errorf("without CI: got %+v, want a skip naming the install command", o)
	}
	t.Setenv("CI", "true")
	o = runFake(t, func(tb testing.TB) { findTool(tb, spec) })
	if o.returned || o.skipped != "" || !strings.Contains(o.fatal, "realtools-no-such-tool not found") || !strings.Contains(o.fatal, "CI is set") {
		t.Errorf("with CI: got %+v, want a failure", o)
	}
	// $VERSITYGW pointing nowhere is an error, never a skip.
	t.Setenv("CI", "")
	t.Setenv("VERSITYGW", filepath.Join(t.TempDir(), "missing"))
	o = runFake(t, func(tb testing.TB) { VersityGW(tb) })
	if o.returned || !strings.Contains(o.fatal, "VERSITYGW=") {
		t.Errorf("bad $VERSITYGW: got %+v, want a failure", o)
	}
	// A file that exists but does not run is reported as broken.
	bad := filepath.Join(t.TempDir(), "broken-tool")
	if err := os.WriteFile(bad, []byte("#!/bin/sh\necho broken >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	o = runFake(t, func(tb testing.TB) {
		findTool(tb, toolSpec{name: "x", preferred: []string{bad}, probe: []string{"--version"}, install: "fix it"})
	})
	if o.returned || !strings.Contains(o.skipped, "does not work") || !strings.Contains(o.skipped, "broken") {
		t.Errorf("broken tool: got %+v, want a skip saying it does not work", o)
	}
}
