package httpcore

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retry is the retry policy: it says whether attempt n (0-based) is
// followed by another and after what wait. A request marked Once is never
// retried. Others are retried on connection errors, 429 and 5xx except
// 501, at most c.retries times, never after a refused redirect or a
// certificate the client does not trust, and not when the wait the server asks for is longer than the retry cap
// or than what is left of the context's deadline.
func (c *Core) retry(ctx context.Context, r *Request, n int, resp *http.Response, err error) (time.Duration, bool) {
	switch {
	case r.Once, n >= c.retries:
		return 0, false
	case err != nil && !retryableError(err):
		return 0, false
	case err == nil && resp.StatusCode != http.StatusTooManyRequests &&
		(resp.StatusCode < 500 || resp.StatusCode == http.StatusNotImplemented):
		return 0, false
	}
	if resp != nil {
		if wait, ok := retryAfter(resp, c.now()); ok {
			if wait > c.waitMax {
				return 0, false
			}
			if dl, ok := ctx.Deadline(); ok && dl.Sub(c.now()) < wait {
				return 0, false
			}
		}
	}
	return c.wait(c.waitMin, c.waitMax, n, resp), true
}

// retryableError reports transport errors worth another attempt: not a
// refused redirect, a malformed request or an untrusted certificate, which
// would fail the same way again.
func retryableError(err error) bool {
	var re *redirectError
	var ce *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	switch {
	case errors.As(err, &re), errors.As(err, &ce), errors.As(err, &ua), errors.As(err, &he):
		return false
	}
	msg := err.Error()
	return !strings.Contains(msg, "unsupported protocol scheme") && !strings.Contains(msg, "invalid header") &&
		!strings.Contains(msg, "stopped after")
}

// backoff is exponential with jitter: attempt n waits a random time in
// [d/2, d] with d = min·2ⁿ capped at max; a Retry-After header on a 429 or
// 503 is honoured instead (retry has already refused waits above max).
func (c *Core) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if wait, ok := retryAfter(resp, c.now()); ok {
			return wait
		}
	}
	if minWait <= 0 || maxWait <= 0 {
		return 0
	}
	d := minWait
	for i := 0; i < attempt && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	half := d / 2
	return half + rand.N(half+1)
}

// retryAfter parses Retry-After (seconds or an HTTP date) on a 429 or 503.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0, false
	}
	h := resp.Header.Get("Retry-After")
	if h == "" {
		return 0, false
	}
	if digits(h) {
		// Any number of seconds, however large, is a wait the server asks
		// for: one beyond the cap ends the call at once (checkRetry), with
		// RetryAfter set. A wait too long for a time.Duration is its maximum.
		s, err := strconv.ParseUint(h, 10, 64)
		if err != nil || s > math.MaxInt64/uint64(time.Second) {
			return math.MaxInt64, true
		}
		return time.Duration(s) * time.Second, true
	}
	t, err := http.ParseTime(h)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// digits reports whether s is a non-empty run of ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
