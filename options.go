package vngcloud

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud/internal/redact"
)

// Defaults of the settings in [Config], used when no option sets them.
const (
	DefaultTimeout         = 60 * time.Second
	DefaultRetries         = 3
	DefaultRetryWaitMin    = 500 * time.Millisecond
	DefaultRetryWaitMax    = 20 * time.Second
	DefaultMaxResponseSize = 32 << 20
)

// Config is what every client of this SDK is built from: the settings
// that vstorage.NewClient, viam.NewClient and viam.NewClientCredentials
// share. The options in this package set it; each constructor starts from
// the defaults above. Settings that only one client reads are options of
// its own package (vstorage.WithRegion, viam.WithTokenURL,
// viam.WithTokenVariant, viam.WithTokenScope).
type Config struct {
	// Endpoint is the service's base URL; "" means the service's default.
	Endpoint string
	// ConsoleHosts moves the clients to the web console's hosts, unless
	// Endpoint is set ([WithConsoleHosts]).
	ConsoleHosts bool
	// HTTPClient is the client requests go through; nil means one the SDK
	// builds, with Timeout per attempt.
	HTTPClient *http.Client
	// Timeout bounds each attempt when the SDK builds the HTTP client.
	Timeout time.Duration
	// UserAgent is put in front of the SDK's own User-Agent.
	UserAgent string
	// Retries is how many times an idempotent request is retried.
	Retries int
	// RetryWaitMin and RetryWaitMax bound the backoff between attempts.
	RetryWaitMin, RetryWaitMax time.Duration
	// Logger receives the SDK's debug lines; nil means silent.
	Logger *slog.Logger
	// TokenSource gives the bearer token; nil means none is sent.
	TokenSource TokenSource
	// MaxResponseSize caps how many bytes of a successful response are read.
	MaxResponseSize int64
}

// Option sets part of a [Config]. The options in this package fit every
// client: pass them to vstorage.NewClient, viam.NewClient and
// viam.NewClientCredentials alike. Options are checked when the client is
// built: a bad value makes the constructor return a [*ValidationError]
// that names the option, and nothing is built.
//
// An option that only one client reads lives in that client's package and
// is accepted only by its constructor, so that passing it to another one
// does not compile. The two methods below are what let an Option be given
// where those constructors expect their own option types
// (vstorage.Option, viam.CredentialsOption); they do nothing.
type Option func(*Config) error

// StorageOption marks o as an option vstorage.NewClient accepts.
func (o Option) StorageOption() {}

// CredentialsOption marks o as an option viam.NewClientCredentials accepts.
func (o Option) CredentialsOption() {}

// Options bundles opts into one Option, applied in order, so that one
// list of shared options can be given to every constructor, whatever its
// option type:
//
//	shared := vngcloud.Options(vngcloud.WithLogger(log), vngcloud.WithRetries(5))
//	tokens, err := viam.NewClientCredentials(id, secret, shared)
//	iam, err := viam.NewClient(shared, vngcloud.WithTokenSource(tokens))
//	storage, err := vstorage.NewClient(shared, vngcloud.WithTokenSource(tokens), vstorage.WithRegion("HAN02"))
//
// A nil option among opts is an error when the client is built.
func Options(opts ...Option) Option {
	opts = slices.Clone(opts)
	return func(c *Config) error {
		for _, o := range opts {
			if o == nil {
				return optionError("options", "a nil Option was passed")
			}
			if err := o(c); err != nil {
				return err
			}
		}
		return nil
	}
}

func optionError(name, format string, args ...any) error {
	return &ValidationError{Field: name, Reason: fmt.Sprintf(format, args...)}
}

// WithEndpoint sets the base URL of the service, for example
// "https://hcm04-api.vstorage.vngcloud.vn/api/v1/" or the address of a test
// server. It must be an absolute http or https URL without a query; a
// trailing slash is added when missing. Plain http is accepted only for
// loopback hosts when a token would be sent (see the package overview).
func WithEndpoint(endpoint string) Option {
	return func(c *Config) error {
		// Quote the endpoint in errors without its user info, which may
		// hold a password.
		shown, userInfo := redact.URL(endpoint)
		u, err := url.Parse(endpoint)
		switch {
		case err != nil && userInfo:
			// The parser's message may quote part of the user info.
			return optionError("WithEndpoint", "%q is not a URL, and must not carry user info", shown)
		case err != nil:
			return optionError("WithEndpoint", "%q is not a URL: %v", shown, errors.Unwrap(err))
		case u.Scheme != "http" && u.Scheme != "https":
			return optionError("WithEndpoint", "%q must start with https:// (or http:// for a loopback test server)", shown)
		case u.Host == "":
			return optionError("WithEndpoint", "%q has no host", shown)
		case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
			return optionError("WithEndpoint", "%q must not carry a query, fragment or user info", shown)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		c.Endpoint = u.String()
		return nil
	}
}

// WithConsoleHosts moves every client built with it to the hosts the
// GreenNode web console uses, which take an IAM user's token (for example
// vngcloud.StaticToken with the token of a console session):
//
//   - vstorage: https://vstorage.console.greennode.ai/internal/v1/
//     (vstorage.ConsoleEndpoint; every region, chosen by the region
//     headers);
//   - viam accounts API: https://dashboard.console.greennode.ai/accounts-api/v1/;
//   - viam policies API: https://iam.console.greennode.ai/policies-api/v1/.
//
// Pass the same options to vstorage.NewClient and viam.NewClient, and
// both move together. viam.NewClientCredentials accepts the option and
// keeps its token endpoint (iamapis.vngcloud.vn), the only one that issues
// service-account tokens. [WithEndpoint], when also given, wins.
//
// Which mode is known to work (docs/api.md §2.1, §3.1, §6): the console
// hosts with an IAM user's token were seen working live, for every call
// of both packages, by a third party's probes (the dannyota/vngcloud SDK,
// September–October 2026); they are undocumented and may change without
// notice. The default hosts (iamapis.vngcloud.vn and
// hcm04-api.vstorage.vngcloud.vn) are the documented ones for
// service-account tokens, but no published test has called the
// management paths there with such a token (docs/api.md §6 items 1 and 3).
func WithConsoleHosts() Option {
	return func(c *Config) error {
		c.ConsoleHosts = true
		return nil
	}
}

// WithHTTPClient makes the SDK send requests through a copy of hc (its
// Transport, Jar and Timeout are kept; the SDK installs its own redirect
// check on the copy). Use it to inject a proxy, custom TLS settings or a
// test transport such as httpmock's.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Config) error {
		if hc == nil {
			return optionError("WithHTTPClient", "the client is nil")
		}
		cp := *hc
		c.HTTPClient = &cp
		return nil
	}
}

// WithTimeout bounds each attempt of a request (default 60s) when the SDK
// builds the HTTP client itself. The context passed to each call bounds the
// whole call, retries included.
func WithTimeout(d time.Duration) Option {
	return func(c *Config) error {
		if d <= 0 {
			return optionError("WithTimeout", "must be positive, got %v", d)
		}
		c.Timeout = d
		return nil
	}
}

// WithUserAgent puts ua in front of the SDK's User-Agent
// ("vngcloud-go/<version> go/<go version>"), so the service can tell your
// program apart.
func WithUserAgent(ua string) Option {
	return func(c *Config) error {
		if strings.ContainsAny(ua, "\r\n") {
			return optionError("WithUserAgent", "must not contain line breaks")
		}
		c.UserAgent = strings.TrimSpace(ua)
		return nil
	}
}

// WithRetries sets how many times an idempotent request is retried after a
// connection error, a 429 or a 5xx other than 501 (default 3; 0 turns
// retries off). Requests that are not idempotent are never retried.
func WithRetries(n int) Option {
	return func(c *Config) error {
		if n < 0 || n > 20 {
			return optionError("WithRetries", "must be between 0 and 20, got %d", n)
		}
		c.Retries = n
		return nil
	}
}

// WithRetryWait bounds the jittered exponential backoff between attempts
// (default 500ms to 20s). A Retry-After header longer than maxWait is not
// waited for: the call returns the 429 or 503 at once, with
// [APIError.RetryAfter] set. Tests use WithRetryWait(0, 0).
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(c *Config) error {
		if minWait < 0 || maxWait < minWait {
			return optionError("WithRetryWait", "need 0 <= min <= max, got %v and %v", minWait, maxWait)
		}
		c.RetryWaitMin, c.RetryWaitMax = minWait, maxWait
		return nil
	}
}

// WithLogger sends the SDK's debug lines (one per attempt: operation,
// method, path, status, duration) to l. The SDK is silent by default. It
// never logs headers, request or response bodies, tokens or secrets.
func WithLogger(l *slog.Logger) Option {
	return func(c *Config) error {
		if l == nil {
			return optionError("WithLogger", "the logger is nil")
		}
		c.Logger = l
		return nil
	}
}

// WithTokenSource sets where bearer tokens come from, for example the vIAM
// client-credentials source from the viam package, or [StaticToken].
func WithTokenSource(ts TokenSource) Option {
	return func(c *Config) error {
		if ts == nil {
			return optionError("WithTokenSource", "the token source is nil")
		}
		c.TokenSource = ts
		return nil
	}
}

// WithMaxResponseSize caps how many bytes of a successful response are read
// (default 32 MiB). A larger response fails with an [APIError] instead of
// filling memory. Error responses are always capped at 1 MiB. A value of
// math.MaxInt64 is taken as math.MaxInt64-1 (no practical limit).
func WithMaxResponseSize(n int64) Option {
	return func(c *Config) error {
		if n <= 0 {
			return optionError("WithMaxResponseSize", "must be positive, got %d", n)
		}
		// The body is read through a reader limited to n+1 bytes, to tell
		// "exactly n" from "more": math.MaxInt64 ("no limit") would overflow.
		c.MaxResponseSize = min(n, math.MaxInt64-1)
		return nil
	}
}
