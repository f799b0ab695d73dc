package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/internal/testsupport/realtools"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

type result struct {
	code           int
	stdout, stderr string
}

// runQS runs the command in-process against the offline services off.
func runQS(t *testing.T, off *vstoragetest.Sandbox, env map[string]string, args ...string) result {
	t.Helper()
	var so, se bytes.Buffer
	code := runWith(context.Background(), args, func(k string) string { return env[k] }, &so, &se, off)
	return result{code, so.String(), se.String()}
}

// newOffline starts offline services; with a data plane, a real S3
// server (versitygw) accepts the keys they make.
func newOffline(t *testing.T, withS3 bool) *vstoragetest.Sandbox {
	t.Helper()
	var off *vstoragetest.Sandbox
	if withS3 {
		s3 := realtools.StartS3Server(t, "HCM04")
		off = vstoragetest.NewSandbox(vstoragetest.WithDataPlane(s3), vstoragetest.WithS3Endpoints(map[string]string{"HCM04": s3.Endpoint}))
	} else {
		off = vstoragetest.NewSandbox()
	}
	t.Cleanup(off.Close)
	return off
}

// noSecrets fails when output shows a key's secret.
func noSecrets(t *testing.T, r result, off *vstoragetest.Sandbox) {
	t.Helper()
	for _, p := range off.Storage.Keys(off.ProjectID) {
		if s := p.SecretKey.Reveal(); s != "" && strings.Contains(r.stdout+r.stderr, s) {
			t.Fatal("the output shows a secret key")
		}
	}
}

var stepLine = regexp.MustCompile(`(?m)^\[(\d+)/(\d+)\] `)

// TestRestrictThenS3cmd is the README's command with --restrict, end to
// end: numbered steps, a restricted key, a file the real s3cmd moves bytes
// with against a real S3 server; then the same command again reuses the
// service account, policy, bucket and grant.
func TestRestrictThenS3cmd(t *testing.T) {
	t.Parallel()
	realtools.S3cmd(t)
	off := newOffline(t, true)
	home, out := t.TempDir(), filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	r := runQS(t, off, map[string]string{"HOME": home}, "--restrict", "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	lines := stepLine.FindAllStringSubmatch(r.stdout, -1)
	if len(lines) != 10 || lines[9][1] != "10" || lines[9][2] != "10" {
		t.Fatalf("want 10 numbered steps:\n%s", r.stdout)
	}
	for _, want := range []string{"plan: project demo-project", "service account: created quickstart", "link key: ", "acts as quickstart now",
		"bucket grant: the policy of quickstart-data gives", "config: " + out + " (mode 0600)", "s3cmd -c " + out + " ls"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	noSecrets(t, r, off)
	keys := off.Storage.Keys(off.ProjectID)
	if len(keys) != 1 || !strings.HasSuffix(keys[0].SubUserID, ":sa-quickstart") {
		t.Fatalf("keys %v", keys)
	}
	payload := make([]byte, 100_000)
	rand.Read(payload)
	src := realtools.WriteFile(t, t.TempDir(), "payload.bin", string(payload))
	dst := filepath.Join(t.TempDir(), "back.bin")
	for _, args := range [][]string{{"mb", "s3://quickstart-data"}, {"put", src, "s3://quickstart-data/p.bin"}, {"get", "s3://quickstart-data/p.bin", dst}} {
		if _, se, code := realtools.RunS3cmd(t, home, out, args...); code != 0 {
			t.Fatalf("s3cmd %v: exit %d: %s", args, code, se)
		}
	}
	if back, _ := os.ReadFile(dst); !bytes.Equal(back, payload) {
		t.Fatal("s3cmd read back other bytes")
	}

	again := runQS(t, off, map[string]string{"HOME": home}, "--restrict", "--out", filepath.Join(t.TempDir(), "second.s3cfg"))
	if again.code != 0 || !strings.Contains(again.stdout, "service account: using quickstart") || strings.Contains(again.stdout, "created quickstart") {
		t.Fatalf("second run: exit %d\n%s\n%s", again.code, again.stdout, again.stderr)
	}
}

// TestDryRun checks, says what would happen, and changes nothing.
func TestDryRun(t *testing.T) {
	t.Parallel()
	off := newOffline(t, false)
	dir := t.TempDir()
	r := runQS(t, off, nil, "--restrict", "--dry-run", "--out", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "would create a new key") || !strings.Contains(r.stdout, "would write "+filepath.Join(dir, s3cfg.DownloadName)) {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := len(off.Storage.Keys(off.ProjectID)); n != 0 {
		t.Fatalf("%d keys after a dry run", n)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("the dry run wrote %v", entries)
	}
}

// TestUnwritableDestinationRefused: a destination that cannot be written
// (here a folder that is a file) is refused by the plan, before anything
// is created.
func TestUnwritableDestinationRefused(t *testing.T) {
	t.Parallel()
	off := newOffline(t, false)
	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, nil, 0o600)
	r := runQS(t, off, nil, "--restrict", "--out", filepath.Join(notDir, "s3cnf.s3cfg"))
	if r.code != 1 || !strings.Contains(r.stderr, "refused before any change") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := len(off.Storage.Keys(off.ProjectID)); n != 0 || len(off.Storage.Buckets(off.ProjectID)) != 0 {
		t.Fatalf("something was created: %d keys", n)
	}
	if _, ok := off.IAM.PolicyID("quickstart"); ok || off.Storage.CallCount("POST", "") != 0 || off.IAM.CallCount("POST", "service-accounts") != 0 {
		t.Fatal("something was created")
	}
}

// TestExistingFile: an existing file is refused with what to do; --force
// replaces it; --out with a folder writes the usual name in it.
func TestExistingFile(t *testing.T) {
	t.Parallel()
	off := newOffline(t, false)
	dir := t.TempDir()
	path := filepath.Join(dir, s3cfg.DownloadName)
	os.WriteFile(path, []byte("[default]\n"), 0o600)
	r := runQS(t, off, nil, "--out", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "add --force to replace it") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	r = runQS(t, off, nil, "--out", dir, "--force")
	if r.code != 0 {
		t.Fatalf("--force: exit %d\n%s", r.code, r.stderr)
	}
	if data, _ := os.ReadFile(path); !bytes.Contains(data, []byte("access_key = "+off.Storage.Keys(off.ProjectID)[0].AccessKey)) {
		t.Fatalf("not replaced:\n%s", data)
	}
}

// TestFailedStepUndone: a step that fails after the key exists undoes
// everything the run made, and says so.
func TestFailedStepUndone(t *testing.T) {
	t.Parallel()
	off := newOffline(t, false)
	off.Storage.Inject(vstoragetest.Fault{Method: "PUT", Path: "/policy", Status: 403, Times: 5})
	out := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	r := runQS(t, off, nil, "--restrict", "--out", out)
	if r.code != 1 || !strings.Contains(r.stderr, `step "bucket grant" failed`) || !strings.Contains(r.stderr, "deleted S3 key") || !strings.Contains(r.stderr, "deleted service account quickstart") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := len(off.Storage.Keys(off.ProjectID)); n != 0 || len(off.Storage.Buckets(off.ProjectID)) != 0 {
		t.Fatalf("left behind: %d keys, buckets %v", n, off.Storage.Buckets(off.ProjectID))
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a config was written")
	}
}

// TestToolsWriteHere: offline, --tool rclone and --tool aws write into the
// current folder, never into the user's own rclone or AWS CLI files.
func TestToolsWriteHere(t *testing.T) {
	home, here := t.TempDir(), t.TempDir()
	t.Chdir(here)
	off := newOffline(t, false)
	if r := runQS(t, off, map[string]string{"HOME": home}, "--tool", "rclone"); r.code != 0 {
		t.Fatalf("rclone: exit %d\n%s", r.code, r.stderr)
	}
	if r := runQS(t, off, map[string]string{"HOME": home}, "--tool", "aws"); r.code != 0 {
		t.Fatalf("aws: exit %d\n%s", r.code, r.stderr)
	}
	for _, name := range []string{rcloneName, awsCredentialsName, awsConfigName} {
		if st, err := os.Stat(filepath.Join(here, name)); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if entries, _ := os.ReadDir(home); len(entries) != 0 {
		t.Fatalf("HOME was written: %v", entries)
	}
	data, _ := os.ReadFile(filepath.Join(here, rcloneName))
	creds, _ := os.ReadFile(filepath.Join(here, awsCredentialsName))
	if !bytes.Contains(data, []byte("[vstorage]\ntype = s3\n")) || !bytes.Contains(creds, []byte("[vstorage]\naws_access_key_id = ")) {
		t.Fatalf("rclone.conf:\n%s\naws-credentials:\n%s", data, creds)
	}
}

// TestUsage: bad flags exit 2.
func TestUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--tool", "rsync"}, {"--install", "--out", "x"}, {"extra"}, {"--timeout", "0s"}, {"--force", "--tool", "aws"}, {"--nope"}} {
		if r := runQS(t, nil, nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
}
