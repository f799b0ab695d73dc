package vstoragetest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// TestLatency: every answer comes back no sooner than the latency, and a
// call whose context ends first returns at its deadline.
func TestLatency(t *testing.T) {
	t.Parallel()
	const d = 80 * time.Millisecond
	e := newEnv(t, []vstoragetest.Option{vstoragetest.WithLatency(d)})
	ctx := context.Background()
	if _, err := e.c.ListBuckets(ctx, e.project); err != nil { // log in, read the regions
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := e.c.ListBuckets(ctx, e.project); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < d {
		t.Errorf("the answer came after %v, before the latency %v", el, d)
	}

	slow := newEnv(t, []vstoragetest.Option{vstoragetest.WithLatency(time.Hour)})
	ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err := slow.c.ListBuckets(ctx, slow.project)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the deadline", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("the call ended after %v: the server held it past the deadline", el)
	}
}
