package main

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

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
func connect(getenv func(string) string, region, project string, verbose bool, stderr io.Writer, o *offline) (*clients, error) {
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
