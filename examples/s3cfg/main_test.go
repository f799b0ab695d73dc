package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/internal/testsupport/realtools"
)

// corpusEnv must match s3cfg's corpus tests: the variables the "$NAME"
// cases refer to, set for s3cmd when the .want files were recorded.
var corpusEnv = map[string]string{
	"S3CFG_TEST_SECRET": "env/Secret+Value=1",
	"S3CFG_TEST_HOST":   "https://env-host.example",
	"S3CFG_TEST_BOOL":   "yes",
	"S3CFG_TEST_SPACED": "  spaced env value  ",
	"S3CFG_TEST_CHAIN":  "$S3CFG_TEST_SECRET",
	"S3CFG_TEST_EMPTY":  "",
	"S3CFG_TEST_INT":    " 42 ",
	"S3CFG_TEST_LOOP":   "$S3CFG_TEST_LOOP",
	"LANG":              "C.UTF-8",
}

const corpusDir = "../../s3cfg/testdata/corpus"

type result struct {
	code           int
	stdout, stderr string
}

// runTool runs the command in-process with a fixed environment.
func runTool(t *testing.T, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	var so, se bytes.Buffer
	code := run(args, env{
		lookup: func(k string) (string, bool) {
			v, ok := vars[k]
			return v, ok
		},
		stdin:  strings.NewReader(stdin),
		stdout: &so,
		stderr: &se,
		goos:   runtime.GOOS,
	})
	return result{code, so.String(), se.String()}
}

// TestDumpMatchesRecordedS3cmd: "dump FILE" prints what the real s3cmd
// printed for every corpus file (recorded in the .want files), and exits
// with its code.
func TestDumpMatchesRecordedS3cmd(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.s3cfg"))
	if len(files) < 40 {
		t.Fatalf("%d corpus files", len(files))
	}
	for _, p := range files {
		want, err := os.ReadFile(p + ".want")
		if err != nil {
			t.Fatal(err)
		}
		head, body, _ := strings.Cut(string(want), "\n")
		code, _ := strconv.Atoi(strings.TrimPrefix(head, "exit "))
		r := runTool(t, corpusEnv, "", "dump", p)
		if r.code != code {
			t.Errorf("%s: exit %d, s3cmd %d\n%s", filepath.Base(p), r.code, code, r.stderr)
			continue
		}
		if code == 0 && r.stdout != body {
			t.Errorf("%s: stdout differs from s3cmd's", filepath.Base(p))
		}
		if code != 0 {
			for _, l := range strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "error ")), "\n") {
				if !strings.Contains(r.stderr, l) {
					t.Errorf("%s: stderr %q lacks s3cmd's message %q", filepath.Base(p), r.stderr, l)
				}
			}
		}
	}
}

// TestDumpAgainstRealS3cmd compares "dump" with a live
// "s3cmd -c FILE --dump-config" (LANG=C.UTF-8, stdout a pipe), byte for
// byte, for the corpus files that need no environment variables.
func TestDumpAgainstRealS3cmd(t *testing.T) {
	realtools.S3cmd(t)
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.s3cfg"))
	for _, p := range files {
		data, _ := os.ReadFile(p)
		if bytes.Contains(data, []byte("$S3CFG_TEST_")) {
			continue
		}
		t.Run(filepath.Base(p), func(t *testing.T) {
			t.Parallel()
			stdout, _, code := realtools.RunDumpConfig(t, p)
			r := runTool(t, map[string]string{"LANG": "C.UTF-8"}, "", "dump", p)
			if r.code != code || r.stdout != stdout {
				t.Fatalf("exit %d/%d (ours/s3cmd); stdout equal: %v", r.code, code, r.stdout == stdout)
			}
		})
	}
}

func TestPreferredEncoding(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "C.UTF-8"}, "UTF-8"},
		{map[string]string{"LANG": "en_US.utf8"}, "UTF-8"},
		{map[string]string{"LC_ALL": "C.UTF-8", "LANG": "C"}, "UTF-8"},
		{map[string]string{"LANG": "C"}, "utf-8"},
		{map[string]string{}, "utf-8"},
		{map[string]string{"LANG": "C.UTF-8", "PYTHONUTF8": "1"}, "utf-8"},
	}
	for _, tt := range tests {
		if got := preferredEncoding(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.env, got, tt.want)
		}
	}
}

// TestWhere: on its own system (here a pretend one, so that the test is
// pure), where computes the paths from the environment. For another system
// (TestWhereForeignSystem has the paths), a placeholder user name is
// explained on stderr, and new refuses to write to a default path there.
func TestWhere(t *testing.T) {
	win := map[string]string{"USERPROFILE": `C:\Users\An`, "APPDATA": `C:\Users\An\AppData\Roaming`, "HOME": "/home/an"}
	where := func(self string, vars map[string]string, args ...string) (int, string, string) {
		var so, se bytes.Buffer
		code := run(append([]string{"where"}, args...), env{
			lookup: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
			stdout: &so, stderr: &se, goos: self,
		})
		return code, so.String(), se.String()
	}
	for goos, want := range map[string]string{"windows": `C:\Users\An\AppData\Roaming\s3cmd.ini`, "linux": "/home/an/.s3cfg", "darwin": "/home/an/.s3cfg"} {
		if goos == runtime.GOOS {
			continue // the real default (s3cfg.DefaultDestination), tested in s3cfg
		}
		if code, out, errs := where(goos, win, "--goos", goos); code != 0 || out != want+"\n" || errs != "" {
			t.Errorf("%s on itself: %d %q %q", goos, code, out, errs)
		}
	}
	linux := map[string]string{"HOME": "/root"}
	for _, tool := range []string{"s3cmd", "rclone", "aws"} {
		code, out, errs := where("linux", linux, "--goos", "windows", "--tool", tool)
		if code != 0 || !strings.Contains(out, `C:\Users\<User>\`) || !strings.Contains(errs, "<User> stands for the windows user's name") {
			t.Errorf("%s for windows from linux: %d %q %q", tool, code, out, errs)
		}
	}
	if code, out, errs := where("linux", linux, "--goos", "darwin"); code != 0 || out != "/root/.s3cfg\n" || errs != "" {
		t.Errorf("darwin from linux, HOME kept: %d %q %q", code, out, errs)
	}
	r := runTool(t, map[string]string{"VSTORAGE_SECRET_KEY": "S"}, "", "new", "--access-key", "AK", "--region", "HCM04", "--goos", otherGOOS())
	if r.code != 2 || !strings.Contains(r.stderr, "nothing is written there") {
		t.Errorf("new --goos %s without --out: %+v", otherGOOS(), r)
	}
}

func TestSetAndUnset(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s3cmd.ini")
	in := "# mine\r\n[default]\r\naccess_key = A\r\nhost_base = old\r\n"
	os.WriteFile(p, []byte(in), 0o600)
	r := runTool(t, nil, "", "set", p, "host_base=new.example", "bucket_location=HCM04", "secretkey=x")
	if r.code != 0 || !strings.Contains(r.stderr, "did you mean secret_key?") {
		t.Fatalf("%+v", r)
	}
	got, _ := os.ReadFile(p)
	want := "# mine\r\n[default]\r\naccess_key = A\r\nhost_base = new.example\r\nbucket_location = HCM04\r\nsecretkey = x\r\n"
	if string(got) != want {
		t.Fatalf("got %q", got)
	}
	if bak, _ := os.ReadFile(p + ".bak"); string(bak) != in {
		t.Fatal("no backup of the old file")
	}
	if r := runTool(t, nil, "", "unset", p, "secretkey"); r.code != 0 {
		t.Fatal(r)
	}
	if r := runTool(t, nil, "", "set", p, "secret_key=$oops"); r.code != 1 || !strings.Contains(r.stderr, "environment variable") {
		t.Fatalf("%+v", r)
	}
}

func TestNew(t *testing.T) {
	const secret = "vStorage+Dummy/Secret=Key%1"
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", ".s3cfg")
	vars := map[string]string{"VSTORAGE_SECRET_KEY": secret}
	r := runTool(t, vars, "", "new", "--access-key", "VSTORAGEACCESSKEY0001", "--region", "hcm04", "--full", "--out", p, "--goos", "linux")
	if r.code != 0 {
		t.Fatal(r)
	}
	got, _ := os.ReadFile(p)
	sample, _ := os.ReadFile("../../s3cfg/testdata/s3cmd-vstorage-hcm04.s3cfg")
	if !bytes.Equal(got, sample) {
		t.Fatal("full form differs from the --configure sample")
	}
	if st, _ := os.Stat(p); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
	// Refused without a policy; the secret never shows.
	r = runTool(t, nil, secret+"\n", "new", "--access-key", "AK2", "--region", "HAN02", "--out", p)
	if r.code != 1 || !strings.Contains(r.stderr, "exists") || strings.Contains(r.stderr+r.stdout, secret) {
		t.Fatalf("%+v", r)
	}
	// --update changes only what differs.
	r = runTool(t, nil, "other-secret\n", "new", "--access-key", "AK2", "--region", "HAN02", "--out", p, "--update")
	if r.code != 0 || !strings.Contains(r.stderr, "access_key, bucket_location, host_base, host_bucket, secret_key") || strings.Contains(r.stderr, "other-secret") {
		t.Fatalf("%+v", r)
	}
	after, _ := os.ReadFile(p)
	if n := strings.Count(string(after), "\n"); n != 88 || !strings.Contains(string(after), "\nhost_base = han02.vstorage.vngcloud.vn\n") {
		t.Fatalf("updated file: %d lines", n)
	}
	// Windows: CRLF, to stdout.
	r = runTool(t, vars, "", "new", "--access-key", "AK", "--region", "HCM04", "--goos", "windows", "--out", "-")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "[default]\r\naccess_key = AK\r\n") || strings.Count(r.stdout, "\r\n") != 8 {
		t.Fatalf("%q", r.stdout)
	}
	// Default destination for Windows, computed from the environment.
	wd := t.TempDir()
	winVars := map[string]string{"VSTORAGE_SECRET_KEY": secret, "USERPROFILE": wd, "APPDATA": filepath.Join(wd, "Roaming")}
	if runtime.GOOS != "windows" {
		r = runTool(t, winVars, "", "new", "--access-key", "AK", "--region", "HCM04", "--goos", "windows", "--out", "-")
		if r.code != 0 {
			t.Fatal(r)
		}
	}
	// No secret.
	if r := runTool(t, nil, "", "new", "--access-key", "AK", "--region", "HCM04", "--out", "-"); r.code != 1 {
		t.Fatal(r)
	}
}

// TestKeyCommandsCheckFlagsFirst: new, rclone and aws report a missing
// --access-key or --region (exit 2, a usage error) before they look for the
// secret, whether or not one is given; --help says where the secret comes
// from and exits 0.
func TestKeyCommandsCheckFlagsFirst(t *testing.T) {
	for _, cmd := range []string{"new", "rclone", "aws"} {
		for _, tt := range []struct {
			args []string
			want string
		}{
			{nil, "missing --access-key and --region"},
			{[]string{"--region", "HCM04"}, "missing --access-key;"},
			{[]string{"--access-key", "AK"}, "missing --region"},
			{[]string{"--access-key", "AK", "--region", "HCM04", "extra"}, `unexpected argument "extra"`},
		} {
			for _, vars := range []map[string]string{nil, {"VSTORAGE_SECRET_KEY": "S"}} {
				r := runTool(t, vars, "", append([]string{cmd}, tt.args...)...)
				if r.code != 2 || !strings.Contains(r.stderr, "s3cfg "+cmd+": "+tt.want) || strings.Contains(r.stderr, "secret") {
					t.Errorf("%s %q (secret set: %v): exit %d, stderr %q; want exit 2 and %q", cmd, tt.args, vars != nil, r.code, r.stderr, tt.want)
				}
			}
		}
		r := runTool(t, nil, "", cmd, "--help")
		if r.code != 0 || !strings.Contains(r.stderr, "usage: s3cfg "+cmd+" --access-key") ||
			!strings.Contains(r.stderr, "VSTORAGE_SECRET_KEY") || !strings.Contains(r.stderr, "standard input") {
			t.Errorf("%s --help: exit %d, %q", cmd, r.code, r.stderr)
		}
	}
	if r := runTool(t, nil, "", "help"); r.code != 0 || !strings.Contains(r.stdout, "VSTORAGE_SECRET_KEY") {
		t.Errorf("help: exit %d, %q", r.code, r.stdout)
	}
}
