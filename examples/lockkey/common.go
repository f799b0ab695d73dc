// This file is the same in every example (a test checks it): the
// connection to the cloud or to in-memory services, the common flags, and
// the step printer. It uses the public API only.

//lint:file-ignore U1000 each example uses only part of this shared file

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
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

// offline is the in-memory vIAM and vStorage of the offline demo: a login
// service account and one project, as a new account has them.
type offline struct {
	iam       *viamtest.Server
	st        *vstoragetest.Server
	clientID  string
	secret    vngcloud.Secret
	projectID string
}

// startOffline starts the test servers; s3Endpoint, when set, is the S3
// host they report (a real S3 server in tests) and dp hears about keys.
func startOffline(dp vstoragetest.DataPlane, s3Endpoint string) *offline {
	o := &offline{iam: viamtest.NewServer()}
	var so []vstoragetest.Option
	if dp != nil {
		so = append(so, vstoragetest.WithDataPlane(dp), vstoragetest.WithS3Endpoints(map[string]string{"HCM04": s3Endpoint}))
	}
	o.st = vstoragetest.NewServer(o.iam, so...)
	_, o.clientID, o.secret = o.iam.AddServiceAccount("demo-login")
	o.projectID = o.st.AddProject("HCM04", "demo-project")
	return o
}

func (o *offline) close() { o.st.Close(); o.iam.Close() }

// clients are the two clients and where they point.
type clients struct {
	iam     *viam.Client
	st      *vstorage.Client
	project string
	// off is the offline demo's services (nil against the cloud); own
	// says connect started them, and close stops them.
	off *offline
	own bool
}

func (c *clients) close() {
	if c.own {
		c.off.close()
	}
}

// connect builds the clients: for the account in VNGCLOUD_CLIENT_ID and
// VNGCLOUD_CLIENT_SECRET (or a bearer token in VNGCLOUD_ACCESS_TOKEN), or,
// with none of them set, for offline services: o, or new ones.
func connect(getenv func(string) string, f commonFlags, stderr io.Writer, o *offline) (*clients, error) {
	region, project, verbose := f.region, f.project, f.verbose
	id, secret, token := strings.TrimSpace(getenv("VNGCLOUD_CLIENT_ID")), getenv("VNGCLOUD_CLIENT_SECRET"), getenv("VNGCLOUD_ACCESS_TOKEN")
	iamURL, stURL := getenv("VNGCLOUD_IAM_ENDPOINT"), getenv("VNGCLOUD_VSTORAGE_ENDPOINT")
	c := &clients{project: firstOf(project, getenv("VNGCLOUD_PROJECT_ID"))}
	var opts []vngcloud.Option
	if verbose {
		opts = append(opts, vngcloud.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	switch {
	case (id == "") != (secret == ""):
		return nil, fmt.Errorf("set both VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET to use your account, or neither for the offline demo")
	case id == "" && token != "":
		// A console session's token: the console hosts, unless the
		// endpoints are given.
		opts = append(opts, vngcloud.WithConsoleHosts())
	case id == "" && token == "":
		if o == nil {
			o, c.own = startOffline(nil, ""), true
		}
		c.off, c.project = o, o.projectID
		id, secret, iamURL, stURL = o.clientID, o.secret.Reveal(), o.iam.URL(), o.st.URL()
		opts = append(opts, vngcloud.WithRetryWait(time.Millisecond, 10*time.Millisecond))
	}
	opts = slices.Clip(opts) // the two lists below must not share an array
	iamOpts, stOpts := opts, append(opts, vngcloud.WithRegion(firstOf(region, getenv("VNGCLOUD_REGION"), "HCM04")))
	if iamURL != "" {
		iamOpts = append(iamOpts, vngcloud.WithEndpoint(iamURL))
	}
	if stURL != "" {
		stOpts = append(stOpts, vngcloud.WithEndpoint(stURL))
	}
	var ts vngcloud.TokenSource = vngcloud.StaticToken(token)
	if id != "" {
		cc, err := viam.NewClientCredentials(id, vngcloud.Secret(secret), iamOpts...)
		if err != nil {
			return nil, err
		}
		ts = cc
	}
	var err error
	if c.iam, err = viam.NewClient(append(iamOpts, vngcloud.WithTokenSource(ts))...); err != nil {
		return nil, err
	}
	if c.st, err = vstorage.NewClient(append(stOpts, vngcloud.WithTokenSource(ts))...); err != nil {
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
