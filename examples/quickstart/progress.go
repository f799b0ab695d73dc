package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// slowStep is how long a step may wait on the network before a line says
// so.
const slowStep = 3 * time.Second

// printer prints one numbered line per finished step ("[3/9] S3 key:
// created ..."), and a line for a step that waits long.
type printer struct {
	w       io.Writer
	mu      sync.Mutex
	n       int
	total   int
	started map[string]time.Time
}

func newPrinter(w io.Writer) *printer { return &printer{w: w, started: map[string]time.Time{}} }

// event is the SetupRequest.Progress callback.
func (p *printer) event(ev vstorage.StepEvent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !ev.Done {
		p.started[ev.Step] = time.Now()
		return
	}
	delete(p.started, ev.Step)
	if ev.Err == nil {
		p.n++
		fmt.Fprintf(p.w, "[%d/%d] %s: %s\n", p.n, p.total, ev.Step, ev.Outcome)
	}
}

func (p *printer) done(step, format string, args ...any) {
	p.event(vstorage.StepEvent{Step: step, Done: true, Outcome: fmt.Sprintf(format, args...)})
}

// planned counts the steps and prints the plan's line.
func (p *printer) planned(plan *vstorage.SetupPlan, dryRun bool) {
	p.mu.Lock()
	p.total = 1
	for _, s := range plan.Steps {
		if dryRun || s.Action != "none" {
			p.total++
		}
	}
	p.mu.Unlock()
	line := fmt.Sprintf("project %s (%s), S3 endpoint %s (%s); %d of %d S3 keys left", plan.Project.Name, plan.Project.ID,
		plan.Endpoint.URL, plan.Endpoint.Source, plan.KeysLeft, vstorage.MaxS3Keys)
	if plan.ServiceAccountsLeft >= 0 {
		line += fmt.Sprintf(", %d of %d service accounts", plan.ServiceAccountsLeft, vstorage.MaxServiceAccounts)
	}
	if plan.PoliciesLeft >= 0 {
		line += fmt.Sprintf(", %d of %d policies", plan.PoliciesLeft, vstorage.MaxPolicies)
	}
	p.done(vstorage.StepPlan, "%s; nothing stands in the way", line)
}

// watch prints a line for each step that has waited longer than slowStep,
// every slowStep, until the returned stop is called.
func (p *printer) watch(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		t := time.NewTicker(slowStep)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				p.mu.Lock()
				for step, since := range p.started {
					if d := now.Sub(since); d >= slowStep {
						fmt.Fprintf(p.w, "      %s: still waiting for the network (%s)\n", step, d.Round(time.Second))
					}
				}
				p.mu.Unlock()
			}
		}
	}()
	return cancel
}
