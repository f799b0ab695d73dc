package vngcloud_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
)

const secretValue = "wJalr-SECRET/K7MDENG+bPxRfi"

type holder struct {
	Name   string
	Secret vngcloud.Secret
	Ptr    *vngcloud.Secret
}

func TestSecretNeverPrinted(t *testing.T) {
	t.Parallel()
	s := vngcloud.Secret(secretValue)
	h := holder{Name: "n", Secret: s, Ptr: &s}
	for _, out := range []string{
		fmt.Sprintf("%v %+v %#v %s %q %x %X %d %10s %-8v", s, s, s, s, s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", h, h, h),
		fmt.Sprintf("%v %+v %#v", &h, &h, &h),
		fmt.Sprint(s, h, []vngcloud.Secret{s}, map[string]vngcloud.Secret{"k": s}),
		s.String(), s.GoString(),
	} {
		if strings.Contains(out, secretValue) || strings.Contains(out, "SECRET") {
			t.Fatalf("secret leaked: %s", out)
		}
		if !strings.Contains(out, vngcloud.Redacted) {
			t.Fatalf("no redaction marker in %q", out)
		}
	}
}

func TestSecretJSONAndSlog(t *testing.T) {
	t.Parallel()
	s := vngcloud.Secret(secretValue)
	b, err := json.Marshal(holder{Name: "n", Secret: s, Ptr: &s})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), secretValue) || !strings.Contains(string(b), vngcloud.Redacted) {
		t.Fatalf("json: %s", b)
	}
	var buf bytes.Buffer
	for _, hd := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		l := slog.New(hd)
		l.Info("msg", "secret", s, "holder", holder{Secret: s, Ptr: &s}, slog.Any("any", s), slog.Group("g", "s", s))
		l.Info("msg", "struct", holder{Secret: s})
	}
	if strings.Contains(buf.String(), secretValue) {
		t.Fatalf("slog: %s", buf.String())
	}
	if !strings.Contains(buf.String(), vngcloud.Redacted) {
		t.Fatalf("slog shows no redaction: %s", buf.String())
	}
}

func TestSecretDecodesAndReveals(t *testing.T) {
	t.Parallel()
	var v struct {
		Key vngcloud.Secret `json:"secretKey"`
	}
	if err := json.Unmarshal([]byte(`{"secretKey":"`+secretValue+`"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.Key.Reveal() != secretValue || v.Key.IsZero() {
		t.Fatalf("got %q", v.Key.Reveal())
	}
	if vngcloud.Secret("").String() != "" || !vngcloud.Secret("").IsZero() {
		t.Fatal("an empty secret should print as empty")
	}
}

func TestStaticTokenDoesNotPrint(t *testing.T) {
	t.Parallel()
	ts := vngcloud.StaticToken("tok-" + secretValue)
	out := fmt.Sprintf("%v %+v %#v %s", ts, ts, ts, ts)
	if strings.Contains(out, secretValue) {
		t.Fatalf("leaked: %s", out)
	}
	tok, err := ts.Token(t.Context())
	if err != nil || tok.Reveal() != "tok-"+secretValue {
		t.Fatal(tok, err)
	}
}

func TestAPIErrorMatching(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("wrapped: %w", &vngcloud.APIError{Operation: "vstorage.CreateS3Key", StatusCode: 502, Message: "bad gateway",
		Kind: nil, MaybeApplied: true, Hint: "list the keys", RequestID: "req-1"})
	if !errors.Is(err, vngcloud.ErrMaybeApplied) || errors.Is(err, vngcloud.ErrNotFound) {
		t.Fatal("Is mismatch")
	}
	want := "vngcloud: vstorage.CreateS3Key: HTTP 502: bad gateway [request req-1]; the change may have happened; list the keys"
	if got := errors.Unwrap(err).Error(); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 502 {
		t.Fatal("As failed")
	}
	nf := &vngcloud.APIError{StatusCode: 404, Code: "114", Kind: vngcloud.ErrNotFound, Method: "GET", Path: "/x"}
	if !errors.Is(nf, vngcloud.ErrNotFound) || errors.Is(nf, vngcloud.ErrMaybeApplied) || errors.Is(nf, nil) {
		t.Fatal("Is mismatch for not found")
	}
	if got := nf.Error(); got != "vngcloud: GET /x: HTTP 404 (code 114): Not Found" {
		t.Fatal(got)
	}
	if s := fmt.Sprintf("%#v", &vngcloud.APIError{Message: "m", Body: []byte("BODY")}); strings.Contains(s, "BODY") {
		t.Fatalf("%%#v shows the body: %s", s)
	}
	ve := &vngcloud.ValidationError{Operation: "vstorage.CreateBucket", Field: "bucket", Reason: "must be lower case"}
	if !errors.Is(ve, vngcloud.ErrInvalidInput) || ve.Error() != "vngcloud: vstorage.CreateBucket: bucket: must be lower case" {
		t.Fatal(ve.Error())
	}
}

func TestPtr(t *testing.T) {
	t.Parallel()
	p := vngcloud.Ptr("")
	if p == nil || *p != "" {
		t.Fatal("Ptr")
	}
	if *vngcloud.Ptr(3600) != 3600 {
		t.Fatal("Ptr int")
	}
}
