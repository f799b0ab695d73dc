package viam

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// attachment is the request of AttachPolicy and EnsurePolicyAttached.
func attachment(op, policyID, serviceAccountID string) *httpcore.Request {
	return &httpcore.Request{Op: op, Method: http.MethodPost, Path: policiesAPI + "policies/{policyID}/service-accounts/{serviceAccountID}",
		Args: []string{policyID, serviceAccountID}, Once: true,
		IfUnsure: fmt.Sprintf("list the service account's policies (ListServiceAccountPolicies(%q)) to see whether it is attached, or use EnsurePolicyAttached, which is safe to repeat", serviceAccountID)}
}

// AttachPolicy attaches a policy to a service account
// (POST policies-api/v1/policies/{policyID}/service-accounts/{serviceAccountID},
// no body, 204). A policy that is already attached answers 409: the error
// matches [vngcloud.ErrConflict]; use [Client.EnsurePolicyAttached] to
// treat that as success. The call is never retried; if its outcome is
// unknown the error matches [vngcloud.ErrMaybeApplied].
func (c *Client) AttachPolicy(ctx context.Context, policyID, serviceAccountID string) error {
	_, err := do[struct{}](ctx, c, attachment("viam.AttachPolicy", policyID, serviceAccountID))
	return err
}

// EnsurePolicyAttached makes sure a policy is attached to a service
// account: it attaches it, and treats the 409 of an existing attachment as
// success. Since a repeat is harmless here, an attempt whose outcome is
// unknown ([vngcloud.ErrMaybeApplied]) is followed by one more; other
// errors are returned as they are.
func (c *Client) EnsurePolicyAttached(ctx context.Context, policyID, serviceAccountID string) error {
	_, err := do[struct{}](ctx, c, attachment("viam.EnsurePolicyAttached", policyID, serviceAccountID))
	if errors.Is(err, vngcloud.ErrMaybeApplied) && ctx.Err() == nil {
		_, err = do[struct{}](ctx, c, attachment("viam.EnsurePolicyAttached", policyID, serviceAccountID))
	}
	if errors.Is(err, vngcloud.ErrConflict) {
		return nil
	}
	return err
}

// DetachPolicy detaches a policy from a service account
// (DELETE policies-api/v1/policies/{policyID}/service-accounts/{serviceAccountID},
// 204). It is retried like any idempotent call. Detaching a policy that is
// not attached gives the service's error (typically
// [vngcloud.ErrNotFound]).
func (c *Client) DetachPolicy(ctx context.Context, policyID, serviceAccountID string) error {
	_, err := do[struct{}](ctx, c, &httpcore.Request{Op: "viam.DetachPolicy", Method: http.MethodDelete,
		Path: policiesAPI + "policies/{policyID}/service-accounts/{serviceAccountID}", Args: []string{policyID, serviceAccountID}})
	return err
}

// ListServiceAccountPolicies returns one page of the policies attached to
// a service account
// (GET policies-api/v1/user-attachments/service-accounts/{id}/policies?pageNumber=&pageSize=).
// opts may be nil for the first page of [DefaultPageSize] rows.
func (c *Client) ListServiceAccountPolicies(ctx context.Context, serviceAccountID string, opts *PageOptions) (Page[Policy], error) {
	q, err := opts.query("viam.ListServiceAccountPolicies")
	if err != nil {
		return Page[Policy]{}, err
	}
	return c.saPolicies("viam.ListServiceAccountPolicies", serviceAccountID)(ctx, q)
}

// saPolicies lists a service account's policies, for op.
func (c *Client) saPolicies(op, serviceAccountID string) func(context.Context, listQuery) (Page[Policy], error) {
	return lister[Policy](c, op, policiesAPI+"user-attachments/service-accounts/{serviceAccountID}/policies", serviceAccountID)
}

// AllServiceAccountPolicies iterates over every policy attached to a
// service account, fetching pages as the loop needs them. opts is copied;
// it may be nil. An error is yielded once, as the last value.
func (c *Client) AllServiceAccountPolicies(ctx context.Context, serviceAccountID string, opts *PageOptions) iter.Seq2[Policy, error] {
	const op = "viam.AllServiceAccountPolicies"
	q, err := opts.query(op)
	if err == nil {
		err = httpcore.ValidateID(op, "serviceAccountID", serviceAccountID)
	}
	return all(ctx, c, op, q, err, c.saPolicies(op, serviceAccountID))
}
