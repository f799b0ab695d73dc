package viamtest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/fakeserver"
)

// DefaultTokenLifetime is how long tokens live unless
// [Server.SetTokenLifetime] says otherwise: the 1800 s of vIAM's
// documented token answer.
const DefaultTokenLifetime = 30 * time.Minute

// Limits the server enforces, as vIAM documents them per root account.
const (
	// MaxServiceAccounts is how many service accounts an account may
	// create through the API.
	MaxServiceAccounts = 20
	// MaxPolicies is how many policies of its own an account may create.
	MaxPolicies = 20
)

// AccountNumber is the root account number of the fake account: the
// "root" of its policies, and the numeric account ID that vstoragetest
// reports as userIdMapping.
const AccountNumber int64 = 53461

// ErrInvalidToken is returned by [Server.Authenticate] for a request
// whose bearer token is missing, was not issued by this server, has
// expired, or belongs to a service account that was deleted.
var ErrInvalidToken = errors.New("viamtest: the bearer token is missing, unknown or expired")

// Server is an in-memory vIAM: the token endpoint and the accounts and
// policies APIs, on an httptest server on 127.0.0.1. Its methods are safe
// for concurrent use. Build it with [NewServer] and stop it with
// [Server.Close].
type Server struct {
	srv *httptest.Server
	inj *fakeserver.Injector

	scope  string // required in v2 token requests, when set
	v1Only bool   // the v2 token endpoint is not served

	mu       sync.Mutex
	now      func() time.Time
	lifetime time.Duration
	seq      int
	accounts map[string]*account // by ID
	saOrder  []string
	policies map[string]*policy // by ID
	polOrder []string
	tokens   map[[32]byte]issuedToken // by SHA-256 of the token: the server keeps no token
	issued   int
}

type account struct {
	id, clientID, name, description string
	secret                          vngcloud.Secret
	lifetime                        time.Duration
	created, lastUse                time.Time
	policies                        []string // attached policy IDs, in attach order
}

type issuedToken struct {
	account string
	expires time.Time
}

// NewServer starts a vIAM test server on 127.0.0.1. It serves:
//
//	POST accounts-api/v2/auth/token          form grant_type=client_credentials, Basic auth
//	POST accounts-api/v1/auth/token          form grantType=client_credentials, Basic auth
//	GET accounts-api/v1/auth/userinfo
//	GET/POST accounts-api/v1/service-accounts
//	GET/PATCH/DELETE accounts-api/v1/service-accounts/{id}
//	POST accounts-api/v1/service-accounts/{id}/reset-secret
//	GET/POST policies-api/v1/policies
//	GET/PUT/DELETE policies-api/v1/policies/{id}
//	POST/DELETE policies-api/v1/policies/{policyId}/service-accounts/{saId}
//	GET policies-api/v1/policies/{id}/service-accounts
//	GET policies-api/v1/user-attachments/service-accounts/{saId}/policies
//	GET policies-api/v1/actions?product=
//
// with the managed vStorage policies (vStorageFullAccess, ...) already
// there, managed by "VNG CLOUD". Seed a service account to log in with
// with [Server.AddServiceAccount]. Point clients at [Server.URL].
// Options such as [WithLatency] change how it answers.
func NewServer(opts ...Option) *Server {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		now:      time.Now,
		lifetime: DefaultTokenLifetime,
		accounts: map[string]*account{},
		policies: map[string]*policy{},
		tokens:   map[[32]byte]issuedToken{},
	}
	s.seedManaged()
	s.inj = &fakeserver.Injector{ErrorBody: func(status int) string {
		return string(mustJSON(errorsBody(statusCode(status), http.StatusText(status))))
	}, Latency: cfg.latency, Redirect: cfg.redirect}
	s.scope, s.v1Only = cfg.scope, cfg.v1Only
	s.srv = httptest.NewServer(s.inj.Wrap(s.routes()))
	return s
}

// URL returns the root the vIAM paths live under, with a trailing slash,
// for example "http://127.0.0.1:41234/": pass it to vngcloud.WithEndpoint
// for viam.NewClient and viam.NewClientCredentials.
func (s *Server) URL() string { return s.srv.URL + "/" }

// String describes the server by its URL; it never shows credentials.
func (s *Server) String() string { return "viamtest.Server(" + s.URL() + ")" }

// GoString is used by %#v; it shows what String shows.
func (s *Server) GoString() string { return s.String() }

// Close shuts the server down, dropping open connections (a call waiting
// in a delay fault ends at once).
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// AddServiceAccount seeds a service account, as if created in the
// console, and returns its ID and the credentials a program logs in with.
// It panics when the name is not a valid service-account name (1 to 50
// letters, digits, '.', '_', '-' or spaces) or is taken. Seeded accounts
// do not count against [MaxServiceAccounts]. Like every account, it may
// call every route: vIAM policies are stored, not enforced.
func (s *Server) AddServiceAccount(name string) (id, clientID string, clientSecret vngcloud.Secret) {
	if reason := nameProblem(name); reason != "" {
		panic("viamtest: AddServiceAccount: " + reason)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accountByName(name) != nil {
		panic(fmt.Sprintf("viamtest: AddServiceAccount: a service account is already named %q", name))
	}
	a := s.newAccount(name, "")
	return a.id, a.clientID, a.secret
}

// SetTokenLifetime sets how long new tokens live (default
// [DefaultTokenLifetime]), for every service account, existing and
// future: it becomes their accessTokenLifeSpan and the expires_in of the
// token answers. Use whole seconds: expires_in is an integer, and a
// client that reads 0 assumes 30 minutes. Tokens already issued keep
// their expiry.
func (s *Server) SetTokenLifetime(d time.Duration) {
	if d <= 0 {
		panic("viamtest: SetTokenLifetime: the lifetime must be positive")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lifetime = d
	for _, a := range s.accounts {
		a.lifetime = d
	}
}

// SetNow replaces the clock (default time.Now) used for token expiry and
// for createdAt and lastUse. Move it forward past a token's lifetime to
// make the token expire. nil restores time.Now. vstoragetest servers built
// on this server use the same clock. now is called with the server's lock
// held: it must not call the server.
func (s *Server) SetNow(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// Now returns the server's current time (see [Server.SetNow]).
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

// Inject queues a fault for the next matching calls (method and path
// substring; empty matches any). Faults apply in the order queued. A
// Status fault with an empty Body answers vIAM's error body
// {"errors":[{"code","message"}]}.
func (s *Server) Inject(f Fault) { s.inj.Inject(fakeserver.Fault(f)) }

// FailNext makes the next n calls, whatever their route, answer status
// (with vIAM's error body) without acting.
func (s *Server) FailNext(n, status int) { s.inj.FailNext(n, status) }

// ClearFaults drops every pending fault.
func (s *Server) ClearFaults() { s.inj.ClearFaults() }

// Calls returns the calls received so far, oldest first, token requests
// included. Authorization headers are not recorded.
func (s *Server) Calls() []Call { return publicCalls(s.inj.Calls()) }

// CallCount returns how many calls matched method (empty: any) and had
// pathSubstring in their path.
func (s *Server) CallCount(method, pathSubstring string) int {
	return s.inj.CallCount(method, pathSubstring)
}

// ResetCalls empties the call log.
func (s *Server) ResetCalls() { s.inj.ResetCalls() }

// TokensIssued returns how many tokens the token endpoints handed out.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// Authenticate checks the request's "Authorization: Bearer <token>"
// header against the tokens this server issued and returns the ID of the
// service account the token belongs to. A missing, unknown or expired
// token, or one of a deleted account, gives [ErrInvalidToken]. The error
// never contains the token.
func (s *Server) Authenticate(r *http.Request) (serviceAccountID string, err error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", ErrInvalidToken
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.tokens[sha256.Sum256([]byte(strings.TrimSpace(tok)))]
	if !ok || !s.now().Before(it.expires) || s.accounts[it.account] == nil {
		return "", ErrInvalidToken
	}
	return it.account, nil
}

// ServiceAccount returns the name of the service account with the given
// ID (without a "sa-" prefix), and whether it exists.
func (s *Server) ServiceAccount(id string) (name string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.accounts[id]; a != nil {
		return a.name, true
	}
	return "", false
}

// ServiceAccountPolicies returns the names of the policies attached to a
// service account, in attach order (nil for an unknown account).
func (s *Server) ServiceAccountPolicies(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[id]
	if a == nil {
		return nil
	}
	var names []string
	for _, pid := range a.policies {
		names = append(names, s.policies[pid].name)
	}
	return names
}

// PolicyID returns the ID of the policy called name (an own policy before
// a managed one of the same name), and whether there is one.
func (s *Server) PolicyID(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	found := ""
	for _, id := range s.polOrder {
		if p := s.policies[id]; p.name == name {
			if !p.managed() {
				return id, true
			}
			found = id
		}
	}
	return found, found != ""
}

// ---- identifiers and secrets ----

// newID returns a well-formed UUID built from a per-server counter and a
// kind, so that a test run's identifiers are deterministic.
func (s *Server) newID(kind uint32) string {
	s.seq++
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", kind, s.seq)
}

// randomString returns n characters from an alphabet without ambiguous
// punctuation, from crypto/rand.
func randomString(n int) string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "vt1." + base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) newAccount(name, description string) *account {
	a := &account{
		id:          s.newID(0x5a1dacc0),
		name:        name,
		description: description,
		secret:      vngcloud.Secret(randomString(32)),
		lifetime:    s.lifetime,
		created:     s.now(),
	}
	a.clientID = s.newID(0xc11e0000)
	s.accounts[a.id] = a
	s.saOrder = append(s.saOrder, a.id)
	return a
}

func (s *Server) accountByName(name string) *account {
	for _, id := range s.saOrder {
		if a := s.accounts[id]; a.name == name {
			return a
		}
	}
	return nil
}

// ---- routing ----

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /accounts-api/v2/auth/token", func(w http.ResponseWriter, r *http.Request) { s.token(w, r, 2) })
	mux.HandleFunc("POST /accounts-api/v1/auth/token", func(w http.ResponseWriter, r *http.Request) { s.token(w, r, 1) })
	api := func(pattern string, h func(http.ResponseWriter, *http.Request)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if _, err := s.Authenticate(r); err != nil {
				writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "Token is expired or invalid")
				return
			}
			h(w, r)
		})
	}
	const sa, pol = "/accounts-api/v1/service-accounts", "/policies-api/v1/"
	api("GET /accounts-api/v1/auth/userinfo", s.userInfo)
	api("GET "+sa, s.listAccounts)
	api("POST "+sa, s.createAccount)
	api("GET "+sa+"/{id}", s.getAccount)
	api("PATCH "+sa+"/{id}", s.updateAccount)
	api("DELETE "+sa+"/{id}", s.deleteAccount)
	api("POST "+sa+"/{id}/reset-secret", s.resetSecret)
	api("GET "+pol+"policies", s.listPolicies)
	api("POST "+pol+"policies", s.createPolicy)
	api("GET "+pol+"policies/{id}", s.getPolicy)
	api("PUT "+pol+"policies/{id}", s.updatePolicy)
	api("DELETE "+pol+"policies/{id}", s.deletePolicy)
	api("POST "+pol+"policies/{id}/service-accounts/{sa}", s.attach)
	api("DELETE "+pol+"policies/{id}/service-accounts/{sa}", s.detach)
	api("GET "+pol+"user-attachments/service-accounts/{sa}/policies", s.accountPolicies)
	api("GET "+pol+"policies/{id}/service-accounts", s.policyAccounts)
	api("GET "+pol+"actions", s.actions)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "No route for "+r.Method+" "+r.URL.Path)
	})
	return mux
}

// token serves both token endpoints: v2 takes grant_type and answers
// snake_case, v1 takes grantType and answers camelCase.
func (s *Server) token(w http.ResponseWriter, r *http.Request, variant int) {
	field := "grant_type"
	if variant == 1 {
		field = "grantType"
	}
	if variant == 2 && s.v1Only {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "No route for "+r.Method+" "+r.URL.Path)
		return
	}
	grant, scope := formFields(r, field)
	if variant == 2 && s.scope != "" && !slices.Contains(strings.Fields(scope), s.scope) {
		writeError(w, http.StatusBadRequest, "INVALID_SCOPE", "scope must include "+s.scope)
		return
	}
	if grant != "client_credentials" {
		writeError(w, http.StatusBadRequest, "INVALID_GRANT_TYPE", fmt.Sprintf("%s must be client_credentials", field))
		return
	}
	clientID, secret, ok := r.BasicAuth()
	s.mu.Lock()
	var a *account
	if ok {
		for _, id := range s.saOrder {
			if c := s.accounts[id]; c.clientID == clientID {
				a = c
				break
			}
		}
	}
	if a == nil || subtle.ConstantTimeCompare([]byte(secret), []byte(a.secret.Reveal())) != 1 {
		s.mu.Unlock()
		writeError(w, http.StatusUnauthorized, "AUTHENTICATION_FAILED", "Authentication failed")
		return
	}
	now := s.now()
	for t, it := range s.tokens { // forget expired tokens
		if !now.Before(it.expires) {
			delete(s.tokens, t)
		}
	}
	tok := newToken()
	s.tokens[sha256.Sum256([]byte(tok))] = issuedToken{account: a.id, expires: now.Add(a.lifetime)}
	s.issued++
	a.lastUse = now
	secs := int64(a.lifetime / time.Second)
	s.mu.Unlock()
	if variant == 1 {
		writeJSON(w, http.StatusOK, object{{"accessToken", tok}, {"refreshToken", ""}, {"expiresIn", secs}, {"refreshExpiresIn", 0}})
		return
	}
	writeJSON(w, http.StatusOK, object{{"token_type", "Bearer"}, {"access_token", tok}, {"expires_in", secs}, {"refresh_expires_in", 0}})
}

// formFields reads the grant (from field) and the scope from a form body
// or, as vIAM's documentation shows for v2, a JSON body.
func formFields(r *http.Request, field string) (grant, scope string) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if ct == "application/json" {
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			grant, _ = m[field].(string)
			scope, _ = m["scope"].(string)
		}
		return grant, scope
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return "", ""
	}
	return v.Get(field), v.Get("scope")
}

// ---- answers ----

// The answers' JSON helpers are shared with the other fake.
type object = fakeserver.Object

var (
	mustJSON  = fakeserver.MustJSON
	writeJSON = fakeserver.WriteJSON
)

func errorsBody(code, message string) object {
	return object{{"errors", []any{object{{"code", code}, {"message", message}}}}}
}

// writeError answers vIAM's error body {"errors":[{"code","message"}]}.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, errorsBody(code, message))
}

// statusCode names a status the way the injected error bodies do.
func statusCode(status int) string {
	t := strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_"))
	if t == "" {
		return fmt.Sprintf("HTTP_%d", status)
	}
	return t
}

// noContent answers 204.
func noContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// nameProblem checks a service-account name as vIAM documents it.
func nameProblem(name string) string {
	if name == "" {
		return "the name is empty"
	}
	n := 0
	for _, r := range name {
		n++
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || slices.Contains([]rune("._- "), r)) {
			return fmt.Sprintf("the name %q holds %q; use letters, digits, '.', '_', '-' or spaces", name, r)
		}
	}
	if n > 50 {
		return fmt.Sprintf("the name is %d characters long; the limit is 50", n)
	}
	return ""
}
