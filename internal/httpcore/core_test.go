package httpcore

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/vstorage-sdk/vngcloud"
)

const base = "https://api.test/v1/"

// newCore builds a Core over its own mock transport with zero backoff.
func newCore(t *testing.T, opts ...vngcloud.Option) (*Core, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	all := append([]vngcloud.Option{
		vngcloud.WithEndpoint(base),
		vngcloud.WithHTTPClient(&http.Client{Transport: mt}),
		vngcloud.WithRetryWait(0, 0),
	}, opts...)
	c, err := newWith("https://default.invalid/", all)
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
}

// newWith builds a Core from options, as the service packages do.
func newWith(def string, opts []vngcloud.Option) (*Core, error) {
	s, err := Apply(opts)
	if err != nil {
		return nil, err
	}
	return New(def, s, nil)
}

// do calls the core as Do does, decoding into out (nil: no answer
// expected).
func do(c *Core, ctx context.Context, r *Request, out any) error {
	if out == nil {
		out = &struct{}{}
	}
	return c.do(ctx, r, out)
}

// answerSpy is a Service that keeps the body it is given.
type answerSpy struct {
	plainJSON
	body []byte
}

func (s *answerSpy) Unwrap(r *Request, a *Answer) ([]byte, *Failure) {
	s.body = a.Body
	return a.Body, nil
}

type thing struct {
	A int    `json:"a"`
	B string `json:"b"`
}

func TestGetRetriedAfter503(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t)
	mt.RegisterResponder("GET", base+"things/x1",
		httpmock.NewStringResponder(503, `{"errors":[{"code":"BUSY","message":"try later"}]}`).
			Then(httpmock.NewStringResponder(200, `{"a":1,"b":"ok"}`)))
	var out thing
	if err := do(c, t.Context(), &Request{Op: "GetThing", Method: "GET", Path: "things/{}", Args: []string{"x1"}}, &out); err != nil {
		t.Fatal(err)
	}
	if out != (thing{1, "ok"}) {
		t.Fatalf("decoded %+v", out)
	}
	if n := mt.GetTotalCallCount(); n != 2 {
		t.Fatalf("calls = %d, want 2", n)
	}
}

func TestRetriesExhaustedKeepLastBody(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t, vngcloud.WithRetries(2))
	mt.RegisterResponder("GET", base+"things",
		httpmock.NewStringResponder(503, `{"errors":[{"code":"BUSY","message":"backend down"}]}`))
	err := do(c, t.Context(), &Request{Op: "ListThings", Method: "GET", Path: "things"}, &thing{})
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if ae.StatusCode != 503 || ae.Code != "BUSY" || !strings.Contains(ae.Message, "backend down") {
		t.Fatalf("got %+v", ae)
	}
	if !strings.Contains(ae.Message, "after 3 attempts") || strings.Contains(err.Error(), "giving up") {
		t.Fatalf("message %q", err)
	}
	if n := mt.GetTotalCallCount(); n != 3 {
		t.Fatalf("calls = %d, want 3", n)
	}
	if ae.MaybeApplied || errors.Is(err, vngcloud.ErrMaybeApplied) {
		t.Fatal("a GET is never 'maybe applied'")
	}
}

func TestOncePostSentExactlyOnceOn503(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t, vngcloud.WithRetries(5))
	mt.RegisterResponder("POST", base+"keys", httpmock.NewStringResponder(503, `upstream error`))
	err := do(c, t.Context(), &Request{Op: "CreateKey", Method: "POST", Path: "keys", Body: map[string]string{"p": "1"},
		Once: true, IfUnsure: "list the keys to see whether it was created"}, &thing{})
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Fatalf("calls = %d, want exactly 1", n)
	}
	if !errors.Is(err, vngcloud.ErrMaybeApplied) {
		t.Fatalf("err = %v, want ErrMaybeApplied", err)
	}
	if !strings.Contains(err.Error(), "may have happened") || !strings.Contains(err.Error(), "list the keys") {
		t.Fatalf("message %q does not say what to do", err)
	}
}

func TestOncePost4xxIsNotMaybeApplied(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t)
	mt.RegisterResponder("POST", base+"keys", httpmock.NewStringResponder(409, `{"errors":[{"code":"DUP","message":"exists"}]}`))
	err := do(c, t.Context(), &Request{Op: "CreateKey", Method: "POST", Path: "keys", Once: true}, nil)
	if !errors.Is(err, vngcloud.ErrConflict) || errors.Is(err, vngcloud.ErrMaybeApplied) {
		t.Fatalf("err = %v", err)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t, vngcloud.WithRetryWait(10*time.Millisecond, 30*time.Second))
	var waits []time.Duration
	c.wait = func(lo, hi time.Duration, n int, resp *http.Response) time.Duration {
		waits = append(waits, c.backoff(lo, hi, n, resp))
		return 0 // record the wait instead of sleeping
	}
	r429 := httpmock.NewStringResponse(429, `{"errors":[{"code":"TOO_MANY","message":"slow down"}]}`)
	r429.Header.Set("Retry-After", "1")
	mt.RegisterResponder("GET", base+"things",
		httpmock.ResponderFromResponse(r429).Then(httpmock.NewStringResponder(200, `{"a":2}`)))
	var out thing
	if err := do(c, t.Context(), &Request{Method: "GET", Path: "things"}, &out); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 1 || waits[0] != time.Second {
		t.Fatalf("waits = %v, want [1s]", waits)
	}
}

// recordWaits makes c record each wait its backoff asks for instead of
// sleeping, so that a broken rule shows as an extra attempt at once rather
// than as minutes of sleep.
func recordWaits(c *Core) *[]time.Duration {
	var mu sync.Mutex
	waits := new([]time.Duration)
	c.wait = func(lo, hi time.Duration, n int, resp *http.Response) time.Duration {
		mu.Lock()
		*waits = append(*waits, c.backoff(lo, hi, n, resp))
		mu.Unlock()
		return 0
	}
	return waits
}

// within runs f and fails the test if it takes longer than d.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
	}
}

func TestRetryAfterBeyondCapReturnsAtOnce(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t, vngcloud.WithRetryWait(0, 5*time.Second))
	waits := recordWaits(c)
	r := httpmock.NewStringResponse(429, `{"errors":[{"code":"TOO_MANY","message":"slow down"}]}`)
	r.Header.Set("Retry-After", "120")
	mt.RegisterResponder("GET", base+"things", httpmock.ResponderFromResponse(r))
	var err error
	within(t, 5*time.Second, func() { err = do(c, t.Context(), &Request{Method: "GET", Path: "things"}, nil) })
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) || !errors.Is(err, vngcloud.ErrRateLimited) || ae.RetryAfter != 120*time.Second {
		t.Fatalf("err = %#v", err)
	}
	if n := mt.GetTotalCallCount(); n != 1 || len(*waits) != 0 {
		t.Fatalf("%d calls, waits %v: should not wait for a Retry-After beyond the cap", n, *waits)
	}
}

// TestRetryAfterOfAnyLengthBeyondCap: the rule "a Retry-After beyond the
// cap ends the call at once, with RetryAfter set" holds for every value,
// however large: a day and a second, an hour past int64 nanoseconds, more
// digits than int64 holds, and an HTTP date years ahead.
func TestRetryAfterOfAnyLengthBeyondCap(t *testing.T) {
	t.Parallel()
	const maxDuration = time.Duration(1<<63 - 1)
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"86400", 24 * time.Hour},
		{"86401", 24*time.Hour + time.Second},
		{"31536000", 365 * 24 * time.Hour},
		{"9223372036", 9223372036 * time.Second},
		{"9223372037", maxDuration},
		{"9223372036854775807", maxDuration},
		{"99999999999999999999999999", maxDuration},
		{time.Now().Add(10 * 365 * 24 * time.Hour).UTC().Format(http.TimeFormat), 10 * 365 * 24 * time.Hour},
	} {
		c, mt := newCore(t, vngcloud.WithRetryWait(0, 20*time.Second))
		waits := recordWaits(c)
		r := httpmock.NewStringResponse(503, `busy`)
		r.Header.Set("Retry-After", tc.header)
		mt.RegisterResponder("GET", base+"things", httpmock.ResponderFromResponse(r))
		var err error
		within(t, 5*time.Second, func() { err = do(c, t.Context(), &Request{Method: "GET", Path: "things"}, nil) })
		var ae *vngcloud.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 503 {
			t.Fatalf("Retry-After %s: err = %v", tc.header, err)
		}
		if n := mt.GetTotalCallCount(); n != 1 || len(*waits) != 0 {
			t.Errorf("Retry-After %s: %d calls, waits %v; want 1 call and no wait", tc.header, n, *waits)
		}
		if d := ae.RetryAfter - tc.want; d < -2*time.Second || d > 2*time.Second {
			t.Errorf("Retry-After %s: RetryAfter = %v, want %v", tc.header, ae.RetryAfter, tc.want)
		}
	}
}

// TestRetryAfterBeyondDeadlineReturnsAtOnce: a Retry-After within the cap
// but longer than what is left before the context's deadline is not
// waited for: the call returns the 429 at once instead of sleeping into
// the deadline.
func TestRetryAfterBeyondDeadlineReturnsAtOnce(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t, vngcloud.WithRetryWait(0, time.Minute))
	waits := recordWaits(c)
	r := httpmock.NewStringResponse(429, `{"errors":[{"code":"TOO_MANY","message":"slow down"}]}`)
	r.Header.Set("Retry-After", "30")
	mt.RegisterResponder("GET", base+"things",
		httpmock.ResponderFromResponse(r).Then(httpmock.NewStringResponder(200, `{"a":1}`)))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var err error
	within(t, 5*time.Second, func() { err = do(c, ctx, &Request{Method: "GET", Path: "things"}, &thing{}) })
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) || !errors.Is(err, vngcloud.ErrRateLimited) || ae.RetryAfter != 30*time.Second {
		t.Fatalf("err = %v, want the 429 with RetryAfter 30s", err)
	}
	if n := mt.GetTotalCallCount(); n != 1 || len(*waits) != 0 {
		t.Fatalf("%d calls, waits %v: a Retry-After past the deadline must not be waited for", n, *waits)
	}
	// The same wait with time enough left is honoured.
	c2, mt2 := newCore(t, vngcloud.WithRetryWait(0, time.Minute))
	waits2 := recordWaits(c2)
	mt2.RegisterResponder("GET", base+"things",
		httpmock.ResponderFromResponse(r).Then(httpmock.NewStringResponder(200, `{"a":1}`)))
	ctx2, cancel2 := context.WithTimeout(t.Context(), time.Hour)
	defer cancel2()
	if err := do(c2, ctx2, &Request{Method: "GET", Path: "things"}, &thing{}); err != nil {
		t.Fatal(err)
	}
	if len(*waits2) != 1 || (*waits2)[0] != 30*time.Second {
		t.Fatalf("waits = %v, want [30s]", *waits2)
	}
}

func TestBackoffIsJitteredExponential(t *testing.T) {
	t.Parallel()
	c, _ := newCore(t)
	for attempt, want := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second} {
		seen := map[time.Duration]bool{}
		low, high := 0, 0
		for range 200 {
			d := c.backoff(100*time.Millisecond, time.Second, attempt, nil)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, want/2, want)
			}
			seen[d] = true
			if d < want*3/4 {
				low++
			} else {
				high++
			}
		}
		// Jitter: the waits differ and cover both halves of [d/2, d]
		// (uniform draws: each half gets about 100 of 200; fewer than 40
		// in one has a probability below 1e-17).
		if len(seen) < 100 || low < 40 || high < 40 {
			t.Fatalf("attempt %d: %d distinct waits, %d in the lower half, %d in the upper: not jittered", attempt, len(seen), low, high)
		}
	}
}

func TestCancelledContextStopsRetries(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t, vngcloud.WithRetryWait(time.Hour, time.Hour), vngcloud.WithRetries(10))
	mt.RegisterResponder("GET", base+"things", httpmock.NewStringResponder(503, ``))
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for mt.GetTotalCallCount() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	err := do(c, ctx, &Request{Method: "GET", Path: "things"}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("took %v", el)
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Fatalf("calls = %d", n)
	}
}

func TestAlreadyCancelledContextSendsNothing(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t)
	mt.RegisterResponder("POST", base+"keys", httpmock.NewStringResponder(200, `{}`))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := do(c, ctx, &Request{Method: "POST", Path: "keys", Once: true}, nil)
	if !errors.Is(err, context.Canceled) || errors.Is(err, vngcloud.ErrMaybeApplied) {
		t.Fatalf("err = %v", err)
	}
	if mt.GetTotalCallCount() != 0 {
		t.Fatal("sent a request on a cancelled context")
	}
}

func TestHTML502(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t, vngcloud.WithRetries(0))
	page := "<html><head><title>502 Bad Gateway</title></head><body>" + strings.Repeat("<p>nginx</p>", 500) + "</body></html>"
	mt.RegisterResponder("GET", base+"things", httpmock.NewStringResponder(502, page))
	err := do(c, t.Context(), &Request{Op: "ListThings", Method: "GET", Path: "things"}, &thing{})
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) {
		t.Fatal(err)
	}
	if len(err.Error()) > 200 || !strings.Contains(ae.Message, "502 Bad Gateway") {
		t.Fatalf("message too long or unclear: %q", err)
	}
	if string(ae.Body) != page {
		t.Fatal("the body is not kept")
	}
}

func TestErrorBodyCappedAt1MiB(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t, vngcloud.WithRetries(0))
	mt.RegisterResponder("GET", base+"things", httpmock.NewBytesResponder(500, bytes.Repeat([]byte("x"), 3<<20)))
	err := do(c, t.Context(), &Request{Method: "GET", Path: "things"}, nil)
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) || len(ae.Body) != MaxErrorBody {
		t.Fatalf("body len = %d", len(ae.Body))
	}
}

func TestSuccessBodyCap(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t, vngcloud.WithMaxResponseSize(100))
	mt.RegisterResponder("GET", base+"things", httpmock.NewStringResponder(200, `{"b":"`+strings.Repeat("y", 200)+`"}`))
	err := do(c, t.Context(), &Request{Method: "GET", Path: "things"}, &thing{})
	if err == nil || !strings.Contains(err.Error(), "larger than 100 bytes") {
		t.Fatalf("err = %v", err)
	}
}

func TestUnexpectedSuccessBodies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ body, want string }{
		{"", "empty"},
		{"  \n", "empty"},
		{"<!doctype html><html>login</html>", "HTML"},
		{`{"a":1,"b":"tru`, "truncated"},
		{`{"a":1,}`, "not valid JSON"},
		{`{"a":"one"}`, "unexpected shape"},
	} {
		c, mt := newCore(t)
		mt.RegisterResponder("GET", base+"things", httpmock.NewStringResponder(200, tc.body))
		err := do(c, t.Context(), &Request{Method: "GET", Path: "things"}, &thing{})
		var ae *vngcloud.APIError
		if !errors.As(err, &ae) || !strings.Contains(ae.Message, tc.want) {
			t.Errorf("body %q: err = %v, want %q", tc.body, err, tc.want)
		}
	}
}

func TestPathValidation(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t)
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{}`))
	for _, id := range []string{"", ".", "..", "a/b", `a\b`, "a b", "a\nb", "a\x00"} {
		err := do(c, t.Context(), &Request{Op: "GetThing", Method: "GET", Path: "things/{}", Args: []string{id}}, nil)
		var ve *vngcloud.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, vngcloud.ErrInvalidInput) {
			t.Errorf("id %q: err = %v", id, err)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Fatalf("%d requests sent for invalid IDs", n)
	}
}

func TestPathEscaping(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t)
	var got string
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		got = r.URL.EscapedPath()
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	if err := do(c, t.Context(), &Request{Method: "GET", Path: "a/{}/b/{}", Args: []string{"x?y#z", "p%q"}}, nil); err != nil {
		t.Fatal(err)
	}
	if got != "/v1/a/x%3Fy%23z/b/p%25q" {
		t.Fatalf("path %q", got)
	}
}

type listOpts struct {
	PageNumber int    `url:"pageNumber"`
	PageSize   int    `url:"pageSize,omitempty"`
	Name       string `url:"name,omitempty"`
}

func TestRequestShape(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t, vngcloud.WithUserAgent("myapp/2"), vngcloud.WithTokenSource(vngcloud.StaticToken("tok-123")))
	mt.RegisterResponderWithQuery("PUT", base+"things/t1", "pageNumber=0&pageSize=50",
		func(r *http.Request) (*http.Response, error) {
			body, _ := io.ReadAll(r.Body)
			want := map[string]string{
				"Authorization": "Bearer tok-123",
				"Accept":        "application/json",
				"Content-Type":  "application/json",
				"User-Agent":    "myapp/2 vngcloud-go/" + vngcloud.Version + " go/" + runtime.Version(),
				"Region":        "r-1",
			}
			for k, v := range want {
				if got := r.Header.Get(k); got != v {
					return httpmock.NewStringResponse(400, k+"="+got), nil
				}
			}
			if string(body) != `{"a":7,"b":"<x&y>"}` {
				return httpmock.NewStringResponse(400, "body "+string(body)), nil
			}
			return httpmock.NewStringResponse(200, `{"a":8}`), nil
		})
	var out thing
	err := do(c, t.Context(), &Request{Method: "PUT", Path: "things/{}", Args: []string{"t1"},
		Query: &listOpts{PageNumber: 0, PageSize: 50}, Body: thing{7, "<x&y>"},
		Header: http.Header{"Region": {"r-1"}}}, &out)
	if err != nil || out.A != 8 {
		t.Fatalf("err = %v, out = %+v", err, out)
	}
}

func TestBodyResentOnRetry(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t)
	var bodies []string
	n := 0
	mt.RegisterResponder("PUT", base+"things", func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		n++
		if n < 3 {
			return httpmock.NewStringResponse(500, ``), nil
		}
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	if err := do(c, t.Context(), &Request{Method: "PUT", Path: "things", Body: thing{A: 1}}, nil); err != nil {
		t.Fatal(err)
	}
	for _, b := range bodies {
		if b != `{"a":1,"b":""}` {
			t.Fatalf("bodies = %q", bodies)
		}
	}
	if len(bodies) != 3 {
		t.Fatalf("attempts = %d", len(bodies))
	}
}

// countingTokens is a TokenCache whose fetches are counted and numbered.
func countingTokens(fetches *atomic.Int32) *vngcloud.TokenCache {
	return vngcloud.NewTokenCache(func(ctx context.Context) (vngcloud.Secret, time.Duration, error) {
		n := fetches.Add(1)
		time.Sleep(5 * time.Millisecond) // let concurrent callers pile up
		return vngcloud.Secret("tok-" + string(rune('0'+n))), time.Hour, nil
	})
}

func TestUnauthorizedRefreshesOnce(t *testing.T) {
	t.Parallel()
	var fetches atomic.Int32
	c, mt := newCore(t, vngcloud.WithTokenSource(countingTokens(&fetches)))
	mt.RegisterResponder("GET", base+"things", func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("Authorization") != "Bearer tok-2" {
			return httpmock.NewStringResponse(401, `{"errors":[{"code":"UNAUTHORIZED","message":"token expired"}]}`), nil
		}
		return httpmock.NewStringResponse(200, `{"a":1}`), nil
	})
	var out thing
	if err := do(c, t.Context(), &Request{Method: "GET", Path: "things"}, &out); err != nil {
		t.Fatal(err)
	}
	if fetches.Load() != 2 || mt.GetTotalCallCount() != 2 {
		t.Fatalf("fetches = %d, calls = %d", fetches.Load(), mt.GetTotalCallCount())
	}
}

func TestUnauthorizedTwiceGivesUp(t *testing.T) {
	t.Parallel()
	var fetches atomic.Int32
	c, mt := newCore(t, vngcloud.WithTokenSource(countingTokens(&fetches)))
	mt.RegisterResponder("GET", base+"things", httpmock.NewStringResponder(401, `{"errors":[{"code":"UNAUTHORIZED","message":"bad"}]}`))
	err := do(c, t.Context(), &Request{Method: "GET", Path: "things"}, nil)
	if !errors.Is(err, vngcloud.ErrUnauthorized) || mt.GetTotalCallCount() != 2 || fetches.Load() != 2 {
		t.Fatalf("err = %v, calls = %d, fetches = %d", err, mt.GetTotalCallCount(), fetches.Load())
	}
}

func TestStaticTokenNotResentOn401(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t, vngcloud.WithTokenSource(vngcloud.StaticToken("static")))
	mt.RegisterResponder("GET", base+"things", httpmock.NewStringResponder(401, `{}`))
	err := do(c, t.Context(), &Request{Method: "GET", Path: "things"}, nil)
	if !errors.Is(err, vngcloud.ErrUnauthorized) || mt.GetTotalCallCount() != 1 {
		t.Fatalf("err = %v, calls = %d", err, mt.GetTotalCallCount())
	}
}

func TestFiftyGoroutinesOn401CauseOneRefresh(t *testing.T) {
	t.Parallel()
	var fetches atomic.Int32
	ts := countingTokens(&fetches)
	c, mt := newCore(t, vngcloud.WithTokenSource(ts))
	mt.RegisterResponder("GET", base+"things", func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("Authorization") == "Bearer tok-1" {
			return httpmock.NewStringResponse(401, `{}`), nil
		}
		return httpmock.NewStringResponse(200, `{"a":1}`), nil
	})
	if _, err := ts.Token(t.Context()); err != nil { // warm the cache with tok-1
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			errs <- do(c, t.Context(), &Request{Method: "GET", Path: "things"}, &thing{})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := fetches.Load(); got != 2 {
		t.Fatalf("token fetches = %d, want 2 (the first and one refresh)", got)
	}
}

func TestPlainHTTPRefusedForRemoteHosts(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{}`))
	for endpoint, ok := range map[string]bool{
		"http://api.example.com/v1/": false,
		"http://10.0.0.1/v1/":        false,
		"http://127.0.0.1:8080/v1/":  true,
		"http://localhost:8080/v1/":  true,
		"http://[::1]:8080/v1/":      true,
		"https://api.example.com/":   true,
	} {
		c, err := newWith("", []vngcloud.Option{vngcloud.WithEndpoint(endpoint), vngcloud.WithHTTPClient(&http.Client{Transport: mt}),
			vngcloud.WithTokenSource(vngcloud.StaticToken("secret-token"))})
		if err != nil {
			t.Fatal(err)
		}
		err = do(c, t.Context(), &Request{Method: "GET", Path: "x"}, nil)
		if ok != (err == nil) {
			t.Errorf("%s: err = %v", endpoint, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret-token") {
			t.Errorf("token in error: %v", err)
		}
	}
	if n := mt.GetCallCountInfo()["GET http://api.example.com/v1/x"]; n != 0 {
		t.Fatalf("sent %d requests over plain http to a remote host", n)
	}
}

func TestCrossHostRedirectRefused(t *testing.T) {
	t.Parallel()
	var leaked atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"))
		w.Write([]byte(`{}`))
	}))
	defer other.Close()
	// Same IP, different host name: "localhost" vs "127.0.0.1".
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherURL+"/v1/x", http.StatusFound)
	}))
	defer first.Close()
	c, err := newWith("", []vngcloud.Option{vngcloud.WithEndpoint(first.URL + "/v1/"), vngcloud.WithTokenSource(vngcloud.StaticToken("tok")), vngcloud.WithRetryWait(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	err = do(c, t.Context(), &Request{Method: "GET", Path: "x"}, nil)
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("err = %v", err)
	}
	if v := leaked.Load(); v != nil {
		t.Fatalf("the other host was called (Authorization %q)", v)
	}
}

func TestSameHostRedirectFollowed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/old" {
			http.Redirect(w, r, "/v1/new", http.StatusMovedPermanently)
			return
		}
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(401)
			return
		}
		w.Write([]byte(`{"a":3}`))
	}))
	defer srv.Close()
	c, _ := newWith("", []vngcloud.Option{vngcloud.WithEndpoint(srv.URL + "/v1/"), vngcloud.WithTokenSource(vngcloud.StaticToken("tok"))})
	var out thing
	if err := do(c, t.Context(), &Request{Method: "GET", Path: "old"}, &out); err != nil || out.A != 3 {
		t.Fatalf("err = %v, out = %+v", err, out)
	}
}

// TestConnectionDroppedAfterSend: the server reads the request and closes
// the connection without answering. A Once request is not retried and is
// reported as maybe applied; an idempotent one is retried.
func TestConnectionDroppedAfterSend(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	c, _ := newWith("", []vngcloud.Option{vngcloud.WithEndpoint(srv.URL + "/"), vngcloud.WithRetryWait(0, 0), vngcloud.WithRetries(2)})
	err := do(c, t.Context(), &Request{Op: "CreateKey", Method: "POST", Path: "keys", Once: true}, nil)
	if !errors.Is(err, vngcloud.ErrMaybeApplied) || hits.Load() != 1 {
		t.Fatalf("err = %v, hits = %d", err, hits.Load())
	}
	hits.Store(0)
	err = do(c, t.Context(), &Request{Op: "ListKeys", Method: "GET", Path: "keys"}, nil)
	if err == nil || errors.Is(err, vngcloud.ErrMaybeApplied) || hits.Load() != 3 {
		t.Fatalf("err = %v, hits = %d", err, hits.Load())
	}
}

func TestConnectionRefusedIsNotMaybeApplied(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, _ := newWith("", []vngcloud.Option{vngcloud.WithEndpoint("http://" + addr + "/"), vngcloud.WithRetries(0)})
	err = do(c, t.Context(), &Request{Op: "CreateKey", Method: "POST", Path: "keys", Once: true}, nil)
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) || ae.MaybeApplied {
		t.Fatalf("err = %v", err)
	}
}

func TestParseErrorBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ body, code, msg string }{
		{`{"errors":[{"code":"AUTHENTICATION_FAILED","message":"bad secret"}]}`, "AUTHENTICATION_FAILED", "bad secret"},
		{`[{"code":"IAM_PERMISSION_DENIED","message":"IAM denied action"}]`, "IAM_PERMISSION_DENIED", "IAM denied action"},
		{`{"success":false,"code":114,"errorMsg":"Key number is reached to maximum value 10"}`, "114", "Key number is reached to maximum value 10"},
		{`{"success":false,"code":"112","errorMsg":"Invalid input"}`, "112", "Invalid input"},
		{`{"errors":[null]}`, "", ""},
		{`{"errors":[]}`, "", ""},
		{`{"error":"invalid_client","error_description":"Client authentication failed"}`, "invalid_client", "Client authentication failed"},
		{`upstream connect error`, "", "upstream connect error"},
		{"<html><title> 503 Service Unavailable </title></html>", "", "HTML error page: 503 Service Unavailable"},
		{`{"code":1.5e3,"message":"x"}`, "1.5e3", "x"},
		{``, "", ""},
	} {
		code, msg := ParseErrorBody([]byte(tc.body))
		if code != tc.code || msg != tc.msg {
			t.Errorf("%s: got (%q, %q), want (%q, %q)", tc.body, code, msg, tc.code, tc.msg)
		}
	}
	_, long := ParseErrorBody([]byte(strings.Repeat("é", 1000)))
	if len(long) > maxMessage+3 {
		t.Errorf("message not shortened: %d bytes", len(long))
	}
}

func TestSentinelsByStatus(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]error{400: vngcloud.ErrInvalidInput, 401: vngcloud.ErrUnauthorized, 403: vngcloud.ErrForbidden,
		404: vngcloud.ErrNotFound, 409: vngcloud.ErrConflict, 429: vngcloud.ErrRateLimited} {
		c, mt := newCore(t, vngcloud.WithRetries(0))
		mt.RegisterResponder("GET", base+"x", httpmock.NewStringResponder(status, `{}`))
		err := do(c, t.Context(), &Request{Method: "GET", Path: "x"}, nil)
		if !errors.Is(err, want) {
			t.Errorf("%d: err = %v, want %v", status, err, want)
		}
	}
}

func TestDebugLogsCarryNoSecrets(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt := newCore(t, vngcloud.WithLogger(logger), vngcloud.WithTokenSource(vngcloud.StaticToken("tok-SECRET-999")))
	mt.RegisterResponder("POST", base+"keys", httpmock.NewStringResponder(503, `{}`).Then(httpmock.NewStringResponder(200, `{"b":"key-SECRET-777"}`)))
	var out thing
	if err := do(c, t.Context(), &Request{Op: "Create", Method: "POST", Path: "keys", Body: map[string]string{"secret": "body-SECRET-555"}}, &out); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	logs := buf.String()
	if !strings.Contains(logs, `"status":200`) || !strings.Contains(logs, "retrying") {
		t.Fatalf("expected debug lines, got %s", logs)
	}
	if strings.Contains(logs, "SECRET") {
		t.Fatalf("a secret reached the log: %s", logs)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestNilOptionAndBadOptions(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]vngcloud.Option{
		"nil":       nil,
		"endpoint":  vngcloud.WithEndpoint("ftp://x/"),
		"relative":  vngcloud.WithEndpoint("/v1/"),
		"client":    vngcloud.WithHTTPClient(nil),
		"timeout":   vngcloud.WithTimeout(0),
		"retries":   vngcloud.WithRetries(-1),
		"wait":      vngcloud.WithRetryWait(2*time.Second, time.Second),
		"logger":    vngcloud.WithLogger(nil),
		"tokens":    vngcloud.WithTokenSource(nil),
		"maxbody":   vngcloud.WithMaxResponseSize(0),
		"useragent": vngcloud.WithUserAgent("a\nb"),
	} {
		_, err := newWith(base, []vngcloud.Option{opt})
		if !errors.Is(err, vngcloud.ErrInvalidInput) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestEndpointGetsTrailingSlash(t *testing.T) {
	t.Parallel()
	c, err := newWith("", []vngcloud.Option{vngcloud.WithEndpoint("https://h.test/api/v1")})
	if err != nil || c.Endpoint() != "https://h.test/api/v1/" {
		t.Fatalf("%v %q", err, c.Endpoint())
	}
	u, _ := url.Parse(c.Endpoint())
	if u.Path != "/api/v1/" {
		t.Fatal(u.Path)
	}
}

func TestEmptyBodyCause(t *testing.T) {
	t.Parallel()
	if err := Decode([]byte(" \n"), &struct{}{}); !errors.Is(err, ErrEmptyBody) {
		t.Fatalf("err = %v", err)
	}
	if err := Decode([]byte(`{"a":`), &struct{}{}); errors.Is(err, ErrEmptyBody) {
		t.Fatal("truncated JSON is not an empty body")
	}
}

func TestHTMLOn200WithoutOutIsAnError(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t)
	mt.RegisterResponder("DELETE", base+"things/t1", httpmock.NewStringResponder(200, "<!DOCTYPE html><html>console</html>"))
	mt.RegisterResponder("DELETE", base+"things/t2", httpmock.NewStringResponder(204, ""))
	err := do(c, t.Context(), &Request{Method: "DELETE", Path: "things/{}", Args: []string{"t1"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "HTML") {
		t.Fatalf("err = %v", err)
	}
	if err := do(c, t.Context(), &Request{Method: "DELETE", Path: "things/{}", Args: []string{"t2"}}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteNotFoundAfterRetrySaysItMayBeGone(t *testing.T) {
	t.Parallel()
	c, mt := newCore(t)
	mt.RegisterResponder("DELETE", base+"things/t1", httpmock.NewStringResponder(503, ``).Then(httpmock.NewStringResponder(404, `{}`)))
	mt.RegisterResponder("DELETE", base+"things/t2", httpmock.NewStringResponder(404, `{}`))
	err := do(c, t.Context(), &Request{Method: "DELETE", Path: "things/{}", Args: []string{"t1"}}, nil)
	if !errors.Is(err, vngcloud.ErrNotFound) || !strings.Contains(err.Error(), "gone either way") {
		t.Fatalf("err = %v", err)
	}
	err = do(c, t.Context(), &Request{Method: "DELETE", Path: "things/{}", Args: []string{"t2"}}, nil)
	if !errors.Is(err, vngcloud.ErrNotFound) || strings.Contains(err.Error(), "gone either way") {
		t.Fatalf("a first-attempt 404 is a plain not found: %v", err)
	}
}

// TestSentCredentialsStrippedFromResponses: a server that echoes the
// bearer token, the Basic credentials or the client secret it was sent
// (plainly, JSON-escaped or URL-encoded) gets none of them into the
// APIError's message, body, Error(), %v or %#v, nor into a Raw body.
func TestSentCredentialsStrippedFromResponses(t *testing.T) {
	t.Parallel()
	const tok = "eyJ0eXAi.tok/with+odd=chars_0123456789"
	const secret = "cl1ent/Secret+value&more"
	basic := base64.StdEncoding.EncodeToString([]byte("client-id:" + secret))
	jsonTok := strings.ReplaceAll(tok, "/", `\/`)
	for name, tc := range map[string]struct {
		status int
		body   string
		req    Request
		tokens bool
	}{
		"bearer in message": {401, `{"errors":[{"code":"EXPIRED","message":"token ` + tok + ` is expired"}]}`, Request{Method: "GET", Path: "things"}, true},
		"escaped bearer":    {400, `{"errors":[{"code":"BAD","message":"bad token ` + jsonTok + `"}]}`, Request{Method: "GET", Path: "things"}, true},
		"bearer in text":    {500, "Bearer " + tok, Request{Method: "GET", Path: "things"}, true},
		"url-encoded":       {403, `{"message":"denied for ` + url.QueryEscape(tok) + `"}`, Request{Method: "GET", Path: "things"}, true},
		"basic echoed": {401, `{"error":"invalid_client","error_description":"Basic ` + basic + ` refused: secret ` + secret + `"}`,
			Request{Method: "POST", Path: "things", Header: http.Header{"Authorization": {"Basic " + basic}}, NoAuth: true}, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var opts []vngcloud.Option
			if tc.tokens {
				opts = append(opts, vngcloud.WithTokenSource(vngcloud.StaticToken(tok)))
			}
			c, mt := newCore(t, append(opts, vngcloud.WithRetries(0))...)
			mt.RegisterResponder(tc.req.Method, base+"things", httpmock.NewStringResponder(tc.status, tc.body))
			r := tc.req
			err := do(c, t.Context(), &r, nil)
			var ae *vngcloud.APIError
			if !errors.As(err, &ae) || ae.StatusCode != tc.status {
				t.Fatalf("err = %v", err)
			}
			shown := strings.Join([]string{err.Error(), fmt.Sprintf("%v %+v %#v", err, err, err), ae.Message, ae.Code, string(ae.Body)}, "\n")
			for _, s := range []string{tok, jsonTok, url.QueryEscape(tok), secret, basic, "tok/with", "cl1ent/Secret"} {
				if strings.Contains(shown, s) {
					t.Errorf("the error keeps %q:\n%s", s, shown)
				}
			}
			if !strings.Contains(shown, vngcloud.Redacted) {
				t.Errorf("nothing marked as redacted:\n%s", shown)
			}
		})
	}
	t.Run("answer body", func(t *testing.T) {
		t.Parallel()
		c, mt := newCore(t, vngcloud.WithTokenSource(vngcloud.StaticToken(tok)))
		mt.RegisterResponder("GET", base+"things", httpmock.NewStringResponder(200, `{"success":false,"errorMsg":"token `+tok+` refused"}`))
		spy := &answerSpy{}
		c.svc = spy
		if err := do(c, t.Context(), &Request{Method: "GET", Path: "things"}, nil); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(spy.body), tok) || !strings.Contains(string(spy.body), vngcloud.Redacted) {
			t.Fatalf("the body a service sees: %s", spy.body)
		}
	})
}
