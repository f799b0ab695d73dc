// Package httpcore is the one HTTP core that every call of the SDK goes
// through: it builds the request (escaped path, query, JSON body, headers),
// adds the bearer token, sends it through go-retryablehttp with a policy
// that never retries non-idempotent requests, refreshes the token once on a
// 401, and turns every failure into a *vngcloud.APIError.
package httpcore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/settings"
)

// suiteLogger is the logger of clients built without WithLogger: nil, so
// the SDK is silent, unless the build tag vngcloud_debuglog sets it (see
// debuglog.go), which turns the debug log on for a whole test suite.
var suiteLogger *slog.Logger

// MaxErrorBody caps how much of an error response is read.
const MaxErrorBody = 1 << 20

// Core sends requests for one service client. It is safe for concurrent
// use.
type Core struct {
	rc       *retryablehttp.Client
	base     *url.URL
	ua       string
	tokens   vngcloud.TokenSource
	log      *slog.Logger
	maxBody  int64
	waitMax  time.Duration
	now      func() time.Time
	settings settings.Settings
}

// New applies opts over the defaults and builds a Core whose base URL is
// the Endpoint option or else defaultEndpoint.
func New(defaultEndpoint string, opts []vngcloud.Option) (*Core, error) {
	s, err := Apply(opts)
	if err != nil {
		return nil, err
	}
	return NewFromSettings(defaultEndpoint, s)
}

// Apply applies opts over the defaults. A nil option or an invalid value
// is an error.
func Apply(opts []vngcloud.Option) (*settings.Settings, error) {
	s := settings.Defaults()
	for _, o := range opts {
		if o == nil {
			return nil, &vngcloud.ValidationError{Field: "options", Reason: "a nil Option was passed"}
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// NewFromSettings builds a Core from settings that were already applied.
func NewFromSettings(defaultEndpoint string, s *settings.Settings) (*Core, error) {
	endpoint := s.Endpoint
	if endpoint == "" {
		endpoint = defaultEndpoint
	}
	base, err := url.Parse(endpoint)
	if err != nil || base.Host == "" {
		shown, _ := settings.RedactURL(endpoint)
		return nil, &vngcloud.ValidationError{Field: "endpoint", Reason: fmt.Sprintf("%q is not an absolute URL", shown)}
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	log := s.Logger
	if log == nil {
		log = suiteLogger // nil unless built with -tags vngcloud_debuglog
	}
	c := &Core{
		base:     base,
		log:      log,
		maxBody:  s.MaxResponseBytes,
		waitMax:  s.RetryWaitMax,
		now:      time.Now,
		settings: *s,
	}
	if s.TokenSource != nil {
		ts, ok := s.TokenSource.(vngcloud.TokenSource)
		if !ok {
			return nil, &vngcloud.ValidationError{Field: "WithTokenSource", Reason: "not a vngcloud.TokenSource"}
		}
		c.tokens = ts
	}
	c.ua = "vngcloud-go/" + vngcloud.Version + " go/" + runtime.Version()
	if s.UserAgent != "" {
		c.ua = s.UserAgent + " " + c.ua
	}

	var hc *http.Client
	if s.HTTPClient != nil {
		hc = s.HTTPClient // already a copy made by WithHTTPClient
	} else {
		hc = cleanhttp.DefaultPooledClient()
		hc.Timeout = s.Timeout
	}
	hc.CheckRedirect = checkRedirect(hc.CheckRedirect)

	c.rc = &retryablehttp.Client{
		HTTPClient:     hc,
		RetryWaitMin:   s.RetryWaitMin,
		RetryWaitMax:   s.RetryWaitMax,
		RetryMax:       s.RetryMax,
		CheckRetry:     c.checkRetry,
		Backoff:        c.backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: c.logAttempt,
	}
	return c, nil
}

// Settings returns a copy of the settings the Core was built from, so a
// service can build a sibling Core (another host) with the same options.
func (c *Core) Settings() settings.Settings { return c.settings }

// Endpoint returns the base URL requests are resolved against.
func (c *Core) Endpoint() string { return c.base.String() }

// Logger returns the configured logger, or nil.
func (c *Core) Logger() *slog.Logger { return c.log }

// Request is one call to a service.
type Request struct {
	// Op names the call in errors and logs, for example
	// "vstorage.CreateS3Key".
	Op string
	// Method is the HTTP method.
	Method string
	// Path is relative to the base URL. Each "{}" is replaced, in order, by
	// an element of Args, validated and escaped as one path segment.
	Path string
	// Args fill the "{}" placeholders of Path.
	Args []string
	// Query is a struct with `url` tags (encoded with go-querystring) or
	// url.Values.
	Query any
	// Body is encoded as JSON, unless it is a []byte, which is sent as is
	// with a JSON content type.
	Body any
	// Form is sent as application/x-www-form-urlencoded instead of Body.
	Form url.Values
	// Header adds headers (for example the region headers).
	Header http.Header
	// Once marks a request that is not idempotent: it is sent exactly once
	// and never retried; an ambiguous failure is reported with
	// MaybeApplied.
	Once bool
	// IfUnsure tells the caller how to find out whether a Once request took
	// effect; it becomes the error's hint after an ambiguous failure.
	IfUnsure string
	// NoAuth sends the request without a bearer token.
	NoAuth bool
}

type callKey struct{}

// call is what the retry policy and the log hook know about a request.
type call struct {
	op       string
	once     bool
	attempts int
	log      *slog.Logger
	// sent are the credentials the request carried (the bearer token,
	// Basic credentials and the client secret inside them), in the forms
	// a server may echo them; scrub removes them from what is kept of a
	// response.
	sent [][]byte
}

func callFrom(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

// Do sends r and decodes a successful JSON response into out (which may be
// nil to discard it). Every failure is a *vngcloud.APIError, except input
// refused before sending, which is a *vngcloud.ValidationError.
func (c *Core) Do(ctx context.Context, r *Request, out any) error {
	resp, ci, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	return c.finish(r, ci, resp, out)
}

// send builds and sends r, handling auth and the one resend after a 401.
// The caller owns resp.Body.
func (c *Core) send(ctx context.Context, r *Request) (*http.Response, *call, error) {
	if ctx == nil {
		return nil, nil, &vngcloud.ValidationError{Operation: r.Op, Field: "ctx", Reason: "nil context"}
	}
	u, err := c.buildURL(r)
	if err != nil {
		return nil, nil, err
	}
	body, ctype, err := encodeBody(r)
	if err != nil {
		return nil, nil, err
	}
	ci := &call{op: r.Op, once: r.Once, log: c.log}
	ctx = context.WithValue(ctx, callKey{}, ci)
	resent := false
	for {
		var tok vngcloud.Secret
		if c.tokens != nil && !r.NoAuth {
			tok, err = c.tokens.Token(ctx)
			if err != nil {
				return nil, ci, c.tokenError(ctx, r, err)
			}
		}
		if err := checkTransport(u, tok != "" || r.Header.Get("Authorization") != ""); err != nil {
			return nil, ci, &vngcloud.APIError{Operation: r.Op, Method: r.Method, Path: u.Path, Message: err.Error(),
				Hint: "use an https:// endpoint", Err: err}
		}
		// A request without a body is given none (an untyped nil): a nil
		// []byte would become an empty body reader, which net/http then
		// probes with a goroutine and a timer on every call.
		var rbody any
		if body != nil {
			rbody = body
		}
		req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u.String(), rbody)
		if err != nil {
			return nil, ci, &vngcloud.ValidationError{Operation: r.Op, Field: "request", Reason: err.Error()}
		}
		for k, v := range r.Header {
			req.Header[k] = v
		}
		req.Header.Set("User-Agent", c.ua)
		req.Header.Set("Accept", "application/json")
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok.Reveal())
		}
		ci.sent = append(ci.sent, sentCredentials(req.Header.Get("Authorization"))...)
		if err := ctx.Err(); err != nil {
			return nil, ci, &vngcloud.APIError{Operation: r.Op, Method: r.Method, Path: u.Path,
				Message: "the call was cancelled before it was sent (" + err.Error() + ")", Err: err}
		}
		start := c.now()
		resp, err := c.rc.Do(req)
		if err != nil {
			return nil, ci, c.transportError(ctx, r, u, ci, err)
		}
		c.logResponse(ctx, r, u, ci, resp.StatusCode, start)
		if resp.StatusCode == http.StatusUnauthorized && tok != "" && !resent {
			if inv, ok := c.tokens.(vngcloud.TokenInvalidator); ok {
				drain(resp)
				inv.Invalidate(tok)
				resent = true
				continue
			}
		}
		return resp, ci, nil
	}
}

func (c *Core) tokenError(ctx context.Context, r *Request, err error) error {
	var ae *vngcloud.APIError
	if errors.As(err, &ae) {
		// Keep the token service's own error, named for this call.
		cp := *ae
		cp.Operation = r.Op + ": getting a token: " + ae.Operation
		return &cp
	}
	if ctx.Err() != nil {
		return &vngcloud.APIError{Operation: r.Op, Method: r.Method, Message: "cancelled while waiting for a token", Err: err}
	}
	return &vngcloud.APIError{Operation: r.Op, Method: r.Method, Message: "getting a token failed: " + err.Error(), Kind: vngcloud.ErrUnauthorized, Err: err}
}

// logAttempt is retryablehttp's RequestLogHook: it counts attempts and logs
// each one (method and path only, never headers or bodies).
func (c *Core) logAttempt(_ retryablehttp.Logger, req *http.Request, attempt int) {
	ci := callFrom(req.Context())
	if ci == nil {
		return
	}
	ci.attempts = attempt + 1
	if c.log != nil && attempt > 0 {
		c.log.LogAttrs(req.Context(), slog.LevelDebug, "vngcloud: retrying",
			slog.String("op", ci.op), slog.String("method", req.Method),
			slog.String("path", req.URL.Path), slog.Int("attempt", attempt+1))
	}
}

func (c *Core) logResponse(ctx context.Context, r *Request, u *url.URL, ci *call, status int, start time.Time) {
	if c.log == nil {
		return
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "vngcloud: response",
		slog.String("op", r.Op), slog.String("method", r.Method), slog.String("path", u.Path),
		slog.Int("status", status), slog.Int("attempts", ci.attempts),
		slog.Duration("elapsed", c.now().Sub(start)))
}

// transportError turns an error from the HTTP client (connection failure,
// redirect refusal, cancelled context) into an APIError.
func (c *Core) transportError(ctx context.Context, r *Request, u *url.URL, ci *call, err error) error {
	ae := &vngcloud.APIError{Operation: r.Op, Method: r.Method, Path: u.Path, Err: err}
	var re *redirectError
	switch {
	case errors.As(err, &re):
		ae.Message = re.Error()
		ae.Err = re
		ae.Hint = "set the endpoint to the redirect's target if you trust it"
		return ae
	case ctx.Err() != nil:
		ae.Err = ctx.Err()
		ae.Message = "the call was cancelled or ran out of time (" + ctx.Err().Error() + ")"
	default:
		ae.Message = "the request failed: " + cleanTransportError(err)
		if ci.attempts > 1 {
			ae.Message += fmt.Sprintf(" (after %d attempts)", ci.attempts)
		}
	}
	if r.Once && ci.attempts > 0 && !neverSent(err) {
		ae.MaybeApplied = true
		ae.Hint = r.IfUnsure
	}
	if c.log != nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "vngcloud: request failed",
			slog.String("op", r.Op), slog.String("method", r.Method), slog.String("path", u.Path),
			slog.Int("attempts", ci.attempts), slog.String("error", ae.Message))
	}
	return ae
}

// cleanTransportError drops the "Get \"url\": " prefix of *url.Error.
func cleanTransportError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// neverSent reports errors that prove the request did not reach the
// server: a failed dial (connection refused, no route) or DNS lookup.
func neverSent(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var de *net.DNSError
	return errors.As(err, &de)
}
