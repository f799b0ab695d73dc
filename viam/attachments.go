package viam

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

func checkPair(op, policyID, serviceAccountID string) error {
	if err := checkID(op, "policyID", policyID); err != nil {
		return err
	}
	return checkID(op, "serviceAccountID", serviceAccountID)
}

func (c *Client) attach(ctx context.Context, op, policyID, serviceAccountID string) error {
	return c.core.Do(ctx, &httpcore.Request{Op: op, Method: http.MethodPost,
		Path: policiesAPI + "policies/{}/service-accounts/{}", Args: []string{policyID, serviceAccountID}, Once: true,
		IfUnsure: fmt.Sprintf("list the service account's policies (ListServiceAccountPolicies(%q)) to see whether it is attached, or use EnsurePolicyAttached, which is safe to repeat", serviceAccountID),
	}, nil)
}

// AttachPolicy attaches a policy to a service account
// (POST policies-api/v1/policies/{policyID}/service-accounts/{serviceAccountID},
// no body, 204). A policy that is already attached answers 409: the error
// matches [vngcloud.ErrConflict]; use [Client.EnsurePolicyAttached] to
// treat that as success. The call is never retried; if its outcome is
// unknown the error matches [vngcloud.ErrMaybeApplied].
func (c *Client) AttachPolicy(ctx context.Context, policyID, serviceAccountID string) error {
	const op = "viam.AttachPolicy"
	if err := checkPair(op, policyID, serviceAccountID); err != nil {
		return err
	}
	return c.attach(ctx, op, policyID, serviceAccountID)
}

// EnsurePolicyAttached makes sure a policy is attached to a service
// account: it attaches it, and treats the 409 of an existing attachment as
// success. Since a repeat is harmless here, an attempt whose outcome is
// unknown ([vngcloud.ErrMaybeApplied]) is followed by one more; other
// errors are returned as they are.
func (c *Client) EnsurePolicyAttached(ctx context.Context, policyID, serviceAccountID string) error {
	const op = "viam.EnsurePolicyAttached"
	if err := checkPair(op, policyID, serviceAccountID); err != nil {
		return err
	}
	err := c.attach(ctx, op, policyID, serviceAccountID)
	if errors.Is(err, vngcloud.ErrMaybeApplied) && ctx.Err() == nil {
		err = c.attach(ctx, op, policyID, serviceAccountID)
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
	const op = "viam.DetachPolicy"
	if err := checkPair(op, policyID, serviceAccountID); err != nil {
		return err
	}
	return c.core.Do(ctx, &httpcore.Request{Op: op, Method: http.MethodDelete,
		Path: policiesAPI + "policies/{}/service-accounts/{}", Args: []string{policyID, serviceAccountID}}, nil)
}

// ListServiceAccountPolicies returns one page of the policies attached to
// a service account
// (GET policies-api/v1/user-attachments/service-accounts/{id}/policies?pageNumber=&pageSize=).
// opts may be nil for the first page of [DefaultPageSize] rows.
func (c *Client) ListServiceAccountPolicies(ctx context.Context, serviceAccountID string, opts *PageOptions) (Page[Policy], error) {
	const op = "viam.ListServiceAccountPolicies"
	if err := checkID(op, "serviceAccountID", serviceAccountID); err != nil {
		return Page[Policy]{}, err
	}
	q, err := opts.query(op)
	if err != nil {
		return Page[Policy]{}, err
	}
	return c.listServiceAccountPolicies(op, serviceAccountID)(ctx, q)
}

// listServiceAccountPolicies returns a page fetcher whose errors name op.
func (c *Client) listServiceAccountPolicies(op, serviceAccountID string) func(context.Context, listQuery) (Page[Policy], error) {
	return func(ctx context.Context, q listQuery) (Page[Policy], error) {
		var p Page[Policy]
		if err := getPage(ctx, c, &httpcore.Request{Op: op, Method: http.MethodGet,
			Path: policiesAPI + "user-attachments/service-accounts/{}/policies", Args: []string{serviceAccountID}, Query: q}, &p); err != nil {
			return Page[Policy]{}, err
		}
		return checkPage(c, op, policiesAPI+"user-attachments/service-accounts/"+url.PathEscape(serviceAccountID)+"/policies", p)
	}
}

// AllServiceAccountPolicies iterates over every policy attached to a
// service account, fetching pages as the loop needs them. opts is copied;
// it may be nil. An error is yielded once, as the last value.
func (c *Client) AllServiceAccountPolicies(ctx context.Context, serviceAccountID string, opts *PageOptions) iter.Seq2[Policy, error] {
	const op = "viam.AllServiceAccountPolicies"
	q, err := opts.query(op)
	if err == nil {
		err = checkID(op, "serviceAccountID", serviceAccountID)
	}
	return all(ctx, op, q, err, c.listServiceAccountPolicies(op, serviceAccountID))
}
