package vngcloud_test

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
)

// The token under load. The steady state is BenchmarkTokenCacheSteady and
// BenchmarkTokenCacheContended; their mutex profile shows no TokenCache
// frame:
//
//	go test -run '^$' -bench 'TokenCache(Steady|Contended)$' -count 1 -mutexprofile m.out -o root.test .
//	go tool pprof -top root.test m.out
//
// (BenchmarkTokenCacheHot in token_test.go measures the same loop, but
// its setup, the one cold fetch, can show in that profile: the fetch
// goroutine may wait a moment for the lock its starter still holds.)
//
// docs/BENCHMARKS.md has the figures and .ci/bench.sh reproduces them.

// thousandCold starts 1,000 goroutines that ask a cold cache for a token
// at the same moment, and returns how many fetches were made. Each fetch
// takes fetchDelay, as a token request over the network would.
func thousandCold(tb testing.TB, fetchDelay time.Duration) int32 {
	var fetches atomic.Int32
	tc := vngcloud.NewTokenCache(func(ctx context.Context) (vngcloud.Secret, time.Duration, error) {
		fetches.Add(1)
		time.Sleep(fetchDelay)
		return "tok", time.Hour, nil
	})
	ctx := context.Background()
	var wg sync.WaitGroup
	start := make(chan struct{})
	var bad atomic.Int32
	for range 1000 {
		wg.Go(func() {
			<-start
			if tok, err := tc.Token(ctx); err != nil || tok != "tok" {
				bad.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := bad.Load(); n != 0 {
		tb.Fatalf("%d callers got no token", n)
	}
	return fetches.Load()
}

// TestTokenCacheThousandColdCallers: 1,000 callers released together on a
// cold cache make exactly one fetch, whether the fetch is slow (they all
// wait for it) or instant (most arrive after it is stored).
func TestTokenCacheThousandColdCallers(t *testing.T) {
	for _, d := range []time.Duration{0, 20 * time.Millisecond} {
		if n := thousandCold(t, d); n != 1 {
			t.Fatalf("fetch of %v: %d fetches, want 1", d, n)
		}
	}
}

// BenchmarkTokenCacheCold1000 measures one cold start under load: 1,000
// goroutines ask an empty cache for a token at once, and one instant
// fetch serves them all (fetches/op is always 1).
func BenchmarkTokenCacheCold1000(b *testing.B) {
	b.ReportAllocs()
	var total int32
	for b.Loop() {
		n := thousandCold(b, 0)
		if n != 1 {
			b.Fatalf("%d fetches, want 1", n)
		}
		total += n
	}
	b.ReportMetric(float64(total)/float64(b.N), "fetches/op")
}

// warmCache returns a TokenCache holding a fresh token. Its one fetch is
// made with the mutex profile off, so that a profile of the benchmark
// that follows shows the steady state only.
func warmCache(b *testing.B) *vngcloud.TokenCache {
	tc := vngcloud.NewTokenCache(func(ctx context.Context) (vngcloud.Secret, time.Duration, error) { return "t", time.Hour, nil })
	prev := runtime.SetMutexProfileFraction(0)
	_, err := tc.Token(context.Background())
	runtime.SetMutexProfileFraction(prev)
	if err != nil {
		b.Fatal(err)
	}
	return tc
}

// BenchmarkTokenCacheSteady is the steady state: one goroutine per core
// reads the cached token in a loop.
func BenchmarkTokenCacheSteady(b *testing.B) {
	tc := warmCache(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := tc.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTokenCacheContended is the steady state with more goroutines
// than cores: 64 per core read the cached token in a loop.
func BenchmarkTokenCacheContended(b *testing.B) {
	tc := warmCache(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(64)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := tc.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
