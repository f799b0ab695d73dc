package viam

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/vstorage-sdk/vngcloud"
)

// Every test talks to this root through its own httpmock transport;
// nothing leaves the process.
const (
	root             = "https://iam.test/"
	testClientID     = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
	testClientSecret = "cs-sekrit-5f2b9e8d1a"
)

// testBasic is the Basic credential the token endpoint must receive.
var testBasic = base64.StdEncoding.EncodeToString([]byte(testClientID + ":" + testClientSecret))

// tokenN is the n-th token the fake token endpoint hands out. Every secret
// value in these tests contains "sekrit", so that one search finds a leak.
func tokenN(n int) string { return fmt.Sprintf("tok-sekrit-%d", n) }

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// syncBuffer collects log output from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fakeClock is the token cache's clock in tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// seen is one request as the mock transport received it.
type seen struct {
	Method, Path, Query, Body string
	Auth, ContentType         string
}

// recorder answers one route with scripted steps (the last one repeats)
// and keeps every request.
type recorder struct {
	mu    sync.Mutex
	reqs  []seen
	steps []step
	// pick, when set, chooses the answer from the request instead.
	pick func(*http.Request) step
}

type step struct {
	status int
	body   string
	header http.Header
}

func reply(status int, body string) step { return step{status: status, body: body} }

func (r *recorder) respond(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, seen{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.RawQuery, Body: string(body),
		Auth: req.Header.Get("Authorization"), ContentType: req.Header.Get("Content-Type")})
	var st step
	if r.pick != nil {
		st = r.pick(req)
	} else {
		st = r.steps[min(len(r.reqs), len(r.steps))-1]
	}
	r.mu.Unlock()
	resp := httpmock.NewStringResponse(st.status, st.body)
	for k, v := range st.header {
		resp.Header[k] = v
	}
	resp.Request = req
	return resp, nil
}

func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

func (r *recorder) count() int { return len(r.all()) }

// only returns the one request the route got, failing otherwise.
func (r *recorder) only(t testing.TB) seen {
	t.Helper()
	reqs := r.all()
	if len(reqs) != 1 {
		t.Fatalf("the route got %d requests, want 1: %+v", len(reqs), reqs)
	}
	return reqs[0]
}

// harness is a viam Client whose token source is a ClientCredentials
// served by a fake token endpoint, both over one mock transport, with a
// debug logger capturing everything and a fake clock.
type harness struct {
	t          testing.TB
	mt         *httpmock.MockTransport
	c          *Client
	cc         *ClientCredentials
	clock      *fakeClock
	logs       *syncBuffer
	tokenCalls atomic.Int32
	tokenDelay time.Duration
}

func newHarness(t testing.TB, opts ...vngcloud.Option) *harness {
	t.Helper()
	h := &harness{t: t, mt: httpmock.NewMockTransport(), clock: newClock(), logs: &syncBuffer{}}
	logger := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	base := append([]vngcloud.Option{
		vngcloud.WithEndpoint(root),
		vngcloud.WithHTTPClient(&http.Client{Transport: h.mt}),
		vngcloud.WithRetryWait(0, 0),
		vngcloud.WithLogger(logger),
	}, opts...)
	cc, err := NewClientCredentials(testClientID, vngcloud.Secret(testClientSecret), vngcloud.Options(base...))
	if err != nil {
		t.Fatal(err)
	}
	cc.st.cache.Now = h.clock.Now
	h.cc = cc
	h.mt.RegisterResponder(http.MethodPost, root+TokenPathV2, h.tokenEndpoint)
	c, err := NewClient(append(base, vngcloud.WithTokenSource(cc))...)
	if err != nil {
		t.Fatal(err)
	}
	h.c = c
	return h
}

// tokenEndpoint checks the token request and hands out tok-sekrit-1, -2...
func (h *harness) tokenEndpoint(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	switch {
	case r.Header.Get("Authorization") != "Basic "+testBasic:
		return httpmock.NewStringResponse(401, fixture(h.t, "token_error_authentication_failed.json")), nil
	case r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || string(body) != "grant_type=client_credentials&scope=email":
		return httpmock.NewStringResponse(400, `{"errors":[{"code":"TEST","message":"unexpected token request"}]}`), nil
	}
	n := h.tokenCalls.Add(1)
	if h.tokenDelay > 0 {
		time.Sleep(h.tokenDelay)
	}
	return httpmock.NewStringResponse(200, fmt.Sprintf(`{"token_type":"Bearer","access_token":%q,"expires_in":1800,"refresh_expires_in":0}`, tokenN(int(n)))), nil
}

// on registers a recorder for method and path (relative to root, without
// the query: the recorder keeps the query for the test to check).
func (h *harness) on(method, path string, steps ...step) *recorder {
	r := &recorder{steps: steps}
	h.mt.RegisterResponder(method, root+path, r.respond)
	return r
}

// want fails the test when got differs from want.
func want[T comparable](t testing.TB, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// checkReq compares a recorded request with the expected shape.
func checkReq(t testing.TB, got seen, method, path, query, body string) {
	t.Helper()
	want(t, "method", got.Method, method)
	want(t, "path", got.Path, path)
	want(t, "query", got.Query, query)
	want(t, "body", got.Body, body)
	if body != "" {
		want(t, "Content-Type", got.ContentType, "application/json")
	}
}
