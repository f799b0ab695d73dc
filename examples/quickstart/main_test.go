package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/demo"
	"github.com/vstorage-sdk/vngcloud/internal/realtools"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

type result struct {
	code           int
	stdout, stderr string
}

// runQS runs the command in-process with the given environment and
// demo options.
func runQS(t *testing.T, env map[string]string, base demo.Options, args ...string) result {
	t.Helper()
	var so, se bytes.Buffer
	code := runWith(t.Context(), args, demo.Getenv(env), &so, &se, base)
	return result{code, so.String(), se.String()}
}

// fakes starts in-memory services whose S3 data plane is a real
// versitygw on loopback, when withS3 is set.
func fakes(t *testing.T, withS3 bool) (*demo.Fakes, *realtools.S3Server) {
	t.Helper()
	var o demo.FakeOptions
	var s3 *realtools.S3Server
	if withS3 {
		realtools.S3cmd(t)
		s3 = realtools.StartS3Server(t, "HCM04")
		o = demo.FakeOptions{Region: "HCM04", DataPlane: s3, S3Endpoint: s3.Endpoint}
	}
	f, err := demo.StartFakes(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f, s3
}

// inspect connects to the fakes as a program with the login account's
// credentials would, to look at their state.
func inspect(t *testing.T, f *demo.Fakes) *demo.Env {
	t.Helper()
	env, err := demo.Connect(t.Context(), io.Discard, f.CloudEnv(nil), demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func readConfig(t *testing.T, path string) (*s3cfg.File, []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s3cfg.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return f, data
}

func get(t *testing.T, f *s3cfg.File, key string) string {
	t.Helper()
	v, ok := f.Get(key)
	if !ok || v == "" {
		t.Fatalf("the config sets no %s", key)
	}
	return v
}

// noSecrets fails when a secret appears in the command's output.
func noSecrets(t *testing.T, r result, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s == "" {
			t.Fatal("empty secret to look for")
		}
		if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
			t.Errorf("a secret appears in the output:\n%s\n%s", r.stdout, r.stderr)
		}
	}
}

// stepLines checks that stdout holds the numbered step lines 1..n of n, in
// order, and returns them.
func stepLines(t *testing.T, stdout string, n int) []string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^\[(\d+)/(\d+)\] .*$`)
	lines := re.FindAllStringSubmatch(stdout, -1)
	if len(lines) != n {
		t.Fatalf("%d step lines, want %d:\n%s", len(lines), n, stdout)
	}
	var out []string
	for i, l := range lines {
		if l[1] != strconv.Itoa(i+1) || l[2] != strconv.Itoa(n) {
			t.Errorf("step line %d is %q", i+1, l[0])
		}
		out = append(out, l[0])
	}
	return out
}

// s3cmdRoundTrip makes a bucket with the real s3cmd and the config file,
// puts an object, gets it back and lists the bucket.
func s3cmdRoundTrip(t *testing.T, home, cfg, bucket string) {
	t.Helper()
	if _, se, code := realtools.RunS3cmd(t, home, cfg, "mb", "s3://"+bucket); code != 0 {
		t.Fatalf("s3cmd mb: exit %d: %s", code, se)
	}
	payload := make([]byte, 100_000)
	rand.Read(payload)
	src := realtools.WriteFile(t, t.TempDir(), "payload.bin", string(payload))
	if _, se, code := realtools.RunS3cmd(t, home, cfg, "put", src, "s3://"+bucket+"/dir/payload.bin"); code != 0 {
		t.Fatalf("s3cmd put: exit %d: %s", code, se)
	}
	dst := filepath.Join(t.TempDir(), "back.bin")
	if _, se, code := realtools.RunS3cmd(t, home, cfg, "get", "s3://"+bucket+"/dir/payload.bin", dst); code != 0 {
		t.Fatalf("s3cmd get: exit %d: %s", code, se)
	}
	back, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, payload) {
		t.Fatalf("s3cmd get returned %d bytes that differ from the %d put", len(back), len(payload))
	}
	so, se, code := realtools.RunS3cmd(t, home, cfg, "ls", "--recursive", "s3://"+bucket)
	if code != 0 || !strings.Contains(so, "s3://"+bucket+"/dir/payload.bin") || !strings.Contains(so, "100000") {
		t.Fatalf("s3cmd ls: exit %d:\n%s%s", code, so, se)
	}
}

// TestNoCredentialsThenS3cmd is the README's command end to end: no
// credentials, a temporary HOME, the config written where --out says; then
// the real s3cmd uses that file against a real S3 server (versitygw, the
// demo's data plane) to make a bucket, put, get the same bytes back, and
// list.
func TestNoCredentialsThenS3cmd(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, true)
	home := t.TempDir()
	out := filepath.Join(t.TempDir(), "s3cnf.s3cfg")

	r := runQS(t, map[string]string{"HOME": home}, demo.Options{Fakes: f}, "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "demo: VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET are not set") || !strings.Contains(r.stdout, "nothing touches the cloud") {
		t.Errorf("no demo line first:\n%s", r.stdout)
	}
	lines := stepLines(t, r.stdout, 5)
	for i, want := range []string{"token: ok (service account client ID ", "project: demo-project (" + f.ProjectID + ") in HCM04",
		"S3 key: created access key ", "s3cmd config: short form", "write: wrote " + out + " (mode 0600)"} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("step %d: %q lacks %q", i+1, lines[i], want)
		}
	}
	if !strings.Contains(r.stdout, "this system ("+runtime.GOOS+"): "+filepath.Join(home, ".s3cfg")+" ($HOME)") {
		t.Errorf("no line for this system's destination:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, `Windows: C:\Users\<User>\AppData\Roaming\s3cmd.ini (%APPDATA%)`) || !strings.Contains(r.stdout, "rename it from s3cnf.s3cfg to s3cmd.ini") {
		t.Errorf("no Windows line:\n%s", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stderr: %s", r.stderr)
	}

	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	cfg, _ := readConfig(t, out)
	ak, secret := get(t, cfg, "access_key"), get(t, cfg, "secret_key")
	noSecrets(t, r, secret, f.ClientSecret.Reveal())
	if get(t, cfg, "bucket_location") != "HCM04" || get(t, cfg, "host_base") != get(t, cfg, "host_bucket") {
		t.Errorf("bucket_location %q, host_base %q, host_bucket %q", get(t, cfg, "bucket_location"), get(t, cfg, "host_base"), get(t, cfg, "host_bucket"))
	}

	// The key is a real key of the fake project, unrestricted.
	env := inspect(t, f)
	k, err := demo.FindKey(t.Context(), env.Storage, f.ProjectID, ak)
	if err != nil {
		t.Fatal(err)
	}
	if k.Restricted() {
		t.Errorf("key restricted: %s", k.SubUserID)
	}

	s3cmdRoundTrip(t, home, out, "quickstart-data")
}

// TestRestrictThenS3cmd: the same with restriction by vIAM. The fake's
// state shows the console flow's outcome: a service account with a vStorage
// policy attached, the key linked to it (subUserId), the bucket created and
// its policy naming the service account's principal. The data plane
// (versitygw) does not enforce restriction or bucket policies, so s3cmd
// only shows that the written file works; what the key may do is asserted
// on the fake's state.
func TestRestrictThenS3cmd(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, true)
	home := t.TempDir()
	out := filepath.Join(t.TempDir(), "s3cnf.s3cfg")

	r := runQS(t, map[string]string{"HOME": home}, demo.Options{Fakes: f},
		"--restrict", "--bucket", "media-uploads", "--service-account", "media-app", "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	lines := stepLines(t, r.stdout, 12)
	for i, want := range []string{"token: ok", "project: demo-project", "check: service account name media-app is free; bucket media-uploads will be created",
		"S3 key: created access key", "service account: created media-app (ID ", "policy: created media-app-vstorage (ID ",
		"attach policy: media-app-vstorage is attached to media-app", "link key: ", "bucket: created media-uploads",
		"grant: the policy of bucket media-uploads gives arn:aws:iam:::user/", "s3cmd config: short form", "write: wrote " + out} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("step %d: %q lacks %q", i+1, lines[i], want)
		}
	}
	cfg, _ := readConfig(t, out)
	ak, secret := get(t, cfg, "access_key"), get(t, cfg, "secret_key")
	noSecrets(t, r, secret, f.ClientSecret.Reveal())

	ctx := t.Context()
	env := inspect(t, f)
	sa, err := demo.FindServiceAccount(ctx, env.IAM, "media-app")
	if err != nil {
		t.Fatal(err)
	}
	if pols := f.IAM.ServiceAccountPolicies(sa.ID); len(pols) != 1 || pols[0] != "media-app-vstorage" {
		t.Errorf("policies attached to media-app: %q", pols)
	}
	pid, _ := f.IAM.PolicyID("media-app-vstorage")
	pol, err := env.IAM.GetPolicy(ctx, pid)
	if err != nil {
		t.Fatal(err)
	}
	if len(pol.Document.Statements) != 1 || pol.Document.Statements[0].Actions[0] != "vstorage:*" {
		t.Errorf("policy document %+v", pol.Document)
	}
	keys := f.Storage.Keys(f.ProjectID)
	if len(keys) != 1 || keys[0].AccessKey != ak || keys[0].SecretKey.Reveal() != secret {
		t.Fatalf("the fake holds %v; the file names %s", keys, ak)
	}
	k := keys[0]
	if k.ServiceAccountID != sa.ID || k.SubUserID != vstoragetest.DefaultAccountUser+":sa-media-app" {
		t.Errorf("key attached to %q as %q, want %s as <user>:sa-media-app", k.ServiceAccountID, k.SubUserID, sa.ID)
	}
	if !strings.Contains(lines[7], k.SubUserID) {
		t.Errorf("link step %q does not show the subUserId %s", lines[7], k.SubUserID)
	}
	if subs := f.Storage.SubUsers(f.ProjectID); len(subs) != 1 || subs[0] != k.SubUserID {
		t.Errorf("sub-users %q", subs)
	}
	if b := f.Storage.Buckets(f.ProjectID); len(b) != 1 || b[0] != "media-uploads" {
		t.Errorf("buckets %q", b)
	}
	raw, ok := f.Storage.BucketPolicy(f.ProjectID, "media-uploads")
	if !ok {
		t.Fatal("the bucket has no policy")
	}
	var bp vstorage.BucketPolicy
	if err := json.Unmarshal([]byte(raw), &bp); err != nil {
		t.Fatal(err)
	}
	arn := vstorage.PrincipalARN(k.SubUserID)
	want := vstorage.ReadWriteBucketPolicy("media-uploads", arn)
	if len(bp.Statement) != len(want.Statement) {
		t.Fatalf("bucket policy has %d statements, want %d", len(bp.Statement), len(want.Statement))
	}
	for i, s := range bp.Statement {
		if s.Principal == nil || len(s.Principal.AWS) != 1 || s.Principal.AWS[0] != arn ||
			strings.Join(s.Action, ",") != strings.Join(want.Statement[i].Action, ",") ||
			strings.Join(s.Resource, ",") != strings.Join(want.Statement[i].Resource, ",") {
			t.Errorf("statement %d: %+v, want %+v", i, s, want.Statement[i])
		}
	}

	s3cmdRoundTrip(t, home, out, "media-uploads")
}

// TestDryRun: --dry-run creates nothing (a key whose secret is not saved
// would be lost), writes nothing, and prints the config with the secret
// redacted; no secret of the run appears.
func TestDryRun(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	out := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	r := runQS(t, map[string]string{"HOME": t.TempDir()}, demo.Options{Fakes: f},
		"--dry-run", "--restrict", "--bucket", "dry-bucket", "--service-account", "dry-app", "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	stepLines(t, r.stdout, 12)
	for _, want := range []string{"dry run: nothing will be created", "S3 key: would create a key", "service account: would create dry-app",
		"bucket: would create dry-bucket", "write: would write " + out, "secret_key = " + vngcloud.Redacted, "access_key = NEW-ACCESS-KEY"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	noSecrets(t, r, f.ClientSecret.Reveal())
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the dry run wrote %s: %v", out, err)
	}
	for _, c := range f.Storage.Calls() {
		if c.Method != "GET" {
			t.Errorf("the dry run sent %s %s to vStorage", c.Method, c.Path)
		}
	}
	for _, c := range f.IAM.Calls() {
		if c.Method != "GET" && !strings.Contains(c.Path, "/auth/token") {
			t.Errorf("the dry run sent %s %s to vIAM", c.Method, c.Path)
		}
	}
	if keys, err := inspect(t, f).Storage.ListS3Keys(t.Context(), f.ProjectID); err != nil || len(keys) != 0 {
		t.Errorf("keys after a dry run: %v, %v", keys, err)
	}
}

// TestOutExistsRefused: an existing --out file is refused before anything
// is created, and left byte for byte; --force replaces it.
func TestOutExistsRefused(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	dir := t.TempDir()
	out := filepath.Join(dir, "s3cnf.s3cfg")
	old := "[default]\r\naccess_key = MINE\r\nsecret_key = keep-me # really\r\n"
	if err := os.WriteFile(out, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": t.TempDir()}
	r := runQS(t, env, demo.Options{Fakes: f}, "--out", out)
	if r.code != 1 || !strings.Contains(r.stderr, out+" exists; not replacing it") || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got, _ := os.ReadFile(out); string(got) != old {
		t.Errorf("the file changed: %q", got)
	}
	if n := len(f.Storage.Calls()) + len(f.IAM.Calls()); n != 0 {
		t.Errorf("%d calls before the refusal", n)
	}

	r = runQS(t, env, demo.Options{Fakes: f}, "--out", out, "--force")
	if r.code != 0 {
		t.Fatalf("--force: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	cfg, _ := readConfig(t, out)
	if get(t, cfg, "access_key") == "MINE" {
		t.Error("--force did not replace the file")
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after --force", st.Mode().Perm())
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) != 1 {
		t.Errorf("files left next to it: %q", m)
	}
}

// TestInstall: --install writes $HOME/.s3cfg with mode 0600 and keeps the
// existing file as a backup; S3CMD_CONFIG, when set, wins, as in s3cmd.
func TestInstall(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	home := t.TempDir()
	dest := filepath.Join(home, ".s3cfg")
	old := "[default]\naccess_key = OLDKEY\nsecret_key = oldsecret\n"
	if err := os.WriteFile(dest, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runQS(t, map[string]string{"HOME": home}, demo.Options{Fakes: f}, "--install")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	st, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	cfg, _ := readConfig(t, dest)
	if get(t, cfg, "access_key") == "OLDKEY" {
		t.Error("not installed")
	}
	noSecrets(t, r, get(t, cfg, "secret_key"))
	backup := dest + ".bak"
	if got, err := os.ReadFile(backup); err != nil || string(got) != old {
		t.Errorf("backup %s: %q, %v", backup, got, err)
	}
	if !strings.Contains(r.stdout, "wrote "+dest+" (mode 0600); the previous file is kept as "+backup) ||
		!strings.Contains(r.stdout, "s3cmd finds it without -c") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(home, s3cfg.DownloadName)); !os.IsNotExist(err) {
		t.Error("--install also wrote the download name")
	}

	custom := filepath.Join(t.TempDir(), "conf", "s3cmd.conf")
	r = runQS(t, map[string]string{"HOME": home, "S3CMD_CONFIG": custom}, demo.Options{Fakes: f}, "--install")
	if r.code != 0 {
		t.Fatalf("S3CMD_CONFIG: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(custom); err != nil {
		t.Errorf("S3CMD_CONFIG not honoured: %v", err)
	}
}

// TestFailedStepSaysWhatExists: a 500 on linking the key stops the run at
// that step with exit 1; the message names the step and the error, and
// lists the key, the service account, the policy and its attachment, which
// do exist on the fake. Nothing is written.
func TestFailedStepSaysWhatExists(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	f.Storage.Inject(vstoragetest.Fault{Method: "PUT", Path: "/attach", Status: 500})
	out := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	r := runQS(t, map[string]string{"HOME": t.TempDir()}, demo.Options{Fakes: f},
		"--restrict", "--bucket", "fail-bucket", "--service-account", "fail-app", "--out", out)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	ctx := t.Context()
	env := inspect(t, f)
	keys, err := env.Storage.ListS3Keys(ctx, f.ProjectID)
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys %v, %v", keys, err)
	}
	sa, err := demo.FindServiceAccount(ctx, env.IAM, "fail-app")
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := f.IAM.PolicyID("fail-app-vstorage")
	for _, want := range []string{
		"quickstart: step 8/12 (link key) failed: vngcloud: vstorage.LinkS3Key: HTTP 500",
		"the change may have happened",
		"The secret of S3 key " + keys[0].AccessKey + " was not saved anywhere",
		"Already created",
		"S3 key " + keys[0].ID + " (access key " + keys[0].AccessKey + ")",
		"service account fail-app (ID " + sa.ID + ")",
		"policy fail-app-vstorage (ID " + pid + ")",
		"attachment of policy fail-app-vstorage to service account fail-app",
		"perhaps the link of key " + keys[0].AccessKey,
		"(demo: these lived in the in-memory services only and are gone now)",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "bucket fail-bucket") {
		t.Errorf("stderr lists a bucket that was never created:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "[7/12] attach policy") || strings.Contains(r.stdout, "[8/12]") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("wrote %s after a failure", out)
	}
	noSecrets(t, r, f.ClientSecret.Reveal())
}

// TestBadFlags: usage and exit 2, before anything is called.
func TestBadFlags(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	for _, args := range [][]string{
		{"--nope"},
		{"extra"},
		{"--install", "--out", "x.s3cfg"},
		{"--install", "--force"},
		{"--bucket", "Upper_Case"},
		{"--restrict", "--service-account", "bad/name"},
		{"--service-account", "app"},
		{"--out", ""},
	} {
		r := runQS(t, map[string]string{"HOME": t.TempDir()}, demo.Options{Fakes: f}, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "usage: quickstart") || r.stdout != "" {
			t.Errorf("%q: exit %d\nstdout %s\nstderr %s", args, r.code, r.stdout, r.stderr)
		}
	}
	if n := len(f.Storage.Calls()) + len(f.IAM.Calls()); n != 0 {
		t.Errorf("%d calls", n)
	}
	r := runQS(t, nil, demo.Options{Fakes: f}, "-h")
	if r.code != 0 || !strings.Contains(r.stderr, "--restrict") {
		t.Errorf("-h: exit %d, %s", r.code, r.stderr)
	}
}

// TestOneCredentialVariable: only one of the two variables is a clear
// error, exit 2, and nothing is started or written.
func TestOneCredentialVariable(t *testing.T) {
	t.Parallel()
	for _, env := range []map[string]string{
		{"VNGCLOUD_CLIENT_ID": "abc"},
		{"VNGCLOUD_CLIENT_SECRET": "s3cr3t-value"},
	} {
		dir := t.TempDir()
		env["HOME"] = dir
		out := filepath.Join(dir, "out.s3cfg")
		r := runQS(t, env, demo.Options{}, "--out", out)
		if r.code != 2 || !strings.Contains(r.stderr, "is set but") || !strings.Contains(r.stderr, "set both to use your account, or neither for the in-memory demo") {
			t.Errorf("%v: exit %d\n%s\n%s", env, r.code, r.stdout, r.stderr)
		}
		noSecrets(t, r, "s3cr3t-value")
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("wrote %s", out)
		}
	}
}

// TestCloudPathOnLoopback runs the real-cloud path (credentials in the
// environment, endpoint overrides) against the in-memory services: no demo
// line, the same flow.
func TestCloudPathOnLoopback(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	out := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	env := map[string]string{"HOME": t.TempDir()}
	getenv := f.CloudEnv(env)
	var so, se bytes.Buffer
	code := run(t.Context(), []string{"--out", out, "--full"}, getenv, &so, &se)
	r := result{code, so.String(), se.String()}
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "demo:") {
		t.Errorf("demo mode with credentials:\n%s", r.stdout)
	}
	stepLines(t, r.stdout, 5)
	cfg, data := readConfig(t, out)
	noSecrets(t, r, get(t, cfg, "secret_key"), f.ClientSecret.Reveal())
	if len(cfg.Keys()) != 87 {
		t.Errorf("--full wrote %d keys", len(cfg.Keys()))
	}
	if bytes.Contains(data, []byte("\r")) {
		t.Error("CR in a config written on " + runtime.GOOS)
	}
}

// TestDemoStartsItsOwnServices: run, as main calls it, with an empty
// environment starts in-memory services by itself.
func TestDemoStartsItsOwnServices(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	var so, se bytes.Buffer
	code := run(t.Context(), []string{"--out", out, "--restrict"}, demo.Getenv(map[string]string{"HOME": t.TempDir()}), &so, &se)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, so.String(), se.String())
	}
	if !strings.HasPrefix(so.String(), "demo: ") {
		t.Errorf("stdout:\n%s", so.String())
	}
	cfg, _ := readConfig(t, out)
	noSecrets(t, result{code, so.String(), se.String()}, get(t, cfg, "secret_key"))
}

// TestKeyAnswerLost: when the answer to the key's creation is lost, the
// key may exist; the run stops at that step and says so, since the secret
// is gone either way.
func TestKeyAnswerLost(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	f.Storage.Inject(vstoragetest.Fault{Method: "POST", Path: "/users/s3_keys", Drop: vstoragetest.DropAfterAct})
	out := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	r := runQS(t, map[string]string{"HOME": t.TempDir()}, demo.Options{Fakes: f}, "--out", out)
	for _, want := range []string{"quickstart: step 3/5 (S3 key) failed: vngcloud: vstorage.CreateS3Key", "the change may have happened",
		"perhaps an S3 key in project " + f.ProjectID + ": the answer was lost"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != 1 {
		t.Errorf("exit %d", r.code)
	}
	if keys := f.Storage.Keys(f.ProjectID); len(keys) != 1 {
		t.Errorf("the fake holds %d keys; the dropped answer's key should be there", len(keys))
	} else {
		noSecrets(t, r, keys[0].SecretKey.Reveal())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a file was written")
	}
}

// TestVerboseLogsNoSecrets: -v logs every call to stderr, and no secret
// (the key's, the login account's) reaches it.
func TestVerboseLogsNoSecrets(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	out := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	r := runQS(t, map[string]string{"HOME": t.TempDir()}, demo.Options{Fakes: f}, "-v", "--restrict", "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := strings.Count(r.stderr, "level=DEBUG"); n < 10 {
		t.Errorf("%d debug lines:\n%s", n, r.stderr)
	}
	cfg, _ := readConfig(t, out)
	noSecrets(t, r, get(t, cfg, "secret_key"), f.ClientSecret.Reveal())
}

// TestOutFolderMissing: a --out in a folder that does not exist is
// refused before a key is made.
func TestOutFolderMissing(t *testing.T) {
	t.Parallel()
	f, _ := fakes(t, false)
	out := filepath.Join(t.TempDir(), "no", "such", "s3cnf.s3cfg")
	r := runQS(t, map[string]string{"HOME": t.TempDir()}, demo.Options{Fakes: f}, "--out", out)
	if r.code != 1 || !strings.Contains(r.stderr, "/no/such does not exist") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	dir := t.TempDir()
	r = runQS(t, map[string]string{"HOME": t.TempDir()}, demo.Options{Fakes: f}, "--out", dir, "--force")
	if r.code != 1 || !strings.Contains(r.stderr, "is not a regular file") {
		t.Errorf("folder as --out: exit %d\n%s", r.code, r.stderr)
	}
	home := t.TempDir()
	os.Mkdir(filepath.Join(home, ".s3cfg"), 0o700)
	r = runQS(t, map[string]string{"HOME": home}, demo.Options{Fakes: f}, "--install")
	if r.code != 1 || !strings.Contains(r.stderr, filepath.Join(home, ".s3cfg")+" exists and is not a regular file") {
		t.Errorf("folder at the destination: exit %d\n%s", r.code, r.stderr)
	}
	if n := len(f.Storage.Calls()); n != 0 {
		t.Errorf("%d calls", n)
	}
}
