package viam

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"net/http"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// ServiceAccount is a vIAM service account: a machine identity that gets
// tokens with its client ID and client secret (see [ClientCredentials]).
type ServiceAccount struct {
	// ID identifies the account in paths (service-accounts/{id}) and
	// attachments. It has no "sa-" prefix.
	ID string `json:"id"`
	// ClientID is the OAuth2 client ID used to get tokens.
	ClientID string `json:"clientId"`
	// Name is unique per root account: 1 to 50 letters, digits, '.', '_',
	// '-' or spaces.
	Name string `json:"name"`
	// Description is free text.
	Description string `json:"description"`
	// AccessTokenLifeSpan is how long, in seconds, the account's tokens
	// live.
	AccessTokenLifeSpan int `json:"accessTokenLifeSpan"`
	// CreatedAt is when the account was created (zero if not sent).
	CreatedAt Timestamp `json:"createdAt"`
	// Enabled reports whether the account may get tokens.
	Enabled bool `json:"enabled"`
	// LastUse is when the account last got a token (zero if never or not
	// sent).
	LastUse Timestamp `json:"lastUse"`
}

// CreateServiceAccountRequest is the body of [Client.CreateServiceAccount].
type CreateServiceAccountRequest struct {
	// Name is required: 1 to 50 characters of letters, digits, '.', '_',
	// '-' and space, unique per root account.
	Name string `json:"name"`
	// Description is optional free text.
	Description string `json:"description"`
}

// CreatedServiceAccount is a new service account and its client secret.
// The secret is shown only at creation (and by
// [Client.ResetServiceAccountSecret]): store it now. It prints as
// [vngcloud.Redacted]; call ClientSecret.Reveal() to use it.
type CreatedServiceAccount struct {
	ServiceAccount
	// ClientSecret is the account's client secret.
	ClientSecret vngcloud.Secret `json:"clientSecret"`
}

// UpdateServiceAccountRequest changes a service account. Nil fields are
// left as they are; use [vngcloud.Ptr] to set one, for example
// Description: vngcloud.Ptr("") to clear the description.
type UpdateServiceAccountRequest struct {
	// Description replaces the description when not nil.
	Description *string `json:"description,omitempty"`
	// AccessTokenLifeSpan sets how long, in seconds, new tokens live, when
	// not nil. It must be positive.
	AccessTokenLifeSpan *int `json:"accessTokenLifeSpan,omitempty"`
}

// resetSecretResponse is the answer of reset-secret.
type resetSecretResponse struct {
	ClientSecret vngcloud.Secret `json:"clientSecret"`
}

// Problem refuses an answer without the new secret: the reset may have
// happened.
func (r resetSecretResponse) Problem() string {
	if r.ClientSecret.IsZero() {
		return "the response carried no clientSecret"
	}
	return ""
}

// MaxServiceAccountNameLength is the longest name vIAM accepts.
const MaxServiceAccountNameLength = 50

// ValidateServiceAccountName checks a name the way the vIAM console does:
// 1 to 50 characters, each a letter (A-Z, a-z), a digit, '.', '_', '-' or a
// space. It returns a [*vngcloud.ValidationError] that says what is wrong.
func ValidateServiceAccountName(name string) error {
	const op = "viam.ValidateServiceAccountName"
	if name == "" {
		return &vngcloud.ValidationError{Operation: op, Field: "Name", Reason: "is empty; use 1 to 50 letters, digits, '.', '_', '-' or spaces"}
	}
	n := 0
	for i, r := range name {
		n++
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == ' '
		if !ok {
			return &vngcloud.ValidationError{Operation: op, Field: "Name",
				Reason: fmt.Sprintf("%q at position %d is not allowed; use letters, digits, '.', '_', '-' or spaces", r, i+1)}
		}
	}
	if n > MaxServiceAccountNameLength {
		return &vngcloud.ValidationError{Operation: op, Field: "Name",
			Reason: fmt.Sprintf("is %d characters long; the limit is %d", n, MaxServiceAccountNameLength)}
	}
	return nil
}

// ListServiceAccounts returns one page of the account's service accounts
// (GET accounts-api/v1/service-accounts?pageNumber=&pageSize=&name=).
// opts may be nil for the first page of [DefaultPageSize] rows.
func (c *Client) ListServiceAccounts(ctx context.Context, opts *ListOptions) (Page[ServiceAccount], error) {
	q, err := opts.query("viam.ListServiceAccounts")
	if err != nil {
		return Page[ServiceAccount]{}, err
	}
	return lister[ServiceAccount](c, "viam.ListServiceAccounts", accountsAPI+"service-accounts")(ctx, q)
}

// AllServiceAccounts iterates over every service account, fetching pages
// of opts.PageSize (default [DefaultPageSize]) from opts.PageNumber on, as
// the loop needs them. opts is copied; it may be nil. Breaking out of the
// loop stops the fetching. An error is yielded once, as the last value.
func (c *Client) AllServiceAccounts(ctx context.Context, opts *ListOptions) iter.Seq2[ServiceAccount, error] {
	const op = "viam.AllServiceAccounts"
	q, err := opts.query(op)
	return all(ctx, c, op, q, err, lister[ServiceAccount](c, op, accountsAPI+"service-accounts"))
}

// GetServiceAccount returns the service account with the given ID
// (GET accounts-api/v1/service-accounts/{id}). An unknown ID gives an error
// matching [vngcloud.ErrNotFound].
func (c *Client) GetServiceAccount(ctx context.Context, id string) (ServiceAccount, error) {
	sa, err := do[serviceAccountAnswer](ctx, c, &httpcore.Request{Op: "viam.GetServiceAccount", Method: http.MethodGet,
		Path: accountsAPI + "service-accounts/{serviceAccountID}", Args: []string{id}})
	return sa.ServiceAccount, err
}

// serviceAccountAnswer is a service account as the service sends it.
type serviceAccountAnswer struct{ ServiceAccount }

// Problem refuses an answer that names no service account.
func (a serviceAccountAnswer) Problem() string { return noID(a.ID, "service account") }

// noID says that an answer names no object of kind, or "".
func noID(id, kind string) string {
	if id == "" {
		return "the answer names no " + kind + " (no id)"
	}
	return ""
}

// CreateServiceAccount creates a service account
// (POST accounts-api/v1/service-accounts, body {name, description}) and
// returns it with its client secret, which the service shows only this
// once.
//
// The name is checked with [ValidateServiceAccountName] first. The call is
// never retried: if it fails in a way that leaves the outcome unknown, the
// error matches [vngcloud.ErrMaybeApplied] and says how to check. A name
// already taken answers 409 ([vngcloud.ErrConflict]). If the service
// creates the account but its answer has no clientSecret, the account is
// returned together with an error saying to reset the secret.
func (c *Client) CreateServiceAccount(ctx context.Context, req CreateServiceAccountRequest) (CreatedServiceAccount, error) {
	r := &httpcore.Request{Op: "viam.CreateServiceAccount", Method: http.MethodPost, Path: accountsAPI + "service-accounts", Body: req, Once: true,
		IfUnsure: fmt.Sprintf("list service accounts with name %q to see whether it was created; if it was, its secret is lost: reset it with ResetServiceAccountSecret", req.Name)}
	if err := ValidateServiceAccountName(req.Name); err != nil {
		return CreatedServiceAccount{}, renamed(r.Op, err)
	}
	out, err := do[createdAnswer](ctx, c, r)
	if err != nil {
		return CreatedServiceAccount{}, err
	}
	out.Name, out.Description = cmp.Or(out.Name, req.Name), cmp.Or(out.Description, req.Description)
	if out.ClientSecret.IsZero() {
		return out.CreatedServiceAccount, c.core.Fail(r, httpcore.Failure{Done: true, Message: "the service account was created but the response carried no clientSecret",
			Hint: fmt.Sprintf("get a secret with ResetServiceAccountSecret(%q)", out.ID)})
	}
	return out.CreatedServiceAccount, nil
}

// createdAnswer is the answer of CreateServiceAccount.
type createdAnswer struct{ CreatedServiceAccount }

// Problem refuses an answer that names no service account.
func (a createdAnswer) Problem() string { return noID(a.ID, "service account") }

// renamed moves a ValidationError to another operation.
func renamed(op string, err error) error {
	if ve, ok := err.(*vngcloud.ValidationError); ok {
		cp := *ve
		cp.Operation = op
		return &cp
	}
	return err
}

// UpdateServiceAccount changes the description and/or the token lifespan
// of a service account (PATCH accounts-api/v1/service-accounts/{id} with
// the non-nil fields). An update with no field set is refused before
// sending.
func (c *Client) UpdateServiceAccount(ctx context.Context, id string, req UpdateServiceAccountRequest) error {
	const op = "viam.UpdateServiceAccount"
	if req.Description == nil && req.AccessTokenLifeSpan == nil {
		return &vngcloud.ValidationError{Operation: op, Field: "request", Reason: "nothing to change: set Description and/or AccessTokenLifeSpan (with vngcloud.Ptr)"}
	}
	if req.AccessTokenLifeSpan != nil && *req.AccessTokenLifeSpan <= 0 {
		return &vngcloud.ValidationError{Operation: op, Field: "AccessTokenLifeSpan", Reason: fmt.Sprintf("must be a positive number of seconds, got %d", *req.AccessTokenLifeSpan)}
	}
	_, err := do[struct{}](ctx, c, &httpcore.Request{Op: op, Method: http.MethodPatch,
		Path: accountsAPI + "service-accounts/{serviceAccountID}", Args: []string{id}, Body: req})
	return err
}

// DeleteServiceAccount deletes a service account
// (DELETE accounts-api/v1/service-accounts/{id}, 204). An unknown ID gives
// an error matching [vngcloud.ErrNotFound]; since the call is retried after
// a lost answer, ErrNotFound can also mean an earlier attempt deleted it.
func (c *Client) DeleteServiceAccount(ctx context.Context, id string) error {
	_, err := do[struct{}](ctx, c, &httpcore.Request{Op: "viam.DeleteServiceAccount", Method: http.MethodDelete,
		Path: accountsAPI + "service-accounts/{serviceAccountID}", Args: []string{id}})
	return err
}

// ResetServiceAccountSecret gives a service account a new client secret
// and returns it (POST accounts-api/v1/service-accounts/{id}/reset-secret).
// The old secret stops working. The call is never retried; if its outcome
// is unknown the error matches [vngcloud.ErrMaybeApplied].
func (c *Client) ResetServiceAccountSecret(ctx context.Context, id string) (vngcloud.Secret, error) {
	out, err := do[resetSecretResponse](ctx, c, &httpcore.Request{Op: "viam.ResetServiceAccountSecret", Method: http.MethodPost,
		Path: accountsAPI + "service-accounts/{serviceAccountID}/reset-secret", Args: []string{id}, Once: true,
		IfUnsure: "the old secret may no longer work: reset again to get a new one"})
	return out.ClientSecret, err
}
