package vstorage

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
	"github.com/vstorage-sdk/vngcloud/vstorage/region"
)

// DefaultEndpoint is the base URL of the documented vStorage management API
// of HCM04, which takes service-account tokens (docs/api.md §2.1).
const DefaultEndpoint = region.DefaultAPIEndpoint

// ConsoleEndpoint is the base URL of the undocumented console API, which
// takes IAM-user tokens and serves every region of the account (the region
// headers choose one). vngcloud.WithConsoleHosts selects it, and the
// matching vIAM hosts for a viam client built with the same options.
// GreenNode may change it without notice.
const ConsoleEndpoint = "https://vstorage.console.greennode.ai/internal/v1/"

// regionResolveTimeout bounds one lookup of the region's UUID.
const regionResolveTimeout = 60 * time.Second

// Client calls the vStorage management API. Build it with [NewClient]. A
// Client is safe for concurrent use by multiple goroutines.
type Client struct {
	core    *httpcore.Core
	region  Region // Name is empty when WithRegion gave a UUID
	fixedID string // the region UUID when the caller gave it

	mu       sync.Mutex
	regionID string // resolved once, then kept
	flight   *regionFlight
}

type regionFlight struct {
	done chan struct{}
	id   string
	err  error
}

// NewClient builds a vStorage client from these options:
//
//   - vngcloud.WithTokenSource: the bearer tokens (a service-account source
//     from the viam package for DefaultEndpoint; an IAM-user token for the
//     console API). Required in practice.
//   - [WithRegion]: the storage region by name ("HCM04" by default;
//     "HAN02", "HCM03"; a management region such as "hcm-3" or "han-1" is
//     mapped with [region.ForManagement]), or directly by its UUID. Without
//     vngcloud.WithEndpoint, the client talks to that region's
//     [Region.APIEndpoint]. A name outside [region.All] needs
//     vngcloud.WithEndpoint.
//   - vngcloud.WithConsoleHosts: the console API ([ConsoleEndpoint]) for
//     an IAM user's token, whatever the region (a region name outside
//     [region.All] is then allowed: the region headers choose it).
//   - vngcloud.WithEndpoint: another base URL, for example a test server.
//     Paths are relative to it.
//   - the transport options (WithHTTPClient, WithTimeout, WithRetries,
//     WithRetryWait, WithLogger, WithUserAgent, WithMaxResponseSize).
//
// The region's UUID, which the region headers carry, is looked up by name
// with [Client.ListRegions] on the first call that needs it, once per
// client. Giving the UUID in [WithRegion] skips the lookup.
//
// A bad option makes NewClient return a *vngcloud.ValidationError that
// names it; nothing is sent.
func NewClient(opts ...Option) (*Client, error) {
	const op = "vstorage.NewClient"
	s, name, err := httpcore.Split[regionOption](opts)
	if err != nil {
		return nil, httpcore.Named(op, err)
	}
	c := &Client{}
	switch {
	case name == "":
		c.region = region.HCM04()
	case isUUID(name):
		c.fixedID = strings.ToLower(name)
	default:
		r, ok := region.ForManagement(name)
		switch {
		case ok:
			c.region = r
		case s.Endpoint != "" || s.ConsoleHosts:
			c.region = Region{Name: strings.ToUpper(name)}
		default:
			return nil, &vngcloud.ValidationError{Operation: op, Field: "WithRegion",
				Reason: fmt.Sprintf("unknown storage region %q (known: HCM04, HAN02, HCM03, or hcm-3/han-1); for another region also give vngcloud.WithEndpoint", name)}
		}
	}
	def := DefaultEndpoint
	switch {
	case s.ConsoleHosts:
		def = ConsoleEndpoint // one host for every region
	case c.region.APIEndpoint != "":
		def = c.region.APIEndpoint
	}
	if c.core, err = httpcore.New(def, s, service{region: c.regionLabel()}); err != nil {
		return nil, httpcore.Named(op, err)
	}
	return c, nil
}

// Option is an option for [NewClient]: any [vngcloud.Option] (they all
// fit), or [WithRegion], which no other constructor accepts: passing it to
// viam.NewClient does not compile.
type Option interface{ StorageOption() }

// regionOption sets the region's name or UUID; see [WithRegion].
type regionOption func(*string) error

// StorageOption marks [WithRegion] as an option for [NewClient].
func (regionOption) StorageOption() {}

// WithRegion sets the storage region that the client acts in: by name
// ("HCM04", the default; "HAN02", "HCM03"; or a management region such as
// "hcm-3" or "han-1"), or by its UUID. The client resolves a name to the
// region's UUID once, for the region headers the API requires.
func WithRegion(nameOrID string) Option {
	return regionOption(func(r *string) error {
		if *r = strings.TrimSpace(nameOrID); *r == "" {
			return &vngcloud.ValidationError{Field: "WithRegion", Reason: "the region name is empty"}
		}
		return nil
	})
}

// Endpoint returns the base URL that request paths are resolved against:
// the region's API endpoint, or the one given with WithEndpoint.
func (c *Client) Endpoint() string { return c.core.Endpoint() }

// Region returns the storage region the client acts in. Its Name is empty
// when the client was given the region's UUID instead of its name.
func (c *Client) Region() Region { return c.region }

// RegionID returns the UUID of the client's region, the value of the
// region and region_id headers. The first call looks it up with
// [Client.ListRegions] (once per client, however many goroutines ask);
// later calls return it at once. A failed lookup is not remembered: the
// next call tries again.
func (c *Client) RegionID(ctx context.Context) (string, error) {
	if ctx == nil {
		return "", &vngcloud.ValidationError{Operation: "vstorage.RegionID", Field: "ctx", Reason: "nil context"}
	}
	return c.resolveRegion(ctx, "vstorage.RegionID")
}

// regionLabel names the region in messages: its name, or its UUID.
func (c *Client) regionLabel() string {
	if c.region.Name != "" {
		return c.region.Name
	}
	return c.fixedID
}

// resolveRegion returns the region UUID for a call named op.
func (c *Client) resolveRegion(ctx context.Context, op string) (string, error) {
	if c.fixedID != "" {
		return c.fixedID, nil
	}
	c.mu.Lock()
	if id := c.regionID; id != "" {
		c.mu.Unlock()
		return id, nil
	}
	if err := ctx.Err(); err != nil {
		c.mu.Unlock()
		return "", c.core.Fail(&httpcore.Request{Op: op}, httpcore.Failure{Message: "the call was cancelled before it was sent (" + err.Error() + ")", Err: err, Refused: true})
	}
	f := c.flight
	if f == nil {
		f = &regionFlight{done: make(chan struct{})}
		c.flight = f
		// The lookup serves every caller waiting for it, so it does not
		// stop when the caller that started it gives up.
		go c.lookupRegion(context.WithoutCancel(ctx), f)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		if f.err != nil {
			return "", regionError(op, f.err)
		}
		return f.id, nil
	case <-ctx.Done():
		return "", c.core.Fail(&httpcore.Request{Op: op}, httpcore.Failure{Message: "cancelled while looking up the region's UUID (" + ctx.Err().Error() + ")", Err: ctx.Err(), Refused: true})
	}
}

func (c *Client) lookupRegion(ctx context.Context, f *regionFlight) {
	ctx, cancel := context.WithTimeout(ctx, regionResolveTimeout)
	defer cancel()
	regions, err := c.ListRegions(ctx)
	var id string
	if err == nil {
		id, err = c.pickRegion(regions)
	}
	c.mu.Lock()
	if err == nil {
		c.regionID = id
	}
	f.id, f.err = id, err
	c.flight = nil
	c.mu.Unlock()
	close(f.done)
}

// pickRegion finds the client's region in the list by name.
func (c *Client) pickRegion(regions []RegionInfo) (string, error) {
	names := make([]string, 0, len(regions))
	for _, r := range regions {
		if strings.EqualFold(r.Name, c.region.Name) || (r.Name == "" && strings.EqualFold(r.DisplayName, c.region.Name)) {
			if strings.TrimSpace(r.ID) == "" || strings.ContainsAny(r.ID, "\r\n") {
				return "", c.core.Fail(&httpcore.Request{Op: "vstorage.ListRegions", Method: http.MethodGet},
					httpcore.Failure{Message: fmt.Sprintf("the service lists region %s without a usable regionId", r.Name)})
			}
			return r.ID, nil
		}
		names = append(names, r.Name)
	}
	listed := strings.Join(names, ", ")
	if listed == "" {
		listed = "none"
	}
	return "", &vngcloud.ValidationError{Field: "WithRegion",
		Reason: fmt.Sprintf("region %q is not among the regions the service lists (%s); check vstorage.WithRegion, or give the region's UUID", c.region.Name, listed)}
}

// regionError names the call that needed the region in a lookup failure.
func regionError(op string, err error) error {
	var ve *vngcloud.ValidationError
	if errors.As(err, &ve) {
		cp := *ve
		cp.Operation = op
		return &cp
	}
	var ae *vngcloud.APIError
	if errors.As(err, &ae) {
		cp := *ae
		cp.Operation = op + ": looking up the region's UUID: " + ae.Operation
		return &cp
	}
	return fmt.Errorf("vstorage: %s: looking up the region's UUID: %w", op, err)
}
