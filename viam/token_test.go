package viam

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/vstorage-sdk/vngcloud"
)

// newCC builds a ClientCredentials over its own mock transport with a fake
// clock.
func newCC(t *testing.T, opts ...CredentialsOption) (*ClientCredentials, *httpmock.MockTransport, *fakeClock) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	all := append([]CredentialsOption{vngcloud.WithHTTPClient(&http.Client{Transport: mt}), vngcloud.WithRetryWait(0, 0)}, opts...)
	cc, err := NewClientCredentials(testClientID, vngcloud.Secret(testClientSecret), all...)
	if err != nil {
		t.Fatal(err)
	}
	clock := newClock()
	cc.st.cache.Now = clock.Now
	return cc, mt, clock
}

func TestTokenV2RequestShape(t *testing.T) {
	t.Parallel()
	cc, mt, _ := newCC(t) // no WithEndpoint: the default URL
	want(t, "TokenURL", cc.TokenURL(), "https://iamapis.vngcloud.vn/accounts-api/v2/auth/token")
	want(t, "DefaultTokenURL", DefaultTokenURL, cc.TokenURL())
	want(t, "Variant", cc.Variant(), TokenV2)
	r := &recorder{steps: []step{reply(200, fixture(t, "token_v2.json"))}}
	mt.RegisterResponder(http.MethodPost, DefaultTokenURL, r.respond)
	tok, err := cc.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want(t, "token", tok.Reveal(), "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzYS1maXh0dXJlIiwidHlwZSI6InNlcnZpY2Utc2EifQ.Zml4dHVyZS1zaWduYXR1cmU")
	got := r.only(t)
	want(t, "method", got.Method, "POST")
	want(t, "path", got.Path, "/accounts-api/v2/auth/token")
	want(t, "query", got.Query, "")
	want(t, "Authorization", got.Auth, "Basic "+base64.StdEncoding.EncodeToString([]byte(testClientID+":"+testClientSecret)))
	want(t, "Content-Type", got.ContentType, "application/x-www-form-urlencoded")
	want(t, "body", got.Body, "grant_type=client_credentials&scope=email")
}

func TestTokenV1Variant(t *testing.T) {
	t.Parallel()
	cc, mt, _ := newCC(t, vngcloud.WithEndpoint(root), WithTokenVariant(TokenV1))
	want(t, "TokenURL", cc.TokenURL(), root+TokenPathV1)
	r := &recorder{steps: []step{reply(200, fixture(t, "token_v1.json"))}}
	mt.RegisterResponder(http.MethodPost, root+TokenPathV1, r.respond)
	tok, err := cc.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.Reveal(), "eyJ") {
		t.Fatalf("token %q", tok.Reveal())
	}
	got := r.only(t)
	want(t, "path", got.Path, "/accounts-api/v1/auth/token")
	want(t, "body", got.Body, "grantType=client_credentials")
	want(t, "Authorization", got.Auth, "Basic "+testBasic)
}

func TestTokenURLOption(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url, body string
		variant   []CredentialsOption
		wantV     TokenVariant
	}{
		{"https://proxy.test/iam/oauth/token", "grant_type=client_credentials&scope=email", nil, TokenV2},
		{"https://proxy.test/accounts-api/v1/auth/token", "grantType=client_credentials", nil, TokenV1},
		{"https://proxy.test/accounts-api/v1/auth/token", "grant_type=client_credentials&scope=email", []CredentialsOption{WithTokenVariant(TokenV2)}, TokenV2},
	} {
		cc, mt, _ := newCC(t, append([]CredentialsOption{vngcloud.WithEndpoint("https://ignored.test/"), WithTokenURL(tc.url)}, tc.variant...)...)
		r := &recorder{steps: []step{reply(200, `{"access_token":"t","expires_in":60}`)}}
		mt.RegisterResponder(http.MethodPost, tc.url, r.respond)
		if _, err := cc.Token(t.Context()); err != nil {
			t.Fatalf("%s: %v", tc.url, err)
		}
		want(t, "TokenURL", cc.TokenURL(), tc.url)
		want(t, "variant", cc.Variant(), tc.wantV)
		want(t, "body", r.only(t).Body, tc.body)
	}
}

func TestTokenEitherResponseShape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body string
		life time.Duration
	}{
		{`{"access_token":"a-sekrit","expires_in":1800}`, 1800 * time.Second},
		{`{"accessToken":"a-sekrit","expiresIn":7200}`, 7200 * time.Second},
		{`{"access_token":"a-sekrit","expires_in":"900"}`, 900 * time.Second},
		{`{"access_token":"a-sekrit","expires_in":600.0}`, 600 * time.Second},
		{`{"access_token":"a-sekrit","expires_in":0}`, 0},
		{`{"access_token":"a-sekrit"}`, 0},
		{`{"accessToken":"a-sekrit","expiresIn":null}`, 0},
	} {
		cc, mt, _ := newCC(t, vngcloud.WithEndpoint(root))
		mt.RegisterResponder(http.MethodPost, root+TokenPathV2, httpmock.NewStringResponder(200, tc.body))
		tok, life, err := cc.st.fetch(t.Context())
		if err != nil || tok.Reveal() != "a-sekrit" || life != tc.life {
			t.Errorf("%s: tok %q, life %v, err %v", tc.body, tok.Reveal(), life, err)
		}
	}
}

func TestTokenResponseWithoutToken(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `{"token_type":"Bearer","expires_in":1800}`, `{"access_token":""}`} {
		cc, mt, _ := newCC(t, vngcloud.WithEndpoint(root))
		mt.RegisterResponder(http.MethodPost, root+TokenPathV2, httpmock.NewStringResponder(200, body))
		_, err := cc.Token(t.Context())
		if err == nil || !strings.Contains(err.Error(), "neither access_token nor accessToken") {
			t.Errorf("%s: err = %v", body, err)
		}
	}
}

// TestTokenColdCacheOneRequest: 100 goroutines asking at once for a token
// that is not cached yet cause exactly one token request.
func TestTokenColdCacheOneRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.tokenDelay = 20 * time.Millisecond // let every goroutine pile up behind the fetch
	var wg sync.WaitGroup
	start := make(chan struct{})
	toks := make(chan vngcloud.Secret, 100)
	for range 100 {
		wg.Go(func() {
			<-start
			tok, err := h.cc.Token(t.Context())
			if err != nil {
				t.Error(err)
			}
			toks <- tok
		})
	}
	close(start)
	wg.Wait()
	close(toks)
	for tok := range toks {
		if tok.Reveal() != tokenN(1) {
			t.Fatalf("got %q", tok.Reveal())
		}
	}
	want(t, "token requests", h.tokenCalls.Load(), int32(1))
}

// TestTokenColdCacheOneRequestThroughClient: the same through API calls.
func TestTokenColdCacheOneRequestThroughClient(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.tokenDelay = 10 * time.Millisecond
	r := h.on(http.MethodGet, saPath+"/x", reply(200, fixture(t, "service_account_get.json")))
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if _, err := h.c.GetServiceAccount(t.Context(), "x"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	want(t, "token requests", h.tokenCalls.Load(), int32(1))
	want(t, "API requests", r.count(), 100)
	for _, s := range r.all() {
		if s.Auth != "Bearer "+tokenN(1) {
			t.Fatalf("Authorization %q", s.Auth)
		}
	}
}

// TestTokenReusedUntilSkewedExpiry: expires_in 1800 and the 60 s skew
// mean the token is reused for 1740 s, then refreshed once however many
// callers ask.
func TestTokenReusedUntilSkewedExpiry(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	get := func() string {
		tok, err := h.cc.Token(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return tok.Reveal()
	}
	want(t, "first", get(), tokenN(1))
	h.clock.Advance(1740*time.Second - time.Nanosecond)
	want(t, "just before the skewed expiry", get(), tokenN(1))
	want(t, "token requests", h.tokenCalls.Load(), int32(1))

	h.clock.Advance(time.Nanosecond)
	h.tokenDelay = 5 * time.Millisecond
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if tok, err := h.cc.Token(t.Context()); err != nil || tok.Reveal() != tokenN(2) {
				t.Errorf("tok %q, err %v", tok.Reveal(), err)
			}
		})
	}
	wg.Wait()
	want(t, "token requests after the skewed expiry", h.tokenCalls.Load(), int32(2))
	want(t, "then reused", get(), tokenN(2))
}

// TestTokenDefaultLifetimeAndShortLifetimes: expires_in 0 or missing means
// 30 minutes; a short lifetime is renewed at half its life at the latest.
func TestTokenDefaultLifetimeAndShortLifetimes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body      string
		refreshAt time.Duration
	}{
		{`{"access_token":"%s"}`, vngcloud.DefaultTokenLifetime - vngcloud.DefaultTokenSkew},
		{`{"access_token":"%s","expires_in":0}`, 30*time.Minute - time.Minute},
		{`{"accessToken":"%s","expiresIn":7200}`, 7200*time.Second - time.Minute},
		{`{"access_token":"%s","expires_in":100}`, 50 * time.Second},
	} {
		cc, mt, clock := newCC(t, vngcloud.WithEndpoint(root))
		n := 0
		mt.RegisterResponder(http.MethodPost, root+TokenPathV2, func(*http.Request) (*http.Response, error) {
			n++
			return httpmock.NewStringResponse(200, fmt.Sprintf(tc.body, tokenN(n))), nil
		})
		if _, err := cc.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		clock.Advance(tc.refreshAt - time.Second)
		if tok, _ := cc.Token(t.Context()); tok.Reveal() != tokenN(1) {
			t.Errorf("%s: refreshed too early", tc.body)
		}
		clock.Advance(time.Second)
		if tok, _ := cc.Token(t.Context()); tok.Reveal() != tokenN(2) {
			t.Errorf("%s: not refreshed at %v", tc.body, tc.refreshAt)
		}
	}
}

// TestTokenInvalidatedOn401: a 401 drops the token; the call is resent once
// with a new one.
func TestTokenInvalidatedOn401(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodGet, saPath+"/x", reply(401, fixture(t, "error_unauthorized.json")), reply(200, fixture(t, "service_account_get.json")))
	if _, err := h.c.GetServiceAccount(t.Context(), "x"); err != nil {
		t.Fatal(err)
	}
	reqs := r.all()
	if len(reqs) != 2 {
		t.Fatalf("requests %+v", reqs)
	}
	want(t, "first Authorization", reqs[0].Auth, "Bearer "+tokenN(1))
	want(t, "second Authorization", reqs[1].Auth, "Bearer "+tokenN(2))
	want(t, "token requests", h.tokenCalls.Load(), int32(2))
	// A stale token's invalidation does not drop the new one.
	h.cc.Invalidate(vngcloud.Secret(tokenN(1)))
	if tok, _ := h.cc.Token(t.Context()); tok.Reveal() != tokenN(2) {
		t.Fatalf("token %q", tok.Reveal())
	}
	want(t, "token requests", h.tokenCalls.Load(), int32(2))
}

func TestTokenErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status   int
		body     string
		kind     error
		code     string
		hint     string
		attempts int
	}{
		{401, fixture(t, "token_error_authentication_failed.json"), vngcloud.ErrUnauthorized, "AUTHENTICATION_FAILED", "VNGCLOUD_CLIENT_ID", 1},
		{401, fixture(t, "token_error_too_many_failed_logins.json"), vngcloud.ErrUnauthorized, "TOO_MANY_FAILED_LOGINS", "wait before trying again", 1},
		{400, fixture(t, "token_error_invalid_client.json"), vngcloud.ErrUnauthorized, "invalid_client", "VNGCLOUD_CLIENT_SECRET", 1},
		{401, ``, vngcloud.ErrUnauthorized, "", testClientID, 1},
		{400, fixture(t, "error_null.json"), vngcloud.ErrInvalidInput, "", "WithTokenVariant", 1},
		{404, `<html><title>404 Not Found</title></html>`, vngcloud.ErrNotFound, "", "WithTokenURL", 1},
		{503, `upstream connect error`, nil, "", "", 3},
	} {
		cc, mt, _ := newCC(t, vngcloud.WithEndpoint(root), vngcloud.WithRetries(2))
		mt.RegisterResponder(http.MethodPost, root+TokenPathV2, httpmock.NewStringResponder(tc.status, tc.body))
		_, err := cc.Token(t.Context())
		var ae *vngcloud.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%d %s: err = %v", tc.status, tc.body, err)
		}
		if tc.kind != nil && !errors.Is(err, tc.kind) || tc.kind == nil && ae.Kind != nil {
			t.Errorf("%d %s: kind %v, want %v", tc.status, tc.code, ae.Kind, tc.kind)
		}
		want(t, "code", ae.Code, tc.code)
		want(t, "operation", ae.Operation, "viam.Token")
		if !strings.Contains(ae.Hint, tc.hint) {
			t.Errorf("%d %s: hint %q lacks %q", tc.status, tc.code, ae.Hint, tc.hint)
		}
		want(t, "attempts", mt.GetTotalCallCount(), tc.attempts)
		if strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), "sekrit") {
			t.Errorf("the secret leaked: %v", err)
		}
	}
}

func TestTokenRetriedAfter503(t *testing.T) {
	t.Parallel()
	cc, mt, _ := newCC(t, vngcloud.WithEndpoint(root))
	mt.RegisterResponder(http.MethodPost, root+TokenPathV2,
		httpmock.NewStringResponder(503, ``).Then(httpmock.NewStringResponder(200, fixture(t, "token_v2.json"))))
	if _, err := cc.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	want(t, "attempts", mt.GetTotalCallCount(), 2)
}

func TestTokenFailureNotCached(t *testing.T) {
	t.Parallel()
	cc, mt, _ := newCC(t, vngcloud.WithEndpoint(root))
	mt.RegisterResponder(http.MethodPost, root+TokenPathV2,
		httpmock.NewStringResponder(401, fixture(t, "token_error_authentication_failed.json")).Then(httpmock.NewStringResponder(200, fixture(t, "token_v2.json"))))
	if _, err := cc.Token(t.Context()); !errors.Is(err, vngcloud.ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if _, err := cc.Token(t.Context()); err != nil {
		t.Fatalf("the failure was cached: %v", err)
	}
}

// TestTokenErrorThroughClient: a refused secret fails the API call with
// ErrUnauthorized, names both operations, and sends no API request.
func TestTokenErrorThroughClient(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	opts := []vngcloud.Option{vngcloud.WithEndpoint(root), vngcloud.WithHTTPClient(&http.Client{Transport: mt}), vngcloud.WithRetryWait(0, 0)}
	cc, err := NewClientCredentials(testClientID, vngcloud.Secret("wrong-sekrit"), vngcloud.Options(opts...))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(append(opts, vngcloud.WithTokenSource(cc))...)
	if err != nil {
		t.Fatal(err)
	}
	mt.RegisterResponder(http.MethodPost, root+TokenPathV2, httpmock.NewStringResponder(401, fixture(t, "token_error_authentication_failed.json")))
	api := &recorder{steps: []step{reply(200, `{}`)}}
	mt.RegisterResponder(http.MethodGet, root+saPath+"/x", api.respond)
	_, err = c.GetServiceAccount(t.Context(), "x")
	if !errors.Is(err, vngcloud.ErrUnauthorized) || !strings.Contains(err.Error(), "viam.GetServiceAccount: getting a token: viam.Token") ||
		!strings.Contains(err.Error(), testClientID) || strings.Contains(err.Error(), "sekrit") {
		t.Fatalf("err = %v", err)
	}
	want(t, "API requests", api.count(), 0)
}

func TestTokenCancelledContext(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := h.cc.Token(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestNewClientCredentialsValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		id     string
		secret vngcloud.Secret
		opts   []CredentialsOption
		field  string
	}{
		"empty id":        {"", "s-sekrit", nil, "clientID"},
		"colon in id":     {"a:b", "s-sekrit", nil, "clientID"},
		"space in id":     {"a b", "s-sekrit", nil, "clientID"},
		"empty secret":    {"id", "", nil, "clientSecret"},
		"newline secret":  {"id", "s-sekrit\n", nil, "clientSecret"},
		"nil option":      {"id", "s-sekrit", []CredentialsOption{nil}, "options"},
		"relative url":    {"id", "s-sekrit", []CredentialsOption{WithTokenURL("/token")}, "viam.WithTokenURL"},
		"url with query":  {"id", "s-sekrit", []CredentialsOption{WithTokenURL("https://h.test/token?x=1")}, "viam.WithTokenURL"},
		"directory url":   {"id", "s-sekrit", []CredentialsOption{WithTokenURL("https://h.test/auth/")}, "viam.WithTokenURL"},
		"ftp url":         {"id", "s-sekrit", []CredentialsOption{WithTokenURL("ftp://h.test/token")}, "viam.WithTokenURL"},
		"unknown variant": {"id", "s-sekrit", []CredentialsOption{WithTokenVariant(7)}, "viam.WithTokenVariant"},
		"empty scope":     {"id", "s-sekrit", []CredentialsOption{WithTokenScope("")}, "viam.WithTokenScope"},
		"spaced scope":    {"id", "s-sekrit", []CredentialsOption{WithTokenScope("email openid")}, "viam.WithTokenScope"},
		"quoted scope":    {"id", "s-sekrit", []CredentialsOption{WithTokenScope(`"email"`)}, "viam.WithTokenScope"},
		"control scope":   {"id", "s-sekrit", []CredentialsOption{WithTokenScope("email\n")}, "viam.WithTokenScope"},
		"bad endpoint":    {"id", "s-sekrit", []CredentialsOption{vngcloud.WithEndpoint("nope")}, "WithEndpoint"},
	} {
		_, err := NewClientCredentials(tc.id, tc.secret, tc.opts...)
		var ve *vngcloud.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field || ve.Operation != "viam.NewClientCredentials" {
			t.Errorf("%s: err = %#v", name, err)
			continue
		}
		if strings.Contains(err.Error(), "sekrit") {
			t.Errorf("%s: the secret is in the error: %v", name, err)
		}
	}
}

func TestNewClientNeedsTokenSource(t *testing.T) {
	t.Parallel()
	_, err := NewClient()
	var ve *vngcloud.ValidationError
	if !errors.As(err, &ve) || ve.Field != "WithTokenSource" {
		t.Fatalf("err = %v", err)
	}
	c, err := NewClient(vngcloud.WithTokenSource(vngcloud.StaticToken("t")))
	if err != nil || c.Endpoint() != DefaultEndpoint {
		t.Fatalf("err = %v", err)
	}
	if _, err := NewClient(vngcloud.WithRetries(-1), vngcloud.WithTokenSource(vngcloud.StaticToken("t"))); !errors.As(err, &ve) || ve.Operation != "viam.NewClient" {
		t.Fatalf("err = %v", err)
	}
}

// TestStaticToken: a caller's own token is sent as is and not refreshed.
func TestStaticToken(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	c, err := NewClient(vngcloud.WithEndpoint(root), vngcloud.WithHTTPClient(&http.Client{Transport: mt}),
		vngcloud.WithTokenSource(vngcloud.StaticToken("static-sekrit")))
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{steps: []step{reply(200, fixture(t, "service_account_get.json")), reply(401, fixture(t, "error_unauthorized.json"))}}
	mt.RegisterResponder(http.MethodGet, root+saPath+"/x", r.respond)
	if _, err := c.GetServiceAccount(t.Context(), "x"); err != nil {
		t.Fatal(err)
	}
	want(t, "Authorization", r.all()[0].Auth, "Bearer static-sekrit")
	if _, err := c.GetServiceAccount(t.Context(), "x"); !errors.Is(err, vngcloud.ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	want(t, "requests", r.count(), 2)
}

// TestClientCredentialsFormatting: no fmt verb, slog or copy shows the
// secret or the Basic credential.
func TestClientCredentialsFormatting(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if _, err := h.cc.Token(t.Context()); err != nil { // cache a token too
		t.Fatal(err)
	}
	cp := *h.cc
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, h.cc), fmt.Sprintf(verb, cp), fmt.Sprintf(verb, []any{h.cc}), fmt.Sprintf(verb, struct{ C *ClientCredentials }{h.cc}))
	}
	for _, o := range outs {
		if strings.Contains(o, "sekrit") || strings.Contains(o, testBasic) {
			t.Fatalf("leak: %s", o)
		}
	}
	want(t, "%v", fmt.Sprintf("%v", h.cc), `viam.ClientCredentials{ClientID: "`+testClientID+`", ClientSecret: "[REDACTED]", TokenURL: "https://iam.test/accounts-api/v2/auth/token"}`)
	if !strings.Contains(fmt.Sprintf("%#v", h.cc), testClientID) {
		t.Error("the GoString output should show the client ID")
	}
	want(t, "zero value", fmt.Sprint(ClientCredentials{}), "viam.ClientCredentials{}")
	var zero ClientCredentials
	zero.Invalidate("x")
	if _, err := zero.Token(t.Context()); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Errorf("zero value Token: err = %v", err)
	}
	want(t, "variant", TokenV1.String()+TokenV2.String()+TokenVariant(9).String(), "v1v2TokenVariant(9)")
}

// TestPlainHTTPTokenURLRefused: the Basic credential is never sent over
// plain http to a host that is not this machine.
func TestPlainHTTPTokenURLRefused(t *testing.T) {
	t.Parallel()
	cc, mt, _ := newCC(t, WithTokenURL("http://iam.example.com/accounts-api/v2/auth/token"))
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, fixture(t, "token_v2.json")))
	_, err := cc.Token(t.Context())
	if err == nil || !strings.Contains(err.Error(), "refusing to send credentials over plain http") {
		t.Fatalf("err = %v", err)
	}
	want(t, "requests", mt.GetTotalCallCount(), 0)
}

// TestTokenURLErrorsRedactUserInfo: a token URL with user info is refused
// without its user info in the error, even when it does not parse.
func TestTokenURLErrorsRedactUserInfo(t *testing.T) {
	t.Parallel()
	const pw = "Pa55w0rd"
	for _, u := range []string{
		"https://user:" + pw + "@iam.test/accounts-api/v2/auth/token",
		"https://user:" + pw + "%zz@iam.test/token",
		"https://user:" + pw + "/x@iam.test/token",
		"ftp://user:" + pw + "@iam.test/token",
		"https://user:" + pw + "@iam.test/",
		"https://user:" + pw + "@/token",
		"user:" + pw + "@iam.test/token",
	} {
		_, err := NewClientCredentials("id", "s-sekrit", WithTokenURL(u))
		if !errors.Is(err, vngcloud.ErrInvalidInput) {
			t.Errorf("err = %v, want refused", err)
			continue
		}
		for _, part := range []string{pw, pw[:4], "user:"} {
			if strings.Contains(err.Error(), part) {
				t.Errorf("error quotes the user info (%q): %s", part, strings.ReplaceAll(err.Error(), pw, "<password>"))
			}
		}
	}
}

// TestTokenScope: the v2 request carries scope=email by default, as the
// Terraform provider's OAuth2 client sends it; WithTokenScope sets other
// scopes (space-separated on the wire, as OAuth2 has it) or, with none,
// leaves the field out; v1 sends no scope unless one is set, as the
// official CLI does.
func TestTokenScope(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []CredentialsOption
		path string
		body string
	}{
		{"v2 default", nil, TokenPathV2, "grant_type=client_credentials&scope=email"},
		{"v2 none", []CredentialsOption{WithTokenScope()}, TokenPathV2, "grant_type=client_credentials"},
		{"v2 two", []CredentialsOption{WithTokenScope("email", "openid")}, TokenPathV2, "grant_type=client_credentials&scope=email+openid"},
		{"v1 default", []CredentialsOption{WithTokenVariant(TokenV1)}, TokenPathV1, "grantType=client_credentials"},
		{"v1 email", []CredentialsOption{WithTokenVariant(TokenV1), WithTokenScope("email")}, TokenPathV1, "grantType=client_credentials&scope=email"},
	} {
		cc, mt, _ := newCC(t, append([]CredentialsOption{vngcloud.WithEndpoint(root)}, tc.opts...)...)
		r := &recorder{steps: []step{reply(200, `{"access_token":"t","expires_in":60}`)}}
		mt.RegisterResponder(http.MethodPost, root+tc.path, r.respond)
		if _, err := cc.Token(t.Context()); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := r.only(t).Body; got != tc.body {
			t.Errorf("%s: body %q, want %q", tc.name, got, tc.body)
		}
	}
}
