package vstorage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// settingsRequest builds a request on ceph/projects/{p}/buckets/{b}/<what>
// and the options of a settings route.
func settingsRequest(op, method, what, projectID, bucket string, body any, write bool, readBack string) (*httpcore.Request, sendOpts) {
	r := &httpcore.Request{Op: op, Method: method, Path: "ceph/projects/{}/buckets/{}/" + what,
		Args: []string{projectID, bucket}, Body: body}
	return r, sendOpts{settings: true, project: projectID, bucket: bucket, write: write, readBack: readBack}
}

// ---- Bucket policy (docs/api.md §2.3 #8, §2.4) ----

// GetBucketPolicy returns the bucket's policy, or the zero BucketPolicy
// (no Version, no Statement) and no error when the bucket has none. A missing bucket is an error matching
// vngcloud.ErrNotFound (the API answers an empty body; the bucket is then
// read once to tell).
//
// Endpoint: GET ceph/projects/{projectID}/buckets/{bucket}/policy; the
// API returns the document as a JSON string in data, or null.
func (c *Client) GetBucketPolicy(ctx context.Context, projectID, bucket string) (BucketPolicy, error) {
	const op = "vstorage.GetBucketPolicy"
	if err := checkBucket(op, projectID, bucket); err != nil {
		return BucketPolicy{}, err
	}
	r, o := settingsRequest(op, http.MethodGet, "policy", projectID, bucket, nil, false, "")
	env, err := c.send(ctx, r, o)
	if err != nil {
		return BucketPolicy{}, err
	}
	data := bytes.TrimSpace(env.Data)
	if isNull(data) {
		return BucketPolicy{}, nil
	}
	doc := data
	if data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return BucketPolicy{}, c.shapeError(r, "data: "+err.Error(), err)
		}
		if strings.TrimSpace(s) == "" {
			return BucketPolicy{}, nil
		}
		doc = []byte(s)
	}
	var p BucketPolicy
	if err := httpcore.Decode(doc, &p); err != nil {
		return BucketPolicy{}, c.shapeError(r, "the bucket policy document: "+err.Error(), err)
	}
	return p, nil
}

// PutBucketPolicy replaces the bucket's policy with policy. It fills in
// PolicyVersion when Version is empty and refuses, sending nothing, a
// document the server would refuse or choke on: an unknown Version, no
// statement, an Effect other than Allow/Deny, a statement without a
// principal, action or resource. The server does not check principals: a
// wrong ARN grants nothing. A document with a Principal of "*" makes the
// bucket's objects public.
//
// Endpoint: PUT ceph/projects/{projectID}/buckets/{bucket}/policy, body
// {"policy":"<the document as a JSON string>"}.
func (c *Client) PutBucketPolicy(ctx context.Context, projectID, bucket string, policy BucketPolicy) error {
	const op = "vstorage.PutBucketPolicy"
	if err := checkBucket(op, projectID, bucket); err != nil {
		return err
	}
	if policy.Version == "" {
		policy.Version = PolicyVersion
	}
	if err := validatePolicy(op, policy); err != nil {
		return err
	}
	doc, err := marshalNoEscape(policy)
	if err != nil {
		return &vngcloud.ValidationError{Operation: op, Field: "policy", Reason: "cannot encode: " + err.Error()}
	}
	r, o := settingsRequest(op, http.MethodPut, "policy", projectID, bucket, map[string]string{"policy": string(doc)},
		true, "read the policy back with GetBucketPolicy")
	return exec(ctx, c, r, o)
}

// DeleteBucketPolicy removes the bucket's policy. It succeeds when the
// bucket has none.
//
// Endpoint: DELETE ceph/projects/{projectID}/buckets/{bucket}/policy.
func (c *Client) DeleteBucketPolicy(ctx context.Context, projectID, bucket string) error {
	const op = "vstorage.DeleteBucketPolicy"
	if err := checkBucket(op, projectID, bucket); err != nil {
		return err
	}
	r, o := settingsRequest(op, http.MethodDelete, "policy", projectID, bucket, nil, true, "read the policy back with GetBucketPolicy")
	return exec(ctx, c, r, o)
}

// ---- Versioning (docs/api.md §2.3 #9) ----

// VersioningStatus is a bucket's versioning state.
type VersioningStatus string

// Versioning states. A bucket starts Off; once versioning has been set,
// it is Enabled or Suspended and never Off again.
const (
	VersioningOff       VersioningStatus = "Off"
	VersioningEnabled   VersioningStatus = "Enabled"
	VersioningSuspended VersioningStatus = "Suspended"
)

// BucketVersioning is a bucket's versioning setting.
type BucketVersioning struct {
	// Enabled reports whether new versions are kept now.
	Enabled bool `json:"versioning"`
	// Status is VersioningOff, VersioningEnabled or VersioningSuspended;
	// another value the server sends is passed through.
	Status VersioningStatus `json:"versioningStatus"`
}

// GetBucketVersioning returns the bucket's versioning setting. A missing
// bucket is an error matching vngcloud.ErrNotFound.
//
// Endpoint: GET ceph/projects/{projectID}/buckets/{bucket}/versioning.
func (c *Client) GetBucketVersioning(ctx context.Context, projectID, bucket string) (BucketVersioning, error) {
	const op = "vstorage.GetBucketVersioning"
	if err := checkBucket(op, projectID, bucket); err != nil {
		return BucketVersioning{}, err
	}
	r, o := settingsRequest(op, http.MethodGet, "versioning", projectID, bucket, nil, false, "")
	w, err := getData[struct {
		Versioning flexBool `json:"versioning"`
		Status     flexStr  `json:"versioningStatus"`
	}](ctx, c, r, o)
	if err != nil {
		return BucketVersioning{}, err
	}
	v := BucketVersioning{Enabled: bool(w.Versioning), Status: VersioningStatus(w.Status)}
	if v.Status == "" {
		v.Status = VersioningOff
		if v.Enabled {
			v.Status = VersioningEnabled
		}
	}
	return v, nil
}

// PutBucketVersioning sets the bucket's versioning to VersioningEnabled or
// VersioningSuspended. VersioningOff is refused (nothing is sent): a
// bucket cannot return to Off, and suspending keeps the versions already
// stored. Versions use quota.
//
// Endpoint: PUT ceph/projects/{projectID}/buckets/{bucket}/versioning,
// body {"enable":true|false}.
func (c *Client) PutBucketVersioning(ctx context.Context, projectID, bucket string, status VersioningStatus) error {
	const op = "vstorage.PutBucketVersioning"
	if err := checkBucket(op, projectID, bucket); err != nil {
		return err
	}
	var enable bool
	switch status {
	case VersioningEnabled:
		enable = true
	case VersioningSuspended:
	case VersioningOff:
		return &vngcloud.ValidationError{Operation: op, Field: "status", Reason: "a bucket cannot return to Off; use VersioningSuspended to stop keeping versions"}
	default:
		return &vngcloud.ValidationError{Operation: op, Field: "status", Reason: fmt.Sprintf("%q is not VersioningEnabled or VersioningSuspended", status)}
	}
	r, o := settingsRequest(op, http.MethodPut, "versioning", projectID, bucket, map[string]bool{"enable": enable},
		true, "read the setting back with GetBucketVersioning")
	return exec(ctx, c, r, o)
}

// ---- CORS (docs/api.md §2.3 #10) ----

// CORSRule is one CORS rule of a bucket.
type CORSRule struct {
	// ID is the rule's ID as the server reports it (null so far, so
	// empty). It is never sent.
	ID string `json:"id,omitempty"`
	// AllowedOrigins lists the origins allowed, such as
	// "https://app.example.com" or "*". Required.
	AllowedOrigins []string `json:"allowedOrigins"`
	// AllowedMethods lists the methods allowed, among GET, PUT, POST,
	// DELETE and HEAD, in upper case. Required. The server may return them
	// in another order.
	AllowedMethods []string `json:"allowedMethods"`
	// AllowedHeaders lists the request headers allowed.
	AllowedHeaders []string `json:"allowedHeaders,omitempty"`
	// ExposeHeaders lists the response headers a browser may read. Server
	// quirk: when any ExposeHeaders is sent, the server stores
	// AllowedHeaders as the exposed headers, not the value sent; without
	// ExposeHeaders it exposes none. Read the rules back to see what it
	// kept.
	ExposeHeaders []string `json:"exposeHeaders,omitempty"`
	// MaxAgeSeconds is how long a browser may cache the preflight; 0
	// leaves it unset.
	MaxAgeSeconds int `json:"maxAgeSeconds,omitempty"`
}

// corsRuleRequest is a rule as PUT wants it: capitalised keys.
type corsRuleRequest struct {
	AllowedOrigins []string `json:"AllowedOrigins"`
	AllowedMethods []string `json:"AllowedMethods"`
	AllowedHeaders []string `json:"AllowedHeaders,omitempty"`
	ExposeHeaders  []string `json:"ExposeHeaders,omitempty"`
	MaxAgeSeconds  int      `json:"MaxAgeSeconds,omitempty"`
}

// corsRuleResponse is a rule as GET serves it: camelCase keys.
type corsRuleResponse struct {
	ID             flexStr  `json:"id"`
	AllowedOrigins []string `json:"allowedOrigins"`
	AllowedMethods []string `json:"allowedMethods"`
	AllowedHeaders []string `json:"allowedHeaders"`
	ExposedHeaders []string `json:"exposedHeaders"`
	MaxAgeSeconds  flexNum  `json:"maxAgeSeconds"`
}

// GetBucketCORS returns the bucket's CORS rules, an empty (non-nil) slice
// when there are none. A missing bucket is an error matching
// vngcloud.ErrNotFound.
//
// Endpoint: GET ceph/projects/{projectID}/buckets/{bucket}/cors; rules in
// data.rules with camelCase keys.
func (c *Client) GetBucketCORS(ctx context.Context, projectID, bucket string) ([]CORSRule, error) {
	const op = "vstorage.GetBucketCORS"
	if err := checkBucket(op, projectID, bucket); err != nil {
		return nil, err
	}
	r, o := settingsRequest(op, http.MethodGet, "cors", projectID, bucket, nil, false, "")
	env, err := c.send(ctx, r, o)
	if err != nil {
		return nil, err
	}
	rules := []CORSRule{}
	if isNull(env.Data) {
		return rules, nil
	}
	var data struct {
		Rules []corsRuleResponse `json:"rules"`
	}
	if err := httpcore.Decode(env.Data, &data); err != nil {
		return nil, c.shapeError(r, "data: "+err.Error(), err)
	}
	for _, w := range data.Rules {
		rules = append(rules, CORSRule{
			ID: string(w.ID), AllowedOrigins: w.AllowedOrigins, AllowedMethods: w.AllowedMethods,
			AllowedHeaders: w.AllowedHeaders, ExposeHeaders: w.ExposedHeaders, MaxAgeSeconds: w.MaxAgeSeconds.int(),
		})
	}
	return rules, nil
}

var corsMethods = []string{"GET", "PUT", "POST", "DELETE", "HEAD"}

// PutBucketCORS replaces every CORS rule of the bucket with rules. To
// remove all rules use DeleteBucketCORS: the server refuses an empty list.
// It refuses, sending nothing, a rule without origins or methods, an empty
// origin, a method other than GET, PUT, POST, DELETE or HEAD (the server
// refuses lower case), ExposeHeaders without AllowedHeaders (see
// [CORSRule.ExposeHeaders]) and a negative MaxAgeSeconds.
//
// Endpoint: PUT ceph/projects/{projectID}/buckets/{bucket}/cors; the body
// is a bare JSON array of rules with capitalised keys (AllowedOrigins,
// AllowedMethods, AllowedHeaders, ExposeHeaders, MaxAgeSeconds).
func (c *Client) PutBucketCORS(ctx context.Context, projectID, bucket string, rules []CORSRule) error {
	const op = "vstorage.PutBucketCORS"
	if err := checkBucket(op, projectID, bucket); err != nil {
		return err
	}
	bad := func(field, format string, args ...any) error {
		return &vngcloud.ValidationError{Operation: op, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if len(rules) == 0 {
		return bad("rules", "no rule given; to remove every rule, use DeleteBucketCORS")
	}
	body := make([]corsRuleRequest, 0, len(rules))
	for i, rule := range rules {
		f := func(name string) string { return fmt.Sprintf("rules[%d].%s", i, name) }
		if len(rule.AllowedOrigins) == 0 {
			return bad(f("AllowedOrigins"), "at least one origin is needed")
		}
		for _, o := range rule.AllowedOrigins {
			if strings.TrimSpace(o) == "" {
				return bad(f("AllowedOrigins"), "an origin is empty")
			}
		}
		if len(rule.AllowedMethods) == 0 {
			return bad(f("AllowedMethods"), "at least one method is needed")
		}
		for _, m := range rule.AllowedMethods {
			if !slices.Contains(corsMethods, m) {
				return bad(f("AllowedMethods"), "%q is not one of GET, PUT, POST, DELETE, HEAD (upper case)", m)
			}
		}
		if len(rule.ExposeHeaders) > 0 && len(rule.AllowedHeaders) == 0 {
			return bad(f("ExposeHeaders"), "the server exposes AllowedHeaders, and there are none")
		}
		if rule.MaxAgeSeconds < 0 {
			return bad(f("MaxAgeSeconds"), "must not be negative, got %d", rule.MaxAgeSeconds)
		}
		body = append(body, corsRuleRequest{
			AllowedOrigins: rule.AllowedOrigins, AllowedMethods: rule.AllowedMethods,
			AllowedHeaders: rule.AllowedHeaders, ExposeHeaders: rule.ExposeHeaders, MaxAgeSeconds: rule.MaxAgeSeconds,
		})
	}
	r, o := settingsRequest(op, http.MethodPut, "cors", projectID, bucket, body, true, "read the rules back with GetBucketCORS")
	return exec(ctx, c, r, o)
}

// DeleteBucketCORS removes every CORS rule of the bucket. It succeeds when
// there are none.
//
// Endpoint: DELETE ceph/projects/{projectID}/buckets/{bucket}/cors.
func (c *Client) DeleteBucketCORS(ctx context.Context, projectID, bucket string) error {
	const op = "vstorage.DeleteBucketCORS"
	if err := checkBucket(op, projectID, bucket); err != nil {
		return err
	}
	r, o := settingsRequest(op, http.MethodDelete, "cors", projectID, bucket, nil, true, "read the rules back with GetBucketCORS")
	return exec(ctx, c, r, o)
}

// ---- Encryption (docs/api.md §2.3 #11) ----

// BucketEncryption is a bucket's server-side encryption setting
// (server-managed keys).
type BucketEncryption struct {
	// Enabled reports whether new objects are encrypted at rest.
	Enabled bool `json:"encryption"`
}

// GetBucketEncryption returns the bucket's encryption setting.
//
// Endpoint: GET ceph/projects/{projectID}/buckets/{bucket}/encryption.
func (c *Client) GetBucketEncryption(ctx context.Context, projectID, bucket string) (BucketEncryption, error) {
	const op = "vstorage.GetBucketEncryption"
	if err := checkBucket(op, projectID, bucket); err != nil {
		return BucketEncryption{}, err
	}
	r := &httpcore.Request{Op: op, Method: http.MethodGet, Path: "ceph/projects/{}/buckets/{}/encryption", Args: []string{projectID, bucket}}
	w, err := getData[struct {
		Encryption flexBool `json:"encryption"`
	}](ctx, c, r, sendOpts{})
	return BucketEncryption{Enabled: bool(w.Encryption)}, err
}

// PutBucketEncryption turns the bucket's server-side encryption on or off.
// The API has refused this with an envelope 403 for some identities, which
// is an error matching vngcloud.ErrForbidden.
//
// It is retried like the other settings writes (after a connection error,
// a 429 or a 5xx), not sent once: its body sets an absolute state, so a
// repeat leaves the bucket as one request would (docs/api.md §2.3 #11),
// and it is not among the writes known clients send once (key create,
// link, unlink, service-account create, secret reset; docs/api.md §5). An
// empty answer leaves the outcome unknown: the error then matches
// vngcloud.ErrMaybeApplied, and GetBucketEncryption tells.
//
// Endpoint: PUT ceph/projects/{projectID}/buckets/{bucket}/encryption,
// body {"enable":true|false}.
func (c *Client) PutBucketEncryption(ctx context.Context, projectID, bucket string, enabled bool) error {
	const op = "vstorage.PutBucketEncryption"
	if err := checkBucket(op, projectID, bucket); err != nil {
		return err
	}
	r := &httpcore.Request{Op: op, Method: http.MethodPut, Path: "ceph/projects/{}/buckets/{}/encryption", Args: []string{projectID, bucket},
		Body: map[string]bool{"enable": enabled}}
	return exec(ctx, c, r, sendOpts{write: true, readBack: "read the setting back with GetBucketEncryption"})
}
