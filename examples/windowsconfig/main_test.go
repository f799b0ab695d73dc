package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/internal/demo"
	"github.com/vstorage-sdk/vngcloud/internal/realtools"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

type result struct {
	code           int
	stdout, stderr string
}

func winConfig(t *testing.T, getenv func(string) string, args ...string) result {
	t.Helper()
	var so, se bytes.Buffer
	code := runWith(t.Context(), args, getenv, &so, &se, demo.Options{})
	return result{code, so.String(), se.String()}
}

func startFakes(t *testing.T, o demo.FakeOptions) *demo.Fakes {
	t.Helper()
	f, err := demo.StartFakes(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

// crlfOnly reports whether every line of data ends with CRLF.
func crlfOnly(data []byte) bool {
	return len(data) > 0 && bytes.HasSuffix(data, []byte("\r\n")) &&
		bytes.Count(data, []byte("\n")) == bytes.Count(data, []byte("\r\n")) &&
		bytes.Count(data, []byte("\r")) == bytes.Count(data, []byte("\r\n"))
}

// TestWindowsConfigThenS3cmd writes s3cmd.ini for alice: CRLF line ends,
// mode 0600, a key that exists, and the %APPDATA% path s3cmd uses on
// Windows. The real s3cmd (here on Linux, which reads CRLF as s3cmd on
// Windows does) uses the file against the data plane.
func TestWindowsConfigThenS3cmd(t *testing.T) {
	t.Parallel()
	realtools.S3cmd(t)
	s3 := realtools.StartS3Server(t, "HCM04")
	f := startFakes(t, demo.FakeOptions{DataPlane: s3, S3Endpoint: s3.Endpoint})
	out := filepath.Join(t.TempDir(), "s3cmd.ini")
	r := winConfig(t, f.CloudEnv(nil), "--user", "alice", "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"[3/5] S3 key: created access key", "[4/5] s3cmd config: host_base " + s3.HostPort + ", bucket_location HCM04, http, path style; CRLF line ends",
		"[5/5] write: wrote " + out + " (mode 0600)",
		`On the Windows machine, s3cmd reads C:\Users\alice\AppData\Roaming\s3cmd.ini (rule %APPDATA%).`,
		`Copy s3cmd.ini into C:\Users\alice\AppData\Roaming as s3cmd.ini`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "<User>") {
		t.Errorf("a placeholder with --user:\n%s", r.stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !crlfOnly(data) {
		t.Errorf("not CRLF throughout: %q", data)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	cfg, err := s3cfg.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	ak, _ := cfg.Get("access_key")
	secret, _ := cfg.Get("secret_key")
	if secret == "" || strings.Contains(r.stdout+r.stderr, secret) {
		t.Error("no secret in the file, or the secret in the output")
	}
	env, err := demo.Connect(t.Context(), io.Discard, f.CloudEnv(nil), demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.FindKey(t.Context(), env.Storage, f.ProjectID, ak); err != nil {
		t.Fatal(err)
	}

	home := t.TempDir()
	if _, se, code := realtools.RunS3cmd(t, home, out, "mb", "s3://from-windows"); code != 0 {
		t.Fatalf("s3cmd mb: exit %d: %s", code, se)
	}
	if so, se, code := realtools.RunS3cmd(t, home, out, "ls"); code != 0 || !strings.Contains(so, "s3://from-windows") {
		t.Fatalf("s3cmd ls: exit %d: %s%s", code, so, se)
	}
}

// TestDestination: the Windows path follows s3cmd's rules for the values
// given, and says what it assumed when nothing is given.
func TestDestination(t *testing.T) {
	t.Parallel()
	f := startFakes(t, demo.FakeOptions{})
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, `s3cmd reads C:\Users\<User>\AppData\Roaming\s3cmd.ini (rule %APPDATA%).`},
		{[]string{"--appdata", `D:\Profiles\bob\Roaming`}, `s3cmd reads D:\Profiles\bob\Roaming\s3cmd.ini (rule %APPDATA%).`},
		{[]string{"--appdata", "Roaming"}, `s3cmd reads C:\Users\<User>\Roaming\s3cmd.ini (rule %USERPROFILE%\%APPDATA%).`},
		{[]string{"--userprofile", `E:\Users\carol`, "--appdata", "Roaming"}, `s3cmd reads E:\Users\carol\Roaming\s3cmd.ini (rule %USERPROFILE%\%APPDATA%).`},
	} {
		out := filepath.Join(t.TempDir(), "s3cmd.ini")
		r := winConfig(t, f.CloudEnv(nil), append(c.args, "--out", out)...)
		if r.code != 0 || !strings.Contains(r.stdout, c.want) {
			t.Errorf("%q: exit %d\n%s\n%s", c.args, r.code, r.stdout, r.stderr)
		}
		if placeholder := strings.Contains(r.stdout, "(<User> stands for the Windows user name"); placeholder != strings.Contains(c.want, "<User>") {
			t.Errorf("%q: placeholder note %v:\n%s", c.args, placeholder, r.stdout)
		}
	}
}

// TestExistingRefused: an existing file is refused before a key is created
// and kept byte for byte; --force replaces it.
func TestExistingRefused(t *testing.T) {
	t.Parallel()
	f := startFakes(t, demo.FakeOptions{})
	out := filepath.Join(t.TempDir(), "s3cmd.ini")
	os.WriteFile(out, []byte("keep\r\n"), 0o600)
	r := winConfig(t, f.CloudEnv(nil), "--out", out)
	if r.code != 1 || !strings.Contains(r.stderr, out+" exists; not replacing it") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	if got, _ := os.ReadFile(out); string(got) != "keep\r\n" {
		t.Error("changed")
	}
	r = winConfig(t, f.CloudEnv(nil), "--out", filepath.Join(t.TempDir(), "missing", "s3cmd.ini"))
	if r.code != 1 || !strings.Contains(r.stderr, "missing does not exist") {
		t.Errorf("missing folder: exit %d\n%s", r.code, r.stderr)
	}
	if n := f.Storage.CallCount("POST", "s3_keys"); n != 0 {
		t.Errorf("%d keys created", n)
	}
	r = winConfig(t, f.CloudEnv(nil), "--out", out, "--force", "--full")
	if r.code != 0 {
		t.Fatalf("--force: exit %d\n%s", r.code, r.stderr)
	}
	data, _ := os.ReadFile(out)
	cfg, _ := s3cfg.Parse(data)
	if !crlfOnly(data) || len(cfg.Keys()) != 87 {
		t.Errorf("--force --full: %d keys", len(cfg.Keys()))
	}
}

// TestDemo: run with no credentials works against in-memory services.
func TestDemo(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "s3cmd.ini")
	var so, se bytes.Buffer
	code := run(t.Context(), []string{"--user", "dave", "--out", out}, demo.Getenv(nil), &so, &se)
	if code != 0 || !strings.HasPrefix(so.String(), "demo: ") || !strings.Contains(so.String(), `C:\Users\dave\AppData\Roaming\s3cmd.ini`) {
		t.Errorf("exit %d\n%s\n%s", code, so.String(), se.String())
	}
}

// TestBadInvocation: flags and environment.
func TestBadInvocation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"--user", `a\b`}, "a Windows user name has none of"},
		{nil, []string{"--out", ""}, "--out is empty"},
		{nil, []string{"--what"}, "usage: windowsconfig"},
		{nil, []string{"x"}, "unexpected argument"},
		{map[string]string{"VNGCLOUD_CLIENT_SECRET": "s"}, []string{"--out", filepath.Join(t.TempDir(), "x.ini")}, "VNGCLOUD_CLIENT_ID is not"},
	} {
		r := winConfig(t, demo.Getenv(c.env), c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v %q: exit %d\n%s", c.env, c.args, r.code, r.stderr)
		}
	}
}
