package viam

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// Names of the policies VNG Cloud manages for vStorage (documentation:
// "IAM cho vStorage"). Find their IDs with [Client.FindPolicyByName]. The
// API* policies cover the public API, the one service accounts use.
const (
	PolicyVStorageFullAccess               = "vStorageFullAccess"
	PolicyVStorageNormalAccess             = "vStorageNormalAccess"
	PolicyVStorageReadOnlyAccess           = "vStorageReadOnlyAccess"
	PolicyVStorageAPIFullAccess            = "vStorageAPIFullAccess"
	PolicyVStorageAPIReadOnlyAccess        = "vStorageAPIReadOnlyAccess"
	PolicyVStorageIAMUserFullAccess        = "vStorageIAMUserFullAccess"
	PolicyVStorageIAMUserReadOnlyAccess    = "vStorageIAMUserReadOnlyAccess"
	PolicyVStorageClientToolFullAccess     = "vStorageClientToolFullAccess"
	PolicyVStorageClientToolReadOnlyAccess = "vStorageClientToolReadOnlyAccess"
)

// Values of [Policy.Manager].
const (
	// ManagerVNGCloud marks a policy managed by VNG Cloud (read-only).
	ManagerVNGCloud = "VNG CLOUD"
	// ManagerUser marks a policy the account created.
	ManagerUser = "user"
)

// Policy is a vIAM policy. List rows carry only ID, Name and CreatedAt
// (and whatever else the service adds); [Client.GetPolicy] fills the rest.
type Policy struct {
	// ID identifies the policy in paths and attachments.
	ID string
	// Name is the policy's name, for example "vStorageFullAccess".
	Name string
	// Description is free text.
	Description string
	// Manager is ManagerVNGCloud for managed policies and ManagerUser for
	// the account's own.
	Manager string
	// Scope is the policy's scope as the service sends it.
	Scope string
	// Root is the root account number the policy belongs to, when the
	// service sent it as a number or a string of digits (0 otherwise).
	Root int64
	// RootText is "root" as the service sent it when it is not an account
	// number (another string, or other JSON as text); "" otherwise. The
	// field is informational: no form of it fails a call.
	RootText string
	// Document holds the statements.
	Document PolicyDocument
	// CreatedAt is when the policy was created (zero if not sent).
	CreatedAt Timestamp
	// InternalID is the storage ID ("_id") the service also returns on a
	// get. Use ID, not this, in calls.
	InternalID string
}

// Managed reports whether VNG Cloud manages the policy.
func (p Policy) Managed() bool { return strings.EqualFold(p.Manager, ManagerVNGCloud) }

type policyWire struct {
	ID          string          `json:"id"`
	InternalID  json.RawMessage `json:"_id,omitempty"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Manager     string          `json:"manager,omitempty"`
	Scope       json.RawMessage `json:"scope,omitempty"`
	Root        json.RawMessage `json:"root,omitempty"`
	Statements  []Statement     `json:"statements,omitempty"`
	CreatedAt   Timestamp       `json:"createdAt"`
}

// UnmarshalJSON reads a policy row or a full policy. "root" may be a
// number, a numeric string, another string or absent (see RootText); "_id" a string or {"$oid": "..."}; "scope"
// a string or any other JSON value (kept as its JSON text).
func (p *Policy) UnmarshalJSON(b []byte) error {
	var w policyWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = Policy{ID: w.ID, Name: w.Name, Description: w.Description, Manager: w.Manager,
		Document: PolicyDocument{Statements: w.Statements}, CreatedAt: w.CreatedAt}
	p.InternalID = oid(w.InternalID)
	if p.ID == "" {
		p.ID = p.InternalID
	}
	p.Scope = textOf(w.Scope)
	if r := textOf(w.Root); r != "" {
		// A number live, a digit string in an older recording: either is
		// the account number; anything else is kept as text.
		if n, err := strconv.ParseInt(r, 10, 64); err == nil && strings.TrimLeft(r, "+") == r {
			p.Root = n
		} else {
			p.RootText = r
		}
	}
	return nil
}

// MarshalJSON writes the service's shape.
func (p Policy) MarshalJSON() ([]byte, error) {
	w := policyWire{ID: p.ID, Name: p.Name, Description: p.Description, Manager: p.Manager,
		Statements: p.Document.Statements, CreatedAt: p.CreatedAt}
	if p.InternalID != "" {
		w.InternalID, _ = json.Marshal(p.InternalID)
	}
	if p.Scope != "" {
		w.Scope, _ = json.Marshal(p.Scope)
	}
	switch {
	case p.Root != 0:
		w.Root = strconv.AppendInt(nil, p.Root, 10)
	case p.RootText != "":
		w.Root, _ = json.Marshal(p.RootText)
	}
	return json.Marshal(w)
}

// textOf returns a JSON string's value, or the JSON text of anything else
// ("" for null or absent), in valid UTF-8 either way: invalid bytes inside
// an object or array become U+FFFD, as encoding/json makes them in a
// string.
func textOf(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD")
}

// oid reads "abc" or {"$oid":"abc"}.
func oid(raw json.RawMessage) string {
	var obj struct {
		OID string `json:"$oid"`
	}
	if json.Unmarshal(raw, &obj) == nil && obj.OID != "" {
		return obj.OID
	}
	if s := textOf(raw); !strings.HasPrefix(s, "{") {
		return s
	}
	return ""
}

// PolicyRequest is the body of [Client.CreatePolicy] and
// [Client.UpdatePolicy]: {name, description, statements}. An update
// replaces all three.
type PolicyRequest struct {
	// Name is required.
	Name string
	// Description is optional free text.
	Description string
	// Document holds the statements; it must pass Validate.
	Document PolicyDocument
}

type policyRequestWire struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Statements  []Statement `json:"statements"`
}

func (r PolicyRequest) wire(op string) (policyRequestWire, error) {
	switch {
	case strings.TrimSpace(r.Name) == "":
		return policyRequestWire{}, &vngcloud.ValidationError{Operation: op, Field: "Name", Reason: "is empty"}
	case strings.ContainsFunc(r.Name, unicode.IsControl):
		return policyRequestWire{}, &vngcloud.ValidationError{Operation: op, Field: "Name", Reason: "contains a control character"}
	}
	if err := r.Document.Validate(); err != nil {
		return policyRequestWire{}, renamed(op, err)
	}
	return policyRequestWire{Name: r.Name, Description: r.Description, Statements: r.Document.Statements}, nil
}

type createPolicyResponse struct {
	ID string `json:"id"`
}

// Problem refuses an answer without the new policy's ID.
func (r createPolicyResponse) Problem() string { return noID(r.ID, "policy") }

// ListPolicies returns one page of the policies the account sees, managed
// and its own (GET policies-api/v1/policies?pageNumber=&pageSize=&name=).
// opts may be nil for the first page of [DefaultPageSize] rows.
func (c *Client) ListPolicies(ctx context.Context, opts *ListOptions) (Page[Policy], error) {
	q, err := opts.query("viam.ListPolicies")
	if err != nil {
		return Page[Policy]{}, err
	}
	return lister[Policy](c, "viam.ListPolicies", policiesAPI+"policies")(ctx, q)
}

// AllPolicies iterates over every policy, fetching pages as the loop needs
// them. opts is copied; it may be nil. Breaking out of the loop stops the
// fetching. An error is yielded once, as the last value.
func (c *Client) AllPolicies(ctx context.Context, opts *ListOptions) iter.Seq2[Policy, error] {
	const op = "viam.AllPolicies"
	q, err := opts.query(op)
	return all(ctx, c, op, q, err, lister[Policy](c, op, policiesAPI+"policies"))
}

// GetPolicy returns the policy with the given ID, statements included
// (GET policies-api/v1/policies/{id}). An unknown ID gives an error
// matching [vngcloud.ErrNotFound].
func (c *Client) GetPolicy(ctx context.Context, id string) (Policy, error) {
	return c.getPolicy(ctx, "viam.GetPolicy", id)
}

func (c *Client) getPolicy(ctx context.Context, op, id string) (Policy, error) {
	p, err := do[policyAnswer](ctx, c, &httpcore.Request{Op: op, Method: http.MethodGet, Path: policiesAPI + "policies/{policyID}", Args: []string{id}})
	return p.Policy, err
}

// policyAnswer is a policy as the service sends it.
type policyAnswer struct{ Policy }

// Problem refuses an answer that names no policy.
func (a policyAnswer) Problem() string { return noID(a.ID, "policy") }

// CreatePolicy creates a policy (POST policies-api/v1/policies, body
// {name, description, statements}) and returns its ID, which is all the
// service answers. The document is validated first. The call is never
// retried; if its outcome is unknown the error matches
// [vngcloud.ErrMaybeApplied].
func (c *Client) CreatePolicy(ctx context.Context, req PolicyRequest) (string, error) {
	const op = "viam.CreatePolicy"
	body, err := req.wire(op)
	if err != nil {
		return "", err
	}
	out, err := do[createPolicyResponse](ctx, c, &httpcore.Request{Op: op, Method: http.MethodPost, Path: policiesAPI + "policies",
		Body: body, Once: true, IfUnsure: fmt.Sprintf("look for it with FindPolicyByName(%q) before creating it again", req.Name)})
	return out.ID, err
}

// UpdatePolicy replaces a policy's name, description and statements
// (PUT policies-api/v1/policies/{id}, 204). Managed policies cannot be
// changed.
func (c *Client) UpdatePolicy(ctx context.Context, id string, req PolicyRequest) error {
	body, err := req.wire("viam.UpdatePolicy")
	if err != nil {
		return err
	}
	_, err = do[struct{}](ctx, c, &httpcore.Request{Op: "viam.UpdatePolicy", Method: http.MethodPut,
		Path: policiesAPI + "policies/{policyID}", Args: []string{id}, Body: body})
	return err
}

// DeletePolicy deletes a policy (DELETE policies-api/v1/policies/{id},
// 204). An unknown ID gives an error matching [vngcloud.ErrNotFound]; since
// the call is retried after a lost answer, ErrNotFound can also mean an
// earlier attempt deleted it.
func (c *Client) DeletePolicy(ctx context.Context, id string) error {
	_, err := do[struct{}](ctx, c, &httpcore.Request{Op: "viam.DeletePolicy", Method: http.MethodDelete,
		Path: policiesAPI + "policies/{policyID}", Args: []string{id}})
	return err
}

// FindPolicyByName returns the policy whose name is exactly name (case
// sensitive), managed or not, for example [PolicyVStorageFullAccess]. It
// lists the policies with the name filter, then gets the match so that
// its statements are filled in. No match gives an error matching
// [vngcloud.ErrNotFound]; more than one exact match (an own policy with a
// managed policy's name, say) gives an error matching
// [vngcloud.ErrConflict] that lists their IDs, rather than a guess.
func (c *Client) FindPolicyByName(ctx context.Context, name string) (Policy, error) {
	r := &httpcore.Request{Op: "viam.FindPolicyByName", Method: http.MethodGet, Path: policiesAPI + "policies"}
	if name == "" {
		return Policy{}, &vngcloud.ValidationError{Operation: r.Op, Field: "name", Reason: "is empty"}
	}
	ids, err := c.policyIDs(ctx, r.Op, name)
	switch {
	case err != nil:
		return Policy{}, err
	case len(ids) == 1:
		return c.getPolicy(ctx, r.Op, ids[0])
	}
	return Policy{}, c.core.Fail(r, notOnePolicy(name, ids))
}

// notOnePolicy is the failure of a search by name that found no policy,
// or several.
func notOnePolicy(name string, ids []string) httpcore.Failure {
	if len(ids) == 0 {
		return httpcore.Failure{Message: fmt.Sprintf("no policy is named %q", name), Kind: vngcloud.ErrNotFound,
			Hint: "names are case sensitive; list the policies with AllPolicies to see them"}
	}
	return httpcore.Failure{Message: fmt.Sprintf("%d policies are named %q (IDs %s)", len(ids), name, strings.Join(ids, ", ")),
		Kind: vngcloud.ErrConflict, Hint: "get the one you mean with GetPolicy and its ID"}
}

// policyIDs lists the IDs of the policies named exactly name.
func (c *Client) policyIDs(ctx context.Context, op, name string) ([]string, error) {
	var ids []string
	q, _ := (&ListOptions{Name: name}).query(op)
	for p, err := range all(ctx, c, op, q, nil, lister[Policy](c, op, policiesAPI+"policies")) {
		if err != nil {
			return nil, err
		}
		if p.Name == name && p.ID != "" {
			ids = append(ids, p.ID)
		}
	}
	return ids, nil
}
