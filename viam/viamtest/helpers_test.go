package viamtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/fakeserver"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

// newServer starts a server that the test closes.
func newServer(t testing.TB) *viamtest.Server {
	t.Helper()
	s := viamtest.NewServer()
	t.Cleanup(s.Close)
	return s
}

// fixture reads a file of viam/testdata, the fixtures the viam unit tests
// serve: the one source of truth for payload shapes.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkShape fails the test when body's JSON shape differs from the
// merged shape of the fixtures. nullable lists JSON paths where null is
// allowed although the fixtures hold a value (only for fields the
// fixtures' README documents as nullable).
func checkShape(t testing.TB, what string, body []byte, nullable []string, fixtures ...string) {
	t.Helper()
	var docs [][]byte
	for _, f := range fixtures {
		docs = append(docs, fixture(t, f))
	}
	sh, err := fakeserver.ShapeOf(docs...)
	if err != nil {
		t.Fatalf("%s: fixtures %v: %v", what, fixtures, err)
	}
	if diffs := sh.Check(body, nullable...); len(diffs) > 0 {
		t.Errorf("%s: the answer's shape differs from %s:\n  %s\nanswer: %s", what, strings.Join(fixtures, " + "), strings.Join(diffs, "\n  "), body)
	}
}

// checkSame fails the test when body is not the same JSON value as the
// fixture (for answers the fixtures give verbatim).
func checkSame(t testing.TB, what string, body []byte, name string) {
	t.Helper()
	var got, want any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%s: %v: %s", what, err, body)
	}
	if err := json.Unmarshal(fixture(t, name), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %s, want the fixture %s", what, body, fixture(t, name))
	}
}

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
