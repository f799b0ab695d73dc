// The connection to the cloud or to the in-memory sandbox, the common
// flags, and the step printer. It uses the public API only.

//lint:file-ignore U1000 each example uses only part of this shared file

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// commonFlags are the flags every example takes.
type commonFlags struct {
	region, project string
	verbose         bool
	timeout         time.Duration
}

func (f *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.region, "region", "", "storage region (default $VNGCLOUD_REGION, else HCM04)")
	fs.StringVar(&f.project, "project", "", "project ID (default $VNGCLOUD_PROJECT_ID, else the region's first)")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "give up (undoing what was created) after this long")
	fs.BoolVar(&f.verbose, "v", false, "log each API call to stderr (never secrets)")
}

// demoLine is printed when the examples run offline.
const demoLine = "demo: no VNGCLOUD_CLIENT_ID, VNGCLOUD_CLIENT_SECRET or VNGCLOUD_ACCESS_TOKEN, so this runs against in-memory vIAM and vStorage started in this process; nothing touches the cloud."

// clients are the two clients and where they point.
type clients struct {
	iam     *viam.Client
	st      *vstorage.Client
	project string
	off     *vstoragetest.Sandbox // the offline demo's services, nil against the cloud
	own     bool                  // connect started off; close stops it
}

func (c *clients) close() {
	if c.own {
		c.off.Close()
	}
}

// connect builds the clients from the VNGCLOUD_* variables
// (vstorage.ClientsFromEnv) or, with no credentials set, for the
// in-memory sandbox sb (a new one when nil).
func connect(getenv func(string) string, f commonFlags, stderr io.Writer, sb *vstoragetest.Sandbox) (*clients, error) {
	c := &clients{project: firstOf(f.project, getenv("VNGCLOUD_PROJECT_ID"))}
	var opts []vngcloud.Option
	if f.verbose {
		opts = append(opts, vngcloud.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	env := map[string]string{"VNGCLOUD_REGION": f.region}
	if firstOf(getenv("VNGCLOUD_CLIENT_ID"), getenv("VNGCLOUD_CLIENT_SECRET"), getenv("VNGCLOUD_ACCESS_TOKEN")) == "" {
		if sb == nil {
			sb, c.own = vstoragetest.NewSandbox(), true
		}
		c.off, c.project = sb, sb.ProjectID
		env = map[string]string{"VNGCLOUD_CLIENT_ID": sb.ClientID, "VNGCLOUD_CLIENT_SECRET": sb.Secret.Reveal(),
			"VNGCLOUD_IAM_ENDPOINT": sb.IAM.URL(), "VNGCLOUD_VSTORAGE_ENDPOINT": sb.Storage.URL(), "VNGCLOUD_REGION": f.region}
		opts = append(opts, vngcloud.WithRetryWait(time.Millisecond, 10*time.Millisecond))
	}
	var err error
	c.iam, c.st, err = vstorage.ClientsFromEnv(func(k string) string { return firstOf(env[k], getenv(k)) }, opts...)
	if err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// slowStep is how long a step may wait on the network before a line says
// so.
const slowStep = 3 * time.Second

// printer prints one numbered line per finished step ("[3/9] S3 key:
// created ...", or "[3] ..." when the total is not known), and a line for
// a step that waits long.
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
		if p.total > 0 {
			fmt.Fprintf(p.w, "[%d/%d] %s: %s\n", p.n, p.total, ev.Step, ev.Outcome)
		} else {
			fmt.Fprintf(p.w, "[%d] %s: %s\n", p.n, ev.Step, ev.Outcome)
		}
	}
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
