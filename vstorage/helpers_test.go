package vstorage

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/vstorage-sdk/vngcloud"
)

const (
	testBase  = "https://vs.test/api/v1/"
	testToken = "test-token-123"
	hcm04ID   = "3c6f4a52-8f1e-4b2a-9d0c-7e5b1a2f6d84"
	han02ID   = "a1d9e7c3-5b42-4f08-8e6a-0c3b9f2d1e57"
	projID    = "0f8e2c4a6b1d4e3f9a7c5b2d8e1f4a6c"
	keyID     = "e4b7c1d2-6a3f-4e8b-9c0d-1f2a3b4c5d6e"
	saID      = "4f1d2c3b-5a69-4788-9abc-def012345678"
	bucket    = "media-assets"
)

// fixture returns the content of testdata/name.
func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// seen is one request as the mock transport received it.
type seen struct {
	Method, Path, Query, Body string
	Header                    http.Header
}

// header returns the values of a header, whatever the case of its key:
// the client sends "region" and "region_id" in lower case, as the API
// documents them, and httpmock does not canonicalise keys.
func (s seen) header(name string) []string {
	var out []string
	for k, v := range s.Header {
		if strings.EqualFold(k, name) {
			out = append(out, v...)
		}
	}
	return out
}

// recorder keeps every request the mock transport answers.
type recorder struct {
	mu    sync.Mutex
	calls []seen
}

func (r *recorder) add(req *http.Request) seen {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	s := seen{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Body: string(body), Header: req.Header.Clone()}
	r.mu.Lock()
	r.calls = append(r.calls, s)
	r.mu.Unlock()
	return s
}

func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.calls...)
}

// to returns the recorded requests to path (relative to testBase).
func (r *recorder) to(method, path string) []seen {
	var out []seen
	for _, s := range r.all() {
		if s.Method == method && s.Path == "/api/v1/"+path {
			out = append(out, s)
		}
	}
	return out
}

// respond is a responder that records the request and answers status and
// body.
func (r *recorder) respond(status int, body string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		r.add(req)
		return reply(req, status, body), nil
	}
}

// testEnv is a client over its own mock transport, with GET regions
// answered from regions.json.
type testEnv struct {
	c   *Client
	mt  *httpmock.MockTransport
	rec *recorder
}

func newEnv(t *testing.T, opts ...Option) *testEnv {
	t.Helper()
	mt := httpmock.NewMockTransport()
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"regions", rec.respond(200, fixture(t, "regions.json")))
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		return reply(req, 599, "no responder for "+req.Method+" "+req.URL.String()), nil
	})
	all := append([]Option{
		vngcloud.WithEndpoint(testBase),
		vngcloud.WithHTTPClient(&http.Client{Transport: mt}),
		vngcloud.WithRetryWait(0, 0),
		vngcloud.WithTokenSource(vngcloud.StaticToken(testToken)),
	}, opts...)
	c, err := NewClient(all...)
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{c: c, mt: mt, rec: rec}
}

// on answers method path (relative to testBase, without query) with
// status and body.
func (e *testEnv) on(method, path string, status int, body string) {
	e.mt.RegisterResponder(method, testBase+path, e.rec.respond(status, body))
}

// onSeq answers successive requests with successive bodies (status 200);
// the last one repeats.
func (e *testEnv) onSeq(method, path string, bodies ...string) {
	var mu sync.Mutex
	i := 0
	e.mt.RegisterResponder(method, testBase+path, func(req *http.Request) (*http.Response, error) {
		e.rec.add(req)
		mu.Lock()
		b := bodies[min(i, len(bodies)-1)]
		i++
		mu.Unlock()
		return reply(req, 200, b), nil
	})
}

// checkAuth asserts the bearer token and, unless noRegion, both region
// headers (and otherwise their absence).
func checkHeaders(t *testing.T, s seen, regionID string) {
	t.Helper()
	if got := s.Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("%s %s: Authorization = %q", s.Method, s.Path, got)
	}
	for _, h := range []string{"region", "region_id"} {
		got := s.header(h)
		if regionID == "" {
			if len(got) != 0 {
				t.Errorf("%s %s: header %s = %q, want none", s.Method, s.Path, h, got)
			}
			continue
		}
		if len(got) != 1 || got[0] != regionID {
			t.Errorf("%s %s: header %s = %q, want %q", s.Method, s.Path, h, got, regionID)
		}
	}
}

// apiError asserts err is a *vngcloud.APIError and returns it.
func apiError(t *testing.T, err error) *vngcloud.APIError {
	t.Helper()
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v (%T), want *vngcloud.APIError", err, err)
	}
	return ae
}

// sentinels lists every root sentinel, to check that an error matches
// exactly the expected ones.
var sentinels = map[string]error{
	"ErrNotFound": vngcloud.ErrNotFound, "ErrUnauthorized": vngcloud.ErrUnauthorized,
	"ErrForbidden": vngcloud.ErrForbidden, "ErrConflict": vngcloud.ErrConflict,
	"ErrRateLimited": vngcloud.ErrRateLimited, "ErrInvalidInput": vngcloud.ErrInvalidInput,
	"ErrMaybeApplied": vngcloud.ErrMaybeApplied,
}

// matchesOnly asserts that err matches exactly the sentinels in want.
func matchesOnly(t *testing.T, err error, want ...error) {
	t.Helper()
	for name, s := range sentinels {
		exp := false
		for _, w := range want {
			if w == s {
				exp = true
			}
		}
		if got := errors.Is(err, s); got != exp {
			t.Errorf("errors.Is(err, %s) = %v, want %v (err: %v)", name, got, exp, err)
		}
	}
}

func isCanceled(err error) bool { return errors.Is(err, context.Canceled) }

// reply builds a response to req, as a real transport would (with
// Request set: the core reads it).
func reply(req *http.Request, status int, body string) *http.Response {
	resp := httpmock.NewStringResponse(status, body)
	resp.Header.Set("Content-Type", "application/json")
	resp.Request = req
	return resp
}
