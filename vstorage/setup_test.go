package vstorage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// flowEnv is a vIAM and a vStorage test server with a login account and a
// project, and clients for them.
type flowEnv struct {
	iamSrv  *viamtest.Server
	stSrv   *vstoragetest.Server
	iam     *viam.Client
	st      *vstorage.Client
	project string
}

func newFlowEnv(t testing.TB, extra ...vngcloud.Option) *flowEnv {
	t.Helper()
	return newFlowEnvLatency(t, 0, extra...)
}

// newFlowEnvLatency is newFlowEnv with servers that answer every call
// after latency.
func newFlowEnvLatency(t testing.TB, latency time.Duration, extra ...vngcloud.Option) *flowEnv {
	t.Helper()
	iamSrv := viamtest.NewServer(viamtest.WithLatency(latency))
	stSrv := vstoragetest.NewServer(iamSrv, vstoragetest.WithLatency(latency))
	t.Cleanup(func() { stSrv.Close(); iamSrv.Close() })
	_, id, secret := iamSrv.AddServiceAccount("login")
	base := vngcloud.Options(append([]vngcloud.Option{vngcloud.WithRetryWait(time.Millisecond, 5*time.Millisecond)}, extra...)...)
	tokens, err := viam.NewClientCredentials(id, secret, base, vngcloud.WithEndpoint(iamSrv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	iam, err := viam.NewClient(base, vngcloud.WithEndpoint(iamSrv.URL()), vngcloud.WithTokenSource(tokens))
	if err != nil {
		t.Fatal(err)
	}
	st, err := vstorage.NewClient(base, vngcloud.WithEndpoint(stSrv.URL()), vngcloud.WithTokenSource(tokens), vstorage.WithRegion("HCM04"))
	if err != nil {
		t.Fatal(err)
	}
	return &flowEnv{iamSrv: iamSrv, stSrv: stSrv, iam: iam, st: st, project: stSrv.AddProject("HCM04", "flow")}
}

// memConfig is a ConfigTarget that keeps what it is given, or fails.
type memConfig struct {
	mu       sync.Mutex
	checkErr error
	writeErr error
	written  []vstorage.ConfigValues
}

func (m *memConfig) Check() (string, error) { return "memory", m.checkErr }
func (m *memConfig) Write(v vstorage.ConfigValues) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writeErr != nil {
		return "", m.writeErr
	}
	m.written = append(m.written, v)
	return "memory", nil
}

func (e *flowEnv) request(restrict bool, cfg vstorage.ConfigTarget) vstorage.SetupRequest {
	req := vstorage.SetupRequest{Storage: e.st, IAM: e.iam, ProjectID: e.project, Config: cfg}
	if restrict {
		req.Bucket = "flow-data"
		req.Restrict = &vstorage.Restriction{ServiceAccount: "flow-app", ManagedPolicy: viam.PolicyVStorageClientToolFullAccess}
	}
	return req
}

// state is what the servers hold that a flow can change.
type state struct {
	keys, accounts, policies, buckets, subUsers []string
	bucketPolicy                                string
	attachments                                 map[string][]string
}

func (e *flowEnv) state(t *testing.T) state {
	t.Helper()
	e.iamSrv.ClearFaults()
	e.stSrv.ClearFaults()
	ctx := context.Background()
	var s state
	for _, k := range e.stSrv.Keys(e.project) {
		s.keys = append(s.keys, k.AccessKey)
	}
	s.attachments = map[string][]string{}
	for sa, err := range e.iam.AllServiceAccounts(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		s.accounts = append(s.accounts, sa.Name)
		s.attachments[sa.Name] = e.iamSrv.ServiceAccountPolicies(sa.ID)
	}
	for p, err := range e.iam.AllPolicies(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		s.policies = append(s.policies, p.Name)
	}
	s.buckets = e.stSrv.Buckets(e.project)
	s.subUsers = e.stSrv.SubUsers(e.project)
	s.bucketPolicy, _ = e.stSrv.BucketPolicy(e.project, "flow-data")
	return s
}

func TestSetupUnrestricted(t *testing.T) {
	t.Parallel()
	e := newFlowEnv(t)
	cfg := &memConfig{}
	res, err := vstorage.Setup(context.Background(), e.request(false, cfg))
	if err != nil {
		t.Fatal(err)
	}
	keys := e.stSrv.Keys(e.project)
	if len(keys) != 1 || keys[0].AccessKey != res.Key.AccessKey || keys[0].Restricted() {
		t.Fatalf("keys %v, result %v", keys, res.Key)
	}
	if len(cfg.written) != 1 || cfg.written[0].AccessKey != res.Key.AccessKey || cfg.written[0].SecretKey.Reveal() != res.Key.SecretKey.Reveal() ||
		cfg.written[0].Region != "HCM04" || cfg.written[0].Endpoint != "https://hcm04.vstorage.vngcloud.vn" {
		t.Fatalf("config %+v", cfg.written)
	}
	if len(res.Created) != 1 || res.Created[0].Kind != vstorage.KindS3Key || res.ConfigWritten != "memory" {
		t.Fatalf("created %v, written %q", res.Created, res.ConfigWritten)
	}
	if n := e.stSrv.CallCount("GET", "regions"); n != 1 {
		t.Errorf("GET regions sent %d times, want 1", n)
	}
}

// TestSetupRestrictedTwice runs the restricted flow twice: the first run
// creates the service account, bucket and grant and attaches the managed
// policy; the second reuses all of them and creates only its key.
func TestSetupRestrictedTwice(t *testing.T) {
	t.Parallel()
	e := newFlowEnv(t)
	ctx := context.Background()
	first, err := vstorage.Setup(ctx, e.request(true, &memConfig{}))
	if err != nil {
		t.Fatal(err)
	}
	kinds := func(cs []vstorage.Change) (out []string) {
		for _, c := range cs {
			out = append(out, c.Kind)
		}
		slices.Sort(out)
		return out
	}
	want := []string{vstorage.KindAttachment, vstorage.KindBucket, vstorage.KindGrant, vstorage.KindLink, vstorage.KindS3Key, vstorage.KindServiceAccount, vstorage.KindPrincipal}
	slices.Sort(want)
	if got := kinds(first.Created); !slices.Equal(got, want) {
		t.Fatalf("first run created %v, want %v", got, want)
	}
	if got := kinds(first.Reused); !slices.Equal(got, []string{vstorage.KindPolicy}) {
		t.Fatalf("first run reused %v", got)
	}
	before := e.state(t)
	second, err := vstorage.Setup(ctx, e.request(true, &memConfig{}))
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(second.Created); !slices.Equal(got, []string{vstorage.KindS3Key, vstorage.KindLink}) {
		t.Fatalf("second run created %v, want only its key and link", got)
	}
	after := e.state(t)
	if !slices.Equal(before.accounts, after.accounts) || !slices.Equal(before.policies, after.policies) ||
		before.bucketPolicy != after.bucketPolicy || !slices.Equal(before.buckets, after.buckets) {
		t.Fatalf("second run changed more than its key:\nbefore %+v\nafter  %+v", before, after)
	}
	keys := e.stSrv.Keys(e.project)
	if len(keys) != 2 || !keys[0].Restricted() || !keys[1].Restricted() || keys[1].SubUserID != keys[0].SubUserID {
		t.Fatalf("keys %v", keys)
	}
	if second.ServiceAccount.ID != first.ServiceAccount.ID || second.Principal.ARN != first.Principal.ARN {
		t.Fatal("second run uses another account or principal")
	}
}

// TestSetupNewPolicyReused creates a policy from a document; the same
// request again reuses it, and a request with the same name and other
// statements is refused before any change.
func TestSetupNewPolicyReused(t *testing.T) {
	t.Parallel()
	e := newFlowEnv(t)
	ctx := context.Background()
	req := e.request(true, nil)
	req.Restrict.ManagedPolicy = ""
	req.Restrict.NewPolicy = &viam.PolicyRequest{Name: "flow-read", Document: viam.VStorageReadOnly()}
	if _, err := vstorage.Setup(ctx, req); err != nil {
		t.Fatal(err)
	}
	before := e.state(t)
	res, err := vstorage.Setup(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if after := e.state(t); !slices.Equal(before.policies, after.policies) || !slices.Equal(before.accounts, after.accounts) {
		t.Fatalf("policies %v -> %v", before.policies, after.policies)
	}
	if res.Policy == nil || res.Policy.Name != "flow-read" {
		t.Fatalf("policy %+v", res.Policy)
	}
	req.Restrict.NewPolicy = &viam.PolicyRequest{Name: "flow-read", Document: viam.VStorageFullAccess()}
	e.stSrv.ResetCalls()
	e.iamSrv.ResetCalls()
	_, err = vstorage.Setup(ctx, req)
	var pe *vstorage.PlanError
	if !errors.As(err, &pe) || !errors.Is(err, vstorage.ErrRefused) || !strings.Contains(err.Error(), "other statements") {
		t.Fatalf("err = %v", err)
	}
	assertNoWrites(t, e)
}

func assertNoWrites(t *testing.T, e *flowEnv) {
	t.Helper()
	var calls []string
	for _, c := range append(e.stSrv.Calls(), e.iamSrv.Calls()...) {
		if c.Method != "GET" && !strings.Contains(c.Path, "auth/token") {
			calls = append(calls, c.Method+" "+c.Path)
		}
	}
	// The principal call is a GET that creates; the plan must not send it.
	if n := e.stSrv.CallCount("GET", "users/details"); n > 0 {
		calls = append(calls, "GET users/details")
	}
	if len(calls) > 0 {
		t.Fatalf("the refused plan changed something: %v", calls)
	}
}

// TestSetupLimits fills each account limit and checks that the plan
// refuses before any change.
func TestSetupLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("keys", func(t *testing.T) {
		e := newFlowEnv(t)
		for range vstorage.MaxS3Keys {
			if _, err := e.st.CreateS3Key(ctx, e.project); err != nil {
				t.Fatal(err)
			}
		}
		e.stSrv.ResetCalls()
		_, err := vstorage.Setup(ctx, e.request(true, &memConfig{}))
		if !errors.Is(err, vstorage.ErrRefused) || !strings.Contains(err.Error(), "10 S3 keys") {
			t.Fatalf("err = %v", err)
		}
		assertNoWrites(t, e)
	})
	t.Run("service accounts", func(t *testing.T) {
		e := newFlowEnv(t)
		for i := range vstorage.MaxServiceAccounts - 1 { // the login account is the 20th
			if _, err := e.iam.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: fmt.Sprintf("sa-%d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		e.iamSrv.ResetCalls()
		_, err := vstorage.Setup(ctx, e.request(true, &memConfig{}))
		if !errors.Is(err, vstorage.ErrRefused) || !strings.Contains(err.Error(), "20 service accounts") {
			t.Fatalf("err = %v", err)
		}
		assertNoWrites(t, e)
		// Reusing one needs no room.
		req := e.request(true, &memConfig{})
		req.Restrict.ServiceAccount = "sa-3"
		if _, err := vstorage.Setup(ctx, req); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("policies", func(t *testing.T) {
		e := newFlowEnv(t)
		for i := range vstorage.MaxPolicies {
			if _, err := e.iam.CreatePolicy(ctx, viam.PolicyRequest{Name: fmt.Sprintf("p-%d", i), Document: viam.VStorageReadOnly()}); err != nil {
				t.Fatal(err)
			}
		}
		e.iamSrv.ResetCalls()
		req := e.request(true, &memConfig{})
		req.Restrict.ManagedPolicy = ""
		req.Restrict.NewPolicy = &viam.PolicyRequest{Name: "one-more", Document: viam.VStorageReadOnly()}
		_, err := vstorage.Setup(ctx, req)
		if !errors.Is(err, vstorage.ErrRefused) || !strings.Contains(err.Error(), "20 policies") {
			t.Fatalf("err = %v", err)
		}
		assertNoWrites(t, e)
	})
	t.Run("destination", func(t *testing.T) {
		e := newFlowEnv(t)
		_, err := vstorage.Setup(ctx, e.request(true, &memConfig{checkErr: errors.New("read-only folder")}))
		if !errors.Is(err, vstorage.ErrRefused) || !strings.Contains(err.Error(), "read-only folder") {
			t.Fatalf("err = %v", err)
		}
		if n := len(e.stSrv.Calls()) + len(e.iamSrv.Calls()); n != 0 {
			t.Fatalf("%d calls sent for a destination that cannot be written", n)
		}
	})
}

// TestSetupDryRun: the plan of the restricted flow reads and changes
// nothing, and lists the steps.
func TestSetupDryRun(t *testing.T) {
	t.Parallel()
	e := newFlowEnv(t)
	p, err := vstorage.PlanSetup(context.Background(), e.request(true, &memConfig{}))
	if err != nil {
		t.Fatal(err)
	}
	assertNoWrites(t, e)
	var steps []string
	for _, s := range p.Steps {
		steps = append(steps, s.Step+":"+s.Action)
	}
	want := []string{"S3 key:create", "bucket:create", "service account:create", "policy:reuse", "attach policy:attach",
		"principal:create", "link key:link", "bucket grant:grant", "config:write"}
	if !slices.Equal(steps, want) {
		t.Fatalf("steps %v\nwant  %v", steps, want)
	}
	if p.KeysLeft != 10 || p.ServiceAccountsLeft != 19 || p.PoliciesLeft != 20 {
		t.Fatalf("left: keys %d, service accounts %d, policies %d", p.KeysLeft, p.ServiceAccountsLeft, p.PoliciesLeft)
	}
}

// fault is one way a call can fail.
type fault struct {
	name string
	// make builds the fault for a call; cancel, when set, is the run's
	// context's cancel, for the faults that cancel it mid-call.
	make func(method, path string, cancel context.CancelFunc) (viamtest.Fault, func())
}

var faults = []fault{
	{"status 500", func(m, p string, _ context.CancelFunc) (viamtest.Fault, func()) {
		return viamtest.Fault{Method: m, Path: p, Status: 500, Times: 10}, nil
	}},
	{"status 409", func(m, p string, _ context.CancelFunc) (viamtest.Fault, func()) {
		return viamtest.Fault{Method: m, Path: p, Status: 409, Times: 10}, nil
	}},
	{"dropped before acting", func(m, p string, _ context.CancelFunc) (viamtest.Fault, func()) {
		return viamtest.Fault{Method: m, Path: p, Drop: vstoragetest.DropBeforeAct, Times: 10}, nil
	}},
	{"dropped after acting", func(m, p string, _ context.CancelFunc) (viamtest.Fault, func()) {
		return viamtest.Fault{Method: m, Path: p, Drop: vstoragetest.DropAfterAct, Times: 10}, nil
	}},
	{"timeout", func(m, p string, _ context.CancelFunc) (viamtest.Fault, func()) {
		return viamtest.Fault{Method: m, Path: p, Delay: 5 * time.Second, Times: 10}, nil
	}},
	{"cancelled context", func(m, p string, cancel context.CancelFunc) (viamtest.Fault, func()) {
		return viamtest.Fault{Method: m, Path: p, Delay: 5 * time.Second, Times: 10}, cancel
	}},
}

// flowStep names a step and the call that carries it out.
type flowStep struct {
	step         string
	iam          bool
	method, path string
}

var (
	unrestrictedSteps = []flowStep{
		{vstorage.StepS3Key, false, "POST", "users/s3_keys"},
		{vstorage.StepConfig, false, "", ""},
	}
	restrictedSteps = []flowStep{
		{vstorage.StepS3Key, false, "POST", "users/s3_keys"},
		{vstorage.StepServiceAccount, true, "POST", "accounts-api/v1/service-accounts"},
		{vstorage.StepPolicy, true, "POST", "policies-api/v1/policies"},
		{vstorage.StepBucket, false, "POST", "ceph/projects/"},
		{vstorage.StepAttach, true, "POST", "/service-accounts/"},
		{vstorage.StepPrincipal, false, "GET", "users/details"},
		{vstorage.StepLink, false, "PUT", "/attach"},
		{vstorage.StepGrant, false, "PUT", "/policy"},
		{vstorage.StepConfig, false, "", ""},
	}
	lockSteps = []flowStep{
		{vstorage.StepServiceAccount, true, "POST", "accounts-api/v1/service-accounts"},
		{vstorage.StepPolicy, true, "POST", "policies-api/v1/policies"},
		{vstorage.StepBucket, false, "POST", "ceph/projects/"},
		{vstorage.StepAttach, true, "POST", "/service-accounts/"},
		{vstorage.StepPrincipal, false, "GET", "users/details"},
		{vstorage.StepGrant, false, "PUT", "/policy"},
		{vstorage.StepLink, false, "PUT", "/attach"},
	}
	reuseSteps = []flowStep{
		{vstorage.StepS3Key, false, "POST", "users/s3_keys"},
		{vstorage.StepPrincipal, false, "GET", "users/details"},
		{vstorage.StepLink, false, "PUT", "/attach"},
		{vstorage.StepConfig, false, "", ""},
	}
)

// TestSetupFaults injects every fault at every step of both flows and
// then inspects the servers: what the run created is gone, except what
// its error names (left in place, or unknown because an answer was lost),
// and nothing is left behind without a config holding its key.
func TestSetupFaults(t *testing.T) {
	t.Parallel()
	flows := []struct {
		name                string
		restricted, reusing bool
		steps               []flowStep
	}{
		{"unrestricted", false, false, unrestrictedSteps},
		{"restricted", true, false, restrictedSteps},
		// A second run reuses the account, policy, bucket and grant: its
		// undo must leave them as they were.
		{"restricted again", true, true, reuseSteps},
		// LockKey: the key that exists before the run is restricted.
		{"lock", true, false, lockSteps},
	}
	for _, fl := range flows {
		for _, st := range fl.steps {
			fs := faults
			if st.path == "" {
				fs = []fault{{"write fails", nil}}
			}
			for _, f := range fs {
				t.Run(fl.name+"/"+st.step+"/"+f.name, func(t *testing.T) {
					t.Parallel()
					runFault(t, fl.restricted, fl.reusing, fl.name == "lock", st, f)
				})
			}
		}
	}
}

func runFault(t *testing.T, restricted, reusing, lock bool, st flowStep, f fault) {
	e := newFlowEnv(t, vngcloud.WithTimeout(300*time.Millisecond), vngcloud.WithRetries(1))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Something to keep: a key, an account and a bucket with a policy that
	// exist before the run, which the undo must not touch.
	pre, err := e.st.CreateS3Key(ctx, e.project)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateBucket(ctx, e.project, "keep-me"); err != nil {
		t.Fatal(err)
	}
	cfg := &memConfig{}
	req := e.request(restricted, cfg)
	if restricted {
		req.Restrict.ManagedPolicy = ""
		req.Restrict.NewPolicy = &viam.PolicyRequest{Name: "flow-rw", Document: viam.VStorageFullAccess()}
	}
	if lock {
		req.Config, req.ExistingKey = nil, pre.AccessKey
	}
	if reusing {
		if _, err := vstorage.Setup(ctx, req); err != nil {
			t.Fatal(err)
		}
		cfg.written = nil
	}
	before := e.state(t)
	if f.make == nil {
		cfg.writeErr = errors.New("disk full")
	} else {
		fl, cancelNow := f.make(st.method, st.path, cancel)
		if st.iam {
			e.iamSrv.Inject(fl)
		} else {
			e.stSrv.Inject(fl)
		}
		if cancelNow != nil {
			req.Progress = func(ev vstorage.StepEvent) {
				if ev.Step == st.step && !ev.Done {
					time.AfterFunc(50*time.Millisecond, cancelNow)
				}
			}
		}
	}
	run := vstorage.Setup
	if lock {
		run = vstorage.LockKey
	}
	res, err := run(ctx, req)
	var fe *vstorage.FlowError
	if !errors.As(err, &fe) {
		t.Fatalf("Setup = %v, %v; want a *FlowError", res, err)
	}
	// Steps at the same time may fail too (a cancelled context stops
	// them all): the step must be among those that failed.
	if fe.Step != st.step && !strings.Contains(fe.Err.Error(), st.step+": ") {
		t.Errorf("failed step %q, want %q: %v", fe.Step, st.step, err)
	}
	for _, u := range fe.Undone {
		if u.Err != nil {
			t.Errorf("undo failed: %v", u)
		}
	}
	if len(cfg.written) != 0 {
		t.Errorf("a config was written although the run failed")
	}
	msg := err.Error()
	for _, s := range []string{pre.SecretKey.Reveal()} {
		if strings.Contains(msg, s) {
			t.Fatal("the error shows a secret")
		}
	}
	after := e.state(t)

	named := func(kind, name string) bool {
		for _, c := range fe.Left {
			if c.Kind == kind && (c.Name == name || strings.HasSuffix(name, ":"+c.Name)) {
				return true
			}
		}
		for _, u := range fe.Unknown {
			if strings.Contains(u, name) || (kind == vstorage.KindS3Key && strings.HasPrefix(u, "an S3 key")) {
				return true
			}
		}
		return false
	}
	extra := func(kind string, before, after []string) {
		for _, x := range after {
			if !slices.Contains(before, x) && !named(kind, x) {
				t.Errorf("%s %s is left and the error does not name it:\n%v", kind, x, err)
			}
		}
		for _, x := range before {
			if !slices.Contains(after, x) {
				t.Errorf("%s %s existed before the run and is gone", kind, x)
			}
		}
	}
	extra(vstorage.KindS3Key, before.keys, after.keys)
	extra(vstorage.KindServiceAccount, before.accounts, after.accounts)
	extra(vstorage.KindPolicy, before.policies, after.policies)
	extra(vstorage.KindBucket, before.buckets, after.buckets)
	extra(vstorage.KindPrincipal, before.subUsers, after.subUsers)
	for sa, pols := range before.attachments {
		if !slices.Equal(pols, after.attachments[sa]) && after.attachments[sa] != nil {
			t.Errorf("the policies of %s changed: %v -> %v", sa, pols, after.attachments[sa])
		}
	}
	if after.bucketPolicy != before.bucketPolicy && !named(vstorage.KindGrant, "flow-data") && !named(vstorage.KindBucket, "flow-data") {
		t.Errorf("the policy of flow-data changed: %q", after.bucketPolicy)
	}
	if k := e.stSrv.Keys(e.project)[0]; k.Restricted() && !named(vstorage.KindLink, pre.AccessKey) {
		t.Errorf("the key that existed before the run is restricted now: %v", err)
	}
	if len(after.keys) > len(before.keys) && len(fe.Unknown) == 0 {
		t.Errorf("a key without a config is left behind: %v", err)
	}
	if testing.Verbose() {
		t.Log(err)
	}
}

// TestLockKey locks an unrestricted key to a bucket, then locks it again:
// the second run finds everything in place and changes nothing.
func TestLockKey(t *testing.T) {
	t.Parallel()
	e := newFlowEnv(t)
	ctx := context.Background()
	k, err := e.st.CreateS3Key(ctx, e.project)
	if err != nil {
		t.Fatal(err)
	}
	req := vstorage.SetupRequest{Storage: e.st, IAM: e.iam, ProjectID: e.project, Bucket: "photos", ExistingKey: k.AccessKey,
		Restrict: &vstorage.Restriction{ServiceAccount: "lock-photos"}}
	var order []string
	req.Progress = func(ev vstorage.StepEvent) {
		if ev.Done {
			order = append(order, ev.Step)
		}
	}
	res, err := vstorage.LockKey(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if order[len(order)-1] != vstorage.StepLink || order[len(order)-2] != vstorage.StepGrant {
		t.Fatalf("steps ended in the order %v; the link must come after the grant", order)
	}
	keys := e.stSrv.Keys(e.project)
	if len(keys) != 1 || !strings.HasSuffix(keys[0].SubUserID, ":sa-lock-photos") || res.Key.ID != k.ID {
		t.Fatalf("keys %v", keys)
	}
	pol, _ := e.stSrv.BucketPolicy(e.project, "photos")
	if !strings.Contains(pol, res.Principal.ARN) {
		t.Fatalf("bucket policy %s", pol)
	}
	before := e.state(t)
	e.stSrv.ResetCalls()
	e.iamSrv.ResetCalls()
	again, err := vstorage.LockKey(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Created) != 0 {
		t.Fatalf("the second lock created %v", again.Created)
	}
	if after := e.state(t); fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatalf("the second lock changed the state:\n%+v\n%+v", before, after)
	}
	for _, c := range append(e.stSrv.Calls(), e.iamSrv.Calls()...) {
		if c.Method != "GET" && !strings.Contains(c.Path, "auth/token") {
			t.Errorf("the second lock sent %s %s", c.Method, c.Path)
		}
	}
	// A key linked to another account is refused before any change.
	req.Restrict.ServiceAccount = "someone-else"
	if _, err := vstorage.LockKey(ctx, req); !errors.Is(err, vstorage.ErrRefused) || !strings.Contains(err.Error(), "acts as service account") {
		t.Fatalf("err = %v", err)
	}
}

// TestSetupKeepPartial: with KeepPartial a failed run undoes nothing and
// its error lists what it leaves, which the servers hold.
func TestSetupKeepPartial(t *testing.T) {
	t.Parallel()
	e := newFlowEnv(t)
	e.stSrv.Inject(vstoragetest.Fault{Method: "PUT", Path: "/policy", Status: 400, Times: 10})
	req := e.request(true, &memConfig{})
	req.KeepPartial = true
	_, err := vstorage.Setup(context.Background(), req)
	var fe *vstorage.FlowError
	if !errors.As(err, &fe) || fe.Step != vstorage.StepGrant || len(fe.Undone) != 0 {
		t.Fatalf("err = %v", err)
	}
	var left []string
	for _, c := range fe.Left {
		left = append(left, c.Kind)
	}
	slices.Sort(left)
	want := []string{vstorage.KindS3Key, vstorage.KindAttachment, vstorage.KindBucket, vstorage.KindLink, vstorage.KindServiceAccount, vstorage.KindPrincipal}
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Fatalf("left %v, want %v", left, want)
	}
	s := e.state(t)
	if len(s.keys) != 1 || !slices.Contains(s.accounts, "flow-app") || !slices.Contains(s.buckets, "flow-data") {
		t.Fatalf("state %+v", s)
	}
}
