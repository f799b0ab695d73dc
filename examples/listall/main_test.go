package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/demo"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

type result struct {
	code           int
	stdout, stderr string
}

func runList(t *testing.T, getenv func(string) string, base demo.Options, args ...string) result {
	t.Helper()
	var so, se bytes.Buffer
	code := runWith(t.Context(), args, getenv, &so, &se, base)
	return result{code, so.String(), se.String()}
}

func startFakes(t *testing.T) *demo.Fakes {
	t.Helper()
	f, err := demo.StartFakes(demo.FakeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

func connect(t *testing.T, f *demo.Fakes) *demo.Env {
	t.Helper()
	env, err := demo.Connect(t.Context(), io.Discard, f.CloudEnv(nil), demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func contains(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// TestDemo: with no credentials, listall starts in-memory services, seeds
// a sample account and lists it.
func TestDemo(t *testing.T) {
	t.Parallel()
	var so, se bytes.Buffer
	code := run(t.Context(), nil, demo.Getenv(nil), &so, &se)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, so.String(), se.String())
	}
	contains(t, so.String(),
		"demo: VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET are not set",
		"demo: seeded bucket demo-photos",
		"region HCM04, S3 endpoint https://hcm04.vstorage.vngcloud.vn (reported by vStorage)",
		"project demo-project (",
		"buckets (1):",
		"demo-photos",
		"policy: 2 statements for arn:aws:iam:::user/"+vstoragetest.DefaultAccountUser+":sa-demo-app",
		"S3 keys (2):",
		"restriction by vIAM: on, acts as service account demo-app (subUserId "+vstoragetest.DefaultAccountUser+":sa-demo-app)",
		"restriction by vIAM: off",
		"service accounts (2):",
		"demo-login (ID ",
		"demo-app (ID ",
		"policies: demo-app-vstorage (own, ID ",
	)
	if se.Len() != 0 {
		t.Errorf("stderr: %s", se.String())
	}
}

// TestCloudPath lists state made through the API, with credentials in
// the environment (the in-memory services standing in for the cloud): a
// bucket whose policy names two principals, one without a policy, a key
// linked to a service account holding an own and a managed policy, and an
// unrestricted key.
func TestCloudPath(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	ctx := t.Context()
	env := connect(t, f)
	p := f.ProjectID
	for _, b := range []string{"alpha", "beta"} {
		if _, err := env.Storage.CreateBucket(ctx, p, b); err != nil {
			t.Fatal(err)
		}
	}
	sa, err := env.IAM.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "uploader"})
	if err != nil {
		t.Fatal(err)
	}
	own, err := env.IAM.CreatePolicy(ctx, viam.PolicyRequest{Name: "uploader-read", Document: viam.VStorageReadOnly()})
	if err != nil {
		t.Fatal(err)
	}
	managed, _ := f.IAM.PolicyID(viam.PolicyVStorageAPIFullAccess)
	for _, id := range []string{own, managed} {
		if err := env.IAM.AttachPolicy(ctx, id, sa.ID); err != nil {
			t.Fatal(err)
		}
	}
	pr, err := env.Storage.EnsureServiceAccountPrincipal(ctx, p, sa.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Storage.PutBucketPolicy(ctx, p, "alpha", vstorage.ReadWriteBucketPolicy("alpha", pr.ARN, "arn:aws:iam:::user/someone:sa-else")); err != nil {
		t.Fatal(err)
	}
	linked, err := env.Storage.CreateS3Key(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Storage.LinkS3Key(ctx, p, linked.ID, sa.ID); err != nil {
		t.Fatal(err)
	}
	free, err := env.Storage.CreateS3Key(ctx, p)
	if err != nil {
		t.Fatal(err)
	}

	r := runList(t, f.CloudEnv(nil), demo.Options{})
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "demo:") {
		t.Errorf("demo mode with credentials:\n%s", r.stdout)
	}
	contains(t, r.stdout,
		"project demo-project ("+p+")",
		"buckets (2):",
		"policy: 2 statements for "+pr.ARN+", arn:aws:iam:::user/someone:sa-else",
		"policy: none",
		"S3 keys (2):",
		linked.AccessKey+"  key ID "+linked.ID+"  restriction by vIAM: on, acts as service account uploader",
		free.AccessKey+"  key ID "+free.ID+"  restriction by vIAM: off",
		"uploader (ID "+sa.ID+", client ID "+sa.ClientID+")",
		"uploader-read (own, ID "+own+")",
		viam.PolicyVStorageAPIFullAccess+" (managed, ID "+managed+")",
		"S3 keys linked: "+linked.AccessKey,
	)
	for _, s := range []string{linked.SecretKey.Reveal(), free.SecretKey.Reveal(), sa.ClientSecret.Reveal(), f.ClientSecret.Reveal()} {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Error("a secret appears in the output")
		}
	}

	// --project names one project; an unknown one is a clear error.
	r = runList(t, f.CloudEnv(nil), demo.Options{}, "--project", "0123456789abcdef0123456789abcdef")
	if r.code != 1 || !strings.Contains(r.stderr, "project 0123456789abcdef0123456789abcdef is not in region HCM04; the region's projects: "+p+" (demo-project)") {
		t.Errorf("unknown project: exit %d\n%s", r.code, r.stderr)
	}
}

// TestFailure: a failing call is exit 1 with the service's error.
func TestFailure(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	f.Storage.Inject(vstoragetest.Fault{Method: "GET", Path: "/ceph/projects/", Status: 503, Times: 10})
	r := runList(t, f.CloudEnv(nil), demo.Options{ClientOptions: []vngcloud.Option{vngcloud.WithRetryWait(0, 0)}})
	if r.code != 1 || !strings.Contains(r.stderr, "listall: project "+f.ProjectID+": vngcloud: vstorage.ListBuckets: HTTP 503") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestBadInvocation: bad flags and half the credentials exit 2.
func TestBadInvocation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"--bogus"}, "usage: listall"},
		{nil, []string{"extra"}, "usage: listall"},
		{map[string]string{"VNGCLOUD_CLIENT_ID": "x"}, nil, "VNGCLOUD_CLIENT_ID is set but VNGCLOUD_CLIENT_SECRET is not"},
	} {
		r := runList(t, demo.Getenv(c.env), demo.Options{}, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v %q: exit %d\n%s", c.env, c.args, r.code, r.stderr)
		}
	}
}
