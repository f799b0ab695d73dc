package httpcore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/vstorage-sdk/vngcloud"
)

// send builds r and sends it: the retry loop, the token, the one resend
// after a 401. It records on r what the errors made later need. The
// caller owns resp.Body.
func (c *Core) send(ctx context.Context, r *Request) (*http.Response, error) {
	if ctx == nil {
		return nil, &vngcloud.ValidationError{Operation: r.Op, Field: "ctx", Reason: "nil context"}
	}
	u, err := c.buildURL(r)
	if err != nil {
		return nil, err
	}
	body, ctype, err := encodeBody(r)
	if err != nil {
		return nil, err
	}
	r.path, r.host, r.attempts, r.answer, r.sent = u.Path, u.Host, 0, nil, nil
	resent := false
	for {
		var tok vngcloud.Secret
		if c.tokens != nil && !r.NoAuth {
			if tok, err = c.tokens.Token(ctx); err != nil {
				return nil, c.tokenError(ctx, r, err)
			}
		}
		if err := checkTransport(u, tok != "" || r.Header.Get("Authorization") != ""); err != nil {
			return nil, c.fail(r, &Failure{Message: err.Error(), Hint: "use an https:// endpoint", Err: err, Refused: true})
		}
		resp, err := c.attempts(ctx, r, u, body, ctype, tok)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && tok != "" && !resent {
			if inv, ok := c.tokens.(vngcloud.TokenInvalidator); ok {
				drain(resp)
				inv.Invalidate(tok)
				resent = true
				continue
			}
		}
		return resp, nil
	}
}

// attempts is the retry loop: it sends the request, and again while the
// retry policy says so, and returns the last response or the error that
// ended the loop (as an APIError).
func (c *Core) attempts(ctx context.Context, r *Request, u *url.URL, body []byte, ctype string, tok vngcloud.Secret) (*http.Response, error) {
	for n := 0; ; n++ {
		req, err := c.newHTTPRequest(ctx, r, u, body, ctype, tok)
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, c.fail(r, &Failure{Message: "the call was cancelled before it was sent (" + err.Error() + ")", Err: err, Refused: true})
		}
		if n > 0 && c.log != nil {
			c.log.LogAttrs(ctx, slog.LevelDebug, "vngcloud: retrying", slog.String("op", r.Op),
				slog.String("method", r.Method), slog.String("path", u.Path), slog.Int("attempt", n+1))
		}
		r.attempts = n + 1
		start := c.now()
		resp, err := c.hc.Do(req)
		if err == nil {
			c.logResponse(ctx, r, resp.StatusCode, start)
		}
		wait, again := c.retry(ctx, r, n, resp, err)
		if !again {
			if err != nil {
				return nil, c.transportError(ctx, r, err)
			}
			return resp, nil
		}
		if resp != nil {
			drain(resp)
		}
		// A retry is due, but the caller has given up: the context's error
		// ends the call, whether it fired during the attempt or just after.
		if ctx.Err() != nil {
			return nil, c.transportError(ctx, r, ctx.Err())
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, c.transportError(ctx, r, ctx.Err())
		case <-t.C:
		}
	}
}

func (c *Core) newHTTPRequest(ctx context.Context, r *Request, u *url.URL, body []byte, ctype string, tok vngcloud.Secret) (*http.Request, error) {
	// A request without a body is given none (a nil reader): an empty
	// reader would make net/http probe it on every call.
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), rd)
	if err != nil {
		return nil, &vngcloud.ValidationError{Operation: r.Op, Field: "request", Reason: err.Error()}
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
	r.sent = append(r.sent, sentCredentials(req.Header.Get("Authorization"))...)
	return req, nil
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
		return c.fail(r, &Failure{Message: "cancelled while waiting for a token", Err: err, Refused: true})
	}
	return c.fail(r, &Failure{Message: "getting a token failed: " + err.Error(), Kind: vngcloud.ErrUnauthorized, Err: err, Refused: true})
}

func (c *Core) logResponse(ctx context.Context, r *Request, status int, start time.Time) {
	if c.log == nil {
		return
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "vngcloud: response",
		slog.String("op", r.Op), slog.String("method", r.Method), slog.String("path", r.path),
		slog.Int("status", status), slog.Int("attempts", r.attempts),
		slog.Duration("elapsed", c.now().Sub(start)))
}

// transportError describes an error from the HTTP client (connection
// failure, redirect refusal, time-out, cancelled context): it names the
// host, and for a time-out whether the caller's context or the
// per-attempt limit ended the wait.
func (c *Core) transportError(ctx context.Context, r *Request, err error) error {
	f := &Failure{Err: err, Refused: r.attempts == 0 || neverSent(err)}
	var re *redirectError
	var ne net.Error
	switch {
	case errors.As(err, &re):
		f.Message, f.Err = re.Error(), re
		f.Hint = "set the endpoint to the redirect's target if you trust it"
		f.Refused = true
	case ctx.Err() != nil:
		f.Err = ctx.Err()
		why := "the caller's context was cancelled"
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			why = "the caller's context deadline passed"
		}
		f.Message = fmt.Sprintf("%s while waiting for %s%s (%v)", why, r.host, c.limits(r), ctx.Err())
	case errors.As(err, &ne) && ne.Timeout():
		f.Message = fmt.Sprintf("no answer from %s within the per-attempt limit%s: %s", r.host, c.limits(r), cleanTransportError(err))
		f.Hint = "the service is slow or unreachable; raise the limit with vngcloud.WithTimeout or try again later"
	default:
		f.Message = fmt.Sprintf("the request to %s failed: %s%s", r.host, cleanTransportError(err), c.limits(r))
	}
	if c.log != nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "vngcloud: request failed",
			slog.String("op", r.Op), slog.String("method", r.Method), slog.String("path", r.path),
			slog.Int("attempts", r.attempts), slog.String("error", f.Message))
	}
	return c.fail(r, f)
}

// limits says, for a message, the per-attempt limit and how many attempts
// were made: " (after 3 attempts of at most 1m0s each)".
func (c *Core) limits(r *Request) string {
	switch {
	case r.attempts > 1 && c.timeout > 0:
		return fmt.Sprintf(" (after %d attempts of at most %v each)", r.attempts, c.timeout)
	case r.attempts > 1:
		return fmt.Sprintf(" (after %d attempts)", r.attempts)
	case c.timeout > 0:
		return fmt.Sprintf(" (one attempt of at most %v)", c.timeout)
	}
	return ""
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
