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
	"strings"
	"unicode/utf8"

	"github.com/vstorage-sdk/vngcloud"
)

// finish reads resp and decodes it into out, or builds the APIError.
func (c *Core) finish(r *Request, ci *call, resp *http.Response, out any) error {
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
		ae := c.ResponseError(r, ci.attempts, resp, ci.scrub(body))
		// The message is parsed from the body: a JSON escape may have
		// hidden a credential from the byte search.
		ae.Message, ae.Code = string(ci.scrub([]byte(ae.Message))), string(ci.scrub([]byte(ae.Code)))
		return ae
	}
	body, err := readCapped(resp.Body, c.maxBody, resp.ContentLength)
	if out == nil && err == nil {
		// No answer is expected, but an HTML page in a 2xx is a proxy or a
		// login page, not the service: the call did not do its work.
		if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '<' {
			return c.decodeError(r, resp, Decode(t, &struct{}{}))
		}
		return nil
	}
	if raw, ok := out.(*Raw); ok && err == nil {
		*raw = Raw{StatusCode: resp.StatusCode, RequestID: requestID(resp.Header), Path: respPath(resp), Body: ci.scrub(body), Attempts: ci.attempts}
		return nil
	}
	if err != nil {
		ae := c.newError(r, resp)
		ae.Err = err
		if errors.Is(err, errTooLarge) {
			ae.Message = fmt.Sprintf("the response is larger than %d bytes; raise the limit with vngcloud.WithMaxResponseSize", c.maxBody)
		} else {
			ae.Message = "reading the response failed: " + err.Error()
		}
		if r.Once {
			// A 2xx came back, so the service acted; its answer is lost.
			ae.MaybeApplied = true
			ae.Hint = r.IfUnsure
		}
		return ae
	}
	if err := Decode(body, out); err != nil {
		return c.decodeError(r, resp, err)
	}
	return nil
}

// decodeError reports a 2xx body that is not what the call expects. After
// a call that is sent once, the change may have happened.
func (c *Core) decodeError(r *Request, resp *http.Response, err error) *vngcloud.APIError {
	ae := c.newError(r, resp)
	ae.Message = err.Error()
	ae.Err = err
	if r.Once {
		ae.MaybeApplied = true
		ae.Hint = r.IfUnsure
	}
	return ae
}

var errTooLarge = errors.New("response too large")

// Raw receives a successful response undecoded: pass a *Raw as Do's out
// when the service wraps its answers in an envelope of its own and must
// see the body, the status and the request ID to judge success. The
// credentials the request carried are replaced in Body by
// vngcloud.Redacted, as in error bodies.
type Raw struct {
	StatusCode int
	RequestID  string
	Path       string
	Body       []byte
	// Attempts is how many times the request was sent.
	Attempts int
}

// GoneHint is the hint for a DELETE that found nothing to delete on a
// retry: the earlier attempt, whose answer was lost, may have deleted it.
// It returns "" in every other case.
func GoneHint(r *Request, attempts int, kind error) string {
	if r.Method != http.MethodDelete || kind != vngcloud.ErrNotFound || attempts < 2 {
		return ""
	}
	return "an earlier attempt of this delete may have succeeded before its answer was lost: the resource is gone either way"
}

// Error starts an APIError about this response for r, for a service that
// refuses a 2xx answer (an envelope with success:false, a missing field).
func (raw *Raw) Error(r *Request) *vngcloud.APIError {
	return &vngcloud.APIError{Operation: r.Op, Method: r.Method, Path: raw.Path, StatusCode: raw.StatusCode, RequestID: raw.RequestID}
}

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

func (c *Core) newError(r *Request, resp *http.Response) *vngcloud.APIError {
	return &vngcloud.APIError{
		Operation:  r.Op,
		Method:     r.Method,
		Path:       respPath(resp),
		StatusCode: resp.StatusCode,
		RequestID:  requestID(resp.Header),
	}
}

func respPath(resp *http.Response) string {
	if resp.Request != nil && resp.Request.URL != nil {
		return resp.Request.URL.Path
	}
	return ""
}

// ResponseError builds the APIError for an error response whose body has
// been read. Services call it too, for errors inside a 200 envelope.
func (c *Core) ResponseError(r *Request, attempts int, resp *http.Response, body []byte) *vngcloud.APIError {
	ae := c.newError(r, resp)
	ae.Body = body
	ae.Code, ae.Message = ParseErrorBody(body)
	if ae.Message == "" {
		ae.Message = http.StatusText(resp.StatusCode)
	}
	ae.Kind = KindForStatus(resp.StatusCode)
	if d, ok := retryAfter(resp, c.now()); ok {
		ae.RetryAfter = d
	}
	if attempts > 1 {
		ae.Message += fmt.Sprintf(" (after %d attempts)", attempts)
	}
	switch {
	case r.Once && resp.StatusCode >= 500:
		ae.MaybeApplied = true
		ae.Hint = r.IfUnsure
	case GoneHint(r, attempts, ae.Kind) != "":
		ae.Hint = GoneHint(r, attempts, ae.Kind)
	case ae.Kind == vngcloud.ErrUnauthorized:
		ae.Hint = "check the credentials or the token (a refreshable token source gets one new token and one more try; a static token none)"
	case ae.Kind == vngcloud.ErrForbidden:
		ae.Hint = "the identity's vIAM policies do not allow this action"
	case ae.Kind == vngcloud.ErrRateLimited && ae.RetryAfter > 0:
		ae.Hint = fmt.Sprintf("slow down; the service asked to wait %v", ae.RetryAfter)
	case ae.Kind == vngcloud.ErrRateLimited:
		ae.Hint = "slow down and try again later"
	}
	if c.log != nil && r.Once && ae.MaybeApplied {
		c.log.Debug("vngcloud: non-idempotent call failed ambiguously", "op", r.Op, "status", resp.StatusCode)
	}
	return ae
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
func (ci *call) scrub(b []byte) []byte {
	for _, s := range ci.sent {
		if bytes.Contains(b, s) {
			b = bytes.ReplaceAll(b, s, []byte(vngcloud.Redacted))
		}
	}
	return b
}
