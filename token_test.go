package vngcloud_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
)

// fakeClock is a settable clock for TokenCache.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestTokenCacheOneFetchForManyCallers(t *testing.T) {
	t.Parallel()
	var fetches atomic.Int32
	release := make(chan struct{})
	tc := vngcloud.NewTokenCache(func(ctx context.Context) (vngcloud.Secret, time.Duration, error) {
		fetches.Add(1)
		<-release
		return "tok", time.Hour, nil
	})
	var wg sync.WaitGroup
	var started sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		started.Add(1)
		wg.Go(func() {
			started.Done()
			tok, err := tc.Token(t.Context())
			if err == nil && tok != "tok" {
				err = fmt.Errorf("token %q", tok.Reveal())
			}
			errs <- err
		})
	}
	started.Wait()
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Fatalf("fetches = %d, want 1", n)
	}
}

func TestTokenCacheReuseUntilSkewedExpiry(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
	var fetches atomic.Int32
	tc := vngcloud.NewTokenCache(func(ctx context.Context) (vngcloud.Secret, time.Duration, error) {
		n := fetches.Add(1)
		return vngcloud.Secret(fmt.Sprintf("tok-%d", n)), 30 * time.Minute, nil
	})
	tc.Now = clock.Now
	get := func() string {
		tok, err := tc.Token(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return tok.Reveal()
	}
	if get() != "tok-1" {
		t.Fatal("first")
	}
	clock.Add(28*time.Minute + 59*time.Second) // before expiry - 60s skew
	if get() != "tok-1" || fetches.Load() != 1 {
		t.Fatal("token not reused before the skewed expiry")
	}
	clock.Add(2 * time.Second) // past expiry - skew
	first, second := get(), get()
	if first != "tok-2" || second != "tok-2" || fetches.Load() != 2 {
		t.Fatalf("fetches = %d, want one refresh", fetches.Load())
	}
}

func TestTokenCacheDefaultLifetimeAndShortLifetimes(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(0, 0)}
	life := time.Duration(0)
	var fetches atomic.Int32
	tc := vngcloud.NewTokenCache(func(ctx context.Context) (vngcloud.Secret, time.Duration, error) {
		fetches.Add(1)
		return "t", life, nil
	})
	tc.Now = clock.Now
	tc.Token(t.Context())
	clock.Add(vngcloud.DefaultTokenLifetime - vngcloud.DefaultTokenSkew - time.Second)
	tc.Token(t.Context())
	if fetches.Load() != 1 {
		t.Fatal("a missing lifetime should mean DefaultTokenLifetime")
	}
	clock.Add(2 * time.Second)
	life = 10 * time.Second // shorter than the skew: renew at half life
	tc.Token(t.Context())
	clock.Add(4 * time.Second)
	tc.Token(t.Context())
	if fetches.Load() != 2 {
		t.Fatalf("fetches = %d", fetches.Load())
	}
	clock.Add(2 * time.Second)
	tc.Token(t.Context())
	if fetches.Load() != 3 {
		t.Fatalf("fetches = %d", fetches.Load())
	}
}

func TestTokenCacheErrorsAreNotCached(t *testing.T) {
	t.Parallel()
	var fetches atomic.Int32
	tc := vngcloud.NewTokenCache(func(ctx context.Context) (vngcloud.Secret, time.Duration, error) {
		if fetches.Add(1) == 1 {
			return "", 0, errors.New("boom")
		}
		return "ok", time.Hour, nil
	})
	if _, err := tc.Token(t.Context()); err == nil {
		t.Fatal("want error")
	}
	if tok, err := tc.Token(t.Context()); err != nil || tok != "ok" {
		t.Fatal(tok, err)
	}
}

func TestTokenCacheInvalidate(t *testing.T) {
	t.Parallel()
	var fetches atomic.Int32
	tc := vngcloud.NewTokenCache(func(ctx context.Context) (vngcloud.Secret, time.Duration, error) {
		return vngcloud.Secret(fmt.Sprintf("t%d", fetches.Add(1))), time.Hour, nil
	})
	t1, _ := tc.Token(t.Context())
	tc.Invalidate("someone-else")
	if tok, _ := tc.Token(t.Context()); tok != t1 {
		t.Fatal("invalidating another token dropped the cache")
	}
	tc.Invalidate(t1)
	t2, _ := tc.Token(t.Context())
	tc.Invalidate(t1) // stale: no effect
	t3, _ := tc.Token(t.Context())
	if t2 == t1 || t3 != t2 || fetches.Load() != 2 {
		t.Fatalf("t1=%s t2=%s t3=%s fetches=%d", t1.Reveal(), t2.Reveal(), t3.Reveal(), fetches.Load())
	}
}

func TestTokenCacheWaiterHonoursItsContext(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	defer close(release)
	tc := vngcloud.NewTokenCache(func(ctx context.Context) (vngcloud.Secret, time.Duration, error) {
		<-release
		return "late", time.Hour, nil
	})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := tc.Token(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

func TestTokenCacheEmptyTokenIsAnError(t *testing.T) {
	t.Parallel()
	tc := vngcloud.NewTokenCache(func(ctx context.Context) (vngcloud.Secret, time.Duration, error) { return "", time.Hour, nil })
	if _, err := tc.Token(t.Context()); err == nil {
		t.Fatal("want an error for an empty token")
	}
}

// BenchmarkTokenCacheHot measures the steady state: a cached token is read
// without a lock, so parallel callers do not contend.
func BenchmarkTokenCacheHot(b *testing.B) {
	tc := vngcloud.NewTokenCache(func(ctx context.Context) (vngcloud.Secret, time.Duration, error) { return "t", time.Hour, nil })
	ctx := context.Background()
	tc.Token(ctx)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := tc.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestTokenCacheRefusesNilContextAndFetch(t *testing.T) {
	t.Parallel()
	tc := vngcloud.NewTokenCache(func(ctx context.Context) (vngcloud.Secret, time.Duration, error) { return "t", time.Hour, nil })
	//lint:ignore SA1012 the test checks that a nil context is refused
	if _, err := tc.Token(nil); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Fatalf("err = %v", err)
	}
	if _, err := (&vngcloud.TokenCache{}).Token(t.Context()); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Fatalf("err = %v", err)
	}
}

// TestTokenCacheNilContext: Token(nil) returns a *ValidationError, with or
// without a cached token, and never panics.
func TestTokenCacheNilContext(t *testing.T) {
	t.Parallel()
	tc := vngcloud.NewTokenCache(func(context.Context) (vngcloud.Secret, time.Duration, error) {
		return "tok", time.Hour, nil
	})
	var nilCtx context.Context // a variable, so that vet lets it through
	var ve *vngcloud.ValidationError
	if _, err := tc.Token(nilCtx); !errors.As(err, &ve) {
		t.Fatalf("empty cache: err = %v, want a ValidationError", err)
	}
	if _, err := tc.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	if tok, err := tc.Token(nilCtx); !errors.As(err, &ve) || tok != "" {
		t.Fatalf("cached token: Token(nil) = %q, %v; want a ValidationError", tok, err)
	}
}

// TestTokenCacheFetchPanicIsAnError: a fetch function that panics makes
// every waiting caller get an error (not the process die), and the next
// call fetches again.
func TestTokenCacheFetchPanicIsAnError(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	release := make(chan struct{})
	tc := vngcloud.NewTokenCache(func(context.Context) (vngcloud.Secret, time.Duration, error) {
		if calls.Add(1) == 1 {
			<-release
			panic("fetch blew up")
		}
		return "tok", time.Hour, nil
	})
	const waiters = 20
	errs := make(chan error, waiters)
	for range waiters {
		go func() {
			_, err := tc.Token(context.Background())
			errs <- err
		}()
	}
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the others join the flight
	close(release)
	for range waiters {
		err := <-errs
		var ae *vngcloud.APIError
		if !errors.As(err, &ae) || !strings.Contains(err.Error(), "panicked") {
			t.Fatalf("err = %v, want an APIError saying the fetch panicked", err)
		}
	}
	if tok, err := tc.Token(t.Context()); err != nil || tok != "tok" {
		t.Fatalf("after the panic: %q, %v; want a new fetch", tok, err)
	}
}
