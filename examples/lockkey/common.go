// The connection to the cloud or to the in-memory sandbox, and the common
// flags. It uses the public API only.

//lint:file-ignore U1000 each example uses only part of this shared file

package main

import (
	"flag"
	"io"
	"log/slog"
	"strings"
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
	if firstOf(getenv("VNGCLOUD_CLIENT_ID"), getenv("VNGCLOUD_CLIENT_SECRET"), getenv("VNGCLOUD_ACCESS_TOKEN")) == "" {
		if sb == nil {
			sb, c.own = vstoragetest.NewSandbox(), true
		}
		c.off, c.project, getenv = sb, sb.ProjectID, sb.Getenv
		opts = append(opts, vngcloud.WithRetryWait(time.Millisecond, 10*time.Millisecond))
	}
	env := getenv
	getenv = func(k string) string { return firstOf(map[string]string{"VNGCLOUD_REGION": f.region}[k], env(k)) }
	var err error
	c.iam, c.st, err = vstorage.ClientsFromEnv(getenv, opts...)
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
