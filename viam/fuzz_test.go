package viam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// Run each target with, for example:
//
//	go test -run '^$' -fuzz '^FuzzPage$' -fuzztime 5m ./viam
//
// Inputs that found bugs are kept in testdata/fuzz/<target>/ and run as
// ordinary tests.

// fixedResponse is an in-memory transport that answers every request with
// one status and body.
type fixedResponse struct {
	status int
	body   []byte
}

func (f *fixedResponse) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return &http.Response{StatusCode: f.status, Status: http.StatusText(f.status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(f.body)),
		ContentLength: int64(len(f.body)), Request: req}, nil
}

func addFixtures(f *testing.F, glob string, extra ...any) {
	f.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", glob))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]any{b}, extra...)...)
	}
}

// FuzzPage sends the fuzzed body, with one of several statuses, as the
// answer of ListServiceAccounts and ListPolicies through the whole client.
// Every failure must be a *vngcloud.APIError naming the call, with a
// one-line message and at most MaxErrorBody bytes of body; a page that
// decodes must be stable: decode → encode → decode → encode gives the
// same bytes twice.
func FuzzPage(f *testing.F) {
	for _, s := range []string{
		`{"data":[],"pageNumber":0,"pageSize":100,"totalItems":0,"totalPages":0}`,
		`[{"id":"a","createdAt":{"$date":{"$numberLong":"1727337600123"}}}]`,
		`{"data":[{"id":"a","createdAt":"2026-09-26T08:00:00.123456789+07:00","lastUse":"1727337600123.9"}]}`,
		`{"data":[{"createdAt":{"$numberDouble":"1e15"},"lastUse":-62135596800001}]}`,
		`{"data":[{"createdAt":"9999-12-31T23:59:59-23:59"}]}`,
		`{"data":[{"id":"p","root":"123","_id":{"$oid":"x"},"scope":{"a":1},"statements":[{"effect":"allow","actions":["*"],"resources":["*"],"condition":{"stringEquals":{"k":["v",1]}}}]}]}`,
		`{"data":null,"pageNumber":"1"}`, `{"errors":[{"code":"X","message":"m"}]}`, `<html><title>502</title></html>`,
		``, `null`, `[null]`, `{"data":[null]}`, `{"data":{}}`,
	} {
		f.Add([]byte(s), uint8(0))
	}
	addFixtures(f, "*_list*.json", uint8(0))
	addFixtures(f, "error_*", uint8(3))
	tr := &fixedResponse{}
	c, err := NewClient(vngcloud.WithEndpoint("https://iam.test/"), vngcloud.WithTokenSource(vngcloud.StaticToken("t")),
		vngcloud.WithRetries(0), vngcloud.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte, sel uint8) {
		tr.status = []int{200, 200, 200, 400, 401, 403, 404, 409, 500, 502}[int(sel)%10]
		tr.body = body

		sas, err := c.ListServiceAccounts(ctx, nil)
		checkAPIError(t, "viam.ListServiceAccounts", err)
		if err == nil {
			checkStable(t, &sas, new(Page[ServiceAccount]))
		}
		ps, err := c.ListPolicies(ctx, nil)
		checkAPIError(t, "viam.ListPolicies", err)
		if err == nil {
			checkStable(t, &ps, new(Page[Policy]))
		}
	})
}

func checkAPIError(t *testing.T, op string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("%s: error %T (%v) is not a *vngcloud.APIError", op, err, err)
	}
	if ae.Operation != op {
		t.Fatalf("%s: the error names %q", op, ae.Operation)
	}
	if len(ae.Body) > httpcore.MaxErrorBody {
		t.Fatalf("%s: the error keeps %d bytes of body", op, len(ae.Body))
	}
	if strings.ContainsAny(ae.Message, "\r\n") || !utf8.ValidString(ae.Message) {
		t.Fatalf("%s: message %q", op, ae.Message)
	}
}

// checkStable encodes v, decodes that into fresh, encodes again, and
// wants the same bytes.
func checkStable[T any](t *testing.T, v T, fresh T) {
	t.Helper()
	enc, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("a decoded %T does not encode: %v", v, err)
	}
	if err := json.Unmarshal(enc, fresh); err != nil {
		t.Fatalf("the encoding of a decoded %T does not decode: %v\n%s", v, err, enc)
	}
	enc2, err := json.Marshal(fresh)
	if err != nil || !bytes.Equal(enc, enc2) {
		t.Fatalf("decode → encode → decode is not stable for %T (%v):\n%s\n%s", v, err, enc, enc2)
	}
}

// FuzzTimestamp: any JSON value decodes (never an error); the result is
// UTC; it encodes as epoch milliseconds or null, and that encoding decodes
// to the same instant truncated to the millisecond.
func FuzzTimestamp(f *testing.F) {
	for _, s := range []string{`1727337600123`, `{"$numberLong":"1727337600123"}`, `{"$date":{"$date":{"$date":{"$date":1}}}}`,
		`"2026-09-26T08:00:00Z"`, `"1727337600123"`, `null`, `"1.5e3"`, `-1`, `9223372036854775807`, `1e300`,
		`"2026-09-26 08:00:00.5+07:00"`, `{"$numberDouble":"NaN"}`, `"-0"`, `true`, `[]`, `"\u0031"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ts Timestamp
		if err := ts.UnmarshalJSON(data); err != nil {
			t.Fatalf("UnmarshalJSON(%q) = %v", data, err)
		}
		if !ts.IsZero() && ts.Location() != nil && ts.Location().String() != "UTC" {
			t.Fatalf("%q decodes in %v", data, ts.Location())
		}
		enc, err := ts.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back Timestamp
		if err := back.UnmarshalJSON(enc); err != nil {
			t.Fatal(err)
		}
		if ts.IsZero() {
			if !back.IsZero() || string(enc) != "null" {
				t.Fatalf("zero encodes as %s", enc)
			}
			return
		}
		if back.UnixMilli() != ts.UnixMilli() {
			t.Fatalf("%q: %v encodes as %s, which decodes as %v", data, ts.Time, enc, back.Time)
		}
	})
}

// FuzzPolicyDocument: ParsePolicyDocument never panics; what it accepts
// passes Validate, encodes, and parses back to the same document (an
// empty condition object reads back as no condition).
func FuzzPolicyDocument(f *testing.F) {
	for _, s := range []string{
		`{"statements":[{"effect":"allow","actions":["vstorage:*"],"resources":["*"]}]}`,
		`{"statements":[{"effect":"deny","actions":["vserver:List*"],"resources":["a"],"condition":{"numberLessThan":{"k":[1,2.5e3]}}}]}`,
		`{"statements":[{"effect":"allow","actions":["*"],"resources":["*"],"condition":{"stringEquals":{"k":"v"}}}]}`,
		`{"statements":[{"effect":"allow","actions":["*"],"resources":["*"],"condition":null}]}`,
		`{"Version":"2012-10-17","Statement":[]}`, `{"statements":[{"Effect":"Allow"}]}`, `{"statements":[]}`,
		`{"statements":null}`, `{"statements":[null]}`, `{}`, `null`, `[]`, `{"statements":[{"effect":"ALLOW"}]}`,
		`{"statements":[{"effect":"allow","actions":["s3:GetObject"],"resources":["arn:aws:s3:::b"]}]}`,
		`{"statements":[{"effect":"allow","actions":["a:b"],"resources":["*"],"condition":{"stringEquals":{"":"v"}}}]}`,
		`{"statements":[{"effect":"allow","actions":["a:b"],"resources":["*"],"condition":{"numberLessThan":{"k":-0}}}]}`,
	} {
		f.Add([]byte(s))
	}
	addFixtures(f, "policy_document*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ParsePolicyDocument(data)
		if err != nil {
			var ve *vngcloud.ValidationError
			if !errors.As(err, &ve) || ve.Operation != "viam.ParsePolicyDocument" {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		if err := doc.Validate(); err != nil {
			t.Fatalf("parsed but invalid: %v", err)
		}
		enc, err := json.Marshal(doc)
		if err != nil {
			t.Fatalf("does not encode: %v", err)
		}
		back, err := ParsePolicyDocument(enc)
		if err != nil {
			t.Fatalf("its encoding %s does not parse: %v", enc, err)
		}
		// An empty condition object and no condition mean the same, and
		// encode the same (omitted).
		for i := range doc.Statements {
			if len(doc.Statements[i].Condition) == 0 {
				doc.Statements[i].Condition = nil
			}
		}
		if !reflect.DeepEqual(doc, back) {
			t.Fatalf("not the same after a round trip:\n%#v\n%#v", doc, back)
		}
	})
}

// serviceAccountNameRule is the documented rule, written independently of
// ValidateServiceAccountName: 1 to 50 letters, digits, '.', '_', '-' or
// spaces (ASCII, so characters and bytes agree).
var serviceAccountNameRule = regexp.MustCompile(`^[A-Za-z0-9._ -]{1,50}$`)

// FuzzValidateServiceAccountName: the validator accepts exactly the names
// of its documented rule, and its errors are *vngcloud.ValidationError
// values for the Name field.
func FuzzValidateServiceAccountName(f *testing.F) {
	for _, s := range []string{"backup-uploader", "ci.deploy_bot", "a", "", " ", strings.Repeat("x", 50), strings.Repeat("x", 51),
		"é", "a\tb", "a\nb", "a/b", "\xff", strings.Repeat("é", 30), "sa-1", "名前"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateServiceAccountName(name)
		if want := serviceAccountNameRule.MatchString(name); (err == nil) != want {
			t.Fatalf("ValidateServiceAccountName(%q) = %v, the documented rule says ok=%v", name, err, want)
		}
		if err != nil {
			var ve *vngcloud.ValidationError
			if !errors.As(err, &ve) || ve.Field != "Name" || !utf8.ValidString(ve.Reason) {
				t.Fatalf("error %T %#v", err, err)
			}
		}
	})
}
