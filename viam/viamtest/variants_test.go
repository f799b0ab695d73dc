package viamtest_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

// TestScopeRequired: v2 without the scope is refused; the SDK's default
// request (scope=email) and the v1 request get tokens.
func TestScopeRequired(t *testing.T) {
	t.Parallel()
	s := viamtest.NewServer(viamtest.WithScopeRequired("email"))
	t.Cleanup(s.Close)
	_, cid, secret := s.AddServiceAccount("admin")
	if code, body := login(t, s, "accounts-api/v2/auth/token", "grant_type", cid, secret); code != 400 || !strings.Contains(string(body), "INVALID_SCOPE") {
		t.Errorf("v2 without scope: %d %s", code, body)
	}
	if code, body := login(t, s, "accounts-api/v1/auth/token", "grantType", cid, secret); code != 200 {
		t.Errorf("v1: %d %s", code, body)
	}
	_, c := clients(t, s, cid, secret)
	if _, err := c.GetUserInfo(context.Background()); err != nil {
		t.Errorf("the SDK's default token request: %v", err)
	}
	_, c = clients(t, s, cid, secret, viam.WithTokenScope())
	if _, err := c.GetUserInfo(context.Background()); err == nil {
		t.Errorf("no scope: %v, want a refusal", err)
	}
}

// TestTokenV1Only: the v2 endpoint is an unknown route; v1 works.
func TestTokenV1Only(t *testing.T) {
	t.Parallel()
	s := viamtest.NewServer(viamtest.WithTokenV1Only())
	t.Cleanup(s.Close)
	_, cid, secret := s.AddServiceAccount("admin")
	if code, body := login(t, s, "accounts-api/v2/auth/token", "grant_type", cid, secret); code != 404 {
		t.Errorf("v2: %d %s", code, body)
	}
	_, c := clients(t, s, cid, secret, viam.WithTokenVariant(viam.TokenV1))
	if _, err := c.GetUserInfo(context.Background()); err != nil {
		t.Errorf("v1 through the SDK: %v", err)
	}
}

// TestRedirect: every call, token included, is a 301 to the same path and
// query under the new root; nothing acts.
func TestRedirect(t *testing.T) {
	t.Parallel()
	s := viamtest.NewServer(viamtest.WithRedirect("http://iam.greennode.test:8080/"))
	t.Cleanup(s.Close)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"accounts-api/v2/auth/token", "policies-api/v1/policies?pageNumber=0&pageSize=1"} {
		resp, err := hc.PostForm(s.URL()+path, url.Values{"grant_type": {"client_credentials"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 301 || resp.Header.Get("Location") != "http://iam.greennode.test:8080/"+path {
			t.Errorf("%s: %d to %q", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if s.TokensIssued() != 0 {
		t.Error("a redirected token request issued a token")
	}
}
