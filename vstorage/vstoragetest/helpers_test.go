package vstoragetest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/testsupport/fixtures"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// env is a vIAM and a vStorage test server, a service account logged in
// on both, and one HCM04 project.
type env struct {
	iam      *viamtest.Server
	st       *vstoragetest.Server
	cc       *viam.ClientCredentials
	iamc     *viam.Client
	c        *vstorage.Client
	project  string
	clientID string
	secret   vngcloud.Secret
}

func newEnv(t testing.TB, serverOpts []vstoragetest.Option, clientOpts ...vstorage.Option) *env {
	t.Helper()
	e := &env{iam: viamtest.NewServer()}
	t.Cleanup(e.iam.Close)
	e.st = vstoragetest.NewServer(e.iam, serverOpts...)
	t.Cleanup(e.st.Close)
	e.project = e.st.AddProject("HCM04", "media-prod")
	_, e.clientID, e.secret = e.iam.AddServiceAccount("admin")
	var err error
	e.cc, err = viam.NewClientCredentials(e.clientID, e.secret, vngcloud.WithEndpoint(e.iam.URL()))
	if err != nil {
		t.Fatal(err)
	}
	e.iamc, err = viam.NewClient(vngcloud.WithTokenSource(e.cc), vngcloud.WithEndpoint(e.iam.URL()), vngcloud.WithRetryWait(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	e.c = e.client(t, append([]vstorage.Option{vstorage.WithRegion("HCM04")}, clientOpts...)...)
	return e
}

// client builds another vstorage client on the same token source.
func (e *env) client(t testing.TB, opts ...vstorage.Option) *vstorage.Client {
	t.Helper()
	c, err := vstorage.NewClient(append([]vstorage.Option{vngcloud.WithTokenSource(e.cc), vngcloud.WithEndpoint(e.st.URL()),
		vngcloud.WithRetryWait(0, 0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The fixture and shape helpers are shared with the other fake's tests.
var (
	checkSame = fixtures.CheckSame
)

// checkShape fails the test when body's JSON shape differs from the
// merged shape of the fixtures.
func checkShape(t testing.TB, what string, body []byte, names ...string) {
	t.Helper()
	fixtures.CheckShape(t, what, body, nil, names...)
}

// rawClient sends requests by hand, with a token of the env's service
// account and, when region is set, the region headers.
type rawClient struct {
	t      testing.TB
	e      *env
	token  string
	region string
}

func (e *env) raw(t testing.TB, region string) *rawClient {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest(http.MethodPost, e.iam.URL()+"accounts-api/v2/auth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.clientID, e.secret.Reveal())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatal("login", err)
	}
	return &rawClient{t: t, e: e, token: tok.AccessToken, region: region}
}

func (rc *rawClient) do(method, path, body string) (int, []byte) {
	rc.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, rc.e.st.URL()+path, rd)
	if err != nil {
		rc.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+rc.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if rc.region != "" {
		req.Header["region"] = []string{rc.region}
		req.Header["region_id"] = []string{rc.region}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		rc.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		rc.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// ok sends a request that must answer HTTP 200 and returns the body.
func (rc *rawClient) ok(method, path, body string) []byte {
	rc.t.Helper()
	code, b := rc.do(method, path, body)
	if code != 200 {
		rc.t.Fatalf("%s %s: HTTP %d %s", method, path, code, b)
	}
	return b
}

// data returns the string field name of the envelope's data.
func data(t testing.TB, body []byte, name string) string {
	t.Helper()
	var env struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	s, _ := env.Data[name].(string)
	return s
}
