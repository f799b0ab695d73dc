package reliability

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud"
)

// check applies the rules every case must follow, then compares the
// outcome with the one expected for the call and the fault.
func (r *result) check(err error, sent, tokens int, took time.Duration, done, doneKnown bool) {
	c, f := r.call, r.fault
	// Every failure is typed: an *APIError whose message says it comes
	// from the SDK.
	var ae *vngcloud.APIError
	if err != nil {
		if !errors.As(err, &ae) {
			r.fail("the error is not a *vngcloud.APIError: %T %v", err, err)
		} else if !strings.HasPrefix(err.Error(), "vngcloud: ") {
			r.fail("the error does not say it comes from the SDK: %v", err)
		}
	}
	// An error that says the change may have happened says how to check.
	if errors.Is(err, vngcloud.ErrMaybeApplied) && ae != nil {
		if ae.Hint == "" {
			r.fail("MaybeApplied without a hint: %v", err)
		} else if c.unsure != "" && !strings.Contains(ae.Hint, c.unsure) {
			r.fail("the MaybeApplied hint %q does not mention %q", ae.Hint, c.unsure)
		}
	}
	// A call sent once reaches the server once. Only a 401, a refusal
	// before acting, gets one resend with a new token; EnsurePolicyAttached
	// repeats an attach whose outcome was unknown, which is safe.
	if c.once && sent > 1 && f.key != "401" {
		r.fail("a call sent once reached the server %d times", sent)
	}
	// The one outcome that must never occur: the change happened, and the
	// caller hears of a plain failure.
	if doneKnown && done && err != nil && !errors.Is(err, vngcloud.ErrMaybeApplied) {
		r.fail("the change happened but the error does not say it may have: %v", err)
	}
	// The fault-specific facts.
	switch f.key {
	case "429":
		if classify(err) == "ok" && took < 900*time.Millisecond {
			r.fail("recovered from a 429 with Retry-After: 1 after %v: the wait was not honoured", took)
		}
		if ae != nil && ae.RetryAfter != time.Second {
			r.fail("RetryAfter = %v, want 1s", ae.RetryAfter)
		}
	case "401":
		if c.name != "viam.ClientCredentials.Token" && tokens != 1 {
			r.fail("%d tokens fetched after the 401, want exactly 1", tokens)
		}
	case "slow":
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			r.fail("the error does not match context.DeadlineExceeded: %v", err)
		}
		// The class says the deadline ended the call, not the server's
		// late answer; the time is only a sanity check.
		if took >= slowDelay {
			r.fail("the call took %v with a %v deadline: it waited for the server", took, f.deadline)
		}
	}
	if f.key != "401" && c.name != "viam.ClientCredentials.Token" && tokens != 0 {
		r.fail("%d tokens fetched; the cached one should have served", tokens)
	}
	if want := expect(c, f); r.outcome != want {
		r.fail("outcome %q, want %q", r.outcome, want)
	}
}

// expect is the outcome each call should have under each fault: the
// retry policy and the envelope rules of docs/RELIABILITY.md, written
// out.
func expect(c *call, f *fault) string {
	var class string
	sent := 1
	done := "" // for calls with a done check: ", done" or ", not done"
	vstorage := strings.HasPrefix(c.name, "vstorage.")
	token := c.name == "viam.ClientCredentials.Token"
	switch f.key {
	case "503", "drop-before":
		switch {
		case c.once:
			class, done = "MaybeApplied", ", not done"
		case c.repeats:
			class, sent, done = "ok", 2, ", done"
		default:
			class, sent = "ok", 2
		}
	case "429":
		switch {
		case c.once || c.repeats:
			class, done = "RateLimited", ", not done"
		default:
			class, sent = "ok", 2
		}
	case "drop-after":
		switch {
		case c.once:
			class, done = "MaybeApplied", ", done"
		case c.repeats:
			class, sent, done = "ok", 2, ", done"
		case c.gone:
			class, sent = "NotFound", 2
		default:
			class, sent = "ok", 2
		}
	case "truncated", "oversize":
		what := "error: truncated"
		if f.key == "oversize" {
			what = "error: too large"
		}
		switch {
		case c.noBody:
			class, done = "ok", ", done"
		case c.once:
			class, done = "MaybeApplied", ", done"
		default:
			class = what
		}
	case "success-false", "empty-200":
		what := "error: code 114"
		switch {
		case f.key == "empty-200":
			what = "error: empty body"
		case !vstorage:
			what = "error: bad answer" // vIAM has no envelope: the answer lacks the call's fields
		}
		switch {
		case c.noDecode:
			// vIAM answers these with 204: any 2xx is success, and the SDK
			// cannot tell that the fault did nothing.
			class, done = "ok", ", not done"
		case c.once && vstorage && f.key == "success-false":
			class, done = what, ", not done" // a refusal: nothing happened
		case c.once:
			class, done = "MaybeApplied", ", not done"
		case c.settings && f.key == "empty-200":
			class = "MaybeApplied" // the bucket exists, so the write may have happened
		case c.write && f.key == "empty-200":
			class = "MaybeApplied" // an answer that says nothing: the write may have happened
		default:
			class = what
		}
	case "401":
		switch {
		case token:
			class = "Unauthorized" // the token call itself: the credentials were refused
		default:
			class, sent, done = "ok", 2, ", done"
		}
	case "slow":
		switch {
		case c.once || c.repeats:
			class, done = "MaybeApplied", ", not done"
		default:
			class = "error: deadline"
		}
	}
	s := class + " ×" + strconv.Itoa(sent)
	if c.done != nil {
		s += done
	}
	return s
}
