package vngcloud

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud/internal/settings"
)

// Option configures a client of any service in this SDK (vstorage.NewClient,
// viam.NewClient, the vIAM token source). Options are checked when the
// client is built: a bad value makes the constructor return an error that
// names the option, and nothing is built.
type Option func(*settings.Settings) error

func optionError(name, format string, args ...any) error {
	return &ValidationError{Field: name, Reason: fmt.Sprintf(format, args...)}
}

// WithEndpoint sets the base URL of the service, for example
// "https://hcm04-api.vstorage.vngcloud.vn/api/v1/" or the address of a test
// server. It must be an absolute http or https URL without a query; a
// trailing slash is added when missing. Plain http is accepted only for
// loopback hosts when a token would be sent (see the package overview).
func WithEndpoint(endpoint string) Option {
	return func(s *settings.Settings) error {
		// Quote the endpoint in errors without its user info, which may
		// hold a password.
		shown, userInfo := settings.RedactURL(endpoint)
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
		s.Endpoint = u.String()
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
	return func(s *settings.Settings) error {
		s.Console = true
		return nil
	}
}

// WithHTTPClient makes the SDK send requests through a copy of hc (its
// Transport, Jar and Timeout are kept; the SDK installs its own redirect
// check on the copy). Use it to inject a proxy, custom TLS settings or a
// test transport such as httpmock's.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings.Settings) error {
		if hc == nil {
			return optionError("WithHTTPClient", "the client is nil")
		}
		c := *hc
		s.HTTPClient = &c
		return nil
	}
}

// WithTimeout bounds each attempt of a request (default 60s) when the SDK
// builds the HTTP client itself. The context passed to each call bounds the
// whole call, retries included.
func WithTimeout(d time.Duration) Option {
	return func(s *settings.Settings) error {
		if d <= 0 {
			return optionError("WithTimeout", "must be positive, got %v", d)
		}
		s.Timeout = d
		return nil
	}
}

// WithUserAgent puts ua in front of the SDK's User-Agent
// ("vngcloud-go/<version> go/<go version>"), so the service can tell your
// program apart.
func WithUserAgent(ua string) Option {
	return func(s *settings.Settings) error {
		if strings.ContainsAny(ua, "\r\n") {
			return optionError("WithUserAgent", "must not contain line breaks")
		}
		s.UserAgent = strings.TrimSpace(ua)
		return nil
	}
}

// WithRetries sets how many times an idempotent request is retried after a
// connection error, a 429 or a 5xx other than 501 (default 3; 0 turns
// retries off). Requests that are not idempotent are never retried.
func WithRetries(n int) Option {
	return func(s *settings.Settings) error {
		if n < 0 || n > 20 {
			return optionError("WithRetries", "must be between 0 and 20, got %d", n)
		}
		s.RetryMax = n
		return nil
	}
}

// WithRetryWait bounds the jittered exponential backoff between attempts
// (default 500ms to 20s). A Retry-After header longer than maxWait is not
// waited for: the call returns the 429 or 503 at once, with
// [APIError.RetryAfter] set. Tests use WithRetryWait(0, 0).
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(s *settings.Settings) error {
		if minWait < 0 || maxWait < minWait {
			return optionError("WithRetryWait", "need 0 <= min <= max, got %v and %v", minWait, maxWait)
		}
		s.RetryWaitMin, s.RetryWaitMax = minWait, maxWait
		return nil
	}
}

// WithLogger sends the SDK's debug lines (one per attempt: operation,
// method, path, status, duration) to l. The SDK is silent by default. It
// never logs headers, request or response bodies, tokens or secrets.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings.Settings) error {
		if l == nil {
			return optionError("WithLogger", "the logger is nil")
		}
		s.Logger = l
		return nil
	}
}

// WithTokenSource sets where bearer tokens come from, for example the vIAM
// client-credentials source from the viam package, or [StaticToken].
func WithTokenSource(ts TokenSource) Option {
	return func(s *settings.Settings) error {
		if ts == nil {
			return optionError("WithTokenSource", "the token source is nil")
		}
		s.TokenSource = ts
		return nil
	}
}

// WithMaxResponseSize caps how many bytes of a successful response are read
// (default 32 MiB). A larger response fails with an [APIError] instead of
// filling memory. Error responses are always capped at 1 MiB. A value of
// math.MaxInt64 is taken as math.MaxInt64-1 (no practical limit).
func WithMaxResponseSize(n int64) Option {
	return func(s *settings.Settings) error {
		if n <= 0 {
			return optionError("WithMaxResponseSize", "must be positive, got %d", n)
		}
		// The body is read through a reader limited to n+1 bytes, to tell
		// "exactly n" from "more": math.MaxInt64 ("no limit") would overflow.
		s.MaxResponseBytes = min(n, math.MaxInt64-1)
		return nil
	}
}

// WithRegion sets the storage region that vStorage calls act in, by name
// ("HCM04", "HAN02", "HCM03"). The vstorage client resolves the name to the
// region's UUID once, for the region headers the API requires.
func WithRegion(name string) Option {
	return func(s *settings.Settings) error {
		name = strings.TrimSpace(name)
		if name == "" {
			return optionError("WithRegion", "the region name is empty")
		}
		s.Region = name
		return nil
	}
}
