package demo

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

func startFakes(t *testing.T, o FakeOptions) *Fakes {
	t.Helper()
	f, err := StartFakes(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

func TestConnectCredentials(t *testing.T) {
	t.Parallel()
	for _, env := range []map[string]string{
		{EnvClientID: "id-only"},
		{EnvClientSecret: "secret-only-value"},
		{EnvClientID: "  ", EnvClientSecret: "secret-only-value"},
	} {
		var out bytes.Buffer
		e, err := Connect(t.Context(), &out, Getenv(env), Options{})
		if err == nil || e != nil || !strings.Contains(err.Error(), "set both to use your account, or neither for the in-memory demo") {
			t.Errorf("%v: %v", env, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret-only-value") {
			t.Error("the secret is in the error")
		}
		if out.Len() != 0 {
			t.Errorf("printed %q", out.String())
		}
	}
}

// TestDemoMode: no credentials start in-memory services, say so in one
// line, and ignore a VNGCLOUD_PROJECT_ID meant for the real account.
func TestDemoMode(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	e, err := Connect(t.Context(), &out, Getenv(map[string]string{EnvProjectID: "real-account-project"}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if !e.Demo || e.Fakes == nil || strings.Count(out.String(), "\n") != 1 || !strings.Contains(out.String(), "nothing touches the cloud") {
		t.Fatalf("demo %v, printed %q", e.Demo, out.String())
	}
	ctx := t.Context()
	id, err := e.Token(ctx)
	if err != nil || !strings.HasSuffix(id, "…") {
		t.Errorf("token: %q, %v", id, err)
	}
	p, err := e.Project(ctx)
	if err != nil || p.ID != e.Fakes.ProjectID || p.Name != demoProjectName {
		t.Errorf("project %+v, %v", p, err)
	}
	ep, err := e.S3(ctx)
	if err != nil || ep != (S3Endpoint{Region: "HCM04", URL: "https://hcm04.vstorage.vngcloud.vn", Source: "reported by vStorage"}) {
		t.Errorf("S3 %+v, %v", ep, err)
	}
	if ep.IP() {
		t.Error("a host name taken for an IP")
	}
	if err := e.Sample(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	keys, _ := e.Storage.ListS3Keys(ctx, p.ID)
	if len(keys) != 2 {
		t.Errorf("sample keys %v", keys)
	}
	e.Close()
	e.Close()
	if _, err := e.Project(ctx); err != nil {
		t.Error("the project is not kept")
	}
	if _, err := e.Storage.ListRegions(ctx); err == nil {
		t.Error("the services still answer after Close")
	}
}

// TestCloudMode: credentials make Connect use the endpoints given, with no
// demo line; Sample refuses to run; a wrong project or region is a clear
// error.
func TestCloudMode(t *testing.T) {
	t.Parallel()
	f := startFakes(t, FakeOptions{Region: "HAN02", S3Endpoint: "http://127.0.0.1:9"})
	var out bytes.Buffer
	e, err := Connect(t.Context(), &out, f.CloudEnv(nil), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if e.Demo || out.Len() != 0 {
		t.Errorf("demo %v, printed %q", e.Demo, out.String())
	}
	if err := e.Sample(ctx, io.Discard); err == nil {
		t.Error("Sample ran against the cloud")
	}
	ep, err := e.S3(ctx)
	if err != nil || ep.URL != "http://127.0.0.1:9" || ep.Region != "HAN02" || !ep.IP() {
		t.Errorf("S3 %+v, %v", ep, err)
	}

	e, _ = Connect(ctx, io.Discard, f.CloudEnv(nil), Options{ProjectID: "ffffffffffffffffffffffffffffffff"})
	if _, err := e.Project(ctx); err == nil || !strings.Contains(err.Error(), "project ffffffffffffffffffffffffffffffff is not in region HAN02; the region's projects: "+f.ProjectID+" (demo-project)") {
		t.Errorf("unknown project: %v", err)
	}
	e, _ = Connect(ctx, io.Discard, f.CloudEnv(map[string]string{EnvProjectID: ""}), Options{Region: "HCM04"})
	if _, err := e.Project(ctx); err == nil || !strings.Contains(err.Error(), "the account has no vStorage project in region HCM04") {
		t.Errorf("empty region: %v", err)
	}
	// Refused credentials fail the token step.
	e, _ = Connect(ctx, io.Discard, f.CloudEnv(map[string]string{EnvClientSecret: "wrong-secret"}), Options{})
	if _, err := e.Token(ctx); !errors.Is(err, vngcloud.ErrUnauthorized) || strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("wrong secret: %v", err)
	}
}

// TestS3Fallback: a region whose s3Host is empty gets the built-in host;
// a management region name maps to its storage region.
func TestS3Fallback(t *testing.T) {
	t.Parallel()
	iam := viamtest.NewServer()
	defer iam.Close()
	st := vstoragetest.NewServer(iam, vstoragetest.WithS3Endpoints(map[string]string{"HCM04": ""}))
	defer st.Close()
	_, id, secret := iam.AddServiceAccount("login")
	e, err := Connect(t.Context(), io.Discard, Getenv(map[string]string{
		EnvClientID: id, EnvClientSecret: secret.Reveal(), EnvRegion: "hcm-3",
		EnvIAMEndpoint: iam.URL(), EnvVStorageEndpoint: st.URL(),
	}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := e.S3(t.Context())
	if err != nil || ep != (S3Endpoint{Region: "HCM04", URL: "https://hcm04.vstorage.vngcloud.vn", Source: "built in"}) {
		t.Errorf("%+v, %v", ep, err)
	}
}

// TestGrantReadWrite: statements are added to the bucket's policy, never
// replacing it, and a repeat sends nothing.
func TestGrantReadWrite(t *testing.T) {
	t.Parallel()
	f := startFakes(t, FakeOptions{})
	e, _ := Connect(t.Context(), io.Discard, f.CloudEnv(nil), Options{})
	ctx := t.Context()
	p := f.ProjectID
	created, err := EnsureBucket(ctx, e.Storage, p, "grants")
	if err != nil || !created {
		t.Fatal(created, err)
	}
	if created, err := EnsureBucket(ctx, e.Storage, p, "grants"); err != nil || created {
		t.Fatal("second EnsureBucket", created, err)
	}
	a, b := vstorage.PrincipalARN("u:sa-a"), vstorage.PrincipalARN("u:sa-b")
	if kept, changed, err := GrantReadWrite(ctx, e.Storage, p, "grants", a); err != nil || kept != 0 || !changed {
		t.Fatal(kept, changed, err)
	}
	if kept, changed, err := GrantReadWrite(ctx, e.Storage, p, "grants", b); err != nil || kept != 2 || !changed {
		t.Fatal(kept, changed, err)
	}
	puts := f.Storage.CallCount("PUT", "/policy")
	if kept, changed, err := GrantReadWrite(ctx, e.Storage, p, "grants", a); err != nil || kept != 4 || changed {
		t.Fatal(kept, changed, err)
	}
	if f.Storage.CallCount("PUT", "/policy") != puts {
		t.Error("a repeat grant sent a PUT")
	}
	pol, _ := e.Storage.GetBucketPolicy(ctx, p, "grants")
	if len(pol.Statement) != 4 || pol.Statement[0].Principal.AWS[0] != a || pol.Statement[3].Principal.AWS[0] != b {
		t.Errorf("policy %+v", pol.Statement)
	}
}

func TestStepsAndCreated(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	s := NewSteps(&out, 3)
	s.Start("token")
	s.Done("ok (%s)", "x")
	s.Start("key")
	if got := s.Current(); got != "step 2/3 (key)" {
		t.Errorf("Current %q", got)
	}
	var c Created
	c.Report(&out, false)
	c.Add("key %s", "AK1")
	c.Add("two\nlines")
	c.Report(&out, true)
	want := "[1/3] token: ok (x)\nNothing was created.\nAlready created (left in place; remove what you do not want):\n  - key AK1\n  - two\n    lines\n(demo: these lived in the in-memory services only and are gone now)\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if Short("0123456789abcdef") != "01234567…" || Short("short") != "short" {
		t.Error("Short")
	}
}
