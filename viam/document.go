package viam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
)

// Effect is what a statement does with the actions it names.
type Effect string

// The two effects. vIAM spells them in lower case.
const (
	Allow Effect = "allow"
	Deny  Effect = "deny"
)

// Condition operators of a vIAM statement (the keys of
// [Statement.Condition]).
const (
	StringEquals              = "stringEquals"
	StringNotEquals           = "stringNotEquals"
	NumberLessThan            = "numberLessThan"
	NumberLessThanOrEquals    = "numberLessThanOrEquals"
	NumberGreaterThan         = "numberGreaterThan"
	NumberGreaterThanOrEquals = "numberGreaterThanOrEquals"
)

var conditionOperators = map[string]bool{
	StringEquals: true, StringNotEquals: true,
	NumberLessThan: true, NumberLessThanOrEquals: true, NumberGreaterThan: true, NumberGreaterThanOrEquals: true,
}

// PolicyDocument is the vIAM policy document: lower-case keys, unlike an
// AWS/S3 policy.
//
//	{"statements":[{"effect":"allow","actions":["vstorage:*"],"resources":["*"]}]}
//
// It is not an S3 bucket policy: bucket access for a service account is
// granted with a vStorage bucket policy naming the account's principal.
type PolicyDocument struct {
	// Statements are evaluated together; a deny wins over an allow.
	Statements []Statement `json:"statements"`
}

// Statement allows or denies actions on resources, optionally under
// conditions.
type Statement struct {
	// Effect is Allow or Deny.
	Effect Effect `json:"effect"`
	// Actions are "<product>:<Action>" names; wildcards are allowed
	// ("vstorage:*", "vserver:List*", "*").
	Actions []string `json:"actions"`
	// Resources are resource names, or "*" for all.
	Resources []string `json:"resources"`
	// Condition maps an operator (StringEquals, NumberLessThan, ...) to
	// the keys it tests and their expected values, for example
	// {"stringEquals": {"<key>": "<value>"}}. It is optional.
	Condition map[string]map[string]any `json:"condition,omitempty"`
}

// awsHint is the reason given for an AWS-style document.
const awsHint = "this is an AWS/S3 bucket-policy document; vIAM expects lower-case statements/effect/actions/resources — for bucket access use vstorage bucket policies"

// AWS policy keys, which vIAM does not accept.
var awsTopKeys = map[string]bool{"Version": true, "Statement": true, "Id": true}
var awsStatementKeys = map[string]bool{"Effect": true, "Action": true, "Resource": true, "Principal": true,
	"NotAction": true, "NotResource": true, "NotPrincipal": true, "Sid": true, "Condition": true}

// ParsePolicyDocument reads a vIAM policy document from JSON and checks it
// with [PolicyDocument.Validate]. Keys must be exactly statements, effect,
// actions, resources and condition. An AWS-style document (Version,
// Statement, Effect, Action, Resource, Principal) is refused with an error
// that says so: vIAM does not accept it, and bucket access belongs in a
// vstorage bucket policy. Errors are [*vngcloud.ValidationError] values.
func ParsePolicyDocument(data []byte) (PolicyDocument, error) {
	const op = "viam.ParsePolicyDocument"
	fail := func(field, format string, args ...any) (PolicyDocument, error) {
		return PolicyDocument{}, &vngcloud.ValidationError{Operation: op, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return fail("document", "is not a JSON object")
	}
	for _, k := range sortedKeys(top) {
		switch {
		case awsTopKeys[k]:
			return fail("document", "has the key %q: %s", k, awsHint)
		case k != "statements":
			return fail("document", "unknown key %q; a vIAM policy document has only \"statements\"", k)
		}
	}
	raw, ok := top["statements"]
	if !ok {
		return fail("statements", "is missing")
	}
	var stmts []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &stmts); err != nil {
		return fail("statements", "must be an array of objects")
	}
	doc := PolicyDocument{Statements: make([]Statement, 0, len(stmts))}
	for i, st := range stmts {
		field := fmt.Sprintf("statements[%d]", i)
		for _, k := range sortedKeys(st) {
			switch {
			case awsStatementKeys[k]:
				return fail(field, "has the key %q: %s", k, awsHint)
			case k != "effect" && k != "actions" && k != "resources" && k != "condition":
				return fail(field, "unknown key %q; a statement has effect, actions, resources and optionally condition", k)
			}
		}
		var s Statement
		if v, ok := st["effect"]; ok && json.Unmarshal(v, &s.Effect) != nil {
			return fail(field+".effect", "must be a string")
		}
		if v, ok := st["actions"]; ok && json.Unmarshal(v, &s.Actions) != nil {
			return fail(field+".actions", "must be an array of strings")
		}
		if v, ok := st["resources"]; ok && json.Unmarshal(v, &s.Resources) != nil {
			return fail(field+".resources", "must be an array of strings")
		}
		if v, ok := st["condition"]; ok {
			dec := json.NewDecoder(bytes.NewReader(v))
			dec.UseNumber()
			if dec.Decode(&s.Condition) != nil {
				return fail(field+".condition", "must be an object of operators, each an object of keys and values")
			}
		}
		doc.Statements = append(doc.Statements, s)
	}
	if err := doc.Validate(); err != nil {
		return PolicyDocument{}, renamed(op, err)
	}
	return doc, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Validate checks the document before it is sent: at least one statement;
// each with effect "allow" or "deny" (lower case), at least one action of
// the form "<product>:<Action>" or "*", at least one resource, and only the
// known condition operators, with string values for the string operators
// and numbers for the number operators. S3 actions ("s3:...") and AWS ARNs
// ("arn:aws:...") are refused as belonging in a bucket policy. Errors are
// [*vngcloud.ValidationError] values naming the statement and field.
func (d PolicyDocument) Validate() error {
	const op = "viam.PolicyDocument.Validate"
	if len(d.Statements) == 0 {
		return &vngcloud.ValidationError{Operation: op, Field: "statements", Reason: "at least one statement is needed"}
	}
	for i, s := range d.Statements {
		if field, reason := s.problem(); reason != "" {
			return &vngcloud.ValidationError{Operation: op, Field: fmt.Sprintf("statements[%d].%s", i, field), Reason: reason}
		}
	}
	return nil
}

// problem returns the first thing wrong with s, or "".
func (s Statement) problem() (field, reason string) {
	switch s.Effect {
	case Allow, Deny:
	case "":
		return "effect", `is missing; use "allow" or "deny"`
	default:
		if low := Effect(strings.ToLower(string(s.Effect))); low == Allow || low == Deny {
			return "effect", fmt.Sprintf("%q must be lower case (%q): %s", s.Effect, low, awsHint)
		}
		return "effect", fmt.Sprintf(`%q is not "allow" or "deny"`, s.Effect)
	}
	if len(s.Actions) == 0 {
		return "actions", `at least one action is needed, for example "vstorage:*"`
	}
	for j, a := range s.Actions {
		if r := actionProblem(a); r != "" {
			return fmt.Sprintf("actions[%d]", j), r
		}
	}
	if len(s.Resources) == 0 {
		return "resources", `at least one resource is needed ("*" for all)`
	}
	for j, r := range s.Resources {
		switch {
		case strings.TrimSpace(r) == "":
			return fmt.Sprintf("resources[%d]", j), "is empty"
		case strings.ContainsAny(r, " \t\r\n"):
			return fmt.Sprintf("resources[%d]", j), fmt.Sprintf("%q contains white space", r)
		case strings.HasPrefix(r, "arn:aws:"):
			return fmt.Sprintf("resources[%d]", j), fmt.Sprintf("%q is an AWS ARN: %s", r, awsHint)
		}
	}
	for _, opName := range sortedKeys(s.Condition) {
		keys := s.Condition[opName]
		field := "condition." + opName
		if !conditionOperators[opName] {
			return "condition", fmt.Sprintf("unknown operator %q; use stringEquals, stringNotEquals, numberLessThan, numberLessThanOrEquals, numberGreaterThan or numberGreaterThanOrEquals", opName)
		}
		if len(keys) == 0 {
			return field, "names no key"
		}
		for _, k := range sortedKeys(keys) {
			if k == "" {
				return field, "has an empty key"
			}
			if r := conditionValueProblem(strings.HasPrefix(opName, "number"), keys[k]); r != "" {
				return field + "." + k, r
			}
		}
	}
	return "", ""
}

func actionProblem(a string) string {
	if a == "*" {
		return ""
	}
	product, action, ok := strings.Cut(a, ":")
	switch {
	case a == "":
		return "is empty"
	case !ok || product == "" || action == "":
		return fmt.Sprintf(`%q is not "<product>:<Action>" (for example "vstorage:ListProjects" or "vstorage:*")`, a)
	case strings.EqualFold(product, "s3"):
		return fmt.Sprintf("%q is an S3 action: %s", a, awsHint)
	case strings.ContainsFunc(a, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ':' || r == '*' || r == '-' || r == '_' || r == '.')
	}):
		return fmt.Sprintf("%q contains a character that is not a letter, digit, ':', '*', '-', '_' or '.'", a)
	}
	return ""
}

func conditionValueProblem(number bool, v any) string {
	if list, ok := v.([]any); ok {
		if len(list) == 0 {
			return "is an empty list"
		}
		for _, e := range list {
			if r := conditionValueProblem(number, e); r != "" {
				return r
			}
		}
		return ""
	}
	if list, ok := v.([]string); ok {
		if number {
			return "a number operator needs numbers, not strings"
		}
		if len(list) == 0 {
			return "is an empty list"
		}
		return ""
	}
	switch v.(type) {
	case json.Number, float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		if number {
			return ""
		}
		return "a string operator needs strings, not numbers"
	case string:
		if number {
			return "a number operator needs numbers, not strings"
		}
		return ""
	}
	return fmt.Sprintf("has a value of type %T; use a string, a number or a list of them", v)
}

// VStorageFullAccess returns a document allowing every vStorage action on
// every resource ("vstorage:*" on "*"), like the managed policy
// vStorageFullAccess.
func VStorageFullAccess() PolicyDocument {
	return PolicyDocument{Statements: []Statement{{Effect: Allow, Actions: []string{"vstorage:*"}, Resources: []string{"*"}}}}
}

// VStorageReadOnly returns a document allowing the vStorage read actions
// on every resource: "vstorage:List*" and "vstorage:Get*". These wildcards
// cover the read actions documented for HCM03 (ListRegions, ListProjects,
// GetProjectInfo, GetProjectQuota, GetProjectUsage, GetProjectTraffic,
// ListContainers, GetContainerInfo, ListObjects, GetObjectInfo,
// GetUserInfo, GetUserUsage). The action names of HCM04 and HAN02 are not
// documented; that they follow the same List/Get naming is unconfirmed.
func VStorageReadOnly() PolicyDocument {
	return PolicyDocument{Statements: []Statement{{Effect: Allow, Actions: []string{"vstorage:List*", "vstorage:Get*"}, Resources: []string{"*"}}}}
}

// VStorageAllow returns a document allowing the named vStorage actions on
// every resource. Names without a product get the "vstorage:" prefix, so
// VStorageAllow("ListProjects", "GetProjectUsage") allows
// "vstorage:ListProjects" and "vstorage:GetProjectUsage".
func VStorageAllow(actions ...string) PolicyDocument {
	full := make([]string, len(actions))
	for i, a := range actions {
		if !strings.Contains(a, ":") && a != "*" {
			a = "vstorage:" + a
		}
		full[i] = a
	}
	return PolicyDocument{Statements: []Statement{{Effect: Allow, Actions: full, Resources: []string{"*"}}}}
}
