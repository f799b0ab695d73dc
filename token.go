package vngcloud

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// TokenSource gives the bearer token for a request. Implementations must be
// safe for concurrent use. The viam package provides one for service
// accounts (client ID and secret); [StaticToken] wraps a token you already
// have; [TokenCache] turns any fetch function into a cached, refreshing
// source.
type TokenSource interface {
	Token(ctx context.Context) (Secret, error)
}

// TokenInvalidator is implemented by token sources that can drop a token
// the service refused. When a request answers 401, the SDK calls
// Invalidate with the token it sent, asks the source for a token again and
// resends the request once. Sources without it (such as [StaticToken]) get
// no second attempt.
type TokenInvalidator interface {
	Invalidate(token Secret)
}

// StaticToken returns a TokenSource that always returns token. It is never
// refreshed: when the token expires, calls fail with [ErrUnauthorized].
func StaticToken(token string) TokenSource { return &staticToken{tok: Secret(token)} }

// staticToken keeps the token in an unexported field behind a pointer, so
// that neither encoders that do not ask fmt (encoding/json, log/slog's
// JSON handler, XML) nor fmt printing a client's fields by reflection
// (where Format cannot be called) see anything of it.
type staticToken struct{ tok Secret }

func (t staticToken) Token(context.Context) (Secret, error) { return t.tok, nil }
func (t staticToken) String() string                        { return "StaticToken(" + t.tok.String() + ")" }
func (t staticToken) GoString() string                      { return t.String() }
func (t staticToken) LogValue() slog.Value                  { return slog.StringValue(t.String()) }

// Format makes every fmt verb print String's text.
func (t staticToken) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", t.String())
		return
	}
	fmt.Fprint(f, t.String())
}

// TokenFetchFunc fetches a new token and says how long it lives. A zero or
// negative lifetime means "unknown"; [TokenCache] then uses its
// DefaultLifetime.
type TokenFetchFunc func(ctx context.Context) (token Secret, lifetime time.Duration, err error)

// Defaults of [TokenCache].
const (
	// DefaultTokenSkew is how long before expiry a cached token is renewed.
	DefaultTokenSkew = 60 * time.Second
	// DefaultTokenLifetime is assumed when the service does not say how
	// long a token lives (expires_in missing or 0). It matches the 1800 s
	// of vIAM's documented example and the official CLI's fallback.
	DefaultTokenLifetime = 30 * time.Minute
	// DefaultTokenFetchTimeout bounds one fetch.
	DefaultTokenFetchTimeout = 60 * time.Second
)

// TokenCache is a TokenSource that caches the token from Fetch until
// shortly before it expires. When it needs a new token, exactly one
// goroutine fetches it and every other caller waits for that result (or for
// its own context). A fetch is not cancelled when the caller that started
// it gives up, since others may be waiting; DefaultTokenFetchTimeout bounds
// it. A failed fetch is not cached: the next call tries again. Reading a
// valid cached token takes no lock. A panic in Fetch is recovered and
// returned as an error to every caller waiting for that fetch. A nil
// context is refused with a *ValidationError.
//
// Set the exported fields before the first call to Token.
type TokenCache struct {
	// Fetch gets a new token. Required.
	Fetch TokenFetchFunc
	// Skew is how long before expiry the token is renewed (default
	// DefaultTokenSkew, and never more than half the token's lifetime).
	Skew time.Duration
	// DefaultLifetime is used when Fetch reports no lifetime.
	DefaultLifetime time.Duration
	// Now is the clock (default time.Now); tests replace it.
	Now func() time.Time

	cur atomic.Pointer[cachedToken]

	mu     sync.Mutex
	flight *tokenFlight
}

type cachedToken struct {
	tok       Secret
	refreshAt time.Time
}

type tokenFlight struct {
	done chan struct{}
	tok  Secret
	err  error
}

// NewTokenCache returns a TokenCache over fetch with the default skew and
// lifetime.
func NewTokenCache(fetch TokenFetchFunc) *TokenCache { return &TokenCache{Fetch: fetch} }

func (c *TokenCache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Token returns the cached token while it is fresh, and otherwise waits for
// the one fetch in flight (starting it if needed).
func (c *TokenCache) Token(ctx context.Context) (Secret, error) {
	if ctx == nil {
		return "", &ValidationError{Operation: "TokenCache.Token", Field: "ctx", Reason: "nil context"}
	}
	if t := c.cur.Load(); t != nil && c.now().Before(t.refreshAt) {
		return t.tok, nil
	}
	if c.Fetch == nil {
		return "", &ValidationError{Operation: "TokenCache.Token", Field: "Fetch", Reason: "no fetch function: build the cache with NewTokenCache"}
	}
	c.mu.Lock()
	if t := c.cur.Load(); t != nil && c.now().Before(t.refreshAt) {
		c.mu.Unlock()
		return t.tok, nil
	}
	f := c.flight
	if f == nil {
		f = &tokenFlight{done: make(chan struct{})}
		c.flight = f
		go c.fetch(context.WithoutCancel(ctx), f)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (c *TokenCache) fetch(ctx context.Context, f *tokenFlight) {
	ctx, cancel := context.WithTimeout(ctx, DefaultTokenFetchTimeout)
	defer cancel()
	tok, life, err := c.callFetch(ctx)
	if err == nil && tok == "" {
		err = &APIError{Operation: "token", Message: "the token service returned an empty token"}
	}
	c.mu.Lock()
	if err == nil {
		if life <= 0 {
			life = c.DefaultLifetime
			if life <= 0 {
				life = DefaultTokenLifetime
			}
		}
		skew := c.Skew
		if skew <= 0 {
			skew = DefaultTokenSkew
		}
		skew = min(skew, life/2)
		c.cur.Store(&cachedToken{tok: tok, refreshAt: c.now().Add(life - skew)})
	}
	f.tok, f.err = tok, err
	c.flight = nil
	c.mu.Unlock()
	close(f.done)
}

// callFetch calls Fetch, turning a panic into an error: the fetch runs on
// a goroutine of its own, where a panic could not be recovered by any
// caller and would end the process. The panic's value is kept in the
// error's chain (APIError.Err), not in its message.
func (c *TokenCache) callFetch(ctx context.Context) (tok Secret, life time.Duration, err error) {
	defer func() {
		if p := recover(); p != nil {
			tok, life = "", 0
			err = &APIError{Operation: "token", Message: "the token fetch function panicked",
				Hint: "this is a bug in the fetch function; the next call tries again", Err: fmt.Errorf("panic: %v", p)}
		}
	}()
	return c.Fetch(ctx)
}

// Invalidate drops the cached token if it is still tok, so the next call to
// Token fetches a new one. Invalidating a token that was already replaced
// does nothing: many requests failing with the same old token cause one
// refresh.
func (c *TokenCache) Invalidate(tok Secret) {
	if t := c.cur.Load(); t != nil && t.tok == tok {
		c.cur.CompareAndSwap(t, nil)
	}
}

// String never shows the token.
func (c *TokenCache) String() string { return "vngcloud.TokenCache" }

// GoString never shows the token.
func (c *TokenCache) GoString() string { return c.String() }
