// Package httpcore is the one HTTP core that every call of the SDK goes
// through. [Do] builds the request (escaped path, query, JSON body,
// headers), adds the bearer token, sends it with a retry loop that never
// retries a request marked Once, refreshes the token once on a 401, caps
// the answer, decodes it, and turns every failure into a
// *vngcloud.APIError in one place ([Core.fail]), where MaybeApplied and
// its hint are decided. A service supplies only what differs, as a
// [Service]: how its successful answers are unwrapped (vStorage's
// envelope) and how its error codes map to sentinels.
package httpcore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/redact"
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
	hc      *http.Client
	base    *url.URL
	ua      string
	tokens  vngcloud.TokenSource
	log     *slog.Logger
	svc     Service
	maxBody int64
	retries int
	waitMin time.Duration
	waitMax time.Duration
	timeout time.Duration // the per-attempt limit, for messages; 0 if the caller's client sets its own
	now     func() time.Time
	wait    func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration
}

// Apply applies opts over the defaults. A nil option or an invalid value
// is an error.
func Apply(opts []vngcloud.Option) (*vngcloud.Config, error) {
	c := &vngcloud.Config{
		Timeout:         vngcloud.DefaultTimeout,
		Retries:         vngcloud.DefaultRetries,
		RetryWaitMin:    vngcloud.DefaultRetryWaitMin,
		RetryWaitMax:    vngcloud.DefaultRetryWaitMax,
		MaxResponseSize: vngcloud.DefaultMaxResponseSize,
	}
	for _, o := range opts {
		if err := applyOne(c, o); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// applyOne applies one option to c; a nil option is an error.
func applyOne(c *vngcloud.Config, o vngcloud.Option) error {
	if o == nil {
		return &vngcloud.ValidationError{Field: "options", Reason: "a nil Option was passed"}
	}
	return o(c)
}

// Split applies a constructor's options: the shared ones (vngcloud.Option)
// over the defaults, as Apply does, and the service's own, of type T, to a
// value of type R, which it returns. A nil option is an error, as is an
// option of another type (a caller's own type that claims to be one).
func Split[T ~func(*R) error, R any, O any](opts []O) (*vngcloud.Config, R, error) {
	var own R
	c, _ := Apply(nil) // the defaults alone cannot fail
	for _, o := range opts {
		var err error
		switch o := any(o).(type) {
		case nil:
			err = applyOne(c, nil)
		case vngcloud.Option:
			err = applyOne(c, o)
		case T:
			if f := (func(*R) error)(o); f != nil {
				err = f(&own)
			} else {
				err = applyOne(c, nil)
			}
		default:
			err = &vngcloud.ValidationError{Field: "options", Reason: fmt.Sprintf("%T is not an option of this constructor", o)}
		}
		if err != nil {
			return nil, own, err
		}
	}
	return c, own, nil
}

// Named sets op as the operation of a *vngcloud.ValidationError in err
// that has none (an option's error, made before the constructor's name is
// known), and returns err.
func Named(op string, err error) error {
	var ve *vngcloud.ValidationError
	if errors.As(err, &ve) && ve.Operation == "" {
		ve.Operation = op
	}
	return err
}

// New builds a Core from an applied Config. Its base URL is the Config's
// Endpoint or else defaultEndpoint; svc reads the service's answers (nil
// for plain JSON).
func New(defaultEndpoint string, s *vngcloud.Config, svc Service) (*Core, error) {
	endpoint := s.Endpoint
	if endpoint == "" {
		endpoint = defaultEndpoint
	}
	base, err := url.Parse(endpoint)
	if err != nil || base.Host == "" {
		shown, _ := redact.URL(endpoint)
		return nil, &vngcloud.ValidationError{Field: "endpoint", Reason: fmt.Sprintf("%q is not an absolute URL", shown)}
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	if svc == nil {
		svc = plainJSON{}
	}
	c := &Core{
		base:    base,
		log:     s.Logger,
		svc:     svc,
		maxBody: s.MaxResponseSize,
		retries: s.Retries,
		waitMin: s.RetryWaitMin,
		waitMax: s.RetryWaitMax,
		now:     time.Now,
		tokens:  s.TokenSource,
	}
	if c.log == nil {
		c.log = suiteLogger // nil unless built with -tags vngcloud_debuglog
	}
	c.wait = c.backoff
	c.ua = "vngcloud-go/" + vngcloud.Version + " go/" + runtime.Version()
	if s.UserAgent != "" {
		c.ua = s.UserAgent + " " + c.ua
	}
	if s.HTTPClient != nil {
		c.hc = s.HTTPClient // already a copy made by WithHTTPClient
	} else {
		c.hc = cleanhttp.DefaultPooledClient()
		c.hc.Timeout = s.Timeout
		c.timeout = s.Timeout
	}
	c.hc.CheckRedirect = checkRedirect(c.hc.CheckRedirect)
	return c, nil
}

// Endpoint returns the base URL requests are resolved against.
func (c *Core) Endpoint() string { return c.base.String() }

// Request is one call to a service. Do records on it what it learns while
// sending, for the errors made after: a Request serves one call at a time.
type Request struct {
	// Op names the call in errors and logs, for example
	// "vstorage.CreateS3Key".
	Op string
	// Method is the HTTP method.
	Method string
	// Path is relative to the base URL. Each "{name}" is replaced, in
	// order, by an element of Args, checked with ValidateID (the error
	// names the field "name") and escaped as one path segment.
	Path string
	// Args fill the "{name}" placeholders of Path.
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
	// IfUnsure tells the caller how to find out whether the change took
	// effect; it becomes the error's hint when MaybeApplied is set.
	IfUnsure string
	// NoAuth sends the request without a bearer token.
	NoAuth bool

	// What the core learnt while sending, for the errors made after.
	path     string // the URL path sent
	host     string
	attempts int
	answer   *Answer
	// sent are the credentials the request carried (the bearer token,
	// Basic credentials and the client secret inside them), in the forms
	// a server may echo them; scrub removes them from what is kept of a
	// response.
	sent [][]byte
}

// Answer is a successful response as read, before it is decoded.
type Answer struct {
	StatusCode int
	RequestID  string
	Body       []byte
}

// Do sends r and decodes its answer into a T: the one way every call of
// the SDK goes. For a T that is struct{} no answer is expected (anything
// but an HTML page will do). After decoding, a T that implements
// [Checker] may still refuse the answer. Every failure is a
// *vngcloud.APIError, except input refused before sending, which is a
// *vngcloud.ValidationError.
func Do[T any](ctx context.Context, c *Core, r *Request) (T, error) {
	var out T
	err := c.do(ctx, r, &out)
	return out, err
}

// Check checks r's path arguments as Do would, without sending anything,
// for a service that must know before it does other work.
func (c *Core) Check(r *Request) error {
	_, err := c.buildURL(r)
	return err
}

// Checker is implemented by answer types that can tell when a successful
// answer lacks what the call needs (a created key without its ID).
type Checker interface {
	// Problem returns what is missing, or "".
	Problem() string
}

func (c *Core) do(ctx context.Context, r *Request, out any) error {
	resp, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	payload, f := c.read(r, resp)
	if f == nil {
		payload, f = c.svc.Unwrap(r, r.answer)
	}
	if f == nil {
		f = decodeInto(payload, out)
	}
	if ch, ok := out.(Checker); ok && f == nil {
		if p := ch.Problem(); p != "" {
			f = &Failure{Message: p}
		}
	}
	if f != nil {
		return c.fail(r, f)
	}
	return nil
}
