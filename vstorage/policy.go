package vstorage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
)

// PolicyVersion is the S3 policy language version the bucket policy
// template uses.
const PolicyVersion = "2012-10-17"

// Statement effects.
const (
	EffectAllow = "Allow"
	EffectDeny  = "Deny"
)

// PrincipalARNPrefix starts the ARN that names a storage user (for example
// a service account's sub-user) in a bucket policy.
const PrincipalARNPrefix = "arn:aws:iam:::user/"

// PrincipalARN returns the bucket-policy principal of a storage sub-user:
// "arn:aws:iam:::user/<subUserID>" (docs/api.md §2.4).
func PrincipalARN(subUserID string) string { return PrincipalARNPrefix + subUserID }

// BucketPolicy is an S3-style bucket policy document (docs/api.md §2.4). It is
// not a vIAM policy: vIAM documents are lower-case and name vIAM actions.
type BucketPolicy struct {
	// Version is the policy language version; PutBucketPolicy fills in
	// PolicyVersion when it is empty. The server refuses unknown versions.
	Version string `json:"Version"`
	// ID is the optional policy ID ("Id").
	ID string `json:"Id,omitempty"`
	// Statement holds the policy's statements. A document with a single
	// statement object (not an array) decodes into a one-element slice.
	Statement []PolicyStatement `json:"Statement"`
}

// PolicyStatement is one statement of a [BucketPolicy]. List fields decode
// from a string or an array and always encode as arrays.
type PolicyStatement struct {
	// Sid is the optional statement ID.
	Sid string `json:"Sid,omitempty"`
	// Effect is EffectAllow or EffectDeny.
	Effect string `json:"Effect"`
	// Principal names who the statement applies to. PutBucketPolicy
	// refuses a statement without one: the server accepts it, but it then
	// breaks the bucket's policy, settings and delete calls (docs/api.md §2.4).
	Principal    *PolicyPrincipal `json:"Principal,omitempty"`
	NotPrincipal *PolicyPrincipal `json:"NotPrincipal,omitempty"`
	// Action and NotAction list S3 actions such as "s3:GetObject".
	Action    StringList `json:"Action,omitempty"`
	NotAction StringList `json:"NotAction,omitempty"`
	// Resource and NotResource list ARNs such as "arn:aws:s3:::bucket/*".
	Resource    StringList `json:"Resource,omitempty"`
	NotResource StringList `json:"NotResource,omitempty"`
	// Condition maps an operator to keys and values, as in S3.
	Condition map[string]map[string]StringList `json:"Condition,omitempty"`
}

// PolicyPrincipal is the Principal of a statement: everyone ("*") or a
// map of principal types to IDs, of which vStorage uses "AWS" with
// storage-user ARNs.
type PolicyPrincipal struct {
	// Anyone is the bare "*" principal: everyone, anonymous users
	// included. Public reads are granted so.
	Anyone bool
	// AWS lists principal ARNs such as PrincipalARN(subUserID).
	AWS StringList
	// Other holds principal types other than AWS, as served.
	Other map[string]StringList
}

// AnyonePrincipal returns the "*" principal (everyone).
func AnyonePrincipal() *PolicyPrincipal { return &PolicyPrincipal{Anyone: true} }

// AWSPrincipal returns a principal naming the given ARNs.
func AWSPrincipal(arns ...string) *PolicyPrincipal {
	return &PolicyPrincipal{AWS: StringList(slices.Clone(arns))}
}

// MarshalJSON writes "*" or {"AWS": [...], ...}.
func (p PolicyPrincipal) MarshalJSON() ([]byte, error) {
	if p.Anyone {
		return []byte(`"*"`), nil
	}
	m := make(map[string]StringList, len(p.Other)+1)
	for k, v := range p.Other {
		m[k] = v
	}
	if p.AWS != nil || len(m) == 0 {
		m["AWS"] = p.AWS
	}
	return marshalNoEscape(m)
}

// UnmarshalJSON reads "*", {"AWS": "..."} or {"AWS": [...]} (and other
// principal types into Other).
func (p *PolicyPrincipal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*p = PolicyPrincipal{}
	if isNull(b) {
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "*" {
			p.Anyone = true
		} else {
			p.AWS = StringList{s}
		}
		return nil
	}
	var m map[string]StringList
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for k, v := range m {
		if k == "AWS" {
			p.AWS = v
			continue
		}
		if p.Other == nil {
			p.Other = map[string]StringList{}
		}
		p.Other[k] = v
	}
	return nil
}

func (p *PolicyPrincipal) empty() bool {
	if p == nil {
		return true
	}
	if p.Anyone {
		return false
	}
	n := len(p.AWS)
	for _, v := range p.Other {
		n += len(v)
	}
	return n == 0
}

// UnmarshalJSON accepts Statement as an array or as a single object.
func (p *BucketPolicy) UnmarshalJSON(b []byte) error {
	var w struct {
		Version   string          `json:"Version"`
		ID        string          `json:"Id"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = BucketPolicy{Version: w.Version, ID: w.ID}
	st := bytes.TrimSpace(w.Statement)
	switch {
	case isNull(st):
	case st[0] == '{':
		var one PolicyStatement
		if err := json.Unmarshal(st, &one); err != nil {
			return err
		}
		p.Statement = []PolicyStatement{one}
	default:
		if err := json.Unmarshal(st, &p.Statement); err != nil {
			return err
		}
	}
	return nil
}

// ReadWriteBucketPolicy returns the bucket policy that grants the given
// principals (typically [Principal.ARN] of a service account) read and
// write access to one bucket and nothing else: the template of docs/api.md
// §2.4.
//
//   - On arn:aws:s3:::<bucket>: s3:ListBucket, s3:GetBucketLocation,
//     s3:ListBucketMultipartUploads.
//   - On arn:aws:s3:::<bucket>/*: s3:GetObject, s3:PutObject,
//     s3:DeleteObject, s3:AbortMultipartUpload,
//     s3:ListMultipartUploadParts.
//
// A bucket has one policy document: to keep other grants, append these
// statements to the bucket's current policy instead of replacing it.
// PutBucketPolicy refuses the result if no principal is given.
func ReadWriteBucketPolicy(bucket string, principals ...string) BucketPolicy {
	return BucketPolicy{
		Version: PolicyVersion,
		Statement: []PolicyStatement{
			{
				Sid:       "ReadWriteBucket",
				Effect:    EffectAllow,
				Principal: AWSPrincipal(principals...),
				Action:    StringList{"s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"},
				Resource:  StringList{"arn:aws:s3:::" + bucket},
			},
			{
				Sid:       "ReadWriteObjects",
				Effect:    EffectAllow,
				Principal: AWSPrincipal(principals...),
				Action: StringList{"s3:GetObject", "s3:PutObject", "s3:DeleteObject",
					"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"},
				Resource: StringList{"arn:aws:s3:::" + bucket + "/*"},
			},
		},
	}
}

// validatePolicy refuses documents the server would refuse or, worse,
// accept and then choke on.
func validatePolicy(op string, p BucketPolicy) error {
	bad := func(field, format string, args ...any) error {
		return &vngcloud.ValidationError{Operation: op, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if p.Version != "2012-10-17" && p.Version != "2008-10-17" {
		return bad("policy.Version", "%q is not a policy language version (use %q)", p.Version, PolicyVersion)
	}
	if len(p.Statement) == 0 {
		return bad("policy.Statement", "the policy has no statement (to remove a policy, use DeleteBucketPolicy)")
	}
	for i, s := range p.Statement {
		f := func(name string) string { return fmt.Sprintf("policy.Statement[%d].%s", i, name) }
		switch {
		case s.Effect != EffectAllow && s.Effect != EffectDeny:
			return bad(f("Effect"), "%q must be %q or %q", s.Effect, EffectAllow, EffectDeny)
		case s.Principal.empty() && s.NotPrincipal.empty():
			return bad(f("Principal"), "a statement needs a principal: the server accepts one without, but it then breaks the bucket's policy, settings and delete calls")
		case len(s.Action) == 0 && len(s.NotAction) == 0:
			return bad(f("Action"), "a statement needs at least one action")
		case len(s.Resource) == 0 && len(s.NotResource) == 0:
			return bad(f("Resource"), "a statement needs at least one resource")
		}
		for _, a := range append(slices.Clone(s.Action), s.NotAction...) {
			if strings.TrimSpace(a) == "" {
				return bad(f("Action"), "an action is empty")
			}
		}
	}
	return nil
}
