package vstorage

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// ProgressPrinter prints one numbered line per finished step of Setup or
// RotateKey ("[3/9] S3 key: created ...", or "[3] ..." while the total is
// not known), and, once Watch runs, a line for each step that has waited
// on the network longer than SlowAfter. Its Event method is a ready
// SetupRequest.Progress or RotateRequest.Progress for command-line
// programs. Outcomes never hold secrets, so neither do its lines. It is
// safe for concurrent use; set SlowAfter before Watch.
type ProgressPrinter struct {
	// SlowAfter is how long a step may wait before a line says so (3s
	// when zero).
	SlowAfter time.Duration

	w       io.Writer
	mu      sync.Mutex
	n       int
	total   int
	started map[string]time.Time
}

// NewProgressPrinter returns a printer that writes to w.
func NewProgressPrinter(w io.Writer) *ProgressPrinter {
	return &ProgressPrinter{w: w, started: map[string]time.Time{}}
}

// SetTotal sets how many steps the run has, for the "[n/total]" prefix.
func (p *ProgressPrinter) SetTotal(n int) {
	p.mu.Lock()
	p.total = n
	p.mu.Unlock()
}

// Event records a step's start, or prints its line when it is done; a
// failed step prints nothing (the caller reports the error).
func (p *ProgressPrinter) Event(ev StepEvent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !ev.Done {
		p.started[ev.Step] = time.Now()
		return
	}
	delete(p.started, ev.Step)
	if ev.Err != nil {
		return
	}
	p.n++
	if p.total > 0 {
		fmt.Fprintf(p.w, "[%d/%d] %s: %s\n", p.n, p.total, ev.Step, ev.Outcome)
	} else {
		fmt.Fprintf(p.w, "[%d] %s: %s\n", p.n, ev.Step, ev.Outcome)
	}
}

// Watch prints, every SlowAfter until ctx ends or stop is called, a line
// for each started step that has waited at least SlowAfter.
func (p *ProgressPrinter) Watch(ctx context.Context) (stop func()) {
	slow := p.SlowAfter
	if slow <= 0 {
		slow = 3 * time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		t := time.NewTicker(slow)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				p.mu.Lock()
				for step, since := range p.started {
					if d := now.Sub(since); d >= slow {
						fmt.Fprintf(p.w, "      %s: still waiting for the network (%s)\n", step, d.Round(time.Second))
					}
				}
				p.mu.Unlock()
			}
		}
	}()
	return cancel
}
