package vstorage

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// bucketPath is the path of a bucket's settings routes, followed by
// "/policy", "/versioning", "/cors" or "/encryption".
const bucketPath = "ceph/projects/{projectID}/buckets/{bucket}"

// ---- Bucket policy (docs/api.md §2.3 #8, §2.4) ----

// GetBucketPolicy returns the bucket's policy, or the zero BucketPolicy
// (no Version, no Statement) and no error when the bucket has none. A missing bucket is an error matching
// vngcloud.ErrNotFound (the API answers an empty body; the bucket is then
// read once to tell).
//
// Endpoint: GET ceph/projects/{projectID}/buckets/{bucket}/policy; the
// API returns the document as a JSON string in data, or null.
func (c *Client) GetBucketPolicy(ctx context.Context, projectID, bucket string) (BucketPolicy, error) {
	r := &httpcore.Request{Op: "vstorage.GetBucketPolicy", Method: http.MethodGet, Path: bucketPath + "/policy", Args: []string{projectID, bucket}}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return BucketPolicy{}, err
	}
	p, err := setting[*policyAnswer](ctx, c, r)
	if p == nil || err != nil {
		return BucketPolicy{}, err
	}
	return p.BucketPolicy, nil
}

// policyAnswer is the policy as GET serves it in data: the document as a
// JSON string ("" when there is none), or as an object.
type policyAnswer struct{ BucketPolicy }

// UnmarshalJSON reads the document from a string or an object.
func (p *policyAnswer) UnmarshalJSON(b []byte) error {
	var doc string
	if json.Unmarshal(b, &doc) == nil {
		if strings.TrimSpace(doc) == "" {
			return nil
		}
		b = []byte(doc)
	}
	return json.Unmarshal(b, &p.BucketPolicy)
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
	r := &httpcore.Request{Op: "vstorage.PutBucketPolicy", Method: http.MethodPut, Path: bucketPath + "/policy", Args: []string{projectID, bucket},
		IfUnsure: "read the policy back with GetBucketPolicy"}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return err
	}
	body, err := policyBody(r.Op, policy)
	if err != nil {
		return err
	}
	r.Body = body
	_, err = setting[struct{}](ctx, c, r)
	return err
}

// policyBody checks policy (its Version defaults to PolicyVersion) and
// wraps it as the route takes it: {"policy": "<the policy as a string>"}.
func policyBody(op string, policy BucketPolicy) (map[string]string, error) {
	policy.Version = cmp.Or(policy.Version, PolicyVersion)
	if err := validatePolicy(op, policy); err != nil {
		return nil, err
	}
	doc, err := marshalNoEscape(policy)
	if err != nil {
		return nil, &vngcloud.ValidationError{Operation: op, Field: "policy", Reason: "cannot encode: " + err.Error()}
	}
	return map[string]string{"policy": string(doc)}, nil
}

// DeleteBucketPolicy removes the bucket's policy. It succeeds when the
// bucket has none.
//
// Endpoint: DELETE ceph/projects/{projectID}/buckets/{bucket}/policy.
func (c *Client) DeleteBucketPolicy(ctx context.Context, projectID, bucket string) error {
	r := &httpcore.Request{Op: "vstorage.DeleteBucketPolicy", Method: http.MethodDelete, Path: bucketPath + "/policy", Args: []string{projectID, bucket},
		IfUnsure: "read the policy back with GetBucketPolicy"}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return err
	}
	_, err := setting[struct{}](ctx, c, r)
	return err
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
	r := &httpcore.Request{Op: "vstorage.GetBucketVersioning", Method: http.MethodGet, Path: bucketPath + "/versioning", Args: []string{projectID, bucket}}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return BucketVersioning{}, err
	}
	v, err := setting[versioningAnswer](ctx, c, r)
	return v.model(), err
}

// versioningAnswer is the versioning setting as GET serves it.
type versioningAnswer struct {
	Versioning flexBool `json:"versioning"`
	Status     flexStr  `json:"versioningStatus"`
}

// model fills in the status when the service leaves it out.
func (w versioningAnswer) model() BucketVersioning {
	v := BucketVersioning{Enabled: bool(w.Versioning), Status: VersioningStatus(w.Status)}
	switch {
	case v.Status == "" && v.Enabled:
		v.Status = VersioningEnabled
	case v.Status == "":
		v.Status = VersioningOff
	}
	return v
}

// PutBucketVersioning sets the bucket's versioning to VersioningEnabled or
// VersioningSuspended. VersioningOff is refused (nothing is sent): a
// bucket cannot return to Off, and suspending keeps the versions already
// stored. Versions use quota.
//
// Endpoint: PUT ceph/projects/{projectID}/buckets/{bucket}/versioning,
// body {"enable":true|false}.
func (c *Client) PutBucketVersioning(ctx context.Context, projectID, bucket string, status VersioningStatus) error {
	r := &httpcore.Request{Op: "vstorage.PutBucketVersioning", Method: http.MethodPut, Path: bucketPath + "/versioning", Args: []string{projectID, bucket},
		Body: map[string]bool{"enable": status == VersioningEnabled}, IfUnsure: "read the setting back with GetBucketVersioning"}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return err
	}
	switch status {
	case VersioningOff:
		return &vngcloud.ValidationError{Operation: r.Op, Field: "status", Reason: "a bucket cannot return to Off; use VersioningSuspended to stop keeping versions"}
	case VersioningEnabled, VersioningSuspended:
		_, err := setting[struct{}](ctx, c, r)
		return err
	}
	return &vngcloud.ValidationError{Operation: r.Op, Field: "status", Reason: fmt.Sprintf("%q is not VersioningEnabled or VersioningSuspended", status)}
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
	r := &httpcore.Request{Op: "vstorage.GetBucketCORS", Method: http.MethodGet, Path: bucketPath + "/cors", Args: []string{projectID, bucket}}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return nil, err
	}
	w, err := setting[*corsAnswer](ctx, c, r)
	if err != nil {
		return nil, err
	}
	rules := []CORSRule{}
	for _, w := range cmp.Or(w, &corsAnswer{}).Rules {
		rules = append(rules, w.model())
	}
	return rules, nil
}

// corsAnswer is the data of GET .../cors.
type corsAnswer struct {
	Rules []corsRuleResponse `json:"rules"`
}

// model converts a rule as GET serves it.
func (w corsRuleResponse) model() CORSRule {
	return CORSRule{ID: string(w.ID), AllowedOrigins: w.AllowedOrigins, AllowedMethods: w.AllowedMethods,
		AllowedHeaders: w.AllowedHeaders, ExposeHeaders: w.ExposedHeaders, MaxAgeSeconds: w.MaxAgeSeconds.int()}
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
	r := &httpcore.Request{Op: "vstorage.PutBucketCORS", Method: http.MethodPut, Path: bucketPath + "/cors", Args: []string{projectID, bucket},
		IfUnsure: "read the rules back with GetBucketCORS"}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return err
	}
	body, err := corsBody(r.Op, rules)
	if err != nil {
		return err
	}
	r.Body = body
	_, err = setting[struct{}](ctx, c, r)
	return err
}

// corsBody checks the rules and returns them as PUT wants them.
func corsBody(op string, rules []CORSRule) ([]corsRuleRequest, error) {
	bad := func(field, format string, args ...any) error {
		return &vngcloud.ValidationError{Operation: op, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if len(rules) == 0 {
		return nil, bad("rules", "no rule given; to remove every rule, use DeleteBucketCORS")
	}
	body := make([]corsRuleRequest, 0, len(rules))
	for i, rule := range rules {
		f := func(name string) string { return fmt.Sprintf("rules[%d].%s", i, name) }
		if len(rule.AllowedOrigins) == 0 {
			return nil, bad(f("AllowedOrigins"), "at least one origin is needed")
		}
		for _, o := range rule.AllowedOrigins {
			if strings.TrimSpace(o) == "" {
				return nil, bad(f("AllowedOrigins"), "an origin is empty")
			}
		}
		if len(rule.AllowedMethods) == 0 {
			return nil, bad(f("AllowedMethods"), "at least one method is needed")
		}
		for _, m := range rule.AllowedMethods {
			if !slices.Contains(corsMethods, m) {
				return nil, bad(f("AllowedMethods"), "%q is not one of GET, PUT, POST, DELETE, HEAD (upper case)", m)
			}
		}
		if len(rule.ExposeHeaders) > 0 && len(rule.AllowedHeaders) == 0 {
			return nil, bad(f("ExposeHeaders"), "the server exposes AllowedHeaders, and there are none")
		}
		if rule.MaxAgeSeconds < 0 {
			return nil, bad(f("MaxAgeSeconds"), "must not be negative, got %d", rule.MaxAgeSeconds)
		}
		body = append(body, corsRuleRequest{
			AllowedOrigins: rule.AllowedOrigins, AllowedMethods: rule.AllowedMethods,
			AllowedHeaders: rule.AllowedHeaders, ExposeHeaders: rule.ExposeHeaders, MaxAgeSeconds: rule.MaxAgeSeconds,
		})
	}
	return body, nil
}

// DeleteBucketCORS removes every CORS rule of the bucket. It succeeds when
// there are none.
//
// Endpoint: DELETE ceph/projects/{projectID}/buckets/{bucket}/cors.
func (c *Client) DeleteBucketCORS(ctx context.Context, projectID, bucket string) error {
	r := &httpcore.Request{Op: "vstorage.DeleteBucketCORS", Method: http.MethodDelete, Path: bucketPath + "/cors", Args: []string{projectID, bucket},
		IfUnsure: "read the rules back with GetBucketCORS"}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return err
	}
	_, err := setting[struct{}](ctx, c, r)
	return err
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
	r := &httpcore.Request{Op: "vstorage.GetBucketEncryption", Method: http.MethodGet, Path: bucketPath + "/encryption", Args: []string{projectID, bucket}}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return BucketEncryption{}, err
	}
	w, err := call[struct {
		Encryption flexBool `json:"encryption"`
	}](ctx, c, r)
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
	r := &httpcore.Request{Op: "vstorage.PutBucketEncryption", Method: http.MethodPut, Path: bucketPath + "/encryption", Args: []string{projectID, bucket},
		Body: map[string]bool{"enable": enabled}, IfUnsure: "read the setting back with GetBucketEncryption"}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return err
	}
	_, err := call[struct{}](ctx, c, r)
	return err
}
