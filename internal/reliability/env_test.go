package reliability

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// Sizes of the oversize case: the cap every client of the matrix gets, and
// the padding the fault adds (twice the cap).
const (
	maxResponse = 64 << 10
	oversize    = 2 * maxResponse
)

// env is one fresh pair of test servers with an account in a known state,
// and the clients under test, all sending through one recorder and
// logging at debug level into one buffer.
type env struct {
	iam  *viamtest.Server
	st   *vstoragetest.Server
	tr   *http.Transport
	rec  *recorder
	logs *lockedBuffer

	cc   *viam.ClientCredentials
	iamc *viam.Client
	stc  *vstorage.Client

	loginClientID string
	loginSecret   vngcloud.Secret

	project, bucket string
	key1, key2      string // key1 is unattached; key2 is attached to sa
	sa              viam.ServiceAccount
	saSecret        vngcloud.Secret
	pol1, pol2      string // pol1 is not attached; pol2 is attached to sa
	tokensAtStart   int
	requestsAtStart int // requests the recorder had seen when seeding ended
}

// Names the seeded state and the calls of the matrix use.
const (
	matrixBucket    = "matrix-bucket"
	matrixNewBucket = "matrix-new-bucket"
	matrixSA        = "matrix-sa"
	matrixNewSA     = "matrix-new-sa"
	matrixPolicy    = "matrix-policy"
	matrixAttached  = "matrix-attached"
	matrixNewPolicy = "matrix-new-policy"
)

// options are the client options every client of an env gets, with extra.
func (e *env) options(extra ...vngcloud.Option) vngcloud.Option {
	return vngcloud.Options(append([]vngcloud.Option{
		vngcloud.WithHTTPClient(&http.Client{Transport: e.rec}),
		vngcloud.WithLogger(debugLogger(e.logs)),
		// No backoff between attempts (Retry-After is still honoured up
		// to the cap), the default three retries, a small response cap.
		vngcloud.WithRetryWait(0, 5*time.Second),
		vngcloud.WithMaxResponseSize(maxResponse),
	}, extra...)...)
}

// newEnv starts the servers and seeds, through the clients themselves, a
// bucket with a policy and CORS rules, two S3 keys (one attached to a
// service account), a service account and two policies (one attached).
// The clients end warm: they hold a token and the region's UUID, and the
// servers' call logs are empty.
func newEnv() (*env, error) {
	e := &env{iam: viamtest.NewServer(), tr: newTransport(), logs: &lockedBuffer{}}
	e.rec = newRecorder(e.tr)
	e.st = vstoragetest.NewServer(e.iam)
	ok := false
	defer func() {
		if !ok {
			e.close()
		}
	}()
	_, e.loginClientID, e.loginSecret = e.iam.AddServiceAccount("matrix-login")
	e.rec.Add(e.loginSecret.Reveal(), basic(e.loginClientID, e.loginSecret))
	e.project = e.st.AddProject("HCM04", "matrix")
	e.bucket = matrixBucket

	var err error
	if e.cc, err = e.newCredentials(); err != nil {
		return nil, err
	}
	if e.iamc, err = e.newIAM(); err != nil {
		return nil, err
	}
	if e.stc, err = e.newStorage(); err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	step := func(what string, err error) error {
		if err != nil {
			return fmt.Errorf("seeding: %s: %w", what, err)
		}
		return nil
	}
	if _, err := e.stc.CreateBucket(ctx, e.project, e.bucket); err != nil {
		return nil, step("bucket", err)
	}
	k1, err := e.stc.CreateS3Key(ctx, e.project)
	if err != nil {
		return nil, step("key 1", err)
	}
	k2, err := e.stc.CreateS3Key(ctx, e.project)
	if err != nil {
		return nil, step("key 2", err)
	}
	e.key1, e.key2 = k1.ID, k2.ID
	created, err := e.iamc.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: matrixSA, Description: "fault matrix"})
	if err != nil {
		return nil, step("service account", err)
	}
	e.sa, e.saSecret = created.ServiceAccount, created.ClientSecret
	e.rec.Add(e.saSecret.Reveal(), basic(e.sa.ClientID, e.saSecret))
	if err := e.stc.LinkS3Key(ctx, e.project, e.key2, e.sa.ID); err != nil {
		return nil, step("attach key 2", err)
	}
	doc := viam.VStorageAllow("ListBuckets", "GetBucketInfo")
	if e.pol1, err = e.iamc.CreatePolicy(ctx, viam.PolicyRequest{Name: matrixPolicy, Document: doc}); err != nil {
		return nil, step("policy 1", err)
	}
	if e.pol2, err = e.iamc.CreatePolicy(ctx, viam.PolicyRequest{Name: matrixAttached, Document: doc}); err != nil {
		return nil, step("policy 2", err)
	}
	if err := e.iamc.AttachPolicy(ctx, e.pol2, e.sa.ID); err != nil {
		return nil, step("attach policy 2", err)
	}
	p, err := e.stc.EnsureServiceAccountPrincipal(ctx, e.project, e.sa.ID)
	if err != nil {
		return nil, step("principal", err)
	}
	if err := e.stc.PutBucketPolicy(ctx, e.project, e.bucket, vstorage.ReadWriteBucketPolicy(e.bucket, p.ARN)); err != nil {
		return nil, step("bucket policy", err)
	}
	rules := []vstorage.CORSRule{{AllowedOrigins: []string{"https://app.example.com"}, AllowedMethods: []string{"GET", "PUT"}}}
	if err := e.stc.PutBucketCORS(ctx, e.project, e.bucket, rules); err != nil {
		return nil, step("CORS", err)
	}
	for _, k := range e.st.Keys(e.project) {
		e.rec.Add(k.SecretKey.Reveal())
	}
	e.st.ResetCalls()
	e.iam.ResetCalls()
	e.tokensAtStart = e.iam.TokensIssued()
	e.requestsAtStart = len(e.rec.Requests())
	ok = true
	return e, nil
}

func basic(clientID string, secret vngcloud.Secret) string {
	return base64.StdEncoding.EncodeToString([]byte(clientID + ":" + secret.Reveal()))
}

func (e *env) newCredentials(extra ...vngcloud.Option) (*viam.ClientCredentials, error) {
	return viam.NewClientCredentials(e.loginClientID, e.loginSecret, e.options(append([]vngcloud.Option{vngcloud.WithEndpoint(e.iam.URL())}, extra...)...))
}

func (e *env) newIAM() (*viam.Client, error) {
	return viam.NewClient(e.options(vngcloud.WithTokenSource(e.cc), vngcloud.WithEndpoint(e.iam.URL())))
}

func (e *env) newStorage() (*vstorage.Client, error) {
	return vstorage.NewClient(e.options(vngcloud.WithTokenSource(e.cc), vngcloud.WithEndpoint(e.st.URL())), vstorage.WithRegion("HCM04"))
}

// close stops the servers (dropping open connections and waiting for
// their handlers) and closes the clients' idle connections.
func (e *env) close() {
	e.st.Close()
	e.iam.Close()
	e.tr.CloseIdleConnections()
}

// secrets returns every credential of the env: the ones the recorder
// saw, the seeded ones, and the secrets of every S3 key on the server.
func (e *env) secrets() []string {
	for _, k := range e.st.Keys(e.project) {
		e.rec.Add(k.SecretKey.Reveal())
	}
	return e.rec.Secrets()
}

// ---- the state a call changes, read back without the faults ----

// inspect reads server state with a fresh client after the case. It
// clears pending faults first.
func (e *env) inspectIAM() (*viam.Client, error) {
	e.iam.ClearFaults()
	e.st.ClearFaults()
	return viam.NewClient(vngcloud.WithTokenSource(e.cc), vngcloud.WithEndpoint(e.iam.URL()),
		vngcloud.WithHTTPClient(&http.Client{Transport: e.rec}), vngcloud.WithRetryWait(0, 0))
}

func (e *env) keyState(id string) (vstoragetest.KeyState, bool) {
	for _, k := range e.st.Keys(e.project) {
		if k.ID == id {
			return k, true
		}
	}
	return vstoragetest.KeyState{}, false
}

// serviceAccountNamed reports whether a service account called name
// exists.
func (e *env) serviceAccountNamed(name string) (bool, error) {
	c, err := e.inspectIAM()
	if err != nil {
		return false, err
	}
	for sa, err := range c.AllServiceAccounts(context.Background(), &viam.ListOptions{Name: name}) {
		if err != nil {
			return false, err
		}
		if sa.Name == name {
			return true, nil
		}
	}
	return false, nil
}

// secretReset reports whether the seeded service account's secret no
// longer gets a token.
func (e *env) secretReset() (bool, error) {
	e.iam.ClearFaults()
	cc, err := viam.NewClientCredentials(e.sa.ClientID, e.saSecret, vngcloud.WithEndpoint(e.iam.URL()),
		vngcloud.WithHTTPClient(&http.Client{Transport: e.rec}), vngcloud.WithRetryWait(0, 0))
	if err != nil {
		return false, err
	}
	_, err = cc.Token(context.Background())
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, vngcloud.ErrUnauthorized):
		return true, nil
	}
	return false, err
}

func (e *env) policyAttached(name string) bool {
	return slices.Contains(e.iam.ServiceAccountPolicies(e.sa.ID), name)
}
