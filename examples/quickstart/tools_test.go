package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/demo"
	"github.com/vstorage-sdk/vngcloud/internal/realtools"
)

// payload writes random bytes to a temporary file.
func payload(t *testing.T, n int) ([]byte, string) {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	return b, realtools.WriteFile(t, t.TempDir(), "payload.bin", string(b))
}

// TestToolRcloneThenRclone: --tool rclone with no credentials merges a
// "vstorage" remote into the rclone.conf rclone reads under HOME, keeping
// the user's other remote and comments byte for byte and the old file as
// a backup; then the real rclone uses that file against a real S3 server
// (versitygw, the demo's data plane) to make a bucket, upload, list and
// download the same bytes.
func TestToolRcloneThenRclone(t *testing.T) {
	t.Parallel()
	realtools.Rclone(t)
	f, _ := fakes(t, true)
	home := t.TempDir()
	conf := filepath.Join(home, ".config", "rclone", "rclone.conf")
	old := "# my remotes\n[disk]\ntype = local\n\n; more later\n"
	os.MkdirAll(filepath.Dir(conf), 0o700)
	os.WriteFile(conf, []byte(old), 0o644)

	r := runQS(t, map[string]string{"HOME": home}, demo.Options{Fakes: f}, "--tool", "rclone")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	lines := stepLines(t, r.stdout, 5)
	for i, want := range []string{"token: ok", "project: demo-project", "S3 key: created access key ",
		"rclone config: remote vstorage: endpoint http://127.0.0.1:", "write: added remote vstorage in " + conf + " (mode 0600); the previous file is kept as " + conf + ".bak"} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("step %d: %q lacks %q", i+1, lines[i], want)
		}
	}
	if !strings.Contains(lines[3], "region HCM04, path style (the endpoint is an IP address") {
		t.Errorf("config step: %q", lines[3])
	}
	if !strings.Contains(r.stdout, "rclone finds it without --config ("+conf+", ~/.config):\n  rclone lsd vstorage:\n") ||
		!strings.Contains(r.stdout, `Windows: rclone reads C:\Users\<User>\AppData\Roaming\rclone\rclone.conf (%APPDATA%)`) {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	data, _ := os.ReadFile(conf)
	if !bytes.HasPrefix(data, []byte(old)) {
		t.Fatalf("the old file is not kept:\n%s", data)
	}
	if bak, _ := os.ReadFile(conf + ".bak"); string(bak) != old {
		t.Error("no backup")
	}
	if st, _ := os.Stat(conf); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	keys := f.Storage.Keys(f.ProjectID)
	if len(keys) != 1 {
		t.Fatalf("%d keys", len(keys))
	}
	noSecrets(t, r, keys[0].SecretKey.Reveal(), f.ClientSecret.Reveal())

	so, se, code := realtools.RunRclone(t, home, conf, "config", "dump")
	var m map[string]map[string]string
	if code != 0 || json.Unmarshal([]byte(so), &m) != nil {
		t.Fatalf("rclone config dump: %d %s", code, se)
	}
	if m["vstorage"]["access_key_id"] != keys[0].AccessKey || m["vstorage"]["secret_access_key"] != keys[0].SecretKey.Reveal() || m["disk"]["type"] != "local" {
		t.Errorf("rclone reads the remotes as %v", m)
	}

	rc := func(args ...string) string {
		t.Helper()
		so, se, code := realtools.RunRclone(t, home, conf, append([]string{"--retries", "1", "--low-level-retries", "1"}, args...)...)
		if code != 0 {
			t.Fatalf("rclone %s: exit %d\n%s%s", strings.Join(args, " "), code, so, se)
		}
		return so
	}
	want, src := payload(t, 200_000)
	rc("mkdir", "vstorage:quickstart-rclone")
	rc("copyto", src, "vstorage:quickstart-rclone/dir/payload.bin")
	if out := rc("ls", "vstorage:quickstart-rclone"); !strings.Contains(out, "200000 dir/payload.bin") {
		t.Errorf("rclone ls:\n%s", out)
	}
	dst := filepath.Join(t.TempDir(), "back.bin")
	rc("copyto", "vstorage:quickstart-rclone/dir/payload.bin", dst)
	if back, _ := os.ReadFile(dst); !bytes.Equal(back, want) {
		t.Fatal("rclone downloaded other bytes")
	}

	// A second run with another remote name adds it next to the first.
	r = runQS(t, map[string]string{"HOME": home}, demo.Options{Fakes: f}, "--tool", "rclone", "--remote", "vst2")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rc("mkdir", "vst2:second-key") // a new key, a new user of the server
	if out := rc("lsd", "vst2:"); !strings.Contains(out, "second-key") {
		t.Errorf("rclone lsd vst2:\n%s", out)
	}
	if out := rc("ls", "vstorage:quickstart-rclone"); !strings.Contains(out, "dir/payload.bin") {
		t.Errorf("the first remote changed: %s", out)
	}
}

// TestToolAWSThenAWSCLI: --tool aws merges a "vstorage" profile into the
// AWS CLI's credentials and config files under HOME, keeping the other
// profiles; the real AWS CLI then makes a bucket, uploads, lists and
// downloads the same bytes with --profile vstorage.
func TestToolAWSThenAWSCLI(t *testing.T) {
	t.Parallel()
	realtools.AWS(t)
	f, s3 := fakes(t, true)
	home := t.TempDir()
	cred, conf := filepath.Join(home, ".aws", "credentials"), filepath.Join(home, ".aws", "config")
	oldCred := "# mine\n[default]\naws_access_key_id = MINE\naws_secret_access_key = mine#secret\n"
	os.MkdirAll(filepath.Dir(cred), 0o700)
	os.WriteFile(cred, []byte(oldCred), 0o600)

	r := runQS(t, map[string]string{"HOME": home}, demo.Options{Fakes: f}, "--tool", "aws", "--restrict", "--bucket", "aws-bucket")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	lines := stepLines(t, r.stdout, 12)
	for i, want := range map[int]string{
		10: "aws config: profile vstorage: endpoint_url " + s3.Endpoint + ", region HCM04, checksums when_required, path style",
		11: "write: added profile vstorage in " + cred + " and " + conf + " (mode 0600); the previous file is kept as " + cred + ".bak",
	} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("step %d: %q lacks %q", i+1, lines[i], want)
		}
	}
	if !strings.Contains(r.stdout, "aws --profile vstorage --endpoint-url "+s3.Endpoint+" s3 ls") || !strings.Contains(r.stdout, `Windows: C:\Users\<User>\.aws\credentials and C:\Users\<User>\.aws\config`) {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	data, _ := os.ReadFile(cred)
	if !bytes.HasPrefix(data, []byte(oldCred)) {
		t.Fatalf("the old credentials are not kept:\n%s", data)
	}
	keys := f.Storage.Keys(f.ProjectID)
	if len(keys) != 1 {
		t.Fatalf("%d keys", len(keys))
	}
	noSecrets(t, r, keys[0].SecretKey.Reveal(), f.ClientSecret.Reveal())

	aws := func(args ...string) string {
		t.Helper()
		so, se, code := realtools.Cmd{Home: home, Timeout: 3 * time.Minute}.RunAWS(t, cred, conf, s3.Endpoint, append([]string{"--profile", "vstorage"}, args...)...)
		if code != 0 {
			t.Fatalf("aws %s: exit %d\n%s%s", strings.Join(args, " "), code, so, se)
		}
		return so
	}
	if got := strings.TrimSpace(aws("configure", "get", "aws_secret_access_key")); got != keys[0].SecretKey.Reveal() {
		t.Error("aws configure get reads another secret")
	}
	want, src := payload(t, 200_000)
	// The run created the bucket in the in-memory vStorage API only; the
	// data plane needs it too.
	aws("s3", "mb", "s3://aws-bucket")
	aws("s3", "cp", src, "s3://aws-bucket/dir/payload.bin")
	if out := aws("s3", "ls", "--recursive", "s3://aws-bucket"); !strings.Contains(out, "200000 dir/payload.bin") {
		t.Errorf("aws s3 ls:\n%s", out)
	}
	dst := filepath.Join(t.TempDir(), "back.bin")
	aws("s3", "cp", "s3://aws-bucket/dir/payload.bin", dst)
	if back, _ := os.ReadFile(dst); !bytes.Equal(back, want) {
		t.Fatal("aws downloaded other bytes")
	}
}

// TestToolDryRun: --tool rclone --dry-run creates nothing, writes nothing,
// and prints the remote with placeholders.
func TestToolDryRun(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	home := t.TempDir()
	for tool, want := range map[string]string{
		"rclone": "[vstorage]\ntype = s3\nprovider = Other\naccess_key_id = NEW-ACCESS-KEY\nsecret_access_key = " + vngcloud.Redacted + "\n",
		"aws":    "[vstorage]\naws_access_key_id = NEW-ACCESS-KEY\naws_secret_access_key = " + vngcloud.Redacted + "\n",
	} {
		r := runQS(t, map[string]string{"HOME": home}, demo.Options{Fakes: f}, "--tool", tool, "--dry-run")
		if r.code != 0 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "write: would add ") {
			t.Errorf("%s: exit %d\n%s\n%s", tool, r.code, r.stdout, r.stderr)
		}
	}
	if entries, _ := os.ReadDir(home); len(entries) != 0 {
		t.Errorf("the dry run wrote into HOME: %v", entries)
	}
	if keys := f.Storage.Keys(f.ProjectID); len(keys) != 0 {
		t.Errorf("%d keys", len(keys))
	}
}

// TestToolRefusedBeforeAnything: a destination the merge would refuse
// stops the run before a key is created.
func TestToolRefusedBeforeAnything(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	for _, tt := range []struct {
		file, content string
		args          []string
		want          string
	}{
		{".config/rclone/rclone.conf", "[vstorage]\ntype = drive\n", []string{"--tool", "rclone"}, "not an s3 remote"},
		{".config/rclone/rclone.conf", "RCLONE_ENCRYPT_V0:\nabc\n", []string{"--tool", "rclone"}, "encrypted"},
		{".aws/config", "[profile vstorage]\nrole_arn = arn:aws:iam::1:role/x\n", []string{"--tool", "aws"}, "role_arn"},
		{".aws/credentials", "[a]\nk = 1\nk = 2\n", []string{"--tool", "aws"}, "line 3"},
	} {
		home := t.TempDir()
		p := filepath.Join(home, tt.file)
		os.MkdirAll(filepath.Dir(p), 0o700)
		os.WriteFile(p, []byte(tt.content), 0o600)
		r := runQS(t, map[string]string{"HOME": home}, demo.Options{Fakes: f}, tt.args...)
		if r.code != 1 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%s: exit %d\n%s", tt.content, r.code, r.stderr)
		}
		if got, _ := os.ReadFile(p); string(got) != tt.content {
			t.Errorf("%s changed", p)
		}
	}
	r := runQS(t, map[string]string{}, demo.Options{Fakes: f}, "--tool", "rclone")
	if r.code != 2 || !strings.Contains(r.stderr, "HOME") {
		t.Errorf("no HOME: exit %d\n%s", r.code, r.stderr)
	}
	if n := len(f.Storage.Calls()) + len(f.IAM.Calls()); n != 0 {
		t.Errorf("%d calls before the refusals", n)
	}
}

func TestToolBadFlags(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	for _, args := range [][]string{
		{"--tool", "s5cmd"},
		{"--tool", "rclone", "--install"},
		{"--tool", "aws", "--force"},
		{"--tool", "rclone", "--full"},
		{"--tool", "aws", "--out", "x"},
		{"--remote", "x"},
		{"--tool", "rclone", "--profile", "x"},
		{"--tool", "rclone", "--remote", "bad name"},
		{"--tool", "aws", "--profile", "DEFAULT"},
	} {
		r := runQS(t, map[string]string{"HOME": t.TempDir()}, demo.Options{Fakes: f}, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "usage: quickstart") {
			t.Errorf("%q: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	if n := len(f.Storage.Calls()) + len(f.IAM.Calls()); n != 0 {
		t.Errorf("%d calls", n)
	}
}

// TestToolRcloneOut: --out names the rclone.conf to merge into; the hint
// then passes --config.
func TestToolRcloneOut(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	// A folder that does not exist is a typo, as for s3cmd's --out.
	missing := filepath.Join(t.TempDir(), "no", "rclone.conf")
	r := runQS(t, map[string]string{"HOME": t.TempDir()}, demo.Options{Fakes: f}, "--tool", "rclone", "--out", missing)
	if r.code != 1 || !strings.Contains(r.stderr, "does not exist") || len(f.Storage.Calls()) != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	out := filepath.Join(t.TempDir(), "rclone.conf")
	r = runQS(t, map[string]string{"HOME": t.TempDir()}, demo.Options{Fakes: f}, "--tool", "rclone", "--remote", "hcm", "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "write: added remote hcm in "+out+" (mode 0600)\n") || !strings.Contains(r.stdout, "rclone --config "+out+" lsd hcm:") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(data), "[hcm]\ntype = s3\n") {
		t.Errorf("%v\n%s", err, data)
	}
}
