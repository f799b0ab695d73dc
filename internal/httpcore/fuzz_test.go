package httpcore

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vstorage-sdk/vngcloud"
)

// Run each target with, for example:
//
//	go test -run '^$' -fuzz '^FuzzParseErrorBody$' -fuzztime 5m ./internal/httpcore
//
// Inputs that found bugs are kept in testdata/fuzz/<target>/ and run as
// ordinary tests.

// errorBodySeeds are the error bodies the services send, plus inputs at
// the edges of ParseErrorBody.
var errorBodySeeds = []string{
	`{"errors":[{"code":"SERVICE_ACCOUNT_NOT_FOUND","message":"Service account not found"}]}`,
	`[{"code":"IAM_PERMISSION_DENIED","message":"denied"}]`,
	`{"success":false,"code":114,"errorMsg":"S3 key not found"}`,
	`{"success":false,"code":"112","errorMsg":"Bucket name is invalid"}`,
	`{"error":"invalid_client","error_description":"Client authentication failed"}`,
	`{"error":{"code":7,"message":"nested"}}`,
	`{"errors":[null]}`, `{"errors":null,"message":"m"}`, `{"errors":{"errors":{"message":"deep"}}}`,
	`<html><head><title> 502 Bad Gateway </title></head></html>`, `<TITLE></TITLE>`, `<title>x`,
	"plain text\nover\tlines", "", " ", "{", "[", "[[[[[[[[[[]]]]]]]]]]", `{"code":1e400}`,
	`{"code":true,"msg":false}`, `{"detail":"` + strings.Repeat("é", 200) + `"}`,
	"\xff\xfe", `{"message":"\ud800"}`, `"just a string"`, `123`, `null`,
}

// FuzzParseErrorBody: any body gives a one-line message of at most 300
// characters (plus "...") in valid UTF-8, and the same answer twice.
func FuzzParseErrorBody(f *testing.F) {
	for _, s := range errorBodySeeds {
		f.Add([]byte(s))
	}
	addFixtureSeeds(f, "error_*")
	f.Fuzz(func(t *testing.T, body []byte) {
		code, msg := ParseErrorBody(body)
		if !utf8.ValidString(msg) {
			t.Fatalf("message %q is not valid UTF-8", msg)
		}
		if len(msg) > maxMessage+len("...") {
			t.Fatalf("message is %d bytes long", len(msg))
		}
		if strings.ContainsAny(msg, "\r\n\t") {
			t.Fatalf("message %q spans lines", msg)
		}
		if msg != strings.TrimSpace(msg) {
			t.Fatalf("message %q has surrounding space", msg)
		}
		if c2, m2 := ParseErrorBody(bytes.Clone(body)); c2 != code || m2 != msg {
			t.Fatalf("not deterministic: (%q, %q) then (%q, %q)", code, msg, c2, m2)
		}
	})
}

// decodeTarget has the loose shape of a service answer, so that type
// errors at nested fields are exercised too.
type decodeTarget struct {
	ID    string            `json:"id"`
	N     int               `json:"n"`
	F     float64           `json:"f"`
	OK    bool              `json:"ok"`
	Items []json.RawMessage `json:"items"`
	Sub   *decodeTarget     `json:"sub"`
	M     map[string]string `json:"m"`
}

// FuzzDecode: Decode never panics; every failure is a *DecodeError whose
// reason is one line; a body that decodes is stable (decoding its
// re-encoding gives the same value); the reason tells broken JSON from
// valid JSON of another shape as encoding/json's validator does.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","n":1,"f":1.5,"ok":true,"items":[1,"x",null],"sub":{"id":"b"},"m":{"k":"v"}}`,
		`{"n":"1"}`, `{"sub":{"n":1.5}}`, `{"m":{"k":1}}`, `{"id":1e400}`, ` {"id":"a"} `,
		`{"id":"a"`, `{"id":"a"}x`, `{"id":"a"} {"id":"b"}`, `<!doctype html>`, "", "\t\r\n ", "null",
		`[]`, `"s"`, `{"ID":"case"}`, `{"id":"\u0000"}`, "{\"id\":\"\xff\"}", `{"n":-0}`, `{"n":9223372036854775808}`,
	} {
		f.Add([]byte(s))
	}
	addFixtureSeeds(f, "*")
	f.Fuzz(func(t *testing.T, body []byte) {
		var out decodeTarget
		err := Decode(body, &out)
		valid := json.Valid(bytes.TrimSpace(body))
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T %v is not a *DecodeError", err, err)
			}
			if strings.ContainsAny(de.Reason, "\r\n") || de.Reason == "" {
				t.Fatalf("reason %q", de.Reason)
			}
			// The reason must not call valid JSON broken, nor broken JSON
			// merely of another shape.
			saysBroken := strings.Contains(de.Reason, "not valid JSON") || strings.Contains(de.Reason, "truncated")
			saysShape := strings.Contains(de.Reason, "unexpected shape")
			if valid && saysBroken || !valid && saysShape {
				t.Fatalf("json.Valid = %v, but the reason is %q", valid, de.Reason)
			}
			return
		}
		if !valid {
			t.Fatalf("Decode accepted %q, which is not valid JSON", body)
		}
		enc, err := json.Marshal(out)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		var again decodeTarget
		if err := Decode(enc, &again); err != nil {
			t.Fatalf("decoding the re-encoding %s: %v", enc, err)
		}
		enc2, _ := json.Marshal(again)
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("not stable:\n%s\n%s", enc, enc2)
		}
	})
}

// addFixtureSeeds adds the services' saved responses whose file name
// matches glob.
func addFixtureSeeds(f *testing.F, glob string) {
	f.Helper()
	for _, dir := range []string{"../../vstorage/testdata", "../../viam/testdata"} {
		files, _ := filepath.Glob(filepath.Join(dir, glob))
		for _, p := range files {
			if !strings.HasSuffix(p, ".json") && !strings.HasSuffix(p, ".html") {
				continue
			}
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// idSeeds are IDs and near-IDs that could move a path if they were let
// through unescaped.
var idSeeds = []string{
	"p-1", "a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f601", "media-assets", ".", "..", "...", ".%2e", "%2e%2e",
	"..%2f", "a/b", `a\b`, "?x=1", "#frag", "a b", "a\tb", "\x00", "\u2028", "\u00a0", "@evil.example",
	"//evil.example", "http://evil.example", ":80", "%", "%zz", ";x", "~user", strings.Repeat("a", 513),
	"\xff", "..\u2215", "\ufeff", "a?b#c", "*",
}

// FuzzValidateIDPath: an ID that ValidateID accepts always builds a URL on
// the endpoint's scheme and host, under its base path, where it is
// exactly one path segment that reads back as the ID, and the URL's text
// parses back to the same URL. An ID it refuses is refused by the path
// builder too.
func FuzzValidateIDPath(f *testing.F) {
	for _, s := range idSeeds {
		f.Add(s, "k-1")
	}
	f.Fuzz(func(t *testing.T, id, id2 string) {
		for _, base := range []string{"https://api.example.com/api/v1/", "http://127.0.0.1:8080/", "https://h.example/a%20b/v1"} {
			c, err := newWith("", []vngcloud.Option{vngcloud.WithEndpoint(base)})
			if err != nil {
				t.Fatal(err)
			}
			checkPath(t, c, id, id2)
		}
	})
}

func checkPath(t *testing.T, c *Core, id, id2 string) {
	t.Helper()
	r := &Request{Op: "fuzz", Method: "GET", Path: "ceph/projects/{}/buckets/{}/details", Args: []string{id, id2},
		Query: url.Values{"limit": {"10"}}}
	u, err := c.buildURL(r)
	accepted := ValidateID("", "id", id) == nil && ValidateID("", "id", id2) == nil
	if !accepted {
		if err == nil {
			t.Fatalf("IDs %q, %q are refused by ValidateID but built %s", id, id2, u)
		}
		return
	}
	if err != nil {
		t.Fatalf("IDs %q, %q are accepted but the path is refused: %v", id, id2, err)
	}
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		t.Fatalf("IDs %q, %q moved the request to %s", id, id2, u)
	}
	if u.RawQuery != "limit=10" {
		t.Fatalf("IDs %q, %q changed the query to %q", id, id2, u.RawQuery)
	}
	basePath := c.base.EscapedPath()
	ep := u.EscapedPath()
	rest, ok := strings.CutPrefix(ep, basePath)
	if !ok {
		t.Fatalf("IDs %q, %q: path %q is not under %q", id, id2, ep, basePath)
	}
	segs := strings.Split(rest, "/")
	want := []string{"ceph", "projects", id, "buckets", id2, "details"}
	if len(segs) != len(want) {
		t.Fatalf("IDs %q, %q: path %q has %d segments, want %d", id, id2, ep, len(segs), len(want))
	}
	for i, s := range segs {
		got, err := url.PathUnescape(s)
		if err != nil || got != want[i] {
			t.Fatalf("IDs %q, %q: segment %d is %q (%q, %v), want %q", id, id2, i, s, got, err, want[i])
		}
		if s == "." || s == ".." {
			t.Fatalf("IDs %q, %q: dot segment in %q", id, id2, ep)
		}
	}
	back, err := url.Parse(u.String())
	if err != nil {
		t.Fatalf("IDs %q, %q: the URL %q does not parse: %v", id, id2, u.String(), err)
	}
	if back.Host != u.Host || back.EscapedPath() != ep || back.RawQuery != u.RawQuery || !reflect.DeepEqual(back.User, u.User) {
		t.Fatalf("IDs %q, %q: %q parses back as another URL: %#v", id, id2, u.String(), back)
	}
}
