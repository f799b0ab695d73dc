package httpcore

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// checkRetry is the retry policy. A request marked Once is never retried.
// Others are retried on connection errors, 429 and 5xx except 501 (the
// retryablehttp default), never after the context is done, never after a
// refused redirect, and not when the wait the server asks for is longer
// than the retry cap or than what is left of the context's deadline.
func (c *Core) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err == nil && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
		return false, nil // the common case: an answer that is not retried
	}
	if ci := callFrom(ctx); ci != nil && ci.once {
		return false, nil
	}
	if err != nil {
		var re *redirectError
		if errors.As(err, &re) {
			return false, nil
		}
	}
	retry, _ := retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	if !retry {
		return false, nil
	}
	if resp != nil {
		if wait, ok := retryAfter(resp, c.now()); ok {
			if wait > c.waitMax {
				return false, nil
			}
			if dl, ok := ctx.Deadline(); ok && dl.Sub(c.now()) < wait {
				return false, nil
			}
		}
	}
	return true, nil
}

// backoff is exponential with jitter: attempt n waits a random time in
// [d/2, d] with d = min·2ⁿ capped at max; a Retry-After header on a 429 or
// 503 is honoured instead (checkRetry has already refused waits above max).
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
