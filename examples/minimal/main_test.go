package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/internal/testsupport"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// quickStartBlock returns the first ```go block after the README's
// "## Quick start" heading.
func quickStartBlock(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "\n## Quick start\n")
	if !ok {
		t.Fatal(`README.md has no "## Quick start" section`)
	}
	_, rest, ok = strings.Cut(rest, "\n```go\n")
	if !ok {
		t.Fatal("the Quick start section has no ```go block")
	}
	block, _, ok := strings.Cut(rest, "\n```\n")
	if !ok {
		t.Fatal("the Quick start's ```go block is not closed")
	}
	return block + "\n"
}

// TestREADMEQuickStartIsThisFile: the README shows this file, byte for
// byte, so that what a reader copies is what the tests below build and run.
func TestREADMEQuickStartIsThisFile(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	if block := quickStartBlock(t); block != string(src) {
		t.Fatalf("README.md's Quick start differs from examples/minimal/main.go; paste the file into the README\n--- README (%d bytes) ---\n%s", len(block), block)
	}
}

// services are the in-memory vIAM and vStorage the program runs against,
// with a project and a service account to log in as; the environment
// variables the program reads point at them.
type services struct {
	iam     *viamtest.Server
	storage *vstoragetest.Server
	project string
	env     map[string]string
}

func startServices(t *testing.T) *services {
	t.Helper()
	iam := viamtest.NewServer()
	t.Cleanup(iam.Close)
	st := vstoragetest.NewServer(iam)
	t.Cleanup(st.Close)
	project := st.AddProject("HCM04", "quickstart")
	_, clientID, secret := iam.AddServiceAccount("quickstart-login")
	return &services{iam, st, project, map[string]string{
		"VNGCLOUD_CLIENT_ID":         clientID,
		"VNGCLOUD_CLIENT_SECRET":     secret.Reveal(),
		"VNGCLOUD_PROJECT_ID":        project,
		"VNGCLOUD_IAM_ENDPOINT":      iam.URL(),
		"VNGCLOUD_VSTORAGE_ENDPOINT": st.URL(),
	}}
}

// setenv sets the program's variables for this test and moves it to an
// empty folder, where the program writes s3cnf.s3cfg.
func (s *services) setenv(t *testing.T) string {
	for k, v := range s.env {
		t.Setenv(k, v)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

// checkConfig reads the s3cmd config the program wrote and checks that it
// holds the server's only key, secret included, with mode 0600.
func checkConfig(t *testing.T, s *services, path string) vstoragetest.KeyState {
	t.Helper()
	keys := s.storage.Keys(s.project)
	if len(keys) != 1 {
		t.Fatalf("the project has %d keys, want 1", len(keys))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s3cfg.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	c := f.Resolve(s3cfg.Runtime{})
	if c.AccessKey() != keys[0].AccessKey || c.SecretKey().Reveal() != keys[0].SecretKey.Reveal() || !hasValue(c, "bucket_location", "HCM04") {
		t.Fatalf("%s does not hold the key %s and its secret for HCM04", path, keys[0].AccessKey)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v, mode %v; want 0600", path, err, st.Mode().Perm())
	}
	return keys[0]
}

func hasValue(c *s3cfg.Config, key, want string) bool {
	v, ok := c.Value(key)
	return ok && v == want
}

func TestPlainKey(t *testing.T) {
	s := startServices(t)
	dir := s.setenv(t)
	if err := run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	key := checkConfig(t, s, filepath.Join(dir, "s3cnf.s3cfg"))
	if key.Restricted() {
		t.Fatalf("the plain flow restricted the key: %v", key)
	}
	if n := s.iam.CallCount("POST", "service-accounts"); n != 0 {
		t.Fatalf("the plain flow made %d service-account calls", n)
	}
}

func TestRestrictedKey(t *testing.T) {
	s := startServices(t)
	dir := s.setenv(t)
	if err := run(context.Background(), []string{"photos"}); err != nil {
		t.Fatal(err)
	}
	key := checkConfig(t, s, filepath.Join(dir, "s3cnf.s3cfg"))
	name, ok := s.iam.ServiceAccount(key.ServiceAccountID)
	if !key.Restricted() || !ok || name != "app-photos" {
		t.Fatalf("key %v is not attached to the new service account app-photos (%q, %v)", key, name, ok)
	}
	if b := s.storage.Buckets(s.project); len(b) != 1 || b[0] != "photos" {
		t.Fatalf("buckets %q, want [photos]", b)
	}
	policy, ok := s.storage.BucketPolicy(s.project, "photos")
	if !ok || !strings.Contains(policy, `"arn:aws:iam:::user/`+key.SubUserID+`"`) {
		t.Fatalf("the bucket policy does not name the key's principal %s: %s", key.SubUserID, policy)
	}
}

// TestFailuresExitNonZero builds the program and runs it as a user would:
// every failure, before or after the key is made, exits 1 with a message.
func TestFailuresExitNonZero(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program with the go command; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "minimal")
	if out, err := testsupport.GoCommand(t, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := startServices(t)
	exe := func(t *testing.T, dir string, env map[string]string, args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH")}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), stderr.String()
	}

	t.Run("no credentials", func(t *testing.T) {
		code, stderr := exe(t, t.TempDir(), nil)
		if code != 1 || !strings.HasPrefix(stderr, "error: ") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("config exists", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "s3cnf.s3cfg"), []byte("[default]\n"), 0o600)
		code, stderr := exe(t, dir, s.env)
		if code != 1 || !strings.Contains(stderr, "s3cnf.s3cfg") || !strings.Contains(stderr, "exists") || len(s.storage.Keys(s.project)) != 0 {
			t.Fatalf("exit %d, stderr %q, %d keys made", code, stderr, len(s.storage.Keys(s.project)))
		}
	})
	t.Run("server fails the key", func(t *testing.T) {
		s.storage.Inject(vstoragetest.Fault{Method: "POST", Path: "s3_keys", Status: 502})
		code, stderr := exe(t, t.TempDir(), s.env)
		t.Logf("stderr: %s", stderr)
		if code != 1 || !strings.Contains(stderr, "CreateS3Key") || !strings.Contains(stderr, "may have") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("bucket of another project", func(t *testing.T) {
		other := s.storage.AddProject("HCM04", "other")
		env := map[string]string{}
		for k, v := range s.env {
			env[k] = v
		}
		env["VNGCLOUD_PROJECT_ID"] = other
		if code, stderr := exe(t, t.TempDir(), env, "taken"); code != 0 {
			t.Fatalf("first run, in the other project: exit %d, %s", code, stderr)
		}
		keys := len(s.storage.Keys(s.project))
		code, stderr := exe(t, t.TempDir(), s.env, "taken")
		if code != 1 || !strings.HasPrefix(stderr, "error: ") || len(s.storage.Keys(s.project)) != keys {
			t.Fatalf("exit %d, stderr %q, keys %d -> %d", code, stderr, keys, len(s.storage.Keys(s.project)))
		}
	})
}

// TestPastedIntoNewModule: the README's block, pasted into main.go of a
// new module that requires this one (through a replace directive, as with
// a local clone), builds. It needs no network: the module cache already
// holds what this module's own build used.
func TestPastedIntoNewModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command; skipped with -short")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module example.com/try\n\ngo 1.26\n\nrequire github.com/vstorage-sdk/vngcloud v0.0.0\n\nreplace github.com/vstorage-sdk/vngcloud => " + root + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(quickStartBlock(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := testsupport.GoCommand(t, "build", "-o", filepath.Join(dir, "try"), ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the pasted Quick start: %v\n%s", err, out)
	}
}
