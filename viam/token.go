package viam

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
	"github.com/vstorage-sdk/vngcloud/internal/redact"
)

// TokenVariant chooses which of the two documented token endpoints
// [ClientCredentials] calls. Both take the same Basic header; they differ
// in path and in the name of the form field. Which one is canonical is not
// confirmed (see the package overview); [TokenV2] is the default because
// the official Go SDK, the Terraform provider and the documentation use
// it. Responses of both shapes (snake_case and camelCase) are understood
// whichever variant is chosen.
type TokenVariant int

const (
	// TokenV2 posts grant_type=client_credentials to
	// accounts-api/v2/auth/token, as OAuth2 clients (the Terraform
	// provider) do. The documented answer is snake_case:
	// {"token_type":"Bearer","access_token":...,"expires_in":1800}.
	TokenV2 TokenVariant = iota + 1
	// TokenV1 posts grantType=client_credentials (camelCase) to
	// accounts-api/v1/auth/token, as the official CLI (grn) does. The
	// answer is camelCase: {"accessToken":...,"expiresIn":1800}.
	TokenV1
)

// String returns "v2" or "v1".
func (v TokenVariant) String() string {
	switch v {
	case TokenV2:
		return "v2"
	case TokenV1:
		return "v1"
	}
	return "TokenVariant(" + strconv.Itoa(int(v)) + ")"
}

func (v TokenVariant) path() string {
	if v == TokenV1 {
		return TokenPathV1
	}
	return TokenPathV2
}

// form is the token request's body: the grant, and scope when not "".
func (v TokenVariant) form(scope string) url.Values {
	f := url.Values{"grant_type": {"client_credentials"}}
	if v == TokenV1 {
		f = url.Values{"grantType": {"client_credentials"}}
	}
	if scope != "" {
		f.Set("scope", scope)
	}
	return f
}

// defaultScope is the scope the variant's known clients send: "email" for
// [TokenV2], as the Terraform provider's OAuth2 client sends it (and as
// the documentation's example body has it; docs/api.md §1.1); none for
// [TokenV1], as the official CLI sends none.
func (v TokenVariant) defaultScope() string {
	if v == TokenV1 {
		return ""
	}
	return "email"
}

// Token endpoint paths, relative to the root ([DefaultEndpoint] or the one
// set with [vngcloud.WithEndpoint]).
const (
	TokenPathV2 = "accounts-api/v2/auth/token"
	TokenPathV1 = "accounts-api/v1/auth/token"
)

// DefaultTokenURL is where [ClientCredentials] gets tokens unless told
// otherwise.
const DefaultTokenURL = DefaultEndpoint + TokenPathV2

// Codes of the token service that mean "these credentials are refused".
var authFailureCodes = map[string]bool{
	"AUTHENTICATION_FAILED":  true,
	"TOO_MANY_FAILED_LOGINS": true,
	"invalid_client":         true,
	"invalid_grant":          true,
	"unauthorized_client":    true,
}

// CredentialsOption is an option for [NewClientCredentials]: any
// [vngcloud.Option] (they all fit), or one of this package's token options
// ([WithTokenURL], [WithTokenVariant], [WithTokenScope]), which no other
// constructor accepts: passing one to viam.NewClient or vstorage.NewClient
// does not compile.
type CredentialsOption interface{ CredentialsOption() }

// tokenRequest is what the token options set.
type tokenRequest struct {
	url      string
	variant  TokenVariant
	scope    string
	scopeSet bool // scope applies, even when "" (no scope)
}

// tokenOption is a token option; see [CredentialsOption].
type tokenOption func(*tokenRequest) error

// CredentialsOption marks a token option for [NewClientCredentials].
func (tokenOption) CredentialsOption() {}

// WithTokenVariant chooses the token endpoint variant (default [TokenV2]).
func WithTokenVariant(v TokenVariant) CredentialsOption {
	return tokenOption(func(r *tokenRequest) error {
		if v != TokenV1 && v != TokenV2 {
			return &vngcloud.ValidationError{Field: "viam.WithTokenVariant", Reason: fmt.Sprintf("unknown variant %d", int(v))}
		}
		r.variant = v
		return nil
	})
}

// WithTokenScope sets the OAuth2 scopes sent with the token request, as
// the form field scope (space-separated). By default [TokenV2] sends
// scope=email, as the Terraform provider does (the client known to work
// in production), and [TokenV1] sends no scope, as the official CLI does.
// WithTokenScope() with no scope leaves the field out. Each scope must be
// a non-empty OAuth2 scope token (printable ASCII without spaces, quotes
// or backslashes).
func WithTokenScope(scopes ...string) CredentialsOption {
	return tokenOption(func(r *tokenRequest) error {
		for _, sc := range scopes {
			if sc == "" || strings.ContainsFunc(sc, func(ch rune) bool { return ch <= ' ' || ch > '~' || ch == '"' || ch == '\\' }) {
				return &vngcloud.ValidationError{Field: "viam.WithTokenScope",
					Reason: fmt.Sprintf("%q is not an OAuth2 scope (printable ASCII without spaces, quotes or backslashes; pass several scopes as several arguments)", sc)}
			}
		}
		r.scope, r.scopeSet = strings.Join(scopes, " "), true
		return nil
	})
}

// WithTokenURL sets the full URL of the token endpoint, for example a
// proxy's. Without it the URL is the root ([DefaultEndpoint], or the one
// set with [vngcloud.WithEndpoint]) followed by the variant's path. When
// the URL's path ends in "/v1/auth/token" the [TokenV1] variant is used
// unless [WithTokenVariant] says otherwise. Plain http is accepted only
// for loopback hosts.
func WithTokenURL(tokenURL string) CredentialsOption {
	return tokenOption(func(r *tokenRequest) error {
		if err := checkTokenURL(tokenURL); err != nil {
			return &vngcloud.ValidationError{Field: "viam.WithTokenURL", Reason: err.Error()}
		}
		r.url = tokenURL
		return nil
	})
}

func checkTokenURL(tokenURL string) error {
	// Quote the URL without its user info, which may hold a password.
	shown, userInfo := redact.URL(tokenURL)
	u, err := url.Parse(tokenURL)
	switch {
	case err != nil && userInfo:
		// The parser's message may quote part of the user info.
		return fmt.Errorf("%q is not a URL, and must not carry user info", shown)
	case err != nil:
		return fmt.Errorf("%q is not a URL: %v", shown, errors.Unwrap(err))
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%q must start with https:// (or http:// for a loopback test server)", shown)
	case u.Host == "":
		return fmt.Errorf("%q has no host", shown)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return fmt.Errorf("%q must not carry a query, fragment or user info", shown)
	case u.Path == "" || strings.HasSuffix(u.Path, "/"):
		return fmt.Errorf("%q must name the endpoint itself, for example https://iamapis.vngcloud.vn/accounts-api/v2/auth/token", shown)
	}
	return nil
}

// ClientCredentials gets bearer tokens for a service account from its
// client ID and client secret (OAuth2 client credentials), caches each
// token until shortly before it expires, and renews it. It is a
// [vngcloud.TokenSource] and a [vngcloud.TokenInvalidator]: pass it to
// [vngcloud.WithTokenSource] for a viam [Client], and for a vstorage client
// too, since vStorage takes the same token. Share one ClientCredentials
// between clients so that they share its token.
//
// Caching is [vngcloud.TokenCache]'s: a token is renewed
// [vngcloud.DefaultTokenSkew] (60 s, at most half its lifetime) before it
// expires; a token whose expires_in is 0 or missing is assumed to live
// [vngcloud.DefaultTokenLifetime] (30 min); when a new token is needed one
// goroutine fetches it while the others wait; a token the service refused
// with 401 is dropped, and the next call fetches a new one.
//
// The token call goes through the SDK's HTTP core with the options given
// to [NewClientCredentials]: it is retried like any idempotent call (on
// connection errors, 429 and 5xx), capped, and its failures are
// [*vngcloud.APIError] values. A refused client ID or secret
// (AUTHENTICATION_FAILED, TOO_MANY_FAILED_LOGINS, OAuth2 invalid_client)
// matches [vngcloud.ErrUnauthorized].
//
// The client secret and the tokens never appear in errors, logs or
// formatted output (%v, %+v, %#v print the client ID and the token URL
// only). A ClientCredentials is safe for concurrent use.
type ClientCredentials struct {
	// st is behind a pointer so that even a copy printed by reflection
	// shows an address, never a field.
	st *ccState
}

type ccState struct {
	clientID string
	basic    vngcloud.Secret // base64(clientID:clientSecret)
	tokenURL string
	variant  TokenVariant
	scope    string // sent as the form field scope when not ""
	path     string
	core     *httpcore.Core
	cache    *vngcloud.TokenCache
}

// NewClientCredentials returns a token source for the service account with
// the given client ID and secret. opts configure its HTTP calls: for
// example [vngcloud.WithHTTPClient], [vngcloud.WithLogger],
// [vngcloud.WithRetries], [vngcloud.WithEndpoint] (which moves the whole
// root, token endpoint included), and the viam-only [WithTokenVariant],
// [WithTokenURL] and [WithTokenScope]. Nothing is sent until the first
// call to Token.
//
// The secret is sent as `Authorization: Basic base64(clientID:secret)`
// with a form-encoded body grant_type=client_credentials&scope=email
// (grantType=client_credentials for [TokenV1]; see [WithTokenScope]).
func NewClientCredentials(clientID string, clientSecret vngcloud.Secret, opts ...CredentialsOption) (*ClientCredentials, error) {
	const op = "viam.NewClientCredentials"
	switch {
	case clientID == "":
		return nil, &vngcloud.ValidationError{Operation: op, Field: "clientID", Reason: "is empty (set VNGCLOUD_CLIENT_ID or pass the service account's client ID)"}
	case strings.Contains(clientID, ":"):
		return nil, &vngcloud.ValidationError{Operation: op, Field: "clientID", Reason: "must not contain ':' (it is sent in a Basic authorization header)"}
	case strings.IndexFunc(clientID, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0:
		return nil, &vngcloud.ValidationError{Operation: op, Field: "clientID", Reason: "must not contain spaces or control characters"}
	case clientSecret.IsZero():
		return nil, &vngcloud.ValidationError{Operation: op, Field: "clientSecret", Reason: "is empty (set VNGCLOUD_CLIENT_SECRET or pass the service account's client secret)"}
	case strings.ContainsFunc(clientSecret.Reveal(), unicode.IsControl):
		return nil, &vngcloud.ValidationError{Operation: op, Field: "clientSecret", Reason: "contains a control character (a stray newline from a file?)"}
	}

	s, r, err := httpcore.Split[tokenOption](opts)
	if err != nil {
		return nil, httpcore.Named(op, err)
	}
	s.TokenSource = nil // the token call authenticates with Basic only

	st := &ccState{clientID: clientID, variant: r.variant}
	if st.variant == 0 {
		st.variant = TokenV2
		if strings.HasSuffix(r.url, "/v1/auth/token") {
			st.variant = TokenV1
		}
	}
	st.scope = st.variant.defaultScope()
	if r.scopeSet {
		st.scope = r.scope
	}
	if r.url != "" {
		i := strings.LastIndex(r.url, "/")
		s.Endpoint, st.path = r.url[:i+1], r.url[i+1:]
	} else {
		st.path = st.variant.path()
	}
	core, err := httpcore.New(DefaultEndpoint, s, tokenService{st})
	if err != nil {
		return nil, httpcore.Named(op, err)
	}
	st.core = core
	st.tokenURL = core.Endpoint() + st.path
	st.basic = vngcloud.Secret(base64.StdEncoding.EncodeToString([]byte(clientID + ":" + clientSecret.Reveal())))
	st.cache = vngcloud.NewTokenCache(st.fetch)
	return &ClientCredentials{st: st}, nil
}

// Token returns a valid bearer token, from the cache or freshly fetched.
func (c *ClientCredentials) Token(ctx context.Context) (vngcloud.Secret, error) {
	if c == nil || c.st == nil {
		return "", &vngcloud.ValidationError{Operation: "viam.ClientCredentials.Token", Field: "ClientCredentials", Reason: "not initialised: build it with viam.NewClientCredentials"}
	}
	if ctx == nil {
		return "", &vngcloud.ValidationError{Operation: "viam.ClientCredentials.Token", Field: "ctx", Reason: "nil context"}
	}
	tok, err := c.st.cache.Token(ctx)
	if err != nil && ctx.Err() != nil && err == ctx.Err() {
		// The caller's context ended while the token was being fetched:
		// still an *APIError, as every failure of the token call is.
		return "", c.st.core.Fail(&httpcore.Request{Op: "viam.Token", Method: http.MethodPost, Path: c.st.path},
			httpcore.Failure{Message: "the caller's context ended while waiting for the token (" + err.Error() + ")", Err: err, Refused: true})
	}
	return tok, err
}

// Invalidate drops tok if it is the cached token, so the next call to
// Token fetches a new one. The SDK calls it when a request answers 401.
func (c *ClientCredentials) Invalidate(tok vngcloud.Secret) {
	if c != nil && c.st != nil {
		c.st.cache.Invalidate(tok)
	}
}

// ClientID returns the service account's client ID.
func (c *ClientCredentials) ClientID() string { return c.st.clientID }

// TokenURL returns the URL tokens are requested from.
func (c *ClientCredentials) TokenURL() string { return c.st.tokenURL }

// Variant returns the token endpoint variant in use.
func (c *ClientCredentials) Variant() TokenVariant { return c.st.variant }

// String shows the client ID and the token URL; the secret is redacted.
func (c ClientCredentials) String() string {
	if c.st == nil {
		return "viam.ClientCredentials{}"
	}
	return fmt.Sprintf("viam.ClientCredentials{ClientID: %q, ClientSecret: %q, TokenURL: %q}", c.st.clientID, vngcloud.Redacted, c.st.tokenURL)
}

// GoString is used by %#v; it shows what String shows.
func (c ClientCredentials) GoString() string { return c.String() }

// Format makes every fmt verb print String's text, so the secret cannot
// leak through %v, %+v, %#v, %s, %q or %x.
func (c ClientCredentials) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	fmt.Fprint(f, c.String())
}

// LogValue gives log/slog the client ID and the token URL only.
func (c ClientCredentials) LogValue() slog.Value {
	if c.st == nil {
		return slog.GroupValue()
	}
	return slog.GroupValue(slog.String("client_id", c.st.clientID), slog.String("token_url", c.st.tokenURL))
}

// tokenResponse accepts both documented shapes.
type tokenResponse struct {
	AccessToken   vngcloud.Secret `json:"access_token"`
	AccessTokenV1 vngcloud.Secret `json:"accessToken"`
	ExpiresIn     seconds         `json:"expires_in"`
	ExpiresInV1   seconds         `json:"expiresIn"`
}

// seconds is a lifetime sent as a number, a numeric string or null.
type seconds int64

// UnmarshalJSON reads a number, a numeric string or null; a negative or
// absurd value reads as 0 (unknown).
func (s *seconds) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		b = []byte(strings.TrimSpace(str))
	}
	if len(b) == 0 || string(b) == "null" {
		*s = 0
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("expires_in is not a number of seconds")
	}
	if f < 0 || f > 1e9 {
		f = 0
	}
	*s = seconds(f)
	return nil
}

func (s *ccState) fetch(ctx context.Context) (vngcloud.Secret, time.Duration, error) {
	r := &httpcore.Request{Op: "viam.Token", Method: http.MethodPost, Path: s.path, Form: s.variant.form(s.scope),
		Header: http.Header{"Authorization": {"Basic " + s.basic.Reveal()}}, NoAuth: true}
	resp, err := httpcore.Do[tokenResponse](ctx, s.core, r)
	if err != nil {
		return "", 0, err
	}
	tok, life := cmp.Or(resp.AccessToken, resp.AccessTokenV1), cmp.Or(resp.ExpiresIn, resp.ExpiresInV1)
	if tok.IsZero() {
		return "", 0, s.core.Fail(r, httpcore.Failure{Message: "the token response has neither access_token nor accessToken",
			Hint: "check the token URL; try the other variant with viam.WithTokenVariant"})
	}
	return tok, time.Duration(life) * time.Second, nil
}

// tokenService is the token endpoint's part of the call path: refused
// credentials are ErrUnauthorized, with a hint that names the client ID
// (never the secret).
type tokenService struct{ s *ccState }

// Unwrap returns the body: the token answer is plain JSON.
func (tokenService) Unwrap(_ *httpcore.Request, a *httpcore.Answer) ([]byte, *httpcore.Failure) {
	return a.Body, nil
}

// Classify maps the token service's refusals.
func (t tokenService) Classify(status int, code, _ string) (hint string, kind error) {
	switch {
	case authFailureCodes[code] || status == http.StatusUnauthorized:
		hint := fmt.Sprintf("check VNGCLOUD_CLIENT_ID (client ID %q) and the client secret (VNGCLOUD_CLIENT_SECRET)", t.s.clientID)
		if code == "TOO_MANY_FAILED_LOGINS" {
			hint = "too many failed logins: wait before trying again, then " + hint
		}
		return hint, vngcloud.ErrUnauthorized
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return fmt.Sprintf("the token endpoint refused the request form; check the token URL (%s) or try the other variant with viam.WithTokenVariant", t.s.tokenURL), nil
	case status == http.StatusNotFound || status == http.StatusGone:
		return fmt.Sprintf("no token endpoint at %s; check the endpoint or viam.WithTokenURL", t.s.tokenURL), nil
	}
	return "", nil
}
