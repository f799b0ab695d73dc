package vstorage

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage/region"
)

// Account limits the plan checks before anything is created (docs/api.md
// §2 and §3.3).
const (
	// MaxS3Keys is how many S3 keys vStorage allows. Whether the limit is
	// per project or per account is not documented; the plan counts the
	// project's keys.
	MaxS3Keys = 10
	// MaxServiceAccounts is how many service accounts vIAM allows per
	// root account.
	MaxServiceAccounts = 20
	// MaxPolicies is how many policies of its own vIAM allows per root
	// account (managed policies do not count).
	MaxPolicies = 20
)

// ErrRefused is matched (errors.Is) by the error of a plan that refuses
// the request: a name taken, a limit reached, a destination that cannot be
// written. Nothing was changed.
var ErrRefused = errors.New("vstorage: the plan refuses the request; nothing was changed")

// PlanError lists every reason a plan refuses a request. It matches
// ErrRefused and [vngcloud.ErrInvalidInput].
type PlanError struct {
	// Op is the flow: "vstorage.Setup", "vstorage.LockKey", ...
	Op string
	// Problems says what is wrong and what to do, one entry each.
	Problems []string
	// Err is the config target's error, when Check refused it (for
	// errors.Is, for example s3cfg.ErrExist).
	Err error
}

// Unwrap returns the config target's error, if any.
func (e *PlanError) Unwrap() error { return e.Err }

// Error lists the problems.
func (e *PlanError) Error() string {
	return e.Op + ": refused before any change: " + strings.Join(e.Problems, "; ")
}

// Is matches ErrRefused and vngcloud.ErrInvalidInput.
func (e *PlanError) Is(target error) bool {
	return target == ErrRefused || target == vngcloud.ErrInvalidInput
}

// SetupRequest is what Setup (and PlanSetup) is asked to do: the vendor's
// console flow of creating an S3 key, optionally restricting it by vIAM,
// and writing a configuration for a tool (docs/api.md §3.5 and §4).
type SetupRequest struct {
	// Storage is the vStorage client; required.
	Storage *Client
	// IAM is the vIAM client; required with Restrict.
	IAM *viam.Client
	// ProjectID is the project to make the key in; empty means the first
	// project of the client's region.
	ProjectID string
	// Bucket, when set, is a bucket that must exist (it is created when
	// missing). With Restrict, the service account's principal gets
	// read/write on it through the bucket's policy (ReadWriteBucketPolicy
	// statements added to what the policy holds).
	Bucket string
	// Restrict, when set, restricts the key by vIAM: it is linked to a
	// service account and acts as it.
	Restrict *Restriction
	// ExistingKey, when set, is an existing S3 key (its access key or key
	// ID) to restrict instead of creating one; see LockKey. It needs
	// Restrict, and no Config (its secret is not known).
	ExistingKey string
	// Config is where the key's configuration goes; nil writes none (the
	// secret is then only in the result).
	Config ConfigTarget
	// KeepPartial leaves what a failed run created in place, for
	// debugging, instead of undoing it; the error lists it.
	KeepPartial bool
	// UndoTimeout bounds the undo of a failed run (default
	// DefaultUndoTimeout).
	UndoTimeout time.Duration
	// Progress, when set, is called as each step starts and ends, one
	// call at a time.
	Progress func(StepEvent)
}

// Restriction says which service account a restricted key acts as, and
// what that service account may do in vIAM. Object access comes from the
// bucket grant (SetupRequest.Bucket): vStorage gives a restricted key the
// bucket rights that bucket policies give its service account's principal
// (docs/api.md §3.5).
type Restriction struct {
	// ServiceAccount is the service account's name. One of that name is
	// reused; otherwise it is created, unless MustExist. Its client
	// secret is not kept: the key acts as the account through the link.
	ServiceAccount string
	// MustExist refuses to create the service account.
	MustExist bool
	// At most one of the next three says which vIAM policy the service
	// account gets; with none, it gets no vIAM policy.
	//
	// ManagedPolicy attaches a policy by name, for example
	// viam.PolicyVStorageClientToolFullAccess; nothing is created.
	ManagedPolicy string
	// PolicyID attaches an existing policy by ID.
	PolicyID string
	// NewPolicy creates a policy from a document, unless a policy of that
	// name with the same statements exists (then it is reused; one of
	// that name with other statements is refused).
	NewPolicy *viam.PolicyRequest
}

// S3Endpoint is where a region's S3 data plane answers.
type S3Endpoint struct {
	// Region is the region's name, the SigV4 region (s3cmd's
	// bucket_location).
	Region string
	// URL is the data plane's URL, "https://hcm04.vstorage.vngcloud.vn".
	URL string
	// Source says where URL came from: "reported by vStorage" (GET
	// regions) or "built in" (the SDK's region table).
	Source string
}

// IP reports whether the endpoint's host is an IP address, where only
// path-style requests work.
func (s S3Endpoint) IP() bool {
	u, err := url.Parse(s.URL)
	return err == nil && u.Host != "" && net.ParseIP(u.Hostname()) != nil
}

// SetupPlan is what Setup would do, read from the services without
// changing anything. Apply carries it out.
type SetupPlan struct {
	// Project is the project the key goes in.
	Project Project
	// Endpoint is the S3 data plane the config names.
	Endpoint S3Endpoint
	// Keys are the project's S3 keys before the run (no secrets);
	// KeysLeft is MaxS3Keys minus their number.
	Keys     []S3Key
	KeysLeft int
	// ServiceAccountsLeft and PoliciesLeft are what vIAM allows still, or
	// -1 when the request does not need them read.
	ServiceAccountsLeft, PoliciesLeft int
	// Key is the existing key to restrict (SetupRequest.ExistingKey), and
	// KeyLinked reports that it acts as the service account already.
	Key       *S3Key
	KeyLinked bool
	// ServiceAccount is the existing service account to reuse, or nil
	// when one is to be created (Restrict only).
	ServiceAccount *viam.ServiceAccount
	// Policy is the existing policy to attach (managed or reused), or nil
	// when one is to be created or none is asked for.
	Policy *viam.Policy
	// PolicyAttached reports that Policy is attached to ServiceAccount
	// already.
	PolicyAttached bool
	// BucketExists reports that SetupRequest.Bucket exists; BucketPolicy
	// is its policy (no statements when it has none).
	BucketExists bool
	BucketPolicy BucketPolicy
	// ConfigWhere says where the config would be written.
	ConfigWhere string
	// Steps lists what Apply would do, in order.
	Steps []PlannedStep

	req SetupRequest
}

// PlannedStep is one step of a plan.
type PlannedStep struct {
	// Step is the step's name, as StepEvent.Step reports it.
	Step string
	// Action is "create", "reuse", "attach", "link", "grant", "write" or
	// "none".
	Action string
	// Detail says what exactly, for people.
	Detail string
}

// Step names, as PlannedStep.Step and StepEvent.Step report them.
const (
	StepPlan           = "plan"
	StepS3Key          = "S3 key"
	StepServiceAccount = "service account"
	StepPolicy         = "policy"
	StepAttach         = "attach policy"
	StepPrincipal      = "principal"
	StepLink           = "link key"
	StepBucket         = "bucket"
	StepGrant          = "bucket grant"
	StepConfig         = "config"
	StepOldKey         = "old key"
)

// PlanSetup reads what Setup needs to know and checks, changing nothing,
// that the request can be carried out: the names are free or reusable, the
// bucket exists or can be created, the account has keys, service accounts
// and policies left for what is to be created (read from the services,
// not guessed), and the config destination can be written. It returns
// the plan, which is the dry run; a refusal is a *PlanError matching
// ErrRefused.
//
// Independent reads run at the same time; GET regions is sent once, and
// the client keeps the region's UUID it reports.
func PlanSetup(ctx context.Context, req SetupRequest) (*SetupPlan, error) {
	const op = "vstorage.Setup"
	if err := req.validate(op); err != nil {
		return nil, err
	}
	p := &SetupPlan{req: req, ServiceAccountsLeft: -1, PoliciesLeft: -1}
	var problems []string
	refuse := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if req.Config != nil {
		where, err := req.Config.Check()
		if err != nil {
			return nil, &PlanError{Op: op, Problems: []string{"the config cannot be written: " + err.Error()}, Err: err}
		}
		p.ConfigWhere = where
	}
	r := req.Restrict
	var sas []viam.ServiceAccount
	var pols []viam.Policy
	// Round 1: the region (and its S3 host), the service accounts and
	// the policies.
	err := parallel(
		func() (err error) { p.Endpoint, err = req.Storage.S3Endpoint(ctx); return },
		ifThen(r != nil, func() (err error) { sas, err = collect(req.IAM.AllServiceAccounts(ctx, nil)); return }),
		ifThen(r != nil && (r.ManagedPolicy != "" || r.NewPolicy != nil), func() (err error) { pols, err = collect(req.IAM.AllPolicies(ctx, nil)); return }),
		ifThen(r != nil && r.PolicyID != "", func() error {
			pol, err := req.IAM.GetPolicy(ctx, r.PolicyID)
			p.Policy = &pol
			return err
		}),
	)
	if err != nil {
		return nil, err
	}
	var samePolicy *viam.Policy // an own policy named as NewPolicy
	if r != nil {
		for i := range sas {
			if sas[i].Name == r.ServiceAccount {
				p.ServiceAccount = &sas[i]
			}
		}
		if p.ServiceAccount == nil {
			p.ServiceAccountsLeft = MaxServiceAccounts - len(sas)
			switch {
			case r.MustExist:
				refuse("no service account is called %q", r.ServiceAccount)
			case p.ServiceAccountsLeft <= 0:
				refuse("the account has %d service accounts, vIAM's limit is %d: delete one, or reuse one", len(sas), MaxServiceAccounts)
			}
		}
		own := 0
		for i := range pols {
			managed := isManagedName(pols[i].Name)
			if !managed {
				own++
			}
			switch {
			case r.ManagedPolicy != "" && pols[i].Name == r.ManagedPolicy:
				p.Policy = &pols[i]
			case r.NewPolicy != nil && pols[i].Name == r.NewPolicy.Name:
				samePolicy = &pols[i]
			}
		}
		if pols != nil {
			p.PoliciesLeft = MaxPolicies - own
		}
		switch {
		case r.ManagedPolicy != "" && p.Policy == nil:
			refuse("no policy is called %q (names are case sensitive)", r.ManagedPolicy)
		case r.NewPolicy != nil && samePolicy == nil && p.PoliciesLeft <= 0:
			refuse("the account has %d policies of its own, vIAM's limit is %d: delete one, or attach a managed policy", own, MaxPolicies)
		}
	}
	// Round 2: the project (when not named, it comes first), its keys,
	// the bucket and its policy, the reused account's policies and a
	// reused policy's statements.
	projectID := req.ProjectID
	if projectID == "" {
		if p.Project, err = req.Storage.firstProject(ctx); err != nil {
			return nil, err
		}
		projectID = p.Project.ID
	}
	var bucketErr error
	var attached []viam.Policy
	err = parallel(
		ifThen(req.ProjectID != "", func() (err error) { p.Project, err = req.Storage.GetProject(ctx, projectID); return }),
		func() (err error) { p.Keys, err = req.Storage.ListS3Keys(ctx, projectID); return },
		ifThen(req.Bucket != "", func() error {
			bucketErr = p.readBucket(ctx, projectID)
			return nil
		}),
		ifThen(p.ServiceAccount != nil && (p.Policy != nil || samePolicy != nil), func() (err error) {
			attached, err = collect(req.IAM.AllServiceAccountPolicies(ctx, p.ServiceAccount.ID, nil))
			return
		}),
		ifThen(samePolicy != nil, func() error {
			pol, err := req.IAM.GetPolicy(ctx, samePolicy.ID)
			samePolicy = &pol
			return err
		}),
	)
	if err == nil {
		err = bucketErr
	}
	if err != nil {
		return nil, err
	}
	p.KeysLeft = MaxS3Keys - len(p.Keys)
	if req.ExistingKey != "" {
		p.findKey(refuse)
	} else if p.KeysLeft <= 0 {
		refuse("project %s has %d S3 keys, vStorage's limit is %d: delete one (or rotate a key instead)", projectID, len(p.Keys), MaxS3Keys)
	}
	if samePolicy != nil {
		if !sameStatements(samePolicy.Document, r.NewPolicy.Document) {
			refuse("a policy called %q exists (ID %s) with other statements: choose another name, or reuse it by ID", r.NewPolicy.Name, samePolicy.ID)
		}
		p.Policy = samePolicy
	}
	if p.Policy != nil {
		for _, a := range attached {
			p.PolicyAttached = p.PolicyAttached || a.ID == p.Policy.ID
		}
	}
	if len(problems) > 0 {
		return nil, &PlanError{Op: op, Problems: problems}
	}
	p.Steps = p.steps()
	return p, nil
}

// findKey finds the existing key to restrict among the project's keys.
func (p *SetupPlan) findKey(refuse func(string, ...any)) {
	id, name := p.req.ExistingKey, p.req.Restrict.ServiceAccount
	for i, k := range p.Keys {
		if k.AccessKey == id || k.ID == id {
			p.Key = &p.Keys[i]
		}
	}
	switch {
	case p.Key == nil:
		refuse("project %s has no S3 key with access key or ID %s", p.Project.ID, id)
	case p.Key.Restricted() && p.Key.ServiceAccountName() != name:
		refuse("key %s acts as service account %q already (subUserId %s): unlink it first (UnlinkS3Key), or name that account", p.Key.AccessKey, p.Key.ServiceAccountName(), p.Key.SubUserID)
	case p.Key.Restricted():
		p.KeyLinked = true
	}
}

// readBucket reads whether the bucket exists and, if so, its policy.
func (p *SetupPlan) readBucket(ctx context.Context, projectID string) error {
	st, b := p.req.Storage, p.req.Bucket
	var getErr, polErr error
	var pol BucketPolicy
	// Both at once. For a missing bucket the policy call would read the
	// bucket again to tell; it is not needed then, so it is cancelled.
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parallel(
		func() error {
			if _, getErr = st.GetBucket(ctx, projectID, b); errors.Is(getErr, vngcloud.ErrNotFound) {
				cancel()
			}
			return nil
		},
		ifThen(p.req.Restrict != nil, func() error { pol, polErr = st.GetBucketPolicy(pctx, projectID, b); return nil }),
	)
	switch {
	case getErr == nil:
		p.BucketExists, p.BucketPolicy = true, pol
		return polErr
	case errors.Is(getErr, vngcloud.ErrNotFound):
		return nil
	}
	return getErr
}

func (p *SetupPlan) steps() []PlannedStep {
	req, r := p.req, p.req.Restrict
	var s []PlannedStep
	add := func(step, action, format string, args ...any) {
		s = append(s, PlannedStep{Step: step, Action: action, Detail: fmt.Sprintf(format, args...)})
	}
	if p.Key != nil {
		add(StepS3Key, "reuse", "%s (key ID %s)", p.Key.AccessKey, p.Key.ID)
	} else {
		add(StepS3Key, "create", "a new key in project %s (%d of %d left)", p.Project.ID, p.KeysLeft, MaxS3Keys)
	}
	if req.Bucket != "" {
		if p.BucketExists {
			add(StepBucket, "reuse", "%s exists", req.Bucket)
		} else {
			add(StepBucket, "create", "%s", req.Bucket)
		}
	}
	if r != nil {
		if p.ServiceAccount != nil {
			add(StepServiceAccount, "reuse", "%s (ID %s)", p.ServiceAccount.Name, p.ServiceAccount.ID)
		} else {
			add(StepServiceAccount, "create", "%s (%d of %d left)", r.ServiceAccount, p.ServiceAccountsLeft, MaxServiceAccounts)
		}
		switch {
		case r.NewPolicy != nil && p.Policy == nil:
			add(StepPolicy, "create", "%s (%d of %d left)", r.NewPolicy.Name, p.PoliciesLeft, MaxPolicies)
		case p.Policy != nil:
			add(StepPolicy, "reuse", "%s (ID %s)", p.Policy.Name, p.Policy.ID)
		}
		if name := r.policyName(p.Policy); name != "" {
			if p.PolicyAttached {
				add(StepAttach, "none", "%s is attached to %s already", name, r.ServiceAccount)
			} else {
				add(StepAttach, "attach", "%s to %s", name, r.ServiceAccount)
			}
		}
		add(StepPrincipal, "create", "the storage principal of %s (made once per account, kept)", r.ServiceAccount)
		link := func() {
			switch {
			case p.KeyLinked:
				add(StepLink, "none", "%s acts as %s already", p.Key.AccessKey, r.ServiceAccount)
			case p.Key != nil:
				add(StepLink, "link", "%s to %s, after the grant (restriction by vIAM: on)", p.Key.AccessKey, r.ServiceAccount)
			default:
				add(StepLink, "link", "the new key to %s (restriction by vIAM: on)", r.ServiceAccount)
			}
		}
		if p.Key == nil {
			link()
		}
		if req.Bucket != "" {
			kept := len(p.BucketPolicy.Statement)
			add(StepGrant, "grant", "read/write on %s to the principal of %s (the policy's %d statements kept)", req.Bucket, r.ServiceAccount, kept)
		}
		if p.Key != nil {
			link()
		}
	}
	if req.Config != nil {
		add(StepConfig, "write", "%s", p.ConfigWhere)
	}
	return s
}

func (r *Restriction) policyName(existing *viam.Policy) string {
	switch {
	case existing != nil:
		return existing.Name
	case r.NewPolicy != nil:
		return r.NewPolicy.Name
	}
	return ""
}

func (req *SetupRequest) validate(op string) error {
	bad := func(field, reason string) error {
		return &vngcloud.ValidationError{Operation: op, Field: field, Reason: reason}
	}
	switch {
	case req.Storage == nil:
		return bad("Storage", "is nil")
	case req.ProjectID != "" && httpcore.ValidateID(op, "ProjectID", req.ProjectID) != nil:
		return httpcore.ValidateID(op, "ProjectID", req.ProjectID)
	}
	if req.Bucket != "" {
		if err := ValidateBucketName(req.Bucket); err != nil {
			return bad("Bucket", err.Error())
		}
	}
	r := req.Restrict
	if req.ExistingKey != "" && (r == nil || req.Config != nil) {
		return bad("ExistingKey", "needs Restrict and no Config (the key's secret is not known)")
	}
	if r == nil {
		return nil
	}
	if req.IAM == nil {
		return bad("IAM", "is nil; a restricted key needs the vIAM client")
	}
	if err := viam.ValidateServiceAccountName(r.ServiceAccount); err != nil {
		return bad("Restrict.ServiceAccount", err.Error())
	}
	n := 0
	for _, set := range []bool{r.ManagedPolicy != "", r.PolicyID != "", r.NewPolicy != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		return bad("Restrict", "give at most one of ManagedPolicy, PolicyID and NewPolicy")
	}
	if r.NewPolicy != nil {
		if r.NewPolicy.Name == "" {
			return bad("Restrict.NewPolicy.Name", "is empty")
		}
		if isManagedName(r.NewPolicy.Name) {
			return bad("Restrict.NewPolicy.Name", "is a managed policy's name; use ManagedPolicy")
		}
		if err := r.NewPolicy.Document.Validate(); err != nil {
			return bad("Restrict.NewPolicy.Document", err.Error())
		}
	}
	return nil
}

// managedNames are the managed vStorage policies (docs/api.md §3.4); the
// plan does not count them against MaxPolicies.
var managedNames = []string{
	viam.PolicyVStorageFullAccess, viam.PolicyVStorageNormalAccess, viam.PolicyVStorageReadOnlyAccess,
	viam.PolicyVStorageAPIFullAccess, viam.PolicyVStorageAPIReadOnlyAccess,
	viam.PolicyVStorageIAMUserFullAccess, viam.PolicyVStorageIAMUserReadOnlyAccess,
	viam.PolicyVStorageClientToolFullAccess, viam.PolicyVStorageClientToolReadOnlyAccess,
}

func isManagedName(name string) bool {
	for _, m := range managedNames {
		if m == name {
			return true
		}
	}
	return false
}

func sameStatements(a, b viam.PolicyDocument) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// collect drains an iterator into a slice (non-nil when it succeeds).
func collect[T any](seq func(func(T, error) bool)) ([]T, error) {
	out := []T{}
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// ifThen returns f when cond holds and nil otherwise, for parallel.
func ifThen(cond bool, f func() error) func() error {
	if cond {
		return f
	}
	return nil
}

// firstProject returns the first project of the client's region.
func (c *Client) firstProject(ctx context.Context) (Project, error) {
	projects, err := c.ListProjects(ctx)
	if err != nil {
		return Project{}, err
	}
	if len(projects) == 0 {
		return Project{}, &PlanError{Op: "vstorage.Setup", Problems: []string{fmt.Sprintf(
			"the account has no vStorage project in region %s: create one in the vStorage console, or choose another region", c.region.Name)}}
	}
	return projects[0], nil
}

// S3Endpoint returns where the client's region's S3 data plane answers,
// as a config file should name it: the s3Host GET regions reports for the
// region, else the built-in region table's. The one GET regions it sends
// also gives the client the region's UUID for the region headers, so the
// client's own lookup is not sent.
func (c *Client) S3Endpoint(ctx context.Context) (S3Endpoint, error) {
	if ctx == nil {
		return S3Endpoint{}, &vngcloud.ValidationError{Operation: "vstorage.S3Endpoint", Field: "ctx", Reason: "nil context"}
	}
	regions, err := c.ListRegions(ctx)
	if err != nil {
		return S3Endpoint{}, err
	}
	c.keepRegionID(regions)
	if ep, ok := s3EndpointOf(regions, c.region.Name, c.fixedID); ok {
		return ep, nil
	}
	return S3Endpoint{}, c.core.Fail(&httpcore.Request{Op: "vstorage.S3Endpoint", Method: http.MethodGet, Path: "regions"},
		httpcore.Failure{Message: fmt.Sprintf("vStorage reports no S3 host for region %q and it is not one of the known regions", cmp.Or(c.region.Name, c.fixedID))})
}

// keepRegionID remembers the region's UUID from a list of regions read for
// another purpose, so that the next call needs no lookup.
func (c *Client) keepRegionID(regions []RegionInfo) {
	if c.fixedID != "" {
		return
	}
	if id, err := c.pickRegion(regions); err == nil {
		c.mu.Lock()
		c.regionID = cmp.Or(c.regionID, id)
		c.mu.Unlock()
	}
}

// s3EndpointOf finds the S3 endpoint of the region with this name (or,
// when name is "", this UUID): the host vStorage reports for it, or else
// the built-in one of a known region.
func s3EndpointOf(regions []RegionInfo, name, id string) (S3Endpoint, bool) {
	for _, r := range regions {
		if !strings.EqualFold(r.Name, name) && (name != "" || r.ID != id) {
			continue
		}
		name = cmp.Or(r.Name, name)
		if host := strings.TrimSpace(r.S3Host); host != "" {
			if !strings.Contains(host, "://") {
				host = "https://" + host
			}
			return S3Endpoint{Region: name, URL: strings.TrimSuffix(host, "/"), Source: "reported by vStorage"}, true
		}
		break
	}
	if r, ok := region.ByName(name); ok {
		return S3Endpoint{Region: r.Name, URL: r.S3URL(), Source: "built in"}, true
	}
	return S3Endpoint{}, false
}
