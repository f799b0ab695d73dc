package vstoragetest

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// offlineNotice is the line ClientsFromEnv writes when it falls back to a
// sandbox.
const offlineNotice = "demo: no VNGCLOUD_CLIENT_ID, VNGCLOUD_CLIENT_SECRET or VNGCLOUD_ACCESS_TOKEN, so this runs against in-memory vIAM and vStorage started in this process; nothing touches the cloud."

// Clients are a vIAM and a vStorage client that work against the cloud or
// against a sandbox: see ClientsFromEnv.
type Clients struct {
	IAM     *viam.Client
	Storage *vstorage.Client
	// ProjectID is VNGCLOUD_PROJECT_ID ("" when unset: the region's first
	// project), or the sandbox's project.
	ProjectID string
	// Sandbox is the sandbox the clients work against; nil against the
	// cloud.
	Sandbox *Sandbox
	started bool
}

// ClientsFromEnv is [vstorage.ClientsFromEnv] with an offline fallback,
// for programs and demos that should also run without an account. When
// getenv sets credentials, the clients are the ones
// vstorage.ClientsFromEnv(getenv, opts...) builds, and Sandbox is nil.
// When it sets none ([vstorage.ErrNoCredentials]), they are built from
// sb.Getenv instead, with short retry waits before opts, against sb, or
// against a new Sandbox when sb is nil, and a line saying so (it starts
// with "demo: ") goes to notice unless notice is nil. Close stops a
// sandbox started here, never one passed in.
func ClientsFromEnv(getenv func(string) string, sb *Sandbox, notice io.Writer, opts ...vngcloud.Option) (*Clients, error) {
	c := &Clients{ProjectID: strings.TrimSpace(getenv("VNGCLOUD_PROJECT_ID"))}
	var err error
	c.IAM, c.Storage, err = vstorage.ClientsFromEnv(getenv, opts...)
	if !errors.Is(err, vstorage.ErrNoCredentials) {
		if err != nil {
			return nil, err
		}
		return c, nil
	}
	if sb == nil {
		sb, c.started = NewSandbox(), true
	}
	c.Sandbox, c.ProjectID = sb, sb.ProjectID
	opts = append([]vngcloud.Option{vngcloud.WithRetryWait(time.Millisecond, 10*time.Millisecond)}, opts...)
	if c.IAM, c.Storage, err = vstorage.ClientsFromEnv(sb.Getenv, opts...); err != nil {
		c.Close()
		return nil, err
	}
	if notice != nil {
		fmt.Fprintln(notice, offlineNotice)
	}
	return c, nil
}

// Close stops the sandbox ClientsFromEnv started, if it started one.
func (c *Clients) Close() {
	if c.started {
		c.Sandbox.Close()
	}
}
