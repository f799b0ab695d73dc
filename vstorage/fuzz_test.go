package vstorage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// Run each target with, for example:
//
//	go test -run '^$' -fuzz '^FuzzEnvelope$' -fuzztime 5m ./vstorage
//
// Inputs that found bugs are kept in testdata/fuzz/<target>/ and run as
// ordinary tests.

// fixedResponse is an in-memory transport that answers every request with
// one status and body, so a fuzz run spends its time in the SDK's decoding
// and not in a network stack.
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

// fuzzClient returns a client on an in-memory transport (no retries, a
// fixed region UUID so nothing is looked up).
func fuzzClient(t testing.TB, tr http.RoundTripper) *Client {
	t.Helper()
	c, err := NewClient(vngcloud.WithEndpoint(testBase), WithRegion(hcm04ID),
		vngcloud.WithTokenSource(vngcloud.StaticToken(testToken)), vngcloud.WithRetries(0),
		vngcloud.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// envelopeSeeds are envelopes at the edges of the decoder.
var envelopeSeeds = []string{
	`{"success":true,"code":200,"datas":[]}`,
	`{"success":true,"code":200,"datas":null,"data":[{"name":"a-b"}]}`,
	`{"code":"200","datas":[{"name":"abc","count":"12","size":"1.5e3","isPublic":"1","createdDate":1727337600123}]}`,
	`{"success":"true"}`, `{"success":null,"code":null}`, `{"code":" 200 "}`, `{"code":"\u0032\u0030\u0030"}`,
	`{"success":false,"code":114,"errorMsg":"S3 key not found"}`, `{"success":false}`, `{"success":true,"isNext":"1","datas":[]}`,
	`{"success":true,"datas":[{"size":1e400}]}`, `{"success":true,"datas":[{"size":-1}]}`,
	`{"success":true,"datas":[{"createdDate":-62135596801,"lastModified":"0001-01-01T00:00:00+07:00"}]}`,
	`{"success":true,"data":"{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":[\"arn:aws:s3:::b/*\",1,true]}}"}`,
	`{"success":true,"data":{"Statement":[{"Principal":{"AWS":"x","CanonicalUser":["y"]},"Condition":{"IpAddress":{"aws:SourceIp":"1.2.3.4"}}}]}}`,
	`[{"code":"IAM_PERMISSION_DENIED","message":"denied"}]`, `[]`, ``, ` `, `<html><title>t</title></html>`, `{`, `null`, `1`,
}

// FuzzEnvelope sends the fuzzed body as the answer of ListBuckets,
// GetBucket and GetBucketPolicy, through the whole client (transport,
// core, envelope, wire types). Every failure must be a *vngcloud.APIError
// that names the call and keeps at most MaxErrorBody bytes of body; a
// success must survive encoding: what it decodes to encodes, and that
// encoding decodes to the same value (decode → encode → decode is
// stable).
func FuzzEnvelope(f *testing.F) {
	for _, s := range envelopeSeeds {
		f.Add([]byte(s), uint8(0))
	}
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0))
		f.Add(b, uint8(1))
	}
	tr := &fixedResponse{}
	c := fuzzClient(f, tr)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte, sel uint8) {
		tr.status = []int{200, 200, 200, 204, 400, 403, 404, 500}[sel%8]
		tr.body = body

		buckets, err := c.ListBuckets(ctx, projID)
		checkAPIError(t, "vstorage.ListBuckets", err)
		if err == nil {
			checkStable(t, buckets, new([]Bucket))
		}

		b, err := c.GetBucket(ctx, projID, bucket)
		checkAPIError(t, "vstorage.GetBucket", err)
		if err == nil {
			checkStable(t, b, new(Bucket))
		}

		p, err := c.GetBucketPolicy(ctx, projID, bucket)
		checkAPIError(t, "vstorage.GetBucketPolicy", err)
		if err == nil && p.Version != "" {
			checkStable(t, p, new(BucketPolicy))
		}
	})
}

// checkAPIError checks that err is nil or an APIError for op.
func checkAPIError(t *testing.T, op string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("%s: error %T (%v) is not a *vngcloud.APIError", op, err, err)
	}
	if !strings.HasPrefix(ae.Operation, op) {
		t.Fatalf("%s: the error names %q", op, ae.Operation)
	}
	if len(ae.Body) > httpcore.MaxErrorBody {
		t.Fatalf("%s: the error keeps %d bytes of body", op, len(ae.Body))
	}
	if ae.Error() == "" {
		t.Fatalf("%s: empty error text", op)
	}
}

// checkStable encodes v, decodes the result into fresh (a pointer to a
// zero value of v's type), encodes again, and wants the same bytes.
func checkStable[T any](t *testing.T, v T, fresh *T) {
	t.Helper()
	enc, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("a decoded %T does not encode: %v", v, err)
	}
	if err := json.Unmarshal(enc, fresh); err != nil {
		t.Fatalf("the encoding of a decoded %T does not decode: %v\n%s", v, err, enc)
	}
	enc2, err := json.Marshal(*fresh)
	if err != nil || !bytes.Equal(enc, enc2) {
		t.Fatalf("decode → encode → decode is not stable for %T (%v):\n%s\n%s", v, err, enc, enc2)
	}
}

// FuzzStringList: a StringList or a PolicyPrincipal that decodes encodes
// to what decodes to the same value.
func FuzzStringList(f *testing.F) {
	for _, s := range []string{`"a"`, `["a","b"]`, `[1,true,null,"x"]`, `null`, `[]`, `"*"`, `{"AWS":"x"}`,
		`{"AWS":["x","y"],"Other":"z"}`, `{"AWS":null}`, `{}`, `1e400`, `[{"a":1}]`, `"\u00e9\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var l StringList
		if json.Unmarshal(data, &l) == nil {
			checkStable(t, l, new(StringList))
		}
		var p PolicyPrincipal
		if json.Unmarshal(data, &p) == nil {
			checkStable(t, p, new(PolicyPrincipal))
		}
	})
}

// bucketNameRule is the documented rule of ValidateBucketName written
// independently of it: 3 to 63 characters of a-z, 0-9, '.', '-', a letter
// or digit at each end, no "..".
var bucketNameRule = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// ipv4Format is "formatted as an IP address": four dot-separated groups
// of digits, as S3 and Ceph RGW refuse them.
var ipv4Format = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$`)

// wantBucketNameOK is the documented rule set of ValidateBucketName.
func wantBucketNameOK(name string) bool {
	return bucketNameRule.MatchString(name) && !strings.Contains(name, "..") && !ipv4Format.MatchString(name) &&
		!strings.HasPrefix(name, "xn--") && !strings.HasSuffix(name, "-s3alias")
}

// FuzzValidateBucketName: ValidateBucketName accepts exactly the names
// its documented rules allow, and an accepted name is one path segment
// (no escaping needed, so it is sent as written).
func FuzzValidateBucketName(f *testing.F) {
	for _, s := range []string{"media-assets", "abc", "ab", strings.Repeat("a", 63), strings.Repeat("a", 64), "a..b", "a.-b",
		"-ab", "ab-", "Abc", "192.168.5.4", "1.2.3", "1.2.3.4.5", "xn--abc", "abc-s3alias",
		"a_b", "a b", "ab\u00e9", "ab\n", "..", "a.b.c.d", "::1", "1.2.3.4a", "0.0.0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateBucketName(name)
		if want := wantBucketNameOK(name); (err == nil) != want {
			t.Fatalf("ValidateBucketName(%q) = %v, documented rules say ok=%v", name, err, want)
		}
		if err != nil {
			var ve *vngcloud.ValidationError
			if !errors.As(err, &ve) || ve.Field != "bucket" {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		if httpcore.ValidateID("", "bucket", name) != nil {
			t.Fatalf("%q is a valid bucket name but not a valid path segment", name)
		}
	})
}

// TestFuzzClientIsOffline guards the fuzz harness: the transport answers
// without a network and the envelope seeds decode as their comments say.
func TestFuzzClientIsOffline(t *testing.T) {
	tr := &fixedResponse{status: 200, body: []byte(fixture(t, "buckets.json"))}
	c := fuzzClient(t, tr)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	bs, err := c.ListBuckets(ctx, projID)
	if err != nil || len(bs) != 2 {
		t.Fatalf("ListBuckets = %d buckets, %v", len(bs), err)
	}
}

// refParseServiceTime is parseServiceTime as it was before its fast paths:
// every layout in order.
func refParseServiceTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, serviceZone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// FuzzFlexScalars checks the allocation-free fast paths of the wire types
// against the plain encoding/json route they replace: jsonString against
// json.Unmarshal into a string, parseServiceTime against trying every
// layout, flexNum and flexBool against their definitions.
func FuzzFlexScalars(f *testing.F) {
	for _, s := range []string{`"09/10/2026 21:30"`, `"31/02/2026 10:00"`, `"29/02/2024 23:59"`, `"00/01/2026 00:00"`,
		`"1/10/2026 21:30"`, `"09/10/2026 24:00"`, `"09/10/0000 00:00"`, `"2026-10-09T21:30:00+07:00"`, `"2026-10-09"`,
		`"09/10/2026"`, `"09/10/2026 21:30:05"`, `" 09/10/2026 21:30 "`, `"a\u00e9\\n"`, `"\ud800"`, "\"\xff\"", `"\u0000"`,
		`1.5`, `-0`, `1e400`, `"1e400"`, `" 12 "`, `true`, `"TRUE"`, `1`, `"0"`, `null`, `""`, `[1]`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return // the decoder never hands these to UnmarshalJSON
		}
		b = bytes.TrimSpace(b)
		if b[0] == '"' {
			var want string
			werr := json.Unmarshal(b, &want)
			got, err := jsonString(b)
			if got != want || (err == nil) != (werr == nil) {
				t.Fatalf("jsonString(%q) = %q, %v; encoding/json: %q, %v", b, got, err, want, werr)
			}
			gt, gok := parseServiceTime(want)
			wt, wok := refParseServiceTime(want)
			gz, goff := gt.Zone()
			wz, woff := wt.Zone()
			if gok != wok || !gt.Equal(wt) || gz != wz || goff != woff {
				t.Fatalf("parseServiceTime(%q) = %v, %v; every layout: %v, %v", want, gt, gok, wt, wok)
			}
			var ft flexTime
			if err := ft.UnmarshalJSON(b); err != nil || !ft.time().Equal(wt) {
				t.Fatalf("flexTime(%q) = %v, %v; want %v", b, ft.time(), err, wt)
			}
		}
		var n flexNum
		nerr := n.UnmarshalJSON(b)
		if b[0] != '"' && b[0] != 'n' {
			var want float64
			werr := json.Unmarshal(b, &want)
			if (nerr == nil) != (werr == nil) || nerr == nil && float64(n) != want {
				t.Fatalf("flexNum(%q) = %v, %v; encoding/json: %v, %v", b, n, nerr, want, werr)
			}
		}
		var v flexBool
		verr := v.UnmarshalJSON(b)
		switch low := strings.ToLower(strings.Trim(string(b), `"`)); {
		case string(b) == "null", low == "false", low == "0", low == "":
			if verr != nil || v {
				t.Fatalf("flexBool(%q) = %v, %v; want false", b, v, verr)
			}
		case low == "true", low == "1":
			if verr != nil || !v {
				t.Fatalf("flexBool(%q) = %v, %v; want true", b, v, verr)
			}
		default:
			if verr == nil {
				t.Fatalf("flexBool(%q) = %v; want an error", b, v)
			}
		}
	})
}
