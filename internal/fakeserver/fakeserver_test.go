package fakeserver

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// newServer serves a handler that counts the times it acted.
func newServer(t *testing.T) (*Injector, *httptest.Server, *atomic.Int32) {
	t.Helper()
	in := &Injector{ErrorBody: func(status int) string { return `{"errors":[{"code":"FAKE","message":"injected"}]}` }}
	var acted atomic.Int32
	srv := httptest.NewServer(in.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		acted.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"success":true,"data":{"name":"`+strings.Repeat("x", 64)+`"}}`)
	})))
	t.Cleanup(srv.Close)
	return in, srv, &acted
}

func get(t *testing.T, url string) (int, string, error) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"k":"v"}`))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestStatusFaultDoesNotAct(t *testing.T) {
	in, srv, acted := newServer(t)
	in.Inject(Fault{Method: "POST", Path: "/keys", Times: 2, Status: 503, RetryAfter: "1"})
	for range 2 {
		code, body, err := get(t, srv.URL+"/keys")
		if err != nil || code != 503 || !strings.Contains(body, "injected") {
			t.Fatalf("%d %q %v", code, body, err)
		}
	}
	if code, _, _ := get(t, srv.URL+"/keys"); code != 200 {
		t.Fatal("the fault should be used up")
	}
	if acted.Load() != 1 {
		t.Fatalf("acted %d times", acted.Load())
	}
	calls := in.Calls()
	if len(calls) != 3 || calls[0].Fault != "status 503" || calls[2].Status != 200 || string(calls[0].Body) != `{"k":"v"}` {
		t.Fatalf("%+v", calls)
	}
	if in.CallCount("POST", "/keys") != 3 || in.CallCount("GET", "") != 0 {
		t.Fatal("CallCount")
	}
}

func TestFaultMatchesPathAndMethod(t *testing.T) {
	in, srv, _ := newServer(t)
	in.Inject(Fault{Method: "GET", Status: 500})
	in.Inject(Fault{Path: "/other", Status: 404})
	if code, _, _ := get(t, srv.URL+"/keys"); code != 200 {
		t.Fatal("a GET fault hit a POST")
	}
	if code, _, _ := get(t, srv.URL+"/other/x"); code != 404 {
		t.Fatal("path fault missed")
	}
}

func TestDropBeforeAndAfterAct(t *testing.T) {
	in, srv, acted := newServer(t)
	in.Inject(Fault{Drop: DropBeforeAct})
	if _, _, err := get(t, srv.URL+"/k"); err == nil {
		t.Fatal("want a connection error")
	}
	if acted.Load() != 0 {
		t.Fatal("acted before drop")
	}
	in.Inject(Fault{Drop: DropAfterAct})
	if _, _, err := get(t, srv.URL+"/k"); err == nil {
		t.Fatal("want a connection error")
	}
	if acted.Load() != 1 {
		t.Fatal("did not act before dropping")
	}
}

func TestTruncateAndOversize(t *testing.T) {
	in, srv, acted := newServer(t)
	in.Inject(Fault{Truncate: true})
	_, body, err := get(t, srv.URL+"/k")
	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) || len(body) == 0 || strings.HasSuffix(body, "}") {
		t.Fatalf("body %q err %v", body, err)
	}
	in.Inject(Fault{Oversize: 1 << 20})
	_, body, err = get(t, srv.URL+"/k")
	if err != nil || len(body) < 1<<20 || !strings.HasSuffix(body, "}}") {
		t.Fatalf("len %d err %v", len(body), err)
	}
	if acted.Load() != 2 {
		t.Fatal("both faults act")
	}
}

func TestDelayHonoursClientTimeout(t *testing.T) {
	in, srv, _ := newServer(t)
	in.Inject(Fault{Delay: time.Minute})
	c := &http.Client{Timeout: 50 * time.Millisecond}
	start := time.Now()
	if _, err := c.Get(srv.URL + "/slow"); err == nil {
		t.Fatal("want timeout")
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("took too long")
	}
	in.ClearFaults()
	in.ResetCalls()
	if len(in.Calls()) != 0 {
		t.Fatal("ResetCalls")
	}
}

func TestObjectKeepsKeyOrder(t *testing.T) {
	o := Object{{"success", true}, {"code", 200}, {"errorMsg", "<a&b>"}, {"data", Object{{"z", 1}, {"a", nil}}}}
	got := string(MustJSON(o))
	if want := `{"success":true,"code":200,"errorMsg":"<a&b>","data":{"z":1,"a":null}}`; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	rec := httptest.NewRecorder()
	WriteJSON(rec, 201, o)
	if rec.Code != 201 || rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != got {
		t.Fatalf("%d %q %q", rec.Code, rec.Header(), rec.Body)
	}
}
