package httpcore

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vstorage-sdk/vngcloud"
)

// Service is what a service adds to the call path.
type Service interface {
	// Unwrap checks a successful answer and returns the bytes to decode:
	// the body itself, or the payload inside the service's envelope (nil
	// when there is none). A non-nil Failure refuses the answer.
	Unwrap(r *Request, a *Answer) ([]byte, *Failure)
	// Classify maps an error response's status, code and message to a
	// sentinel and a hint; a nil kind leaves the status's own.
	Classify(status int, code, message string) (hint string, kind error)
}

// plainJSON is the Service of an API whose answers are the JSON itself.
type plainJSON struct{}

func (plainJSON) Unwrap(_ *Request, a *Answer) ([]byte, *Failure) { return a.Body, nil }
func (plainJSON) Classify(int, string, string) (string, error)    { return "", nil }

// Failure is what went wrong with a call, as the core or a service found
// it. [Core.fail] turns it into the *vngcloud.APIError.
type Failure struct {
	Kind       error
	Code       string
	Message    string
	Hint       string
	Err        error
	Body       []byte
	RetryAfter time.Duration
	// Refused says the call changed nothing: it was refused by the
	// service or never reached it.
	Refused bool
	// Done says the change happened for certain (its answer is what is
	// wrong).
	Done bool
	// Unknown says the outcome is unknown even for a call that is retried
	// (an empty answer to a settings write). Without Refused or Done, the
	// outcome of a call sent once is unknown.
	Unknown bool
}

// Fail makes the error of a call that Do answered successfully but the
// service still refuses (a key not in the list, a created key without its
// secret), with what the core knows of the answer.
func (c *Core) Fail(r *Request, f Failure) error { return c.fail(r, &f) }

// fail makes every *vngcloud.APIError of a call: the one place where
// MaybeApplied and the hint are decided.
func (c *Core) fail(r *Request, f *Failure) *vngcloud.APIError {
	if r.path == "" && r.Path != "" {
		if u, err := c.buildURL(r); err == nil {
			r.path = u.Path
		}
	}
	ae := &vngcloud.APIError{Operation: r.Op, Method: r.Method, Path: r.path, Code: f.Code, Message: f.Message,
		Kind: f.Kind, Body: f.Body, Err: f.Err, RetryAfter: f.RetryAfter}
	if a := r.answer; a != nil {
		ae.StatusCode, ae.RequestID = a.StatusCode, a.RequestID
	}
	ae.MaybeApplied = (r.Once || f.Unknown) && !f.Refused && !f.Done
	switch {
	case ae.MaybeApplied && r.IfUnsure != "":
		ae.Hint = r.IfUnsure
	case r.Method == http.MethodDelete && ae.Kind == vngcloud.ErrNotFound && r.attempts > 1:
		ae.Hint = "an earlier attempt of this delete may have succeeded before its answer was lost: the resource is gone either way"
	case f.Hint != "":
		ae.Hint = f.Hint
	case ae.Kind == vngcloud.ErrUnauthorized && ae.StatusCode != 0:
		ae.Hint = "check the credentials or the token (a refreshable token source gets one new token and one more try; a static token none)"
	case ae.Kind == vngcloud.ErrForbidden:
		ae.Hint = "the identity's vIAM policies do not allow this action"
	case ae.Kind == vngcloud.ErrRateLimited && ae.RetryAfter > 0:
		ae.Hint = fmt.Sprintf("slow down; the service asked to wait %v", ae.RetryAfter)
	case ae.Kind == vngcloud.ErrRateLimited:
		ae.Hint = "slow down and try again later"
	}
	if c.log != nil && ae.MaybeApplied {
		c.log.Debug("vngcloud: a change failed ambiguously", "op", r.Op, "status", ae.StatusCode)
	}
	return ae
}

// read reads resp (and closes it): a successful answer is recorded on r
// for Unwrap; an error response becomes a Failure.
func (c *Core) read(r *Request, resp *http.Response) ([]byte, *Failure) {
	defer resp.Body.Close()
	a := &Answer{StatusCode: resp.StatusCode, RequestID: requestID(resp.Header)}
	r.answer = a
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
		return nil, c.statusFailure(r, resp, r.scrub(body))
	}
	body, err := readCapped(resp.Body, c.maxBody, resp.ContentLength)
	switch {
	case errors.Is(err, errTooLarge):
		return nil, &Failure{Err: err, Message: fmt.Sprintf("the response is larger than %d bytes; raise the limit with vngcloud.WithMaxResponseSize", c.maxBody)}
	case err != nil:
		return nil, &Failure{Err: err, Message: "reading the response failed: " + err.Error()}
	}
	if body == nil {
		body = []byte{} // an empty answer, not an absent payload
	}
	a.Body = r.scrub(body)
	return a.Body, nil
}

// statusFailure describes an error response.
func (c *Core) statusFailure(r *Request, resp *http.Response, body []byte) *Failure {
	f := &Failure{Body: body, Refused: resp.StatusCode < 500}
	f.Code, f.Message = ParseErrorBody(body)
	// The message is parsed from the body: a JSON escape may have hidden a
	// credential from the byte search.
	f.Code, f.Message = string(r.scrub([]byte(f.Code))), string(r.scrub([]byte(f.Message)))
	if f.Message == "" {
		f.Message = http.StatusText(resp.StatusCode)
	}
	f.Hint, f.Kind = c.svc.Classify(resp.StatusCode, f.Code, f.Message)
	if f.Kind == nil {
		f.Kind = KindForStatus(resp.StatusCode)
	}
	if d, ok := retryAfter(resp, c.now()); ok {
		f.RetryAfter = d
	}
	if r.attempts > 1 {
		f.Message += fmt.Sprintf(" (after %d attempts)", r.attempts)
	}
	return f
}

// decodeInto decodes a payload into out. A *struct{} expects nothing (but
// refuses an HTML page); a nil payload decodes as nothing into a slice,
// a pointer or raw JSON, and is refused for a struct.
func decodeInto(payload []byte, out any) *Failure {
	t := bytes.TrimSpace(payload)
	if _, none := out.(*struct{}); none {
		if len(t) > 0 && t[0] == '<' {
			err := Decode(t, out)
			return &Failure{Message: err.Error(), Err: err}
		}
		return nil
	}
	if payload == nil || len(t) == 4 && string(t) == "null" {
		v := reflect.ValueOf(out).Elem()
		switch {
		case v.Kind() == reflect.Struct:
			return &Failure{Message: "the response reports success but carries no data"}
		case v.Kind() == reflect.Slice && v.Type() != rawJSON:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0)) // nothing to list: an empty list
		}
		return nil
	}
	if err := Decode(payload, out); err != nil {
		return &Failure{Message: err.Error(), Err: err}
	}
	return nil
}

var errTooLarge = errors.New("response too large")

var rawJSON = reflect.TypeFor[json.RawMessage]()

// ErrEmptyBody is the cause (DecodeError.Err) when a successful response
// has no body where JSON was expected.
var ErrEmptyBody = errors.New("empty response body")

// maxPresize bounds the buffer readCapped sizes from a Content-Length
// before any byte arrived: a server announcing a large body and sending
// little costs at most this much.
const maxPresize = 1 << 20

// readCapped reads at most limit bytes, or fails with errTooLarge. A
// known length (sizeHint, the Content-Length; -1 if unknown) of up to
// maxPresize sizes the buffer once instead of growing it by doubling.
func readCapped(rd io.Reader, limit, sizeHint int64) ([]byte, error) {
	var buf bytes.Buffer
	if sizeHint > 0 && sizeHint <= limit && sizeHint <= maxPresize {
		buf.Grow(int(sizeHint) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(rd, min(limit, math.MaxInt64-1)+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, errTooLarge
	}
	return buf.Bytes(), nil
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxErrorBody))
	resp.Body.Close()
}

// DecodeError says why a successful response could not be used. It never
// quotes the body, which may hold a secret.
type DecodeError struct {
	Reason string
	Err    error
}

// Error returns the reason.
func (e *DecodeError) Error() string { return e.Reason }

// Unwrap returns the cause: ErrEmptyBody, a JSON error, or nil.
func (e *DecodeError) Unwrap() error { return e.Err }

// Decode unmarshals a JSON body into out, with an error that says what was
// wrong: empty, HTML, truncated or malformed JSON, or JSON of another shape.
func Decode(body []byte, out any) error {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return &DecodeError{Reason: "the response body is empty where JSON was expected", Err: ErrEmptyBody}
	case trimmed[0] == '<':
		return &DecodeError{Reason: "the response is an HTML or XML page, not JSON (a proxy, a login page or the wrong endpoint?)"}
	}
	err := json.Unmarshal(trimmed, out)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end"):
		return &DecodeError{Reason: fmt.Sprintf("the response is truncated JSON (%d bytes)", len(trimmed)), Err: err}
	case errors.As(err, &se):
		return &DecodeError{Reason: fmt.Sprintf("the response is not valid JSON (error at byte %d of %d)", se.Offset, len(trimmed)), Err: err}
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "the top level"
		}
		return &DecodeError{Reason: fmt.Sprintf("the response has an unexpected shape: %s is a JSON %s, expected %s", field, te.Value, te.Type), Err: err}
	}
	return &DecodeError{Reason: "the response could not be decoded: " + err.Error(), Err: err}
}

func requestID(h http.Header) string {
	for _, k := range []string{"X-Request-Id", "X-Request-ID", "X-Correlation-Id", "X-Amzn-Requestid", "X-Amz-Request-Id", "X-Trace-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

const maxMessage = 300

// ParseErrorBody extracts a code and a message from the error bodies these
// services send:
//
//	{"errors":[{"code":"...","message":"..."}]}   vIAM
//	[{"code":"IAM_PERMISSION_DENIED","message":"..."}]   the IAM gateway
//	{"success":false,"code":114,"errorMsg":"..."}   the vStorage envelope
//	{"error":"invalid_client","error_description":"..."}   OAuth2
//	{"errors":[null]}, HTML pages, plain text
//
// The code is returned as a string even when the body has a number. The
// message is one line of at most 300 characters.
func ParseErrorBody(body []byte) (code, message string) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return "", ""
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil {
			code, message = fromJSON(v)
			return code, shorten(message)
		}
	}
	if trimmed[0] == '<' {
		return "", htmlMessage(trimmed)
	}
	return "", shorten(string(trimmed))
}

func fromJSON(v any) (code, message string) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if code, message = fromJSON(e); code != "" || message != "" {
				return code, message
			}
		}
		return "", ""
	case map[string]any:
		if errs, ok := x["errors"]; ok {
			if code, message = fromJSON(errs); code != "" || message != "" {
				return code, message
			}
		}
		if e, ok := x["error"].(map[string]any); ok {
			return fromJSON(e)
		}
		code = scalar(x["code"])
		if code == "" {
			code = scalar(x["error"])
		}
		for _, k := range []string{"errorMsg", "message", "error_description", "msg", "detail"} {
			if m := scalar(x[k]); m != "" {
				return code, m
			}
		}
		return code, ""
	}
	return "", ""
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return fmt.Sprint(x)
	}
	return ""
}

func htmlMessage(b []byte) string {
	s := string(b)
	lower := strings.ToLower(s)
	if i := strings.Index(lower, "<title>"); i >= 0 {
		rest := s[i+len("<title>"):]
		if j := strings.Index(strings.ToLower(rest), "</title>"); j >= 0 {
			if t := strings.TrimSpace(rest[:j]); t != "" {
				return shorten("HTML error page: " + t)
			}
		}
	}
	return "HTML error page (the full body is in APIError.Body)"
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	if len(s) > maxMessage {
		cut := maxMessage
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// KindForStatus maps an HTTP status to its sentinel, or nil.
func KindForStatus(status int) error {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return vngcloud.ErrInvalidInput
	case http.StatusUnauthorized:
		return vngcloud.ErrUnauthorized
	case http.StatusForbidden:
		return vngcloud.ErrForbidden
	case http.StatusNotFound, http.StatusGone:
		return vngcloud.ErrNotFound
	case http.StatusConflict:
		return vngcloud.ErrConflict
	case http.StatusTooManyRequests:
		return vngcloud.ErrRateLimited
	}
	return nil
}

// minScrub is the shortest credential scrub looks for: a shorter one would
// redact ordinary text.
const minScrub = 6

// sentCredentials returns what an Authorization header value reveals, in
// the forms a server may echo: the bearer token, or the Basic credentials
// and the client secret inside them; each as sent, JSON-escaped (with and
// without "/" escaped) and URL-encoded.
func sentCredentials(auth string) [][]byte {
	var plain []string
	if tok, ok := strings.CutPrefix(auth, "Bearer "); ok {
		plain = append(plain, tok)
	} else if b64, ok := strings.CutPrefix(auth, "Basic "); ok {
		plain = append(plain, b64)
		if dec, err := base64.StdEncoding.DecodeString(b64); err == nil {
			if _, secret, ok := strings.Cut(string(dec), ":"); ok {
				plain = append(plain, secret)
			}
		}
	}
	var out [][]byte
	add := func(v string) {
		if len(v) < minScrub {
			return
		}
		for _, o := range out {
			if string(o) == v {
				return
			}
		}
		out = append(out, []byte(v))
	}
	for _, p := range plain {
		add(p)
		j, _ := json.Marshal(p)
		esc := string(j[1 : len(j)-1])
		add(esc)
		add(strings.ReplaceAll(esc, "/", `\/`))
		add(url.QueryEscape(p))
		add(url.PathEscape(p))
	}
	return out
}

// scrub returns b with every credential the request carried replaced by
// vngcloud.Redacted (b itself when there is none).
func (r *Request) scrub(b []byte) []byte {
	for _, s := range r.sent {
		if bytes.Contains(b, s) {
			b = bytes.ReplaceAll(b, s, []byte(vngcloud.Redacted))
		}
	}
	return b
}
