package viamtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/testsupport/fixtures"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

// newServer starts a server that the test closes.
func newServer(t testing.TB) *viamtest.Server {
	t.Helper()
	s := viamtest.NewServer()
	t.Cleanup(s.Close)
	return s
}

// The fixture and shape helpers are shared with the other fake's tests.
var (
	checkShape = fixtures.CheckShape
	checkSame  = fixtures.CheckSame
)

// raw sends one request and returns the status and body.
func raw(t testing.TB, s *viamtest.Server, method, path, token string, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// login posts to a token endpoint with Basic auth and returns the status
// and body.
func login(t testing.TB, s *viamtest.Server, path, field, clientID string, secret vngcloud.Secret) (int, []byte) {
	t.Helper()
	form := url.Values{field: {"client_credentials"}}
	req, err := http.NewRequest(http.MethodPost, s.URL()+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret.Reveal())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// token logs in with the v2 endpoint and returns the access token.
func token(t testing.TB, s *viamtest.Server, clientID string, secret vngcloud.Secret) string {
	t.Helper()
	code, body := login(t, s, "accounts-api/v2/auth/token", "grant_type", clientID, secret)
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if code != 200 || json.Unmarshal(body, &out) != nil || out.AccessToken == "" {
		t.Fatalf("login: %d %s", code, body)
	}
	return out.AccessToken
}

// field reads one string field of a JSON object.
func field(t testing.TB, body []byte, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	v, _ := m[name].(string)
	return v
}

// newRequest builds a request with the given Authorization header.
func newRequest(t testing.TB, auth string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	return r
}
