package vstorage_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// lineWriter hands each write to the test on a channel.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) { w <- string(p); return len(p), nil }

// TestProgressPrinterLines: done steps are numbered, with the total once
// known; failed steps print nothing.
func TestProgressPrinterLines(t *testing.T) {
	var out bytes.Buffer
	p := vstorage.NewProgressPrinter(&out)
	p.Event(vstorage.StepEvent{Step: "plan"})
	p.Event(vstorage.StepEvent{Step: "plan", Done: true, Outcome: "ok"})
	p.SetTotal(3)
	p.Event(vstorage.StepEvent{Step: "bucket", Done: true, Outcome: "created photos"})
	p.Event(vstorage.StepEvent{Step: "key", Done: true, Err: errors.New("refused")})
	want := "[1] plan: ok\n[2/3] bucket: created photos\n"
	if got := out.String(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestProgressPrinterWatch: a step still running after SlowAfter gets a
// line; a finished one does not.
func TestProgressPrinterWatch(t *testing.T) {
	out := make(lineWriter, 100)
	p := vstorage.NewProgressPrinter(out)
	p.SlowAfter = 5 * time.Millisecond
	p.Event(vstorage.StepEvent{Step: "fast"})
	p.Event(vstorage.StepEvent{Step: "fast", Done: true, Outcome: "done"})
	p.Event(vstorage.StepEvent{Step: "slow"})
	stop := p.Watch(context.Background())
	defer stop()
	if line := <-out; line != "[1] fast: done\n" {
		t.Fatalf("first line %q", line)
	}
	select {
	case line := <-out:
		if !strings.Contains(line, "slow: still waiting for the network") {
			t.Fatalf("watch line %q", line)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no line for the slow step")
	}
}
