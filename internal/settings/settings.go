// Package settings holds the values that the root package's options set and
// that the HTTP core reads. It imports nothing from this module, so the root
// package can depend on it without a cycle.
package settings

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Defaults used when an option is not given.
const (
	DefaultTimeout          = 60 * time.Second
	DefaultRetryMax         = 3
	DefaultRetryWaitMin     = 500 * time.Millisecond
	DefaultRetryWaitMax     = 20 * time.Second
	DefaultMaxResponseBytes = 32 << 20
)

// Settings is what a client is built from.
type Settings struct {
	// Endpoint is the base URL; empty means the service's default.
	Endpoint string
	// HTTPClient is a copy of the caller's client, or nil.
	HTTPClient *http.Client
	// Timeout bounds each attempt when the SDK builds the HTTP client.
	Timeout time.Duration
	// UserAgent is put in front of the SDK's own User-Agent.
	UserAgent string
	// RetryMax is the number of retries after the first attempt.
	RetryMax int
	// RetryWaitMin and RetryWaitMax bound the backoff between attempts.
	RetryWaitMin, RetryWaitMax time.Duration
	// Logger receives debug lines; nil means silent.
	Logger *slog.Logger
	// TokenSource is a vngcloud.TokenSource (typed any to avoid an import
	// cycle); nil means requests carry no bearer token.
	TokenSource any
	// MaxResponseBytes caps how much of a successful response is read.
	MaxResponseBytes int64
	// Console moves the vstorage and viam clients to the web console's
	// hosts (vngcloud.WithConsoleHosts), unless Endpoint is set.
	Console bool
	// Region is the storage region name (for example "HCM04").
	Region string
	// RegionID is the region's UUID when the caller knows it.
	RegionID string
	// TokenURL and TokenVariant configure the vIAM client-credentials
	// token request (viam.WithTokenURL, viam.WithTokenVariant; 0 means
	// the default variant).
	TokenURL     string
	TokenVariant int
	// TokenScope is the scope sent with the token request
	// (viam.WithTokenScope: space-separated scopes, "" for none); it
	// applies only when TokenScopeSet, otherwise the variant's default.
	TokenScope    string
	TokenScopeSet bool
}

// Defaults returns Settings with every default filled in.
func Defaults() *Settings {
	return &Settings{
		Timeout:          DefaultTimeout,
		RetryMax:         DefaultRetryMax,
		RetryWaitMin:     DefaultRetryWaitMin,
		RetryWaitMax:     DefaultRetryWaitMax,
		MaxResponseBytes: DefaultMaxResponseBytes,
	}
}

// RedactURL returns s with any user info (what comes before an "@" in
// the authority) replaced by "REDACTED", for quoting a URL a caller gave
// in an error message, and whether there was any. It works on the text,
// so a URL that does not parse is redacted too: everything between the
// scheme's "//" (or the start, when there is none) and the last "@" is
// taken for user info, whatever slashes, "?", "#" or bad escapes it
// holds (an "@" in a query is redacted with it: this is for messages).
func RedactURL(s string) (string, bool) {
	start := 0
	if i := strings.Index(s, "//"); i >= 0 && (i == 0 || isScheme(s[:i])) {
		start = i + 2
	}
	at := strings.LastIndex(s[start:], "@")
	if at < 0 {
		return s, false
	}
	return s[:start] + "REDACTED" + s[start+at:], true
}

// isScheme reports whether p is "scheme:" as RFC 3986 spells it.
func isScheme(p string) bool {
	p, ok := strings.CutSuffix(p, ":")
	if !ok || p == "" {
		return false
	}
	for i, r := range p {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}
