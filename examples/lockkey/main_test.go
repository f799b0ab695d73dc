package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/internal/demo"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

type result struct {
	code           int
	stdout, stderr string
}

func lockKey(t *testing.T, getenv func(string) string, args ...string) result {
	t.Helper()
	var so, se bytes.Buffer
	code := runWith(t.Context(), args, getenv, &so, &se, demo.Options{})
	return result{code, so.String(), se.String()}
}

func startFakes(t *testing.T) (*demo.Fakes, *demo.Env) {
	t.Helper()
	f, err := demo.StartFakes(demo.FakeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	env, err := demo.Connect(t.Context(), io.Discard, f.CloudEnv(nil), demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f, env
}

const otherARN = "arn:aws:iam:::user/" + vstoragetest.DefaultAccountUser + ":sa-reporting"

// TestLockExistingKey locks an unrestricted key to a bucket whose policy
// already grants someone else: the service account is created, the key is
// linked to it, and the bucket policy gains the principal's statements
// while keeping the old one. A second run changes nothing.
func TestLockExistingKey(t *testing.T) {
	t.Parallel()
	f, env := startFakes(t)
	ctx := t.Context()
	p := f.ProjectID
	if _, err := env.Storage.CreateBucket(ctx, p, "shared"); err != nil {
		t.Fatal(err)
	}
	prior := vstorage.BucketPolicy{Statement: []vstorage.PolicyStatement{{
		Sid: "reporting", Effect: vstorage.EffectAllow, Principal: vstorage.AWSPrincipal(otherARN),
		Action: vstorage.StringList{"s3:GetObject"}, Resource: vstorage.StringList{"arn:aws:s3:::shared/*"},
	}}}
	if err := env.Storage.PutBucketPolicy(ctx, p, "shared", prior); err != nil {
		t.Fatal(err)
	}
	k, err := env.Storage.CreateS3Key(ctx, p)
	if err != nil {
		t.Fatal(err)
	}

	r := lockKey(t, f.CloudEnv(nil), "--bucket", "shared", "--access-key", k.AccessKey)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"[3/8] key: " + k.AccessKey + " (key ID " + k.ID + ", from --access-key), unrestricted",
		"[4/8] service account: created lock-shared (ID ",
		"[5/8] bucket: shared exists",
		"[6/8] principal: arn:aws:iam:::user/" + vstoragetest.DefaultAccountUser + ":sa-lock-shared",
		"[7/8] bucket policy: added read/write statements for the principal to the policy of shared; its 1 earlier statements kept",
		"[8/8] link key: " + k.AccessKey + " acts as lock-shared now (restriction by vIAM: on, subUserId " + vstoragetest.DefaultAccountUser + ":sa-lock-shared)",
		"may read and write bucket shared and no other bucket",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout+r.stderr, k.SecretKey.Reveal()) {
		t.Error("the key's secret appears in the output")
	}

	got, err := demo.FindKey(ctx, env.Storage, p, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ServiceAccountName() != "lock-shared" {
		t.Errorf("key subUserId %q", got.SubUserID)
	}
	arn := vstorage.PrincipalARN(got.SubUserID)
	bp, err := env.Storage.GetBucketPolicy(ctx, p, "shared")
	if err != nil || len(bp.Statement) == 0 {
		t.Fatal(bp, err)
	}
	want := append(prior.Statement, vstorage.ReadWriteBucketPolicy("shared", arn).Statement...)
	if len(bp.Statement) != len(want) || bp.Statement[0].Sid != "reporting" || bp.Statement[0].Principal.AWS[0] != otherARN {
		t.Fatalf("bucket policy statements %+v", bp.Statement)
	}
	for _, s := range bp.Statement[1:] {
		if s.Principal.AWS[0] != arn {
			t.Errorf("statement for %v", s.Principal.AWS)
		}
	}

	// Again: everything is in place, nothing changes.
	calls := f.Storage.CallCount("PUT", "")
	r = lockKey(t, f.CloudEnv(nil), "--bucket", "shared", "--access-key", k.ID)
	if r.code != 0 || !strings.Contains(r.stdout, "restricted by vIAM to lock-shared already") ||
		!strings.Contains(r.stdout, "[4/8] service account: lock-shared exists") ||
		!strings.Contains(r.stdout, "already gives") || !strings.Contains(r.stdout, "acts as lock-shared already") {
		t.Errorf("second run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := f.Storage.CallCount("PUT", ""); n != calls {
		t.Errorf("the second run sent %d PUTs", n-calls)
	}
}

// TestKeyFromConfig reads the key from an s3cmd config (only read), and
// creates the bucket when it is missing.
func TestKeyFromConfig(t *testing.T) {
	t.Parallel()
	f, env := startFakes(t)
	ctx := t.Context()
	k, err := env.Storage.CreateS3Key(ctx, f.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	data := "[default]\naccess_key = " + k.AccessKey + "\nsecret_key = " + k.SecretKey.Reveal() + "\n"
	os.WriteFile(path, []byte(data), 0o600)
	r := lockKey(t, f.CloudEnv(nil), "--bucket", "new-bucket", "--service-account", "new-app", "--config", path)
	if r.code != 0 || !strings.Contains(r.stdout, "from "+path) || !strings.Contains(r.stdout, "[5/8] bucket: created new-bucket") ||
		!strings.Contains(r.stdout, "new-bucket had no policy; it now gives the principal read/write") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got, _ := os.ReadFile(path); string(got) != data {
		t.Error("the config changed")
	}
	if strings.Contains(r.stdout+r.stderr, k.SecretKey.Reveal()) {
		t.Error("the secret appears in the output")
	}
	if b := f.Storage.Buckets(f.ProjectID); len(b) != 1 || b[0] != "new-bucket" {
		t.Errorf("buckets %v", b)
	}
}

// TestKeyOfAnotherAccount: a key linked to another service account is
// refused before anything is created.
func TestKeyOfAnotherAccount(t *testing.T) {
	t.Parallel()
	f, env := startFakes(t)
	ctx := t.Context()
	sa, err := env.IAM.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "reporting"})
	if err != nil {
		t.Fatal(err)
	}
	k, _ := env.Storage.CreateS3Key(ctx, f.ProjectID)
	if err := env.Storage.LinkS3Key(ctx, f.ProjectID, k.ID, sa.ID); err != nil {
		t.Fatal(err)
	}
	r := lockKey(t, f.CloudEnv(nil), "--bucket", "photos", "--access-key", k.AccessKey)
	if r.code != 1 || !strings.Contains(r.stderr, `step 3/8 (key) failed: key `+k.AccessKey+` acts as service account "reporting" already`) ||
		!strings.Contains(r.stderr, "Nothing was created.") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, err := demo.FindServiceAccount(ctx, env.IAM, "lock-photos"); err == nil {
		t.Error("a service account was created")
	}
	if b := f.Storage.Buckets(f.ProjectID); len(b) != 0 {
		t.Errorf("buckets %v", b)
	}
}

// TestLinkFails: a failing link leaves the key unrestricted and says what
// was created.
func TestLinkFails(t *testing.T) {
	t.Parallel()
	f, env := startFakes(t)
	k, _ := env.Storage.CreateS3Key(t.Context(), f.ProjectID)
	f.Storage.Inject(vstoragetest.Fault{Method: "PUT", Path: "/attach", Status: 500})
	r := lockKey(t, f.CloudEnv(nil), "--bucket", "photos", "--access-key", k.AccessKey)
	for _, want := range []string{"step 8/8 (link key) failed: vngcloud: vstorage.LinkS3Key: HTTP 500",
		"service account lock-photos (ID ", "bucket photos (created empty)", "the policy of bucket photos, which grants arn:aws:iam:::user/",
		"perhaps the link of key " + k.AccessKey} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != 1 {
		t.Errorf("exit %d", r.code)
	}
	if got, _ := demo.FindKey(t.Context(), env.Storage, f.ProjectID, k.ID); got.Restricted() {
		t.Error("the key is restricted")
	}
}

// TestDemo: with no credentials and no config file, the demo creates a key
// to lock.
func TestDemo(t *testing.T) {
	t.Parallel()
	var so, se bytes.Buffer
	code := run(t.Context(), []string{"--bucket", "photos", "--config", filepath.Join(t.TempDir(), "none")}, demo.Getenv(nil), &so, &se)
	if code != 0 || !strings.Contains(so.String(), "demo: no --access-key and no ") || !strings.Contains(so.String(), "[8/8] link key: ") {
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
		{nil, nil, "--bucket is required"},
		{nil, []string{"--bucket", "Bad_Name"}, "--bucket: "},
		{nil, []string{"--bucket", "ok-name", "--service-account", "no/slash"}, "--service-account: "},
		{nil, []string{"--bucket", "ok-name", "x"}, "unexpected argument"},
		{map[string]string{"VNGCLOUD_CLIENT_ID": "id"}, []string{"--bucket", "ok-name"}, "VNGCLOUD_CLIENT_SECRET is not"},
	} {
		r := lockKey(t, demo.Getenv(c.env), c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v %q: exit %d\n%s", c.env, c.args, r.code, r.stderr)
		}
	}
	// Without a key to lock, against the cloud, the message says so.
	f, _ := startFakes(t)
	r := lockKey(t, f.CloudEnv(nil), "--bucket", "photos", "--config", filepath.Join(t.TempDir(), "absent.s3cfg"))
	if r.code != 1 || !strings.Contains(r.stderr, "no --access-key given and") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}
