package reliability

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// ---- (d) every exported type that holds a secret, printed and encoded ----

// encodings returns v as fmt, log/slog, encoding/json and encoding/xml
// show it: everything a program might send to a log or a file by
// accident.
func encodings(v any) string {
	var b strings.Builder
	b.WriteString(printed(v))
	for _, verb := range []string{"%x", "%X", "%d", "%T", "%v"} {
		fmt.Fprintf(&b, verb+"\n", []any{v})
	}
	if j, err := json.Marshal(v); err == nil {
		b.Write(j)
	}
	if j, err := json.MarshalIndent(map[string]any{"v": v}, "", " "); err == nil {
		b.Write(j)
	}
	if x, err := xml.Marshal(struct {
		XMLName xml.Name `xml:"v"`
		V       any      `xml:"value"`
	}{V: v}); err == nil {
		b.Write(x)
	}
	return b.String()
}

// TestSecretHoldersNeverPrintSecrets: every exported type that holds a
// secret (or a source of one) shows none of it through fmt (every verb,
// and nested in a slice), slog, JSON or XML.
func TestSecretHoldersNeverPrintSecrets(t *testing.T) {
	e, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	ctx := context.Background()
	key, err := e.stc.CreateS3Key(ctx, e.project)
	if err != nil {
		t.Fatal(err)
	}
	created, err := e.iamc.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "printing"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	reset, err := e.iamc.ResetServiceAccountSecret(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	cache := vngcloud.NewTokenCache(func(context.Context) (vngcloud.Secret, time.Duration, error) { return tok, time.Hour, nil })
	if _, err := cache.Token(ctx); err != nil {
		t.Fatal(err)
	}
	v := s3cfg.VStorage{AccessKey: key.AccessKey, SecretKey: key.SecretKey, Region: "HCM04"}
	short, err := v.Short()
	if err != nil {
		t.Fatal(err)
	}
	file, err := s3cfg.Parse(short)
	if err != nil {
		t.Fatal(err)
	}
	f := startFakes()
	defer f.close()
	e.rec.Add(f.ClientSecret.Reveal())
	keys := e.st.Keys(e.project)

	holders := map[string]any{
		"vngcloud.Secret":                tok,
		"*vngcloud.Secret":               &tok,
		"vngcloud.StaticToken":           vngcloud.StaticToken(tok.Reveal()),
		"*vngcloud.TokenCache":           cache,
		"vstorage.S3Key":                 key,
		"*vstorage.S3Key":                &key,
		"[]vstorage.S3Key":               []vstorage.S3Key{key},
		"viam.CreatedServiceAccount":     created,
		"*viam.CreatedServiceAccount":    &created,
		"reset secret (vngcloud.Secret)": reset,
		"viam.ClientCredentials":         *e.cc,
		"*viam.ClientCredentials":        e.cc,
		"*viam.Client":                   e.iamc,
		"*vstorage.Client":               e.stc,
		"s3cfg.VStorage":                 v,
		"*s3cfg.VStorage":                &v,
		"*s3cfg.File":                    file,
		"*s3cfg.Config":                  file.Resolve(s3cfg.Runtime{LookupEnv: s3cfg.EnvMap(nil)}),
		"vstoragetest.KeyState":          keys[0],
		"[]vstoragetest.KeyState":        keys,
		"*vstoragetest.Server":           e.st,
		"*viamtest.Server":               e.iam,
	}
	// Clients print their fields by reflection with some verbs (%s, %d):
	// a token source held by value must not show through.
	const static = "static-token-held-by-a-client-0123456789"
	e.rec.Add(static, reset.Reveal())
	sc, err := vstorage.NewClient(vngcloud.WithTokenSource(vngcloud.StaticToken(static)), vngcloud.WithEndpoint(e.st.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ic, err := viam.NewClient(vngcloud.WithTokenSource(vngcloud.StaticToken(static)), vngcloud.WithEndpoint(e.iam.URL()))
	if err != nil {
		t.Fatal(err)
	}
	holders["*vstorage.Client (static token)"] = sc
	holders["*viam.Client (static token)"] = ic
	secrets := e.secrets()
	for name, h := range holders {
		for _, l := range leaks(encodings(h), secrets) {
			t.Errorf("%s: %s", name, l)
		}
	}
	// The values are still there for the code that needs them.
	if key.SecretKey.Reveal() == "" || !strings.Contains(string(short), key.SecretKey.Reveal()) || file.Resolve(s3cfg.Runtime{LookupEnv: s3cfg.EnvMap(nil)}).SecretKey().Reveal() != key.SecretKey.Reveal() {
		t.Error("the secret is not available to the code that needs it")
	}
}

// ---- (b) config files and their backups are 0600 ----

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

// TestConfigFilesAre0600: s3cfg.WriteFile writes 0600 whatever the umask
// and the old file's mode, and a backup of a world-readable file holding a
// secret is not left world-readable.
func TestConfigFilesAre0600(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no mode bits; the file inherits the folder's ACL")
	}
	data, err := s3cfg.VStorage{AccessKey: "AKEXAMPLE", SecretKey: "modes-test-secret-value", Region: "HCM04"}.Short()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fresh := filepath.Join(dir, "new", "s3cnf.s3cfg")
	if _, err := s3cfg.WriteFile(fresh, data, s3cfg.WriteOptions{MkdirAll: true}); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, fresh); m != 0o600 {
		t.Errorf("new file: mode %v, want 0600", m)
	}
	if m := mode(t, filepath.Dir(fresh)); m != 0o700 {
		t.Errorf("created folder: mode %v, want 0700", m)
	}
	for _, policy := range []s3cfg.IfExists{s3cfg.Replace, s3cfg.Backup} {
		p := filepath.Join(dir, policy.String()+".s3cfg")
		if err := os.WriteFile(p, []byte("[default]\nsecret_key = old-world-readable\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, 0o644) // whatever the umask
		bak, err := s3cfg.WriteFile(p, data, s3cfg.WriteOptions{IfExists: policy})
		if err != nil {
			t.Fatal(err)
		}
		if m := mode(t, p); m != 0o600 {
			t.Errorf("%s: mode %v, want 0600", policy, m)
		}
		if policy == s3cfg.Backup {
			if bak == "" {
				t.Fatal("no backup")
			}
			if m := mode(t, bak); m != 0o600 {
				t.Errorf("backup %s: mode %v, want 0600 (it holds the old secret)", filepath.Base(bak), m)
			}
			if got, _ := os.ReadFile(bak); !strings.Contains(string(got), "old-world-readable") {
				t.Errorf("the backup does not hold the old file: %q", got)
			}
		}
	}
	// A file that was already stricter than 0600 keeps its backup as strict.
	p := filepath.Join(dir, "strict.s3cfg")
	os.WriteFile(p, []byte("x = 1\n"), 0o400)
	os.Chmod(p, 0o400)
	bak, err := s3cfg.WriteFile(p, data, s3cfg.WriteOptions{IfExists: s3cfg.Backup})
	if err != nil {
		t.Fatal(err)
	}
	if m := mode(t, bak); m != 0o400 {
		t.Errorf("backup of a 0400 file: mode %v, want 0400", m)
	}
}

// ---- (c) no bearer token over plain http, none across hosts ----

// tokenServer counts the requests it gets and whether they carried
// credentials.
type tokenServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests int
	withAuth []string
}

func newTokenServer(h http.HandlerFunc) *tokenServer {
	s := &tokenServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		if a := r.Header.Get("Authorization"); a != "" {
			s.withAuth = append(s.withAuth, r.Method+" "+r.URL.Path)
		}
		s.mu.Unlock()
		h(w, r)
	}))
	return s
}

func (s *tokenServer) seen() (int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, append([]string(nil), s.withAuth...)
}

const emptyEnvelope = `{"success":true,"code":200,"errorMsg":null,"datas":[]}`

// TestNoCredentialsOverPlainHTTPToRemoteHosts: a client pointed at a
// plain-http endpoint that is not loopback refuses to send the bearer
// token (and the token call its Basic credentials); nothing reaches the
// transport. The recorder would refuse to dial such a host anyway.
func TestNoCredentialsOverPlainHTTPToRemoteHosts(t *testing.T) {
	tr := newTransport()
	defer tr.CloseIdleConnections()
	rec := newRecorder(tr)
	hc := vngcloud.WithHTTPClient(&http.Client{Transport: rec})
	ctx := context.Background()
	for _, endpoint := range []string{
		"http://storage.example.com/api/v1/",
		"http://10.0.0.1:8080/api/v1/",
		"http://127.0.0.1.nip.io/api/v1/", // a name, not a loopback address
		"http://0.0.0.0/api/v1/",
		"http://[2001:db8::1]/api/v1/",
	} {
		c, err := vstorage.NewClient(hc, vngcloud.WithEndpoint(endpoint), vstorage.WithRegion(vstoragetest.HCM04ID),
			vngcloud.WithTokenSource(vngcloud.StaticToken("bearer-that-must-stay-home")))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ListProjects(ctx)
		var ae *vngcloud.APIError
		if !errors.As(err, &ae) || !strings.Contains(ae.Message, "refusing to send credentials over plain http") {
			t.Errorf("%s: %v", endpoint, err)
		}
		if strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), "bearer-that-must-stay-home") {
			t.Errorf("%s: the refusal shows the token", endpoint)
		}
		// The token call: Basic credentials to a remote plain-http host.
		cc, err := viam.NewClientCredentials("client-id", "client-secret-must-stay-home", hc, vngcloud.WithEndpoint(strings.TrimSuffix(endpoint, "api/v1/")))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cc.Token(ctx); err == nil || !strings.Contains(err.Error(), "refusing to send credentials") {
			t.Errorf("%s: token call: %v", endpoint, err)
		}
	}
	// An explicit token URL is held to the same rule.
	cc, err := viam.NewClientCredentials("client-id", "client-secret-must-stay-home", hc,
		viam.WithTokenURL("http://iam.example.com/accounts-api/v2/auth/token"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cc.Token(ctx); err == nil || !strings.Contains(err.Error(), "refusing to send credentials") {
		t.Errorf("token URL: %v", err)
	}
	if reqs := rec.Requests(); len(reqs) != 0 {
		t.Errorf("requests reached the transport: %v", reqs)
	}
	if v := rec.Violations(); len(v) != 0 {
		t.Error(v)
	}

	// Loopback hosts may use plain http (test servers).
	srv := newTokenServer(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, emptyEnvelope) })
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, host := range []string{"127.0.0.1", "localhost"} {
		c, err := vstorage.NewClient(hc, vngcloud.WithEndpoint("http://"+net.JoinHostPort(host, port)+"/api/v1/"),
			vstorage.WithRegion(vstoragetest.HCM04ID), vngcloud.WithTokenSource(vngcloud.StaticToken("loopback-token")))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListProjects(ctx); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	if _, withAuth := srv.seen(); len(withAuth) != 2 {
		t.Errorf("loopback requests with credentials: %v", withAuth)
	}
}

// TestNoCredentialsAcrossRedirects: a redirect to another host (here
// 127.0.0.1 to localhost, two loopback servers), to a remote host, or from
// https to http is refused before it is followed, so the token never
// reaches the other host; a redirect on the same host is followed with
// the token.
func TestNoCredentialsAcrossRedirects(t *testing.T) {
	ctx := context.Background()
	other := newTokenServer(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, emptyEnvelope) })
	defer other.Close()
	_, otherPort, _ := net.SplitHostPort(other.Listener.Addr().String())
	otherURL := "http://localhost:" + otherPort // same machine, another host name and port

	var target string // where the front redirects
	front := newTokenServer(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/moved/") {
			fmt.Fprint(w, emptyEnvelope)
			return
		}
		http.Redirect(w, r, target+strings.TrimPrefix(r.URL.Path, "/api"), http.StatusTemporaryRedirect)
	})
	defer front.Close()

	tr := newTransport()
	defer tr.CloseIdleConnections()
	rec := newRecorder(tr)
	for _, tc := range []struct {
		name, target string
		follow       bool
	}{
		{"cross-host (127.0.0.1 to localhost)", otherURL + "/moved", false},
		{"to a remote host", "http://storage.example.com/moved", false},
		{"to a remote https host", "https://storage.example.com/moved", false},
		{"same host", front.URL + "/moved", true},
	} {
		target = tc.target
		for _, client := range []struct {
			name string
			opt  []vstorage.Option
		}{
			{"recording transport", []vstorage.Option{vngcloud.WithHTTPClient(&http.Client{Transport: rec})}},
			{"default client", nil},
		} {
			if client.opt == nil && !tc.follow && !strings.Contains(tc.target, "127.0.0.1") && !strings.Contains(tc.target, "localhost") {
				continue // the default client would dial out if the SDK followed: only loopback targets
			}
			c, err := vstorage.NewClient(append(client.opt, vngcloud.WithEndpoint(front.URL+"/api/v1/"), vstorage.WithRegion(vstoragetest.HCM04ID),
				vngcloud.WithTokenSource(vngcloud.StaticToken("redirected-token-value")), vngcloud.WithRetryWait(0, 0))...)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ListProjects(ctx)
			switch {
			case tc.follow && err != nil:
				t.Errorf("%s, %s: %v", tc.name, client.name, err)
			case !tc.follow && (err == nil || !strings.Contains(err.Error(), "refusing to follow a redirect")):
				t.Errorf("%s, %s: want a refused redirect, got %v", tc.name, client.name, err)
			}
			if err != nil && strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), "redirected-token-value") {
				t.Errorf("%s: the error shows the token", tc.name)
			}
		}
	}
	if n, withAuth := other.seen(); n != 0 {
		t.Errorf("the other host got %d requests (with credentials: %v)", n, withAuth)
	}
	if v := rec.Violations(); len(v) != 0 {
		t.Error(v)
	}
	if _, withAuth := front.seen(); !containsString(withAuth, "GET /moved/v1/projects") {
		t.Errorf("the same-host redirect did not carry the token: %v", withAuth)
	}

	// The token call's Basic credentials are held to the same rule.
	target = otherURL + "/moved"
	cc, err := viam.NewClientCredentials("client-id", "redirected-client-secret", vngcloud.WithEndpoint(front.URL+"/"),
		vngcloud.WithHTTPClient(&http.Client{Transport: rec}), vngcloud.WithRetryWait(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cc.Token(ctx); err == nil || !strings.Contains(err.Error(), "refusing to follow a redirect") {
		t.Errorf("token call: %v", err)
	}
	if n, _ := other.seen(); n != 0 {
		t.Errorf("the other host got the token call (%d requests)", n)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestNoDowngradeRedirect: an https endpoint that redirects to plain http
// on the same machine is refused before the redirect is followed.
func TestNoDowngradeRedirect(t *testing.T) {
	plain := newTokenServer(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, emptyEnvelope) })
	defer plain.Close()
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
	}))
	defer tls.Close()
	rec := newRecorder(tls.Client().Transport)
	c, err := vstorage.NewClient(vngcloud.WithHTTPClient(&http.Client{Transport: rec}), vngcloud.WithEndpoint(tls.URL+"/api/v1/"),
		vstorage.WithRegion(vstoragetest.HCM04ID), vngcloud.WithTokenSource(vngcloud.StaticToken("tls-only-token")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListProjects(context.Background()); err == nil || !strings.Contains(err.Error(), "refusing to follow a redirect") {
		t.Fatalf("want a refused redirect, got %v", err)
	}
	if n, _ := plain.seen(); n != 0 {
		t.Errorf("the plain-http server got %d requests", n)
	}
}
