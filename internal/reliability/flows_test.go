package reliability

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/testsupport"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// transcript collects everything a program could show of the SDK's
// results: values and errors as fmt, slog and JSON print them, and the
// bodies and hints of API errors.
type transcript struct{ strings.Builder }

func (tr *transcript) show(what string, v any, err error) {
	fmt.Fprintf(tr, "== %s\n", what)
	if v != nil {
		tr.WriteString(encodings(v))
	}
	if err != nil {
		tr.WriteString(printed(err))
		var ae *vngcloud.APIError
		if errors.As(err, &ae) {
			tr.Write(ae.Body)
			tr.WriteString("\n" + ae.Hint + "\n")
		}
	}
}

// TestFlowsLeakNoSecret runs what programs do with the SDK, with every
// client logging at debug level: the console's quickstart (token,
// project, key, service account, policy, attachments, principal, bucket
// policy, s3cmd config), a token that expires and is renewed, a secret
// rotation, and an error of every kind. Then it searches the logs and
// everything the calls returned, printed every way, for every secret and
// token the run used: the login secret, each token issued, each new
// client secret and S3 secret key, and the wrong secrets and tokens it
// tried.
func TestFlowsLeakNoSecret(t *testing.T) {
	e, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	ctx := context.Background()
	var out transcript
	step := func(what string, v any, err error) {
		t.Helper()
		out.show(what, v, err)
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	fail := func(what string, want error, v any, err error) {
		t.Helper()
		out.show(what, v, err)
		if err == nil || (want != nil && !errors.Is(err, want)) {
			t.Errorf("%s: want an error matching %v, got %v", what, want, err)
		}
	}

	// The quickstart, as the console does it.
	regions, err := e.stc.ListRegions(ctx)
	step("regions", regions, err)
	project, err := e.stc.GetProject(ctx, e.project)
	step("project", project, err)
	key, err := e.stc.CreateS3Key(ctx, e.project)
	step("create key", key, err)
	sa, err := e.iamc.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "flow-sa", Description: "flows"})
	step("create service account", sa, err)
	polID, err := e.iamc.CreatePolicy(ctx, viam.PolicyRequest{Name: "flow-sa-vstorage", Document: viam.VStorageFullAccess()})
	step("create policy", polID, err)
	step("attach policy", nil, e.iamc.EnsurePolicyAttached(ctx, polID, sa.ID))
	step("link key", nil, e.stc.LinkS3Key(ctx, e.project, key.ID, sa.ID))
	p, err := e.stc.EnsureServiceAccountPrincipal(ctx, e.project, sa.ID)
	step("principal", p, err)
	b, err := e.stc.CreateBucket(ctx, e.project, "flow-bucket")
	step("bucket", b, err)
	step("grant", nil, e.stc.PutBucketPolicy(ctx, e.project, "flow-bucket", vstorage.ReadWriteBucketPolicy("flow-bucket", p.ARN)))
	keys, err := e.stc.ListS3Keys(ctx, e.project)
	step("keys", keys, err)
	v := s3cfg.VStorage{AccessKey: key.AccessKey, SecretKey: key.SecretKey, Region: "HCM04"}
	data, err := v.Short()
	step("s3cmd config", v, err)
	cfgPath := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	bak, err := s3cfg.WriteFile(cfgPath, data, s3cfg.WriteOptions{})
	step("write config", bak, err)
	if f, err := s3cfg.Parse(data); err == nil {
		out.show("parsed config", f, nil)
		out.show("resolved config", f.Resolve(s3cfg.Runtime{LookupEnv: s3cfg.EnvMap(nil)}), nil)
		for _, d := range f.Diagnostics() {
			out.show("diagnostic", d, nil)
		}
	}
	sas, err := collect(e.iamc.AllServiceAccounts(ctx, nil))
	step("service accounts", sas, err)
	pols, err := e.iamc.ListServiceAccountPolicies(ctx, sa.ID, nil)
	step("attached policies", pols, err)

	// The token expires on the server: the next call is refused, the SDK
	// drops the token, gets a new one and sends the call again.
	issued := e.iam.TokensIssued()
	e.iam.SetNow(func() time.Time { return time.Now().Add(2 * time.Hour) })
	projects, err := e.stc.ListProjects(ctx)
	step("after expiry", projects, err)
	if e.iam.TokensIssued() != issued+1 {
		t.Errorf("tokens issued %d → %d, want one renewal", issued, e.iam.TokensIssued())
	}
	// A 401 injected on a call: one renewal, one resend.
	e.st.Inject(vstoragetest.Fault{Method: "GET", Path: "users/s3_keys", Status: 401})
	keys, err = e.stc.ListS3Keys(ctx, e.project)
	step("after a 401", keys, err)

	// A rotation: a new secret for the service account, a token with it,
	// a new key, the old one deleted.
	newSecret, err := e.iamc.ResetServiceAccountSecret(ctx, sa.ID)
	step("reset secret", newSecret, err)
	cc2, err := viam.NewClientCredentials(sa.ClientID, newSecret, e.options(vngcloud.WithEndpoint(e.iam.URL())))
	step("new credentials", cc2, err)
	tok2, err := cc2.Token(ctx)
	step("token with the new secret", tok2, err)
	key2, err := e.stc.CreateS3Key(ctx, e.project)
	step("new key", key2, err)
	step("detach old key", nil, e.stc.UnlinkS3Key(ctx, e.project, key.ID))
	step("delete old key", nil, e.stc.DeleteS3Key(ctx, e.project, key.ID))

	// An error of every kind.
	_, err = e.stc.GetBucket(ctx, e.project, "no-such-bucket")
	fail("missing bucket", vngcloud.ErrNotFound, nil, err)
	fail("deleted key", vngcloud.ErrNotFound, nil, e.stc.DeleteS3Key(ctx, e.project, key.ID))
	_, err = e.iamc.GetServiceAccount(ctx, "00000000-0000-4000-8000-000000000000")
	fail("unknown service account", vngcloud.ErrNotFound, nil, err)
	fail("attached twice", vngcloud.ErrConflict, nil, e.iamc.AttachPolicy(ctx, polID, sa.ID))
	step("link the new key", nil, e.stc.LinkS3Key(ctx, e.project, key2.ID, sa.ID))
	fail("key linked twice", vngcloud.ErrConflict, nil, e.stc.LinkS3Key(ctx, e.project, key2.ID, sa.ID))
	wrong := vngcloud.Secret("wrong-secret-" + strings.Repeat("x", 20))
	e.rec.Add(wrong.Reveal(), basic(e.loginClientID, wrong))
	badCC, err := viam.NewClientCredentials(e.loginClientID, wrong, e.options(vngcloud.WithEndpoint(e.iam.URL())))
	step("credentials with a wrong secret", badCC, err)
	_, err = badCC.Token(ctx)
	fail("wrong secret", vngcloud.ErrUnauthorized, badCC, err)
	const bogus = "static-token-the-service-refuses-0123456789"
	e.rec.Add(bogus)
	static, err := vstorage.NewClient(e.options(vngcloud.WithTokenSource(vngcloud.StaticToken(bogus)),
		vngcloud.WithEndpoint(e.st.URL())), vstorage.WithRegion(vstoragetest.HCM04ID))
	step("static client", static, err)
	_, err = static.ListProjects(ctx)
	fail("refused static token", vngcloud.ErrUnauthorized, static, err)
	e.st.Inject(vstoragetest.Fault{Method: "GET", Path: "users/s3_keys", Status: 403,
		Body: `[{"code":"IAM_PERMISSION_DENIED","message":"IAM denied action"}]`})
	_, err = e.stc.ListS3Keys(ctx, e.project)
	fail("denied", vngcloud.ErrForbidden, nil, err)
	e.st.Inject(vstoragetest.Fault{Method: "GET", Path: "/projects", Status: 429, RetryAfter: "60"})
	_, err = e.stc.ListProjects(ctx)
	fail("rate limited", vngcloud.ErrRateLimited, nil, err)
	_, err = e.stc.CreateBucket(ctx, e.project, "Bad_Name")
	fail("bad bucket name", vngcloud.ErrInvalidInput, nil, err)
	e.st.Inject(vstoragetest.Fault{Method: "POST", Path: "/buckets/", Status: 200,
		Body: `{"success":false,"code":112,"errorMsg":"Invalid input error (Bucket name must be all lowercase letters, numbers or hyphens)","action":null}`})
	_, err = e.stc.CreateBucket(ctx, e.project, "refused-bucket")
	fail("refused bucket", vngcloud.ErrInvalidInput, nil, err)
	e.st.Inject(vstoragetest.Fault{Method: "POST", Path: "users/s3_keys", Drop: vstoragetest.DropAfterAct})
	k3, err := e.stc.CreateS3Key(ctx, e.project)
	fail("lost answer", vngcloud.ErrMaybeApplied, k3, err)
	e.iam.Inject(viamtest.Fault{Method: "POST", Path: "reset-secret", Truncate: true})
	s3, err := e.iamc.ResetServiceAccountSecret(ctx, sa.ID)
	fail("truncated secret", vngcloud.ErrMaybeApplied, s3, err)
	e.iam.Inject(viamtest.Fault{Method: "POST", Path: "/auth/token", Oversize: oversize})
	fresh, _ := e.newCredentials()
	_, err = fresh.Token(ctx)
	fail("oversized token answer", nil, fresh, err)
	e.st.FailNext(10, 503)
	_, err = e.stc.ListBuckets(ctx, e.project)
	fail("503 after every retry", nil, nil, err)
	e.st.ClearFaults()
	e.iam.Inject(viamtest.Fault{Method: "GET", Path: "/policies", Delay: 10 * time.Second})
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, err = e.iamc.ListPolicies(short, nil)
	cancel()
	fail("deadline", context.DeadlineExceeded, nil, err)
	remote, err := vstorage.NewClient(e.options(vngcloud.WithTokenSource(e.cc), vngcloud.WithEndpoint("http://storage.example.com/api/v1/")),
		vstorage.WithRegion(vstoragetest.HCM04ID))
	step("remote client", remote, err)
	_, err = remote.ListProjects(ctx)
	fail("plain http to a remote host", nil, nil, err)

	// The search.
	secrets := append(e.secrets(), newSecret.Reveal(), tok2.Reveal())
	for _, k := range e.st.Keys(e.project) {
		secrets = append(secrets, k.SecretKey.Reveal())
	}
	if len(secrets) < 10 {
		t.Fatalf("only %d secrets collected: the search would prove little", len(secrets))
	}
	haystack := e.logs.String() + "\n" + out.String()
	for _, l := range leaks(haystack, secrets) {
		t.Error(l)
	}
	if !strings.Contains(e.logs.String(), `"level":"DEBUG"`) {
		t.Error("the SDK logged nothing at debug level: the search proves nothing")
	}
	for _, v := range e.rec.Violations() {
		t.Error(v)
	}
	t.Logf("searched %d bytes of logs and output for %d secrets", len(haystack), len(secrets))
}

// ---- the examples, as programs, against the test servers ----

// harvestingProxy forwards to target through the recorder, so that the
// test learns every token and secret an example process receives.
func harvestingProxy(target string, rec *recorder) *httptest.Server {
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	u.Path = ""
	p := httputil.NewSingleHostReverseProxy(u)
	p.Transport = rec
	// A connection the server dropped is dropped for the client too,
	// rather than turned into a 502.
	p.ErrorHandler = func(http.ResponseWriter, *http.Request, error) { panic(http.ErrAbortHandler) }
	return httptest.NewServer(p)
}

// TestExamplesLeakNoSecret builds the example programs and runs them as a
// user would, with -v (the SDK's debug lines on stderr), against the test
// servers behind a proxy that records every credential that passes, and
// searches their output for every one of them. It also checks the modes
// of the config files they write and of the backups they keep.
func TestExamplesLeakNoSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example programs")
	}
	bin := t.TempDir()
	build := testsupport.GoCommand(t, "build", "-o", bin+string(filepath.Separator),
		"./examples/quickstart", "./examples/listall", "./examples/rotatekey", "./examples/lockkey",
		"./examples/windowsconfig", "./examples/s3cfg")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the examples: %v\n%s", err, out)
	}

	f := startFakes()
	defer f.close()
	tr := newTransport()
	defer tr.CloseIdleConnections()
	rec := newRecorder(tr)
	rec.Add(f.ClientSecret.Reveal(), basic(f.ClientID, f.ClientSecret))
	iamProxy := harvestingProxy(f.IAM.URL(), rec)
	defer iamProxy.Close()
	stProxy := harvestingProxy(f.Storage.URL(), rec)
	defer stProxy.Close()

	home := t.TempDir()
	work := t.TempDir()
	const envSecret = "s3cfg-example-secret-from-env-0123456789"
	rec.Add(envSecret)
	baseEnv := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + os.TempDir(),
		"VNGCLOUD_CLIENT_ID=" + f.ClientID, "VNGCLOUD_CLIENT_SECRET=" + f.ClientSecret.Reveal(),
		"VNGCLOUD_IAM_ENDPOINT=" + iamProxy.URL + "/", "VNGCLOUD_VSTORAGE_ENDPOINT=" + stProxy.URL + "/api/v1/",
		"VNGCLOUD_REGION=" + f.Region, "VNGCLOUD_PROJECT_ID=" + f.ProjectID,
	}
	var output bytes.Buffer
	run := func(name string, wantCode int, extraEnv []string, args ...string) {
		t.Helper()
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = work
		cmd.Env = append(append([]string(nil), baseEnv...), extraEnv...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fmt.Fprintf(&output, "$ %s %s\n%s%s", name, strings.Join(args, " "), stdout.String(), stderr.String())
		if code != wantCode {
			t.Errorf("%s %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", name, args, code, wantCode, stdout.String(), stderr.String())
		}
	}
	checkMode := func(path string) {
		t.Helper()
		if runtime.GOOS == "windows" {
			return
		}
		if m := mode(t, path); m != 0o600 {
			t.Errorf("%s: mode %v, want 0600", path, m)
		}
	}

	run("quickstart", 0, nil, "-v", "--restrict", "--out", "restricted.s3cfg")
	checkMode(filepath.Join(work, "restricted.s3cfg"))
	run("quickstart", 0, nil, "-v", "--out", "plain.s3cfg")
	run("listall", 0, nil, "-v")
	run("rotatekey", 0, nil, "-v", "--config", "restricted.s3cfg")
	checkMode(filepath.Join(work, "restricted.s3cfg"))
	checkMode(filepath.Join(work, "restricted.s3cfg.bak"))
	run("lockkey", 0, nil, "-v", "--bucket", "locked-bucket", "--config", "plain.s3cfg")
	run("windowsconfig", 0, nil, "-v", "--user", "alice", "--out", "s3cmd.ini")
	checkMode(filepath.Join(work, "s3cmd.ini"))
	// --install over a world-readable ~/.s3cfg: the new file and the backup
	// of the old one are 0600.
	old := filepath.Join(home, ".s3cfg")
	if err := os.WriteFile(old, []byte("[default]\naccess_key = OLD\nsecret_key = old-world-readable-secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(old, 0o644)
	rec.Add("old-world-readable-secret")
	run("quickstart", 0, nil, "-v", "--install")
	checkMode(old)
	checkMode(old + ".bak")
	run("s3cfg", 0, []string{"VSTORAGE_SECRET_KEY=" + envSecret}, "new", "--access-key", "AKEXAMPLE", "--region", "HCM04", "--out", "new.s3cfg")
	checkMode(filepath.Join(work, "new.s3cfg"))
	run("s3cfg", 0, nil, "where")

	// Failures: an answer lost after the key was made; refused credentials.
	f.Storage.Inject(vstoragetest.Fault{Method: "POST", Path: "users/s3_keys", Drop: vstoragetest.DropAfterAct})
	run("quickstart", 1, nil, "-v", "--out", "lost.s3cfg")
	if !strings.Contains(output.String(), "may have happened") {
		t.Errorf("the lost answer is not reported as a change that may have happened:\n%s", output.String())
	}
	const wrong = "wrong-client-secret-for-the-examples-0123"
	rec.Add(wrong, basic(f.ClientID, vngcloud.Secret(wrong)))
	run("listall", 1, []string{"VNGCLOUD_CLIENT_SECRET=" + wrong}, "-v")

	secrets := rec.Secrets()
	for _, k := range f.Storage.Keys(f.ProjectID) {
		secrets = append(secrets, k.SecretKey.Reveal())
	}
	if !strings.Contains(output.String(), "level=DEBUG") {
		t.Error("no debug line in the examples' output: -v did not log, the search proves little")
	}
	for _, l := range leaks(output.String(), secrets) {
		t.Error(l)
	}
	for _, v := range rec.Violations() {
		t.Error(v)
	}
	t.Logf("searched %d bytes of the examples' output for %d secrets", output.Len(), len(secrets))
}

// fakes are a vIAM and a vStorage test server with a login service account
// and a project, as the examples' offline mode has them.
type fakes struct {
	IAM          *viamtest.Server
	Storage      *vstoragetest.Server
	ClientID     string
	ClientSecret vngcloud.Secret
	Region       string
	ProjectID    string
}

func startFakes() *fakes {
	f := &fakes{IAM: viamtest.NewServer(), Region: "HCM04"}
	f.Storage = vstoragetest.NewServer(f.IAM)
	_, f.ClientID, f.ClientSecret = f.IAM.AddServiceAccount("demo-login")
	f.ProjectID = f.Storage.AddProject(f.Region, "demo-project")
	return f
}

func (f *fakes) close() { f.Storage.Close(); f.IAM.Close() }
