package viam

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
)

func TestParsePolicyDocument(t *testing.T) {
	t.Parallel()
	doc, err := ParsePolicyDocument([]byte(fixture(t, "policy_document_vstorage_readonly.json")))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(doc, VStorageReadOnly()) {
		t.Fatalf("doc = %+v", doc)
	}
	withCond := `{"statements":[{"effect":"deny","actions":["vstorage:DeleteProject"],"resources":["*"],
		"condition":{"stringEquals":{"k":["a","b"]},"numberGreaterThanOrEquals":{"n":12345678901234567890}}}]}`
	doc, err = ParsePolicyDocument([]byte(withCond))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc)
	if !strings.Contains(string(b), `"n":12345678901234567890`) {
		t.Errorf("a large number lost precision: %s", b)
	}
}

func TestParsePolicyDocumentRefusesAWS(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"bucket policy":      fixture(t, "aws_bucket_policy.json"),
		"Statement only":     `{"Statement":[{"effect":"allow","actions":["vstorage:*"],"resources":["*"]}]}`,
		"Version":            `{"Version":"2012-10-17","statements":[]}`,
		"capitalised Effect": `{"statements":[{"Effect":"allow","actions":["vstorage:*"],"resources":["*"]}]}`,
		"capitalised Action": `{"statements":[{"effect":"allow","Action":["vstorage:*"],"resources":["*"]}]}`,
		"Principal":          `{"statements":[{"effect":"allow","actions":["vstorage:*"],"resources":["*"],"Principal":"*"}]}`,
		"Allow value":        `{"statements":[{"effect":"Allow","actions":["vstorage:*"],"resources":["*"]}]}`,
		"s3 action":          `{"statements":[{"effect":"allow","actions":["s3:GetObject"],"resources":["*"]}]}`,
		"arn resource":       `{"statements":[{"effect":"allow","actions":["vstorage:*"],"resources":["arn:aws:s3:::b/*"]}]}`,
	} {
		_, err := ParsePolicyDocument([]byte(in))
		var ve *vngcloud.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, vngcloud.ErrInvalidInput) || ve.Operation != "viam.ParsePolicyDocument" {
			t.Errorf("%s: err = %v", name, err)
			continue
		}
		if !strings.Contains(err.Error(), "AWS/S3 bucket-policy document") || !strings.Contains(err.Error(), "use vstorage bucket policies") ||
			!strings.Contains(err.Error(), "lower-case statements/effect/actions/resources") {
			t.Errorf("%s: the error does not say why: %v", name, err)
		}
	}
}

func TestParsePolicyDocumentRefusesOther(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ in, field, says string }{
		"not JSON":          {`{`, "document", "not a JSON object"},
		"array":             {`[]`, "document", "not a JSON object"},
		"null":              {`null`, "document", "not a JSON object"},
		"no statements":     {`{}`, "statements", "missing"},
		"unknown top key":   {`{"statements":[],"version":"1"}`, "document", `unknown key "version"`},
		"empty statements":  {`{"statements":[]}`, "statements", "at least one statement"},
		"statements object": {`{"statements":{}}`, "statements", "array of objects"},
		"unknown st key":    {`{"statements":[{"effect":"allow","actions":["a:b"],"resources":["*"],"sid":"x"}]}`, "statements[0]", `unknown key "sid"`},
		"effect type":       {`{"statements":[{"effect":1}]}`, "statements[0].effect", "must be a string"},
		"actions type":      {`{"statements":[{"effect":"allow","actions":"a:b"}]}`, "statements[0].actions", "array of strings"},
		"resources type":    {`{"statements":[{"effect":"allow","actions":["a:b"],"resources":"*"}]}`, "statements[0].resources", "array of strings"},
		"condition type":    {`{"statements":[{"effect":"allow","actions":["a:b"],"resources":["*"],"condition":[]}]}`, "statements[0].condition", "object of operators"},
		"bad effect":        {`{"statements":[{"effect":"permit","actions":["a:b"],"resources":["*"]}]}`, "statements[0].effect", `"permit" is not`},
		"no effect":         {`{"statements":[{"actions":["a:b"],"resources":["*"]}]}`, "statements[0].effect", "missing"},
		"no actions":        {`{"statements":[{"effect":"allow","actions":[],"resources":["*"]}]}`, "statements[0].actions", "at least one action"},
		"bare action":       {`{"statements":[{"effect":"allow","actions":["ListProjects"],"resources":["*"]}]}`, "statements[0].actions[0]", "<product>:<Action>"},
		"action space":      {`{"statements":[{"effect":"allow","actions":["vstorage:List Projects"],"resources":["*"]}]}`, "statements[0].actions[0]", "not a letter"},
		"no resources":      {`{"statements":[{"effect":"allow","actions":["a:b"]}]}`, "statements[0].resources", "at least one resource"},
		"empty resource":    {`{"statements":[{"effect":"allow","actions":["a:b"],"resources":[" "]}]}`, "statements[0].resources[0]", "empty"},
		"unknown operator":  {`{"statements":[{"effect":"allow","actions":["a:b"],"resources":["*"],"condition":{"StringLike":{"k":"v"}}}]}`, "statements[0].condition", `unknown operator "StringLike"`},
		"empty operator":    {`{"statements":[{"effect":"allow","actions":["a:b"],"resources":["*"],"condition":{"stringEquals":{}}}]}`, "statements[0].condition.stringEquals", "names no key"},
		"number as string":  {`{"statements":[{"effect":"allow","actions":["a:b"],"resources":["*"],"condition":{"numberLessThan":{"k":"5"}}}]}`, "statements[0].condition.numberLessThan.k", "needs numbers"},
		"string as number":  {`{"statements":[{"effect":"allow","actions":["a:b"],"resources":["*"],"condition":{"stringEquals":{"k":5}}}]}`, "statements[0].condition.stringEquals.k", "needs strings"},
		"object value":      {`{"statements":[{"effect":"allow","actions":["a:b"],"resources":["*"],"condition":{"stringEquals":{"k":{}}}}]}`, "statements[0].condition.stringEquals.k", "value of type"},
		"empty list value":  {`{"statements":[{"effect":"allow","actions":["a:b"],"resources":["*"],"condition":{"stringEquals":{"k":[]}}}]}`, "statements[0].condition.stringEquals.k", "empty list"},
		"second statement":  {`{"statements":[{"effect":"allow","actions":["a:b"],"resources":["*"]},{"effect":"deny","actions":["*"]}]}`, "statements[1].resources", "at least one resource"},
	} {
		_, err := ParsePolicyDocument([]byte(tc.in))
		var ve *vngcloud.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: err = %v", name, err)
			continue
		}
		if ve.Field != tc.field || !strings.Contains(ve.Reason, tc.says) {
			t.Errorf("%s: field %q reason %q; want field %q and %q", name, ve.Field, ve.Reason, tc.field, tc.says)
		}
	}
}

func TestValidateGoValues(t *testing.T) {
	t.Parallel()
	ok := PolicyDocument{Statements: []Statement{{Effect: Deny, Actions: []string{"*", "iam:*", "vserver:List*"}, Resources: []string{"*"},
		Condition: map[string]map[string]any{
			StringEquals:              {"a": "x", "b": []string{"y", "z"}},
			StringNotEquals:           {"c": []any{"p", "q"}},
			NumberLessThan:            {"n": 3},
			NumberLessThanOrEquals:    {"n": 3.5},
			NumberGreaterThan:         {"n": int64(1)},
			NumberGreaterThanOrEquals: {"n": []any{1.0, json.Number("2")}},
		}}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := ok
	bad.Statements = []Statement{{Effect: Allow, Actions: []string{"vstorage:*"}, Resources: []string{"*"},
		Condition: map[string]map[string]any{NumberLessThan: {"n": []string{"1"}}}}}
	if err := bad.Validate(); err == nil {
		t.Error("strings accepted for a number operator")
	}
	for _, d := range []PolicyDocument{VStorageFullAccess(), VStorageReadOnly(), VStorageAllow("ListProjects", "iam:GetUser", "*")} {
		if err := d.Validate(); err != nil {
			t.Errorf("builder output invalid: %v", err)
		}
	}
	b, _ := json.Marshal(VStorageFullAccess())
	want(t, "full access JSON", string(b), `{"statements":[{"effect":"allow","actions":["vstorage:*"],"resources":["*"]}]}`)
	b, _ = json.Marshal(VStorageAllow("ListProjects", "iam:GetUser", "*"))
	want(t, "allow JSON", string(b), `{"statements":[{"effect":"allow","actions":["vstorage:ListProjects","iam:GetUser","*"],"resources":["*"]}]}`)
}

func TestTimestamp(t *testing.T) {
	t.Parallel()
	at := time.UnixMilli(1727337600123).UTC()
	for in, wantT := range map[string]time.Time{
		`1727337600123`:                             at,
		`1727337600123.0`:                           at,
		`"1727337600123"`:                           at,
		`{"$numberLong":"1727337600123"}`:           at,
		`{"$date":{"$numberLong":"1727337600123"}}`: at,
		`{"$date":"2024-09-26T08:00:00.123Z"}`:      at,
		`"2024-09-26T08:00:00.123Z"`:                at,
		`"2024-09-26T15:00:00.123+07:00"`:           at,
		`"2024-09-26 08:00:00.123"`:                 at,
		`null`:                                      {},
		`"not a date"`:                              {},
		`{"$other":1}`:                              {},
		`true`:                                      {},
		`""`:                                        {},
	} {
		var ts Timestamp
		if err := json.Unmarshal([]byte(in), &ts); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if !ts.Equal(wantT) || !ts.IsZero() && ts.Location() != time.UTC {
			t.Errorf("%s: got %v, want %v", in, ts.Time, wantT)
		}
	}
	var s struct {
		A Timestamp `json:"a"`
		B Timestamp `json:"b"`
	}
	if err := json.Unmarshal([]byte(`{"b":1727337600123}`), &s); err != nil || !s.A.IsZero() {
		t.Fatalf("absent field: %v %v", s.A, err)
	}
	b, _ := json.Marshal(s)
	want(t, "marshal", string(b), `{"a":null,"b":1727337600123}`)
}
