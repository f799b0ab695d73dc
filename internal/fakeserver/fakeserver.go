// Package fakeserver is the machinery shared by the in-memory test servers
// viamtest and vstoragetest, shipped with them (so it imports neither
// testing nor any file): fault injection (fail, delay, drop the
// connection before or after the server acted, truncate, oversize) and a
// record of the calls received. A service plugs its own handler in with
// [Wrap]; everything here is independent of the service's API.
package fakeserver

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Drop says whether and when a fault closes the connection without an
// answer.
type Drop int

const (
	// NoDrop answers normally.
	NoDrop Drop = iota
	// DropBeforeAct closes the connection before the server does anything:
	// the change did not happen.
	DropBeforeAct
	// DropAfterAct lets the server act, then closes the connection without
	// answering: the change happened but the caller cannot know.
	DropAfterAct
)

// Fault describes what to do to the next matching calls. The zero values
// of the optional fields mean "leave alone". Users see it as
// viamtest.Fault, which has the same fields (converted with Fault(f): the
// compiler refuses the conversion when the two differ), and whose
// documentation is the reference.
type Fault struct {
	// Method matches the HTTP method; empty matches any.
	Method string
	// Path matches when the request path contains it; empty matches any.
	Path string
	// Times is how many matching calls the fault affects (default 1).
	Times int

	// Status, when set, answers with this status and Body instead of
	// calling the service (the change does not happen). An empty Body on a
	// status of 400 or more gets the service's usual error body for that
	// status.
	Status int
	// Body is written verbatim with Status.
	Body string
	// RetryAfter, when set, is sent as the Retry-After header with Status.
	RetryAfter string
	// Delay waits before handling (or until the client gives up).
	Delay time.Duration
	// Drop closes the connection before or after the server acted.
	Drop Drop
	// Truncate lets the server act and sends only the first half of its
	// answer before closing the connection.
	Truncate bool
	// Oversize lets the server act and pads its JSON answer with this many
	// bytes of spaces (to test response caps).
	Oversize int
}

func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) && (f.Path == "" || strings.Contains(r.URL.Path, f.Path))
}

// Call is one request the server received. Users see it as viamtest.Call,
// which has the same fields (converted with viamtest.Call(c)).
type Call struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path, unescaped.
	Path string
	// Query is the raw query string, without the "?".
	Query string
	// Header is the request's headers without Authorization.
	Header http.Header
	// Body is the request body (the services' request bodies carry no
	// secrets; credentials travel in the Authorization header).
	Body []byte
	// Status is the status the server answered, 0 when it dropped the
	// connection.
	Status int
	// Fault says which fault, if any, was applied.
	Fault string
}

// Injector holds pending faults and the call log. Its methods are safe for
// concurrent use.
type Injector struct {
	mu     sync.Mutex
	faults []*Fault
	calls  []Call
	// ErrorBody gives the service's usual error body for a status.
	ErrorBody func(status int) string
	// Latency delays every answer (set before serving; never changed).
	// A request whose context ends first gets no answer and is recorded
	// with status 0.
	Latency time.Duration
	// Redirect, when set, answers every call with 301 to Redirect followed
	// by the request's path and query without the prefix RedirectFrom
	// ("/" when empty), after the latency and before any fault or handler.
	Redirect, RedirectFrom string
}

// Inject queues a fault. Faults apply in the order they were queued; a call
// takes the first one that matches.
func (in *Injector) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	in.mu.Lock()
	in.faults = append(in.faults, &f)
	in.mu.Unlock()
}

// FailNext makes the next n calls (any method and path) answer status.
func (in *Injector) FailNext(n, status int) { in.Inject(Fault{Times: n, Status: status}) }

// ClearFaults drops every pending fault.
func (in *Injector) ClearFaults() {
	in.mu.Lock()
	in.faults = nil
	in.mu.Unlock()
}

// Calls returns a copy of the calls received so far.
func (in *Injector) Calls() []Call {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]Call(nil), in.calls...)
}

// CallCount returns how many received calls match method and path (as in
// Fault: empty matches any, path is a substring).
func (in *Injector) CallCount(method, path string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	n := 0
	f := Fault{Method: method, Path: path}
	for _, c := range in.calls {
		if f.matches(&http.Request{Method: c.Method, URL: urlWithPath(c.Path)}) {
			n++
		}
	}
	return n
}

// ResetCalls empties the call log.
func (in *Injector) ResetCalls() {
	in.mu.Lock()
	in.calls = nil
	in.mu.Unlock()
}

func (in *Injector) take(r *http.Request) *Fault {
	in.mu.Lock()
	defer in.mu.Unlock()
	for i, f := range in.faults {
		if f.matches(r) {
			f.Times--
			if f.Times == 0 {
				in.faults = append(in.faults[:i], in.faults[i+1:]...)
			}
			cp := *f
			return &cp
		}
	}
	return nil
}

func (in *Injector) record(c Call) {
	in.mu.Lock()
	in.calls = append(in.calls, c)
	in.mu.Unlock()
}

// Wrap returns a handler that records each call and applies pending faults
// around next.
func (in *Injector) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		h := r.Header.Clone()
		h.Del("Authorization")
		call := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: h, Body: body}
		if !wait(r.Context(), in.Latency) {
			in.record(call)
			return
		}
		if in.Redirect != "" {
			from := in.RedirectFrom
			if from == "" {
				from = "/"
			}
			w.Header().Set("Location", in.Redirect+strings.TrimPrefix(r.URL.RequestURI(), from))
			w.WriteHeader(http.StatusMovedPermanently)
			call.Status = http.StatusMovedPermanently
			in.record(call)
			return
		}
		f := in.take(r)
		if f == nil {
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			call.Status = rec.status()
			in.record(call)
			return
		}
		call.Fault = f.describe()
		if !wait(r.Context(), f.Delay) {
			in.record(call)
			return
		}
		switch {
		case f.Drop == DropBeforeAct:
			in.record(call)
			hijackClose(w)
			return
		case f.Status != 0:
			b := f.Body
			if b == "" && f.Status >= 400 && in.ErrorBody != nil {
				b = in.ErrorBody(f.Status)
			}
			if f.RetryAfter != "" {
				w.Header().Set("Retry-After", f.RetryAfter)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(f.Status)
			io.WriteString(w, b)
			call.Status = f.Status
			in.record(call)
			return
		}
		if f.Drop == NoDrop && !f.Truncate && f.Oversize == 0 {
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			call.Status = rec.status()
			in.record(call)
			return
		}
		// Act, then spoil the answer.
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r.WithContext(context.WithoutCancel(r.Context())))
		out := rec.Body.Bytes()
		switch {
		case f.Drop == DropAfterAct:
			in.record(call)
			hijackClose(w)
			return
		case f.Truncate:
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(out)))
			w.WriteHeader(rec.Code)
			w.Write(out[:len(out)/2])
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
			call.Status = rec.Code
			in.record(call)
			hijackClose(w)
			return
		default: // Oversize
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			w.Write(bytes.Repeat([]byte(" "), f.Oversize))
			w.Write(out)
			call.Status = rec.Code
			in.record(call)
		}
	})
}

// wait sleeps d and reports true, or reports false as soon as ctx ends.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (f *Fault) describe() string {
	var parts []string
	if f.Status != 0 {
		parts = append(parts, "status "+strconv.Itoa(f.Status))
	}
	if f.Delay > 0 {
		parts = append(parts, "delay "+f.Delay.String())
	}
	switch f.Drop {
	case DropBeforeAct:
		parts = append(parts, "drop before acting")
	case DropAfterAct:
		parts = append(parts, "drop after acting")
	}
	if f.Truncate {
		parts = append(parts, "truncate")
	}
	if f.Oversize > 0 {
		parts = append(parts, "oversize")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// hijackClose closes the client's connection without a response.
func hijackClose(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	conn, _, err := rc.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2 or a recorder: abort the stream instead
	}
	conn.Close()
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}

func urlWithPath(p string) *url.URL { return &url.URL{Path: p} }
