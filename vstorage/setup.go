package vstorage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
)

// SetupResult is what a Setup run made and reused.
type SetupResult struct {
	// Project is the project the key is in; Endpoint is the S3 data plane
	// the config names.
	Project  Project
	Endpoint S3Endpoint
	// Key is the new key, with its secret (a vngcloud.Secret, which
	// prints as [REDACTED]). The secret is not shown again by vStorage.
	Key S3Key
	// ServiceAccount, Policy and Principal are set for a restricted key:
	// the account the key acts as, the vIAM policy attached to it (nil
	// when none), and the account's storage principal.
	ServiceAccount *viam.ServiceAccount
	Policy         *viam.Policy
	Principal      *Principal
	// ConfigWritten says where the config was written ("" without
	// SetupRequest.Config).
	ConfigWritten string
	// Created lists what this run created or changed, in the order it
	// happened; Reused lists what it found and used as it was.
	Created, Reused []Change
}

// Setup does what the vStorage console does before it hands out an s3cmd
// configuration (docs/api.md §3.5 and §4): it plans (PlanSetup: every check
// before any change), then creates an S3 key and, with Restrict, the
// service account, policy, attachment, principal, link and bucket grant,
// then writes the config. What exists already is reused, so the same
// request run twice creates no second service account or policy.
//
// When a step fails after the plan (the config write, a cancelled context
// and an interrupt included), what this run created is undone, newest
// first, with a context of its own bounded by UndoTimeout; what it reused
// is never touched. The error is then a *FlowError that lists each undo's
// outcome and, for a create whose answer was lost
// ([vngcloud.ErrMaybeApplied]), what to look for. A refused plan is a
// *PlanError: nothing was changed.
//
// Steps that do not depend on each other run at the same time (the key and
// the service account; the principal and the link), and nothing is looked
// up twice, so the unrestricted flow takes 4 round trips and the
// restricted one 6 when ProjectID is given (docs/BENCHMARKS.md).
func Setup(ctx context.Context, req SetupRequest) (*SetupResult, error) {
	p, err := PlanSetup(ctx, req)
	if err != nil {
		return nil, err
	}
	return p.Apply(ctx)
}

// Apply carries out the plan; see Setup. A plan is applied once: the
// reads it holds age, and a second Apply would find what the first made.
func (p *SetupPlan) Apply(ctx context.Context) (*SetupResult, error) {
	if ctx == nil {
		return nil, &vngcloud.ValidationError{Operation: "vstorage.Setup", Field: "ctx", Reason: "nil context"}
	}
	req := p.req
	j := &journal{op: "vstorage.Setup", progress: req.Progress, keep: req.KeepPartial}
	res := &SetupResult{Project: p.Project, Endpoint: p.Endpoint, ServiceAccount: p.ServiceAccount, Policy: p.Policy}
	if err := p.apply(ctx, j, res); err != nil {
		return nil, j.fail(ctx, err, req.KeepPartial, req.UndoTimeout)
	}
	res.Created, res.Reused = j.created, j.reused
	return res, nil
}

func (p *SetupPlan) apply(ctx context.Context, j *journal, res *SetupResult) error {
	req, r := p.req, p.req.Restrict
	st, projectID := req.Storage, p.Project.ID
	// Round 1: the key, the service account, the bucket and a new policy.
	err := parallel(
		func() error { return j.step(StepS3Key, func() (string, error) { return p.createKey(ctx, j, res) }) },
		ifThen(r != nil, func() error {
			return j.step(StepServiceAccount, func() (string, error) { return p.serviceAccount(ctx, j, res) })
		}),
		ifThen(req.Bucket != "", func() error {
			return j.step(StepBucket, func() (string, error) { return p.bucket(ctx, j) })
		}),
		ifThen(r != nil && (r.NewPolicy != nil || p.Policy != nil), func() error {
			return j.step(StepPolicy, func() (string, error) { return p.policy(ctx, j, res) })
		}),
	)
	if err != nil {
		return err
	}
	if r != nil {
		// Round 2: attach the policy, make the principal, link the key.
		sa := res.ServiceAccount
		if p.ServiceAccount == nil {
			// The principal call and the link both make the account's
			// storage sub-user, which no API deletes.
			j.made(Change{Kind: KindPrincipal, Name: "sa-" + sa.Name,
				Detail: "the storage sub-user of the new service account; no API deletes it; it grants nothing by itself, but a service account given this name later inherits bucket policies that name it"}, "", nil)
		}
		linkStep := func() error {
			return j.step(StepLink, func() (string, error) { return link(ctx, j, st, projectID, res.Key, sa) })
		}
		err = parallel(
			ifThen(res.Policy != nil && !p.PolicyAttached, func() error {
				return j.step(StepAttach, func() (string, error) { return attach(ctx, j, req.IAM, res.Policy, sa) })
			}),
			func() error {
				return j.step(StepPrincipal, func() (string, error) {
					pr, err := st.EnsureServiceAccountPrincipal(ctx, projectID, sa.ID)
					if err != nil {
						return "", err
					}
					res.Principal = &pr
					if p.ServiceAccount != nil {
						j.reuse(Change{Kind: KindPrincipal, Name: pr.SubUserID})
					}
					return pr.ARN, nil
				})
			},
			ifThen(p.Key == nil, linkStep),
		)
		if err != nil {
			return err
		}
		// Round 3: the bucket grant, which names the principal.
		if req.Bucket != "" {
			err = j.step(StepGrant, func() (string, error) {
				return grant(ctx, j, st, projectID, req.Bucket, p.BucketPolicy, res.Principal.ARN)
			})
			if err != nil {
				return err
			}
		}
		// An existing key is linked last: linked earlier, it would lose
		// its rights before the grant gives them back.
		if p.Key != nil && !p.KeyLinked {
			if err := linkStep(); err != nil {
				return err
			}
		}
	}
	if req.Config != nil {
		return j.step(StepConfig, func() (string, error) {
			where, err := req.Config.Write(p.configValues(res.Key))
			res.ConfigWritten = where
			return where, err
		})
	}
	return nil
}

func (p *SetupPlan) createKey(ctx context.Context, j *journal, res *SetupResult) (string, error) {
	st, projectID := p.req.Storage, p.Project.ID
	if k := p.Key; k != nil {
		res.Key = *k
		j.reuse(Change{Kind: KindS3Key, ID: k.ID, Name: k.AccessKey})
		return fmt.Sprintf("using %s (key ID %s), which exists", k.AccessKey, k.ID), nil
	}
	k, err := st.CreateS3Key(ctx, projectID)
	if k.ID != "" {
		j.made(Change{Kind: KindS3Key, ID: k.ID, Name: k.AccessKey}, "deleted", func(ctx context.Context) error {
			return st.DeleteS3Key(ctx, projectID, k.ID)
		})
	}
	if err != nil {
		if errors.Is(err, vngcloud.ErrMaybeApplied) {
			j.maybe("an S3 key in project %s that is not one of the %d it had before this run (%s): delete it if nothing uses it",
				projectID, len(p.Keys), accessKeys(p.Keys))
		}
		return "", err
	}
	res.Key = k
	return fmt.Sprintf("created access key %s (key ID %s)", k.AccessKey, k.ID), nil
}

func (p *SetupPlan) serviceAccount(ctx context.Context, j *journal, res *SetupResult) (string, error) {
	if sa := p.ServiceAccount; sa != nil {
		j.reuse(Change{Kind: KindServiceAccount, ID: sa.ID, Name: sa.Name})
		return fmt.Sprintf("using %s (ID %s), which exists", sa.Name, sa.ID), nil
	}
	iam, name := p.req.IAM, p.req.Restrict.ServiceAccount
	created, err := iam.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{
		Name:        name,
		Description: "S3 key restriction (vngcloud vstorage.Setup)",
	})
	if created.ID != "" {
		id := created.ID
		j.made(Change{Kind: KindServiceAccount, ID: id, Name: name}, "deleted", func(ctx context.Context) error {
			return iam.DeleteServiceAccount(ctx, id)
		})
	}
	if err != nil {
		if errors.Is(err, vngcloud.ErrMaybeApplied) {
			j.maybe("a service account called %q (the name was free before this run): delete it in the vIAM console if it exists", name)
		}
		return "", err
	}
	sa := created.ServiceAccount
	res.ServiceAccount = &sa
	return fmt.Sprintf("created %s (ID %s)", sa.Name, sa.ID), nil
}

func (p *SetupPlan) bucket(ctx context.Context, j *journal) (string, error) {
	st, projectID, b := p.req.Storage, p.Project.ID, p.req.Bucket
	if p.BucketExists {
		j.reuse(Change{Kind: KindBucket, Name: b})
		return b + " exists", nil
	}
	if _, err := st.CreateBucket(ctx, projectID, b); err != nil {
		if unanswered(err) {
			j.maybe("bucket %s in project %s (it did not exist before this run): delete it if it is empty and unwanted", b, projectID)
		}
		return "", err
	}
	j.made(Change{Kind: KindBucket, Name: b, Detail: "created empty"}, "deleted", func(ctx context.Context) error {
		return st.DeleteBucket(ctx, projectID, b)
	})
	return "created " + b, nil
}

func (p *SetupPlan) policy(ctx context.Context, j *journal, res *SetupResult) (string, error) {
	if pol := p.Policy; pol != nil {
		detail := ""
		if isManagedName(pol.Name) || pol.Managed() {
			detail = "managed by VNG CLOUD"
		}
		j.reuse(Change{Kind: KindPolicy, ID: pol.ID, Name: pol.Name, Detail: detail})
		return fmt.Sprintf("using %s (ID %s)", pol.Name, pol.ID), nil
	}
	iam, pr := p.req.IAM, *p.req.Restrict.NewPolicy
	id, err := iam.CreatePolicy(ctx, pr)
	if err != nil {
		if errors.Is(err, vngcloud.ErrMaybeApplied) {
			j.maybe("a policy called %q (the name was free before this run): delete it in the vIAM console if it exists", pr.Name)
		}
		return "", err
	}
	j.made(Change{Kind: KindPolicy, ID: id, Name: pr.Name}, "deleted", func(ctx context.Context) error {
		return iam.DeletePolicy(ctx, id)
	})
	res.Policy = &viam.Policy{ID: id, Name: pr.Name, Description: pr.Description, Document: pr.Document}
	return fmt.Sprintf("created %s (ID %s)", pr.Name, id), nil
}

// LockKey restricts an existing S3 key by vIAM to what a service account
// may do, usually read/write on one bucket: it is Setup with
// req.ExistingKey set, on the same machinery (plan first, reuse over
// create, undo on failure). The service account is reused or created, its
// principal gets read/write on req.Bucket through the bucket's policy, and
// only then is the key linked, so that it never holds fewer rights than
// the grant gives. A key that acts as another service account already is
// refused; one that acts as this one is left linked.
//
// Even linked, a key can list the project's buckets and create buckets
// (docs/api.md §2.4).
func LockKey(ctx context.Context, req SetupRequest) (*SetupResult, error) {
	if req.ExistingKey == "" || req.Bucket == "" {
		return nil, &vngcloud.ValidationError{Operation: "vstorage.LockKey", Field: "ExistingKey, Bucket", Reason: "both are required"}
	}
	return Setup(ctx, req)
}

// attach attaches the policy to the account. Its undo also runs when the
// answer was lost: a detach is right whether or not the attach happened,
// and the service says which.
func attach(ctx context.Context, j *journal, iam *viam.Client, pol *viam.Policy, sa *viam.ServiceAccount) (string, error) {
	err := iam.AttachPolicy(ctx, pol.ID, sa.ID)
	if err == nil || errors.Is(err, vngcloud.ErrMaybeApplied) {
		j.made(Change{Kind: KindAttachment, ID: pol.ID, Name: pol.Name + " → " + sa.Name}, "detached", func(ctx context.Context) error {
			err := iam.DetachPolicy(ctx, pol.ID, sa.ID)
			if errors.Is(err, vngcloud.ErrNotFound) {
				return nil // it was not attached: the lost answer was a refusal
			}
			return err
		})
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is attached to %s", pol.Name, sa.Name), nil
}

// link links the key to the account (restriction by vIAM: on). Its undo
// also runs when the answer was lost: a detach is right whether or not
// the link happened, and the service says which ("not attached" is a
// conflict).
func link(ctx context.Context, j *journal, st *Client, projectID string, k S3Key, sa *viam.ServiceAccount) (string, error) {
	err := st.LinkS3Key(ctx, projectID, k.ID, sa.ID)
	if err == nil || errors.Is(err, vngcloud.ErrMaybeApplied) {
		c := Change{Kind: KindLink, ID: k.ID, Name: k.AccessKey + " → " + sa.Name}
		if err != nil {
			c.Detail = "the answer was lost: it may not have happened"
		}
		j.made(c, "detached", func(ctx context.Context) error {
			err := st.UnlinkS3Key(ctx, projectID, k.ID)
			if errors.Is(err, vngcloud.ErrConflict) {
				return nil // it was not linked: the lost answer was a refusal
			}
			return err
		})
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s acts as %s now (restriction by vIAM: on)", k.AccessKey, sa.Name), nil
}

// grant adds read/write statements for arn to the bucket's policy, keeping
// the statements it holds (prev, read by the plan; no statements: no
// policy). When they are there already nothing is sent. Its undo puts prev
// back (or deletes the policy when there was none), which is right whether
// or not a lost answer's change happened.
func grant(ctx context.Context, j *journal, st *Client, projectID, bucket string, prev BucketPolicy, arn string) (string, error) {
	want := ReadWriteBucketPolicy(bucket, arn)
	doc := want
	kept := len(prev.Statement)
	if kept > 0 {
		if containsStatements(prev.Statement, want.Statement) {
			j.reuse(Change{Kind: KindGrant, Name: bucket, Detail: "read/write for " + arn + " was there already"})
			return fmt.Sprintf("the policy of %s gives %s read/write already", bucket, arn), nil
		}
		doc = prev
		doc.Statement = append(append([]PolicyStatement(nil), prev.Statement...), want.Statement...)
	}
	err := st.PutBucketPolicy(ctx, projectID, bucket, doc)
	if err == nil || errors.Is(err, vngcloud.ErrMaybeApplied) {
		action, undo := "restored the previous policy of", func(ctx context.Context) error {
			return st.PutBucketPolicy(ctx, projectID, bucket, prev)
		}
		if kept == 0 {
			action, undo = "deleted the policy of", func(ctx context.Context) error {
				return st.DeleteBucketPolicy(ctx, projectID, bucket)
			}
		}
		j.made(Change{Kind: KindGrant, Name: bucket, Detail: "read/write for " + arn}, action, undo)
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("the policy of %s gives %s read/write (its %d earlier statements kept)", bucket, arn, kept), nil
}

// unanswered reports whether a call failed without an answer from the
// service (or with one that says the change may have happened): a
// retried idempotent create may then have happened.
func unanswered(err error) bool {
	if errors.Is(err, vngcloud.ErrMaybeApplied) {
		return true
	}
	var ae *vngcloud.APIError
	return errors.As(err, &ae) && ae.StatusCode == 0 && !errors.Is(err, vngcloud.ErrInvalidInput)
}

func containsStatements(have, want []PolicyStatement) bool {
	set := map[string]bool{}
	for _, s := range have {
		b, _ := json.Marshal(s)
		set[string(b)] = true
	}
	for _, s := range want {
		b, _ := json.Marshal(s)
		if !set[string(b)] {
			return false
		}
	}
	return true
}

func accessKeys(keys []S3Key) string {
	if len(keys) == 0 {
		return "none"
	}
	s := make([]string, len(keys))
	for i, k := range keys {
		s[i] = k.AccessKey
	}
	return strings.Join(s, ", ")
}
