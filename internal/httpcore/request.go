package httpcore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/google/go-querystring/query"

	"github.com/vstorage-sdk/vngcloud"
)

// ValidateID checks one ID supplied by a caller for the call op (a
// project ID, a bucket name, a key ID). It refuses what could change a
// path's meaning (empty, ".", "..", "/", "\") and control characters or
// spaces, which no ID of these APIs contains.
func ValidateID(op, field, id string) error {
	reason := ""
	switch {
	case id == "":
		reason = "is empty"
	case id == "." || id == "..":
		reason = fmt.Sprintf("%q is not an ID", id)
	case strings.ContainsAny(id, `/\`):
		reason = "must not contain / or \\"
	case strings.IndexFunc(id, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0:
		reason = "must not contain spaces or control characters"
	case len(id) > 512:
		reason = "is longer than 512 bytes"
	}
	if reason == "" {
		return nil
	}
	return &vngcloud.ValidationError{Operation: op, Field: field, Reason: reason}
}

// buildURL expands r.Path with r.Args and adds r.Query.
func (c *Core) buildURL(r *Request) (*url.URL, error) {
	var b strings.Builder
	rest, args := r.Path, r.Args
	for {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			break
		}
		if len(args) == 0 {
			return nil, &vngcloud.ValidationError{Operation: r.Op, Field: "path", Reason: "more {} than arguments in " + r.Path}
		}
		field := rest[i+1 : j]
		if field == "" {
			field = "ID"
		}
		if err := ValidateID(r.Op, field, args[0]); err != nil {
			return nil, err
		}
		b.WriteString(rest[:i])
		b.WriteString(url.PathEscape(args[0]))
		rest, args = rest[j+1:], args[1:]
	}
	if len(args) != 0 {
		return nil, &vngcloud.ValidationError{Operation: r.Op, Field: "path", Reason: "more arguments than {} in " + r.Path}
	}
	b.WriteString(rest)
	rel := b.String()
	if strings.HasPrefix(rel, "/") || strings.Contains(rel, "://") {
		return nil, &vngcloud.ValidationError{Operation: r.Op, Field: "path", Reason: "must be relative to the endpoint"}
	}
	u := *c.base
	// rel is already escaped: join it to the base path by hand so that
	// escaped characters are kept as they are.
	u.RawPath = ""
	ref, err := url.Parse(rel)
	if err != nil {
		return nil, &vngcloud.ValidationError{Operation: r.Op, Field: "path", Reason: err.Error()}
	}
	res := u.ResolveReference(ref)
	if rel == "" {
		res = &u
	}
	if r.Query != nil {
		q, err := encodeQuery(r.Query)
		if err != nil {
			return nil, &vngcloud.ValidationError{Operation: r.Op, Field: "query", Reason: err.Error()}
		}
		res.RawQuery = q
	}
	return res, nil
}

func encodeQuery(v any) (string, error) {
	switch q := v.(type) {
	case url.Values:
		return q.Encode(), nil
	default:
		vals, err := query.Values(v)
		if err != nil {
			return "", err
		}
		return vals.Encode(), nil
	}
}

// encodeBody returns the bytes to send and their content type. Bytes (not
// a stream) let retryablehttp resend the body on every attempt.
func encodeBody(r *Request) ([]byte, string, error) {
	switch {
	case r.Form != nil:
		return []byte(r.Form.Encode()), "application/x-www-form-urlencoded", nil
	case r.Body == nil:
		return nil, "", nil
	}
	if b, ok := r.Body.([]byte); ok {
		return b, "application/json", nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r.Body); err != nil {
		return nil, "", &vngcloud.ValidationError{Operation: r.Op, Field: "body", Reason: "cannot encode as JSON: " + err.Error()}
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), "application/json", nil
}

// IsLoopback reports whether host (without port) is a loopback name or
// address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// checkTransport refuses to send credentials in clear text to a host that
// is not on this machine.
func checkTransport(u *url.URL, credentials bool) error {
	if !credentials || u.Scheme == "https" || IsLoopback(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("refusing to send credentials over plain %s to %s (only loopback hosts may use http)", u.Scheme, u.Host)
}

// redirectError is returned for a redirect the SDK will not follow.
type redirectError struct{ from, to string }

func (e *redirectError) Error() string {
	return fmt.Sprintf("refusing to follow a redirect from %s to %s: it would carry credentials to another host or over plain http", e.from, e.to)
}

// checkRedirect wraps the HTTP client's redirect policy: a redirect that
// would take a request with credentials to another host, or from https to
// http, is refused (Go would silently drop the Authorization header, and
// the call would then fail with a confusing 401).
func checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		orig := via[0]
		if orig.Header.Get("Authorization") != "" &&
			(!strings.EqualFold(req.URL.Host, orig.URL.Host) || (orig.URL.Scheme == "https" && req.URL.Scheme != "https")) {
			return &redirectError{from: orig.URL.Scheme + "://" + orig.URL.Host, to: req.URL.Scheme + "://" + req.URL.Host}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return fmt.Errorf("stopped after 10 redirects")
		}
		return nil
	}
}
