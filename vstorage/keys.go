package vstorage

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// S3Key is an S3 access key of a project (docs/api.md §2.3 #13, #14).
//
// A key is either unrestricted or restricted by vIAM (docs/api.md §3.5): an
// unrestricted key has its creator's rights on every bucket of the
// project; a restricted key is attached to a service account, acts as it,
// and gets bucket rights only from bucket policies naming the service
// account's principal. SubUserID tells them apart.
type S3Key struct {
	// ID is the key's ID (userKeyId), used to delete, attach and detach
	// it. It is not the access key.
	ID string `json:"userKeyId"`
	// AccessKey is the access key ID that S3 clients send.
	AccessKey string `json:"accessKey"`
	// SecretKey is the secret, set only in the result of CreateS3Key: the
	// API shows it once. It prints, logs and encodes as [REDACTED]; call
	// Reveal to hand it to an S3 client.
	SecretKey vngcloud.Secret `json:"secretKey,omitempty"`
	// ProjectID, RegionID and UserID place the key.
	ProjectID string `json:"projectId,omitempty"`
	RegionID  string `json:"regionId,omitempty"`
	UserID    string `json:"userId,omitempty"`
	// SubUserID is "<account user>:sa-<service account name>" for a key
	// attached to a service account, and empty for an unrestricted key.
	SubUserID string `json:"subUserId,omitempty"`
	// CreatedAt is the creation time ("dd/mm/yyyy hh:mm" read as UTC+07:00).
	CreatedAt time.Time `json:"createdDate"`
	// Status is the key's numeric status (1 when active).
	Status int `json:"status"`
}

// Restricted reports whether the key is restricted by vIAM, that is
// attached to a service account: its SubUserID is not empty.
func (k S3Key) Restricted() bool { return k.SubUserID != "" }

// ServiceAccountName returns the name of the service account the key is
// attached to, parsed from SubUserID ("<user>:sa-<name>"), or "" for an
// unrestricted key or a SubUserID of another form.
func (k S3Key) ServiceAccountName() string { return serviceAccountName(k.SubUserID) }

func serviceAccountName(subUserID string) string {
	user, rest, ok := strings.Cut(subUserID, ":")
	if !ok || user == "" || !strings.HasPrefix(rest, "sa-") || len(rest) == len("sa-") {
		return ""
	}
	return strings.TrimPrefix(rest, "sa-")
}

type s3KeyWire struct {
	ID        flexStr  `json:"userKeyId"`
	AccessKey flexStr  `json:"accessKey"`
	SecretKey *string  `json:"secretKey"`
	ProjectID flexStr  `json:"projectId"`
	RegionID  flexStr  `json:"regionId"`
	UserID    flexStr  `json:"userId"`
	SubUserID flexStr  `json:"subUserId"`
	Created   flexTime `json:"createdDate"`
	Status    flexNum  `json:"status"`
}

// UnmarshalJSON reads a key as the API serves it. The secret is read into
// the Secret type directly and never kept as a plain string.
func (k *S3Key) UnmarshalJSON(b []byte) error {
	var w s3KeyWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*k = S3Key{
		ID: string(w.ID), AccessKey: string(w.AccessKey), ProjectID: string(w.ProjectID),
		RegionID: string(w.RegionID), UserID: string(w.UserID), SubUserID: string(w.SubUserID),
		CreatedAt: w.Created.time(), Status: w.Status.int(),
	}
	if w.SecretKey != nil {
		k.SecretKey = vngcloud.Secret(*w.SecretKey)
	}
	return nil
}

// keyBody is the body of the key calls.
type keyBody struct {
	ProjectID        string `json:"projectId"`
	ServiceAccountID string `json:"serviceAccountId,omitempty"`
}

// keys is GET users/s3_keys?projectId=, for op.
func keys(op, projectID string) *httpcore.Request {
	return &httpcore.Request{Op: op, Method: http.MethodGet, Path: "users/s3_keys", Query: url.Values{"projectId": {projectID}}}
}

// listedKeys is the key list: it never carries a secret, so none is
// passed on.
type listedKeys []S3Key

// Problem clears any secret; a list is never refused.
func (l listedKeys) Problem() string {
	for i := range l {
		l[i].SecretKey = ""
	}
	return ""
}

func checkKey(op, projectID, keyID string) error {
	if err := httpcore.ValidateID(op, "projectID", projectID); err != nil {
		return err
	}
	return httpcore.ValidateID(op, "keyID", keyID)
}

// at returns list[i], or the zero T when i is out of range.
func at[T any](list []T, i int) T {
	var zero T
	if i < 0 || i >= len(list) {
		return zero
	}
	return list[i]
}

// ListS3Keys lists the S3 keys of a project (at most 10), without secrets.
//
// Endpoint: GET users/s3_keys?projectId={projectID} (docs/api.md §2.3 #13).
func (c *Client) ListS3Keys(ctx context.Context, projectID string) ([]S3Key, error) {
	if err := httpcore.ValidateID("vstorage.ListS3Keys", "projectID", projectID); err != nil {
		return nil, err
	}
	return call[listedKeys](ctx, c, keys("vstorage.ListS3Keys", projectID))
}

// GetS3Key returns one key of a project, found in [Client.ListS3Keys] (the
// API has no single-key read). A key that is not listed is an error
// matching vngcloud.ErrNotFound.
func (c *Client) GetS3Key(ctx context.Context, projectID, keyID string) (S3Key, error) {
	const op = "vstorage.GetS3Key"
	if err := checkKey(op, projectID, keyID); err != nil {
		return S3Key{}, err
	}
	r := keys(op, projectID)
	list, err := call[listedKeys](ctx, c, r)
	if i := slices.IndexFunc(list, func(k S3Key) bool { return k.ID == keyID }); i >= 0 || err != nil {
		return at(list, i), err
	}
	return S3Key{}, c.core.Fail(r, httpcore.Failure{Kind: vngcloud.ErrNotFound,
		Message: fmt.Sprintf("S3 key %s is not among the %d keys of project %s", keyID, len(list), projectID)})
}

// createdKey is the answer of CreateS3Key.
type createdKey struct{ S3Key }

// Problem refuses an answer that names no key.
func (k createdKey) Problem() string {
	if k.ID == "" || k.AccessKey == "" {
		return "the answer reports success but names no key (userKeyId or accessKey missing)"
	}
	return ""
}

// CreateS3Key creates an S3 key in a project and returns it with its
// secret, which the API shows only this once. The new key is unrestricted
// (it has its creator's rights on every bucket of the project) until it is
// attached to a service account: attach it before storing the secret
// anywhere.
//
// The request is sent exactly once, never retried. After an ambiguous
// failure (a 5xx, a lost connection, an unreadable answer) the error
// matches vngcloud.ErrMaybeApplied and says how to check: list the keys
// and delete any you do not know. The 11th key of an account is refused
// with an error matching vngcloud.ErrConflict. A success whose answer
// carries no secret returns the key together with an error: the key
// exists but is unusable; delete it.
//
// Endpoint: POST users/s3_keys, body {"projectId":"<projectID>"} (docs/api.md
// §2.3 #14).
func (c *Client) CreateS3Key(ctx context.Context, projectID string) (S3Key, error) {
	r := &httpcore.Request{Op: "vstorage.CreateS3Key", Method: http.MethodPost, Path: "users/s3_keys", Body: keyBody{ProjectID: projectID}, Once: true,
		IfUnsure: "list the project's S3 keys (ListS3Keys): a key you do not know may have been created, and its secret is lost; delete it"}
	if err := httpcore.ValidateID(r.Op, "projectID", projectID); err != nil {
		return S3Key{}, err
	}
	k, err := call[createdKey](ctx, c, r)
	if err != nil {
		return S3Key{}, err
	}
	k.ProjectID = cmp.Or(k.ProjectID, projectID)
	if k.SecretKey.IsZero() {
		return k.S3Key, c.core.Fail(r, httpcore.Failure{Done: true, Message: fmt.Sprintf("S3 key %s was created but the answer carries no secret, so it is unusable", k.ID),
			Hint: fmt.Sprintf("delete it with DeleteS3Key(ctx, %q, %q)", projectID, k.ID)})
	}
	return k.S3Key, nil
}

// DeleteS3Key deletes an S3 key; it stops working at once. Deleting a key
// that was already deleted is an error matching vngcloud.ErrNotFound
// (code 114 "InvalidAccessKeyId"); the API answers success for a
// well-formed ID it never knew.
//
// The request is sent once. After an ambiguous failure the error matches
// vngcloud.ErrMaybeApplied: list the keys to see whether it is gone.
//
// Endpoint: DELETE users/s3_keys/{keyID}, body {"projectId":"<projectID>"}
// (docs/api.md §2.3 #15).
func (c *Client) DeleteS3Key(ctx context.Context, projectID, keyID string) error {
	r := &httpcore.Request{Op: "vstorage.DeleteS3Key", Method: http.MethodDelete, Path: "users/s3_keys/{keyID}", Args: []string{keyID},
		Body: keyBody{ProjectID: projectID}, Once: true, IfUnsure: "list the project's S3 keys (ListS3Keys) to see whether the key is gone"}
	if err := checkKey(r.Op, projectID, keyID); err != nil {
		return err
	}
	_, err := call[struct{}](ctx, c, r)
	return err
}

const linkUnsure = "list the project's S3 keys (ListS3Keys) and look at the key's subUserId: empty means unrestricted, \"<user>:sa-<name>\" means attached"

// normaliseSA returns the service account ID without the storage "sa-"
// prefix, which vIAM IDs do not carry.
func normaliseSA(id string) string { return strings.TrimPrefix(id, "sa-") }

// LinkS3Key links an S3 key to a vIAM service account ("link" in the
// vStorage console; the API route is .../attach): the key becomes
// restricted by vIAM, loses its creator's rights and acts as the
// service account, whose bucket rights come only from bucket policies
// naming [Principal.ARN] (see [Client.EnsureServiceAccountPrincipal] and
// [ReadWriteBucketPolicy]). The data plane follows within about 3 seconds.
// Even attached, a key can list the project's buckets and create buckets.
//
// serviceAccountID is the vIAM ID as the viam package returns it; a
// leading "sa-" is dropped.
//
// The call is not idempotent and is sent exactly once. Refusals: a key
// already attached (to this or another service account) matches
// vngcloud.ErrConflict; an unknown key or service account matches
// vngcloud.ErrNotFound. After an ambiguous failure the error matches
// vngcloud.ErrMaybeApplied: list the keys and look at the key's SubUserID.
//
// Endpoint: PUT users/s3_keys/{keyID}/attach, body
// {"projectId":"<projectID>","serviceAccountId":"<id>"} (docs/api.md §2.3 #16).
func (c *Client) LinkS3Key(ctx context.Context, projectID, keyID, serviceAccountID string) error {
	sa := normaliseSA(serviceAccountID)
	r := &httpcore.Request{Op: "vstorage.LinkS3Key", Method: http.MethodPut, Path: "users/s3_keys/{keyID}/attach", Args: []string{keyID},
		Body: keyBody{ProjectID: projectID, ServiceAccountID: sa}, Once: true, IfUnsure: linkUnsure}
	if err := checkKey(r.Op, projectID, keyID); err != nil {
		return err
	}
	if err := httpcore.ValidateID(r.Op, "serviceAccountID", sa); err != nil {
		return err
	}
	_, err := call[struct{}](ctx, c, r)
	return err
}

// UnlinkS3Key unlinks an S3 key from its service account ("unlink" in
// the console; the API route is .../detach): the key is unrestricted
// again and has its creator's rights on every bucket of the project at
// once.
//
// The call is not idempotent and is sent exactly once. Detaching a key
// that is not attached is an error matching vngcloud.ErrConflict (the key
// exists; its state conflicts), so a caller that only wants the key
// detached may treat that as done. After an ambiguous failure the error
// matches vngcloud.ErrMaybeApplied: list the keys and look at SubUserID.
//
// Endpoint: PUT users/s3_keys/{keyID}/detach, body
// {"projectId":"<projectID>"} (docs/api.md §2.3 #17).
func (c *Client) UnlinkS3Key(ctx context.Context, projectID, keyID string) error {
	r := &httpcore.Request{Op: "vstorage.UnlinkS3Key", Method: http.MethodPut, Path: "users/s3_keys/{keyID}/detach", Args: []string{keyID},
		Body: keyBody{ProjectID: projectID}, Once: true, IfUnsure: linkUnsure}
	if err := checkKey(r.Op, projectID, keyID); err != nil {
		return err
	}
	_, err := call[struct{}](ctx, c, r)
	return err
}

// Principal is the storage identity of a vIAM service account: what a
// bucket policy names to grant that service account (and the keys
// attached to it) access.
type Principal struct {
	// SubUserID is "<account user>:sa-<service account name>".
	SubUserID string
	// ARN is PrincipalARN(SubUserID), the value for a policy's
	// Principal {"AWS": [...]}.
	ARN string
}

// ServiceAccountName returns the service account's name, parsed from
// SubUserID.
func (p Principal) ServiceAccountName() string { return serviceAccountName(p.SubUserID) }

// EnsureServiceAccountPrincipal makes sure the storage sub-user of a vIAM
// service account exists in the project, creating it if needed, and
// returns its principal. Put [Principal.ARN] in a bucket policy (for
// example with [ReadWriteBucketPolicy]) to give the service account, and
// the S3 keys attached to it, access to that bucket.
//
// Although the API call is a GET, it creates the sub-user. It is
// idempotent (a repeat returns the same principal) and is retried like a
// read. The sub-user cannot be deleted; it costs nothing and has no
// rights until a policy names it. It is derived from the service
// account's NAME, not its ID: a new service account with a deleted one's
// name inherits any policy that still names it, so remove a service
// account from bucket policies before deleting it.
//
// An answer whose subUserId is missing or not of the form
// "<user>:sa-<name>" is an error, so the caller never puts another
// identity's principal in a policy.
//
// Endpoint: GET users/details?generated=true&project_id={projectID}&iam_account_id=sa-{serviceAccountID}
// (docs/api.md §2.3 #18, §2.4).
func (c *Client) EnsureServiceAccountPrincipal(ctx context.Context, projectID, serviceAccountID string) (Principal, error) {
	const op = "vstorage.EnsureServiceAccountPrincipal"
	sa := normaliseSA(serviceAccountID)
	if err := httpcore.ValidateID(op, "projectID", projectID); err != nil {
		return Principal{}, err
	}
	if err := httpcore.ValidateID(op, "serviceAccountID", sa); err != nil {
		return Principal{}, err
	}
	p, err := call[principalAnswer](ctx, c, &httpcore.Request{Op: op, Method: http.MethodGet, Path: "users/details",
		Query: url.Values{"generated": {"true"}, "project_id": {projectID}, "iam_account_id": {"sa-" + sa}}})
	if err != nil {
		return Principal{}, err
	}
	return Principal{SubUserID: p.sub(), ARN: PrincipalARN(p.sub())}, nil
}

// principalAnswer is the answer of users/details.
type principalAnswer struct {
	SubUserID flexStr `json:"subUserId"`
}

func (p principalAnswer) sub() string { return strings.TrimSpace(string(p.SubUserID)) }

// Problem refuses a subUserId that is missing or not a service account's,
// so that no other identity's principal ever reaches a policy.
func (p principalAnswer) Problem() string {
	switch sub := p.sub(); {
	case sub == "":
		return "the answer carries no subUserId; no principal was made"
	case serviceAccountName(sub) == "" || strings.Count(sub, ":") != 1:
		return fmt.Sprintf("the answer's subUserId %q is not a service account's sub-user (\"<user>:sa-<name>\"); it is not returned", sub)
	}
	return ""
}
