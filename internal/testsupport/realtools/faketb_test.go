package realtools

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// fakeTB stands in for a testing.TB so that a test can watch a helper fail
// or skip without failing itself. Everything else (TempDir, Cleanup, Logf,
// Helper) goes to the real test.
type fakeTB struct {
	testing.TB
	mu      sync.Mutex
	fatal   []string
	skipped []string
	errors  []string
}

func (f *fakeTB) record(list *[]string, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*list = append(*list, msg)
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.record(&f.fatal, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (f *fakeTB) Fatal(args ...any) { f.record(&f.fatal, fmt.Sprint(args...)); runtime.Goexit() }
func (f *fakeTB) FailNow()          { f.record(&f.fatal, "FailNow"); runtime.Goexit() }
func (f *fakeTB) Skipf(format string, args ...any) {
	f.record(&f.skipped, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (f *fakeTB) Skip(args ...any) { f.record(&f.skipped, fmt.Sprint(args...)); runtime.Goexit() }
func (f *fakeTB) SkipNow()         { f.record(&f.skipped, "SkipNow"); runtime.Goexit() }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.record(&f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Error(args ...any) { f.record(&f.errors, fmt.Sprint(args...)) }
func (f *fakeTB) Fail()             { f.record(&f.errors, "Fail") }

// outcome runs fn with a fakeTB in its own goroutine (Fatalf and Skipf end
// that goroutine, as they end a test) and reports how it ended.
type outcome struct {
	returned bool // fn ran to its end
	fatal    string
	skipped  string
}

func runFake(t *testing.T, fn func(tb testing.TB)) outcome {
	t.Helper()
	f := &fakeTB{TB: t}
	var o outcome
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
		o.returned = true
	}()
	<-done
	f.mu.Lock()
	defer f.mu.Unlock()
	o.fatal = strings.Join(f.fatal, "\n")
	o.skipped = strings.Join(f.skipped, "\n")
	if len(f.errors) > 0 {
		t.Errorf("unexpected Errorf from the helper: %q", f.errors)
	}
	return o
}

// mustRefuse asserts that fn ended in t.Fatalf with a message containing
// every one of want.
func mustRefuse(t *testing.T, o outcome, want ...string) {
	t.Helper()
	if o.returned || o.fatal == "" {
		t.Fatalf("helper was not refused (returned=%v, skipped=%q)", o.returned, o.skipped)
	}
	for _, w := range want {
		if !strings.Contains(o.fatal, w) {
			t.Errorf("refusal %q does not mention %q", o.fatal, w)
		}
	}
}
