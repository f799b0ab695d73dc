// Package demo is what the example programs under examples/ share to get
// connected: vIAM and vStorage clients for the real cloud when the
// environment holds a service account's credentials, or for in-memory
// services started in the same process when it holds none, so that every
// example runs with a plain `go run` and touches nothing.
//
// The environment:
//
//	VNGCLOUD_CLIENT_ID, VNGCLOUD_CLIENT_SECRET  a vIAM service account (both, or neither)
//	VNGCLOUD_REGION                             storage region (default HCM04)
//	VNGCLOUD_PROJECT_ID                         vStorage project (default: the region's first)
//	VNGCLOUD_IAM_ENDPOINT                       vIAM root (default https://iamapis.vngcloud.vn/)
//	VNGCLOUD_VSTORAGE_ENDPOINT                  vStorage API (default: the region's)
//
// It also holds the small pieces the examples print the same way: numbered
// step lines ([Steps]), the list of what a failed run had already created
// ([Created]), and the S3 endpoint a config file should name ([Env.S3]).
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// Environment variables read by Connect.
const (
	EnvClientID          = "VNGCLOUD_CLIENT_ID"
	EnvClientSecret      = "VNGCLOUD_CLIENT_SECRET"
	EnvRegion            = "VNGCLOUD_REGION"
	EnvProjectID         = "VNGCLOUD_PROJECT_ID"
	EnvIAMEndpoint       = "VNGCLOUD_IAM_ENDPOINT"
	EnvVStorageEndpoint  = "VNGCLOUD_VSTORAGE_ENDPOINT"
	DefaultRegion        = "HCM04"
	demoProjectName      = "demo-project"
	demoLoginAccountName = "demo-login"
)

// Options adjust Connect. The zero value reads everything from the
// environment.
type Options struct {
	// Region and ProjectID, when set (from command-line flags), win over
	// VNGCLOUD_REGION and VNGCLOUD_PROJECT_ID.
	Region, ProjectID string
	// ClientOptions are added to the options of both clients and of the
	// token source, for example vngcloud.WithLogger.
	ClientOptions []vngcloud.Option
	// Fakes, when set, are the in-memory services to use in demo mode
	// instead of starting new ones; Env.Close leaves them running. Tests set
	// it to give the demo a data plane (a real S3 server) and to look at
	// the services' state after a run.
	Fakes *Fakes
}

// Env is a connection to vIAM and vStorage, real or in memory.
type Env struct {
	// IAM and Storage are the clients. They share Tokens.
	IAM     *viam.Client
	Storage *vstorage.Client
	Tokens  *viam.ClientCredentials
	// Region is the storage region asked for, for example "HCM04".
	Region string
	// Demo reports that the clients talk to in-memory services.
	Demo bool
	// Fakes are those services in demo mode, nil otherwise.
	Fakes *Fakes

	projectID string // asked for; empty means the region's first
	ownFakes  bool

	mu      sync.Mutex
	project *vstorage.Project
}

// Connect builds the clients. With VNGCLOUD_CLIENT_ID and
// VNGCLOUD_CLIENT_SECRET both set it talks to the cloud (or to the
// endpoints VNGCLOUD_IAM_ENDPOINT and VNGCLOUD_VSTORAGE_ENDPOINT name);
// with neither it starts in-memory services (or uses opts.Fakes), seeds a
// login account and a project, and prints one line to stdout saying so.
// With only one of the two it returns an error that says which is missing.
// Nothing is sent over the network: the first call is the caller's.
func Connect(ctx context.Context, stdout io.Writer, getenv func(string) string, opts Options) (*Env, error) {
	id, secret := strings.TrimSpace(getenv(EnvClientID)), getenv(EnvClientSecret)
	region := firstNonEmpty(opts.Region, getenv(EnvRegion), DefaultRegion)
	projectID := firstNonEmpty(opts.ProjectID, getenv(EnvProjectID))
	switch {
	case id != "" && secret == "":
		return nil, fmt.Errorf("%s is set but %s is not: set both to use your account, or neither for the in-memory demo", EnvClientID, EnvClientSecret)
	case id == "" && secret != "":
		return nil, fmt.Errorf("%s is set but %s is not: set both to use your account, or neither for the in-memory demo", EnvClientSecret, EnvClientID)
	case id != "":
		return connect(id, vngcloud.Secret(secret), region, projectID,
			getenv(EnvIAMEndpoint), getenv(EnvVStorageEndpoint), opts.ClientOptions)
	}

	fakes, own := opts.Fakes, false
	if fakes == nil {
		var err error
		fakes, err = StartFakes(FakeOptions{Region: region})
		if err != nil {
			return nil, err
		}
		own = true
	}
	// VNGCLOUD_PROJECT_ID names a project of the real account; the demo has
	// its own.
	projectID = opts.ProjectID
	if projectID == "" && strings.EqualFold(region, fakes.Region) {
		projectID = fakes.ProjectID
	}
	// In-process services need no politeness between retries.
	copts := append([]vngcloud.Option{vngcloud.WithRetryWait(time.Millisecond, 20*time.Millisecond)}, opts.ClientOptions...)
	env, err := connect(fakes.ClientID, fakes.ClientSecret, region, projectID, fakes.IAM.URL(), fakes.Storage.URL(), copts)
	if err != nil {
		if own {
			fakes.Close()
		}
		return nil, err
	}
	env.Demo, env.Fakes, env.ownFakes = true, fakes, own
	fmt.Fprintf(stdout, "demo: %s and %s are not set, so this runs against in-memory vIAM and vStorage services started in this process; nothing touches the cloud, and what it creates is gone when it exits.\n", EnvClientID, EnvClientSecret)
	return env, nil
}

func connect(clientID string, secret vngcloud.Secret, region, projectID, iamEndpoint, storageEndpoint string, extra []vngcloud.Option) (*Env, error) {
	var iamOpts []vngcloud.Option
	if iamEndpoint != "" {
		iamOpts = append(iamOpts, vngcloud.WithEndpoint(iamEndpoint))
	}
	iamOpts = append(iamOpts, extra...)
	tokens, err := viam.NewClientCredentials(clientID, secret, iamOpts...)
	if err != nil {
		return nil, fmt.Errorf("vIAM credentials: %w", err)
	}
	iam, err := viam.NewClient(append(iamOpts, vngcloud.WithTokenSource(tokens))...)
	if err != nil {
		return nil, fmt.Errorf("vIAM client: %w", err)
	}
	stOpts := []vngcloud.Option{vngcloud.WithTokenSource(tokens), vngcloud.WithRegion(region)}
	if storageEndpoint != "" {
		stOpts = append(stOpts, vngcloud.WithEndpoint(storageEndpoint))
	}
	st, err := vstorage.NewClient(append(stOpts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("vStorage client: %w", err)
	}
	return &Env{IAM: iam, Storage: st, Tokens: tokens, Region: region, projectID: projectID}, nil
}

// Close stops the in-memory services Connect started. It is safe to call
// on a nil Env and more than once.
func (e *Env) Close() {
	if e != nil && e.ownFakes {
		e.Fakes.Close()
	}
}

// AskedProject returns the project ID asked for (flag, VNGCLOUD_PROJECT_ID,
// or the demo's project), or "" when the region's first is to be used.
func (e *Env) AskedProject() string { return e.projectID }

// Token gets a bearer token now, so that refused credentials show up as
// the first step's failure, and returns the service account's client ID
// shortened for display.
func (e *Env) Token(ctx context.Context) (string, error) {
	if _, err := e.Tokens.Token(ctx); err != nil {
		return "", err
	}
	return Short(e.Tokens.ClientID()), nil
}

// Login runs the first two steps every example shows: "token" (get a
// bearer token now, so that refused credentials fail here) and "project"
// (the project to work in).
func (e *Env) Login(ctx context.Context, s *Steps) (vstorage.Project, error) {
	s.Start("token")
	clientID, err := e.Token(ctx)
	if err != nil {
		return vstorage.Project{}, err
	}
	s.Done("ok (service account client ID %s)", clientID)
	s.Start("project")
	p, err := e.Project(ctx)
	if err != nil {
		return vstorage.Project{}, err
	}
	s.Done("%s (%s) in %s", p.Name, p.ID, e.Region)
	return p, nil
}

// Project returns the project to work in: the one asked for (flag or
// VNGCLOUD_PROJECT_ID), else the region's first. It asks the service once.
func (e *Env) Project(ctx context.Context) (vstorage.Project, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.project != nil {
		return *e.project, nil
	}
	projects, err := e.Storage.ListProjects(ctx)
	if err != nil {
		return vstorage.Project{}, err
	}
	var p *vstorage.Project
	if e.projectID == "" {
		if len(projects) == 0 {
			return vstorage.Project{}, fmt.Errorf("the account has no vStorage project in region %s: create one in the vStorage console, or choose another region (%s)", e.Region, EnvRegion)
		}
		p = &projects[0]
	} else {
		for i := range projects {
			if projects[i].ID == e.projectID {
				p = &projects[i]
				break
			}
		}
		if p == nil {
			ids := make([]string, len(projects))
			for i, q := range projects {
				ids[i] = q.ID + " (" + q.Name + ")"
			}
			have := "none"
			if len(ids) > 0 {
				have = strings.Join(ids, ", ")
			}
			return vstorage.Project{}, fmt.Errorf("project %s is not in region %s; the region's projects: %s", e.projectID, e.Region, have)
		}
	}
	e.project = p
	return *p, nil
}

// S3Endpoint is where a region's S3 data plane answers, as a config file
// should name it.
type S3Endpoint struct {
	// Region is the region's name, the SigV4 region and s3cmd's
	// bucket_location.
	Region string
	// URL is the data plane's URL ("https://hcm04.vstorage.vngcloud.vn").
	URL string
	// Source says where URL came from: "reported by vStorage" (GET
	// regions) or "built in" (the SDK's region table).
	Source string
}

// IP reports whether the endpoint's host is an IP address, where only
// path-style requests can work (a bucket name cannot prefix an address).
func (s S3Endpoint) IP() bool {
	u, err := url.Parse(s.URL)
	if err != nil || u.Host == "" {
		return false
	}
	return net.ParseIP(u.Hostname()) != nil
}

// S3 returns the S3 endpoint of the region: the s3Host the service reports
// for it (GET regions), else the SDK's built-in table.
func (e *Env) S3(ctx context.Context) (S3Endpoint, error) {
	regions, err := e.Storage.ListRegions(ctx)
	if err != nil {
		return S3Endpoint{}, err
	}
	name := e.Region
	if r, ok := vstorage.StorageRegionFor(name); ok {
		name = r.Name
	}
	for _, r := range regions {
		if !strings.EqualFold(r.Name, name) && r.ID != e.Region {
			continue
		}
		if r.Name != "" {
			name = r.Name
		}
		if host := strings.TrimSpace(r.S3Host); host != "" {
			if !strings.Contains(host, "://") {
				host = "https://" + host
			}
			return S3Endpoint{Region: name, URL: strings.TrimSuffix(host, "/"), Source: "reported by vStorage"}, nil
		}
		break
	}
	if r, ok := vstorage.RegionByName(name); ok {
		return S3Endpoint{Region: r.Name, URL: r.S3URL(), Source: "built in"}, nil
	}
	return S3Endpoint{}, fmt.Errorf("region %s: vStorage reports no S3 host for it and it is not one of the known regions", e.Region)
}

// Short shortens an identifier for display: its first 8 characters and an
// ellipsis.
func Short(id string) string {
	if len([]rune(id)) <= 10 {
		return id
	}
	return string([]rune(id)[:8]) + "…"
}

// Getenv returns a getenv function over a fixed map, for tests and for
// programs that compute their environment.
func Getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// Lookup turns a getenv function into a LookupEnv function, treating an
// empty value as unset (as s3cmd does for the variables it reads).
func Lookup(getenv func(string) string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v := getenv(k)
		return v, v != ""
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// MaybeApplied reports whether err says a change may have happened although
// the call failed.
func MaybeApplied(err error) bool { return errors.Is(err, vngcloud.ErrMaybeApplied) }
