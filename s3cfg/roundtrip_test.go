package s3cfg

import (
	"bytes"
	"crypto/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/safefile"
	"github.com/vstorage-sdk/vngcloud/internal/testsupport/realtools"
	"github.com/vstorage-sdk/vngcloud/vstorage/region"
)

// trickySecret has the characters that break INI readers: an inline "#"
// or ";" would cut it, "%" and "=" are kept raw by s3cmd.
const trickySecret = "vStorage+Dummy/Secret=Key%1#not;a-comment"

// writeConfig writes data as HOME/.s3cfg with internal/safefile and checks
// the mode.
func writeConfig(t *testing.T, home string, data []byte) string {
	t.Helper()
	p := filepath.Join(home, UnixName)
	if _, err := safefile.Write(p, data, safefile.Options{}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("config mode: %v %v", st.Mode().Perm(), err)
	}
	return p
}

// s3cmdRoundTrip makes a bucket, puts, lists, gets (same bytes), deletes
// and removes the bucket with the real s3cmd and the config at cfg.
func s3cmdRoundTrip(t *testing.T, home, cfg, bucket string) {
	t.Helper()
	run := func(args ...string) string {
		t.Helper()
		stdout, stderr, code := realtools.RunS3cmd(t, home, cfg, args...)
		if code != 0 {
			t.Fatalf("s3cmd %s: exit %d\n%s\n%s", strings.Join(args, " "), code, stdout, stderr)
		}
		return stdout
	}
	payload := make([]byte, 300<<10)
	rand.Read(payload)
	src := filepath.Join(home, "payload.bin")
	dst := filepath.Join(home, "fetched.bin")
	if err := os.WriteFile(src, payload, 0o600); err != nil {
		t.Fatal(err)
	}
	obj := "s3://" + bucket + "/dir/payload.bin"
	run("mb", "s3://"+bucket)
	run("put", src, obj)
	if out := run("ls", "s3://"+bucket+"/dir/"); !strings.Contains(out, obj) {
		t.Fatalf("ls does not list %s:\n%s", obj, out)
	}
	run("get", obj, dst)
	got, err := os.ReadFile(dst)
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("get returned %d bytes (err %v), want the %d bytes put", len(got), err, len(payload))
	}
	run("del", obj)
	run("rb", "s3://"+bucket)
	if out := run("ls"); strings.Contains(out, "s3://"+bucket) {
		t.Fatalf("the bucket is still listed:\n%s", out)
	}
}

// TestRealS3cmdRoundTripPathStyle: the configs we generate for an explicit
// endpoint (short and full form) let the real s3cmd work against a real
// SigV4-checking S3 server on 127.0.0.1, and a wrong secret is refused.
func TestRealS3cmdRoundTripPathStyle(t *testing.T) {
	srv := realtools.StartS3Server(t, region.HCM04().Name)
	const ak = "VSTORAGEROUNDTRIP01"
	if err := srv.AddUser(ak, trickySecret); err != nil {
		t.Fatal(err)
	}
	v := VStorage{AccessKey: ak, SecretKey: vngcloud.Secret(trickySecret), Region: "hcm04", Endpoint: srv.Endpoint, PathStyle: true}
	short, err := v.Short()
	if err != nil {
		t.Fatal(err)
	}
	full, err := v.Full(nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"short": short, "full": full} {
		t.Run(name, func(t *testing.T) {
			home := t.TempDir()
			cfg := writeConfig(t, home, data)
			s3cmdRoundTrip(t, home, cfg, "vst-"+name)
		})
	}
	t.Run("wrong secret", func(t *testing.T) {
		bad := v
		bad.SecretKey = vngcloud.Secret(trickySecret + "x")
		data, _ := bad.Short()
		home := t.TempDir()
		cfg := writeConfig(t, home, data)
		_, stderr, code := realtools.RunS3cmd(t, home, cfg, "ls")
		if code != 77 || !strings.Contains(stderr, "SignatureDoesNotMatch") {
			t.Fatalf("exit %d, want 77 with SignatureDoesNotMatch:\n%s", code, stderr)
		}
	})
	t.Run("secret cut at an inline comment", func(t *testing.T) {
		// What an INI writer/reader pair that treats "#" as a comment
		// would leave: the server refuses it, which is why the secret
		// must be written raw.
		cut := v
		cut.SecretKey = vngcloud.Secret(strings.SplitN(trickySecret, "#", 2)[0])
		data, _ := cut.Short()
		home := t.TempDir()
		_, _, code := realtools.RunS3cmd(t, home, writeConfig(t, home, data), "ls")
		if code != 77 {
			t.Fatalf("exit %d, want 77", code)
		}
	})
}

// TestRealS3cmdVirtualHost: the default, virtual-host config for vStorage
// HCM04, with only its endpoint lines changed by File.Set (use_https off,
// s3cmd's proxy pointed at the server) works against a server that serves
// the vStorage domain, without DNS and without leaving loopback.
func TestRealS3cmdVirtualHost(t *testing.T) {
	host := region.HCM04().S3Endpoint
	srv := realtools.StartS3ServerWith(t, realtools.S3ServerOptions{Region: region.HCM04().Name, VirtualDomain: host})
	const ak = "VSTORAGEVIRTUAL0001"
	if err := srv.AddUser(ak, trickySecret); err != nil {
		t.Fatal(err)
	}
	full, err := VStorage{AccessKey: ak, SecretKey: vngcloud.Secret(trickySecret), Region: region.HCM04().Name}.Full(nil)
	if err != nil {
		t.Fatal(err)
	}
	f := mustParse(t, string(full))
	_, port, _ := net.SplitHostPort(srv.HostPort)
	for k, v := range map[string]string{"use_https": "False", "proxy_host": "127.0.0.1", "proxy_port": port} {
		if err := f.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	// Exactly three lines changed.
	diff := lineDiff(string(full), string(f.Bytes()))
	if n := strings.Count(diff, "line "); n != 3 {
		t.Fatalf("%d lines changed:\n%s", n, diff)
	}
	home := t.TempDir()
	s3cmdRoundTrip(t, home, writeConfig(t, home, f.Bytes()), "vst-virtual")
}

// TestFullEqualsS3cmdDumpOfShort: for several answer sets, the full form
// with DumpConfigMachine is byte for byte what the real
// "s3cmd --dump-config" prints for the short form, and ConfigureMachine's
// full form dumps to itself.
func TestFullEqualsS3cmdDumpOfShort(t *testing.T) {
	realtools.S3cmd(t)
	for name, v := range map[string]VStorage{
		"hcm04":       sampleVStorage,
		"han02 path":  {AccessKey: "AKHAN02", SecretKey: trickySecret, Region: "han02", PathStyle: true},
		"hcm03":       {AccessKey: "AKHCM03", SecretKey: "s/e+c=r%%et", Region: "HCM03"},
		"http":        {AccessKey: "AKLOCAL", SecretKey: "x", Region: "lab", Endpoint: "http://127.0.0.1:9000"},
		"non-ascii":   {AccessKey: "AKNONASCII", SecretKey: "mật-khẩu", Region: "HCM04"},
		"encrypt ssl": {AccessKey: "AKENC", SecretKey: "'single'", Region: "HCM04", Endpoint: "hcm03-encrypt-vstorage.vngcloud.vn"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			short, err := v.Short()
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "short.s3cfg")
			os.WriteFile(p, short, 0o600)
			want, _ := v.Full(DumpConfigMachine())
			if got := realtools.DumpConfig(t, p); got != string(want) {
				t.Fatalf("s3cmd --dump-config of the short form differs from Full(DumpConfigMachine()):\n%s", lineDiff(got, string(want)))
			}
			full, _ := v.Full(nil)
			q := filepath.Join(dir, "full.s3cfg")
			os.WriteFile(q, full, 0o600)
			if got := realtools.DumpConfig(t, q); got != string(full) {
				t.Fatalf("s3cmd --dump-config of the full form is not the full form:\n%s", lineDiff(got, string(full)))
			}
		})
	}
}

// TestFullEqualsS3cmdConfigure runs the real "s3cmd --configure" on a
// terminal (script(1) provides one), answering its prompts with the vStorage
// values, and compares the file it saves with Full for the same answers.
// It runs inside a network namespace where there is one.
func TestFullEqualsS3cmdConfigure(t *testing.T) {
	bin := realtools.S3cmd(t)
	script, err := exec.LookPath("script")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("script(1) (util-linux) is needed to give s3cmd --configure a terminal")
		}
		t.Skip("script(1) is not available")
	}
	gpg := "None" // which("gpg") found nothing
	if p, err := exec.LookPath("gpg"); err == nil {
		gpg = p
	}
	for name, v := range map[string]VStorage{
		"hcm04":      sampleVStorage,
		"han02 path": {AccessKey: "AKHAN02", SecretKey: trickySecret, Region: "HAN02", PathStyle: true},
	} {
		t.Run(name, func(t *testing.T) {
			home := t.TempDir()
			cfg := filepath.Join(home, "configured.s3cfg")
			// An existing file with keys keeps s3cmd from looking for
			// credentials elsewhere before it prompts.
			os.WriteFile(cfg, []byte("[default]\naccess_key = PLACEHOLDER\nsecret_key = placeholder\n"), 0o600)
			kvs, err := v.values()
			if err != nil {
				t.Fatal(err)
			}
			val := map[string]string{}
			for _, p := range kvs {
				val[p.key] = p.value
			}
			// Prompts: access key, secret key, region, endpoint, bucket
			// template, encryption password, gpg path, HTTPS, proxy; then
			// "Test access?" n, "Save settings?" y.
			answers := strings.Join([]string{val["access_key"], val["secret_key"], val["bucket_location"],
				val["host_base"], val["host_bucket"], "", "", "", "", "n", "y"}, "\n") + "\n"
			// Safe without a network namespace too: the file has keys, so
			// s3cmd looks for no credentials, and the answer to "Test
			// access with supplied credentials?" is n.
			argv := append(append([]string{}, realtools.NetNS()...), script, "-qec", "'"+bin+"' --configure -c '"+cfg+"'", "/dev/null")
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Env = realtools.Env(home)
			cmd.Dir = home
			cmd.Stdin = strings.NewReader(answers)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("s3cmd --configure: %v\n%s", err, out)
			}
			got, err := os.ReadFile(cfg)
			if err != nil {
				t.Fatal(err)
			}
			m := ConfigureMachine()
			m.GPGCommand = gpg
			want, _ := v.Full(m)
			if string(got) != string(want) {
				t.Fatalf("s3cmd --configure saved something else:\n%s\n%s", lineDiff(string(got), string(want)), out)
			}
			if st, _ := os.Stat(cfg); st.Mode().Perm() != 0o600 {
				t.Fatalf("s3cmd saved mode %v", st.Mode().Perm())
			}
		})
	}
}
