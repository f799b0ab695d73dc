package reliability

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

var (
	update       = flag.Bool("update", false, "rewrite the fault table of docs/RELIABILITY.md from the matrix")
	matrixOnly   = flag.String("matrix.only", "", "run only the matrix cases whose \"call/fault\" matches this regexp (the doc is then not checked)")
	matrixNoLeak = flag.Bool("matrix.noleak", false, "skip the goroutine check (to time the matrix)")
	matrixJobs   = flag.Int("matrix.jobs", 12, "how many matrix cases run at once")
)

// fault is one column of the matrix: what the server does to the call's
// own request.
type fault struct {
	key, title string
	// inject returns the fault for the route.
	inject func(method, path string) viamtest.Fault
	// deadline, when set, bounds the call (the caller's deadline).
	deadline time.Duration
}

// envelopeRefusal is a vStorage refusal in an HTTP 200 (docs/api.md §2.2): a
// generic business refusal, code 114, with a message no rule of the SDK
// knows.
const envelopeRefusal = `{"success":false,"code":114,"errorMsg":"The request could not be completed","data":null}`

var faults = []fault{
	{key: "503", title: "503 then success", inject: func(m, p string) viamtest.Fault {
		return viamtest.Fault{Method: m, Path: p, Status: 503}
	}},
	{key: "429", title: "429, Retry-After: 1", inject: func(m, p string) viamtest.Fault {
		return viamtest.Fault{Method: m, Path: p, Status: 429, RetryAfter: "1"}
	}},
	{key: "drop-before", title: "dropped before acting", inject: func(m, p string) viamtest.Fault {
		return viamtest.Fault{Method: m, Path: p, Drop: viamtest.DropBeforeAct}
	}},
	{key: "drop-after", title: "dropped after acting", inject: func(m, p string) viamtest.Fault {
		return viamtest.Fault{Method: m, Path: p, Drop: viamtest.DropAfterAct}
	}},
	{key: "truncated", title: "truncated body", inject: func(m, p string) viamtest.Fault {
		return viamtest.Fault{Method: m, Path: p, Truncate: true}
	}},
	{key: "success-false", title: "200, success:false", inject: func(m, p string) viamtest.Fault {
		return viamtest.Fault{Method: m, Path: p, Status: 200, Body: envelopeRefusal}
	}},
	{key: "empty-200", title: "empty 200", inject: func(m, p string) viamtest.Fault {
		return viamtest.Fault{Method: m, Path: p, Status: 200}
	}},
	{key: "401", title: "401 then refresh", inject: func(m, p string) viamtest.Fault {
		return viamtest.Fault{Method: m, Path: p, Status: 401}
	}},
	// The deadline leaves time to send the request on a loaded machine;
	// the server answers long after it, unless the client hangs up first.
	{key: "slow", title: "slower than the deadline", deadline: time.Second, inject: func(m, p string) viamtest.Fault {
		return viamtest.Fault{Method: m, Path: p, Delay: slowDelay}
	}},
	{key: "oversize", title: "body over the cap", inject: func(m, p string) viamtest.Fault {
		return viamtest.Fault{Method: m, Path: p, Oversize: oversize}
	}},
}

// slowDelay is how long the slow server waits before it acts and
// answers. A call gives up after its one-second deadline; the region
// lookup and the token fetch, which outlive the caller that started them,
// get the answer.
const slowDelay = 10 * time.Second

// result is what one case observed.
type result struct {
	call  *call
	fault *fault
	// outcome is the table's text: the error class, how many times the
	// server saw the call's request, and for calls that change something
	// and are sent once, whether the change happened.
	outcome string
	// failures are the broken rules.
	failures []string
	elapsed  time.Duration
	phases   []string // how long each phase took, for -v
}

func (r *result) phase(name string, since time.Time) time.Time {
	now := time.Now()
	r.phases = append(r.phases, fmt.Sprintf("%s %v", name, now.Sub(since).Round(time.Millisecond)))
	return now
}

func (r *result) fail(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *result) id() string { return r.call.name + "/" + r.fault.key }

// TestFaultMatrix drives every public network call of vstorage.Client,
// viam.Client and viam.ClientCredentials against the test servers with
// every fault injected on that call's own route, and checks each case:
// the outcome class and the expected one, how many times the server saw
// the request, the server's state afterwards, no panic, no goroutine left
// behind, no secret in the debug log, the error or the result. The table
// of outcomes is docs/RELIABILITY.md's; -update rewrites it.
func TestFaultMatrix(t *testing.T) {
	var only *regexp.Regexp
	if *matrixOnly != "" {
		only = regexp.MustCompile(*matrixOnly)
	}
	// Start whatever the runtime and net/http start lazily, outside any
	// case, so that it is not counted as a case's goroutine.
	warm := &result{call: &calls[0], fault: &fault{key: "warm-up", inject: func(string, string) viamtest.Fault { return viamtest.Fault{} }}}
	runCase(warm)

	var results []*result
	for i := range calls {
		for j := range faults {
			r := &result{call: &calls[i], fault: &faults[j]}
			if only == nil || only.MatchString(r.id()) {
				results = append(results, r)
			}
		}
	}
	start := time.Now()
	jobs := make(chan *result)
	var wg sync.WaitGroup
	for range max(*matrixJobs, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				runCase(r)
			}
		}()
	}
	// The cases that wait (for a deadline, a Retry-After) go first, so
	// that the others run meanwhile.
	for _, pass := range []func(*result) bool{
		func(r *result) bool { return r.fault.key == "slow" || r.fault.key == "429" },
		func(r *result) bool { return r.fault.key != "slow" && r.fault.key != "429" },
	} {
		for _, r := range results {
			if pass(r) {
				jobs <- r
			}
		}
	}
	close(jobs)
	wg.Wait()
	t.Logf("%d cases in %v", len(results), time.Since(start).Round(time.Millisecond))

	for _, r := range results {
		t.Run(r.id(), func(t *testing.T) {
			t.Logf("%s (%v: %s)", r.outcome, r.elapsed.Round(time.Millisecond), strings.Join(r.phases, ", "))
			for _, f := range r.failures {
				t.Error(f)
			}
		})
	}
	if only != nil {
		return
	}
	failed := slices.ContainsFunc(results, func(r *result) bool { return len(r.failures) > 0 })
	checkDoc(t, renderTable(results), !failed)
}

// runCase runs one case in goroutines labelled with its ID, then checks
// that they all ended.
func runCase(r *result) {
	id := r.id()
	start := time.Now()
	p, stack := runLabelled(id, func() { r.run() })
	r.elapsed = time.Since(start)
	if p != nil {
		r.fail("panic: %v\n%s", p, stack)
		if r.outcome == "" {
			r.outcome = "PANIC"
		}
	}
	t0 := time.Now()
	var left []string
	if !*matrixNoLeak {
		left = leakedGoroutines(id, 10*time.Second)
	}
	r.phase("goroutines", t0)
	if len(left) > 0 {
		r.fail("%d goroutine group(s) still running 10s after the case ended:\n%s", len(left), strings.Join(left, "\n\n"))
	}
}

// run is the body of a case: it must be called in the case's labelled
// goroutine.
func (r *result) run() {
	c, f := r.call, r.fault
	t0 := time.Now()
	e, err := newEnv()
	t0 = r.phase("setup", t0)
	if err != nil {
		r.fail("setup: %v", err)
		r.outcome = "SETUP FAILED"
		return
	}
	closed := false
	defer func() {
		if !closed {
			e.close()
		}
	}()
	path := c.path(e)
	if f.key != "warm-up" {
		e.inject(f.inject(c.method, path))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if f.deadline > 0 {
		ctx, cancel = context.WithTimeout(ctx, f.deadline)
		defer cancel()
	}
	started := time.Now()
	value, callErr := c.run(ctx, e)
	took := time.Since(started)
	t0 = r.phase("call", t0)

	// What a program would print or log of the outcome.
	var out strings.Builder
	out.WriteString(printed(value))
	if b, err := json.Marshal(value); err == nil {
		out.Write(b)
	}
	if callErr != nil {
		out.WriteString(printed(callErr))
		var ae *vngcloud.APIError
		if errors.As(callErr, &ae) {
			out.Write(ae.Body)
			out.WriteString("\n" + ae.Hint + "\n" + ae.Message)
		}
	}
	debugLogger(e.logs).Debug("the call returned", "call", c.name, "value", value, "err", callErr)

	// Let the server record every request the client sent on the route (a
	// request the client gave up on is recorded when the server notices;
	// the region lookup and the token fetch are shared and outlive their
	// caller, so they run until the server answers).
	e.settle(c.method, path, slowDelay+10*time.Second)
	t0 = r.phase("settle", t0)
	tokens := e.iam.TokensIssued() - e.tokensAtStart
	// Read the changed state back while the servers are up (the requests
	// this takes are on other routes than the one counted).
	done, doneKnown := false, false
	if c.done != nil {
		done, doneKnown = r.state(e)
	}
	// Stop the servers: their handlers have finished when Close returns,
	// so the call log is complete.
	t0 = r.phase("state", t0)
	e.close()
	closed = true
	r.phase("close", t0)
	sent := e.count(c.method, path)

	r.outcome = outcome(callErr, sent, c, done, doneKnown)
	if f.key == "warm-up" {
		return
	}
	secrets := e.secrets()
	if !slices.ContainsFunc(secrets, func(s string) bool { return strings.HasPrefix(s, "vt1.") }) {
		r.fail("the recorder saw no bearer token: the secret search would prove nothing")
	}
	for _, l := range leaks(e.logs.String()+"\n"+out.String(), secrets) {
		r.fail("%s", l)
	}
	for _, v := range e.rec.Violations() {
		r.fail("%s", v)
	}
	r.check(callErr, sent, tokens, took, done, doneKnown)
}

// inject queues the fault on the server that serves the route.
func (e *env) inject(f viamtest.Fault) {
	if strings.HasPrefix(f.Path, "/api/v1/") {
		e.st.Inject(f)
	} else {
		e.iam.Inject(f)
	}
}

// settle waits until the servers have recorded as many requests on the
// route as reached the client's transport.
func (e *env) settle(method, path string, d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		sent := 0
		for _, q := range e.rec.Requests()[e.requestsAtStart:] {
			if q.Method == method && strings.HasSuffix(strings.SplitN(q.URL, "?", 2)[0], path) {
				sent++
			}
		}
		if e.count(method, path) >= sent {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// count returns how many requests with exactly this method and path the
// servers received.
func (e *env) count(method, path string) int {
	n := 0
	for _, c := range append(e.st.Calls(), e.iam.Calls()...) {
		if c.Method == method && c.Path == path {
			n++
		}
	}
	return n
}

// state reports whether the call's change happened on the server.
func (r *result) state(e *env) (done, known bool) {
	d, err := r.call.done(e)
	if err != nil {
		r.fail("reading the state back: %v", err)
		return false, false
	}
	return d, true
}

// classify names an error's class for the table.
func classify(err error) string {
	if err == nil {
		return "ok"
	}
	if errors.Is(err, vngcloud.ErrMaybeApplied) {
		return "MaybeApplied"
	}
	for _, k := range []struct {
		err  error
		name string
	}{
		{vngcloud.ErrNotFound, "NotFound"}, {vngcloud.ErrUnauthorized, "Unauthorized"},
		{vngcloud.ErrForbidden, "Forbidden"}, {vngcloud.ErrConflict, "Conflict"},
		{vngcloud.ErrRateLimited, "RateLimited"}, {vngcloud.ErrInvalidInput, "InvalidInput"},
	} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	var ae *vngcloud.APIError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "error: deadline"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "error: truncated"
	case errors.Is(err, httpcore.ErrEmptyBody):
		return "error: empty body"
	case errors.As(err, &ae) && strings.Contains(ae.Message, "larger than"):
		return "error: too large"
	case errors.As(err, &ae) && ae.Code != "":
		return "error: code " + ae.Code
	case errors.As(err, &ae):
		return "error: bad answer"
	}
	return "error: untyped"
}

// outcome is the table's text for a case.
func outcome(err error, sent int, c *call, done, known bool) string {
	s := fmt.Sprintf("%s ×%d", classify(err), sent)
	if c.done != nil && known {
		if done {
			s += ", done"
		} else {
			s += ", not done"
		}
	}
	return s
}

// ---- the generated table ----

const (
	docPath    = "../../docs/RELIABILITY.md"
	tableBegin = "<!-- BEGIN FAULT MATRIX: generated by `go test ./internal/reliability -run TestFaultMatrix -update`; do not edit -->"
	tableEnd   = "<!-- END FAULT MATRIX -->"
)

// TestMatrixCoversEveryCall: every exported method of the clients that
// takes a context (found by reflection) has an entry in calls, so a new
// call cannot be left out of the matrix. See CONTRIBUTING.md.
func TestMatrixCoversEveryCall(t *testing.T) {
	t.Parallel()
	have := map[string]bool{}
	for _, c := range calls {
		have[c.name] = true
	}
	for prefix, typ := range map[string]reflect.Type{
		"vstorage.":               reflect.TypeFor[*vstorage.Client](),
		"viam.":                   reflect.TypeFor[*viam.Client](),
		"viam.ClientCredentials.": reflect.TypeFor[*viam.ClientCredentials](),
	} {
		for _, m := range NetworkMethods(typ) {
			if !have[prefix+m] {
				t.Errorf("%s%s is not in the fault matrix: add it to calls in calls_test.go, then run\n\tgo test ./internal/reliability -run TestFaultMatrix -update", prefix, m)
			}
		}
	}
}

func renderTable(results []*result) string {
	byCase := map[string]*result{}
	for _, r := range results {
		byCase[r.id()] = r
	}
	var b strings.Builder
	b.WriteString("| Call | Sent | " + strings.Join(titles(), " | ") + " |\n")
	b.WriteString("|-|-|" + strings.Repeat("-|", len(faults)) + "\n")
	for i := range calls {
		c := &calls[i]
		sent := "retried"
		if c.once {
			sent = "once"
		}
		b.WriteString("| `" + c.name + "` | " + sent + " |")
		for j := range faults {
			r := byCase[c.name+"/"+faults[j].key]
			b.WriteString(" " + r.outcome + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func titles() []string {
	var out []string
	for _, f := range faults {
		out = append(out, f.title)
	}
	return out
}

// checkDoc compares the table with the one in docs/RELIABILITY.md, or
// writes it there with -update when every case passed.
func checkDoc(t *testing.T, table string, writable bool) {
	t.Helper()
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("reading %s: %v", docPath, err)
	}
	s := string(doc)
	i, j := strings.Index(s, tableBegin), strings.Index(s, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q ... %q markers", docPath, tableBegin, tableEnd)
	}
	head, old, tail := s[:i+len(tableBegin)], s[i+len(tableBegin):j], s[j:]
	want := "\n" + table
	if old == want {
		return
	}
	if *update && !writable {
		t.Errorf("not rewriting %s: some cases failed", docPath)
		return
	}
	if *update {
		if err := os.WriteFile(docPath, []byte(head+want+tail), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the table of %s", filepath.Clean(docPath))
		return
	}
	t.Errorf("the fault table of %s is not the matrix's outcome; run\n\tgo test ./internal/reliability -run TestFaultMatrix -update\nand review the difference. The matrix says:\n%s", docPath, table)
}
