package vstoragetest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// warm makes the client resolve its region and get a token, so that the
// calls the tests count are only theirs.
func warm(t testing.TB, e *env) {
	t.Helper()
	if _, err := e.c.ListProjects(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.st.ResetCalls()
}

func TestFailNextThenRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	warm(t, e)
	e.st.FailNext(1, 503)
	if _, err := e.c.ListBuckets(context.Background(), e.project); err != nil {
		t.Fatalf("the client should retry past a 503: %v", err)
	}
	calls := e.st.Calls()
	if len(calls) != 2 || calls[0].Status != 503 || calls[0].Fault != "status 503" || calls[1].Status != 200 {
		t.Fatalf("%+v", calls)
	}
	for _, c := range calls {
		if c.Header.Get("Authorization") != "" || c.Header.Get("region") != vstoragetest.HCM04ID || c.Header.Get("region_id") != vstoragetest.HCM04ID {
			t.Fatalf("headers %v", c.Header)
		}
	}
	if e.st.CallCount("GET", "ceph/projects/"+e.project) != 2 {
		t.Fatal("CallCount")
	}
}

// TestCreateKeyDropped: CreateS3Key is sent once. With the connection
// dropped after the server acted, the key exists but the client reports
// ErrMaybeApplied; dropped before, no key exists.
func TestCreateKeyDropped(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	warm(t, e)
	ctx := context.Background()

	e.st.Inject(vstoragetest.Fault{Method: "POST", Path: "users/s3_keys", Drop: vstoragetest.DropAfterAct})
	_, err := e.c.CreateS3Key(ctx, e.project)
	var ae *vngcloud.APIError
	if !errors.Is(err, vngcloud.ErrMaybeApplied) || !errors.As(err, &ae) || !strings.Contains(ae.Hint, "ListS3Keys") {
		t.Fatalf("%v", err)
	}
	if ks := e.st.Keys(e.project); len(ks) != 1 {
		t.Fatalf("the key should exist: %v", ks)
	}
	if keys, err := e.c.ListS3Keys(ctx, e.project); err != nil || len(keys) != 1 {
		t.Fatal(keys, err)
	}

	e.st.Inject(vstoragetest.Fault{Method: "POST", Path: "users/s3_keys", Drop: vstoragetest.DropBeforeAct})
	if _, err := e.c.CreateS3Key(ctx, e.project); !errors.Is(err, vngcloud.ErrMaybeApplied) {
		t.Fatalf("%v", err)
	}
	if ks := e.st.Keys(e.project); len(ks) != 1 {
		t.Fatalf("no second key should exist: %v", ks)
	}
	if n := e.st.CallCount("POST", "users/s3_keys"); n != 2 {
		t.Fatalf("sent %d times; a Once call is never retried", n)
	}
	// An injected 5xx on a Once call is also ambiguous, and not retried.
	e.st.Inject(vstoragetest.Fault{Method: "PUT", Path: "/attach", Status: 502})
	sa, _, _ := e.iam.AddServiceAccount("x")
	if err := e.c.LinkS3Key(ctx, e.project, e.st.Keys(e.project)[0].ID, sa); !errors.Is(err, vngcloud.ErrMaybeApplied) {
		t.Fatalf("%v", err)
	}
	if e.st.CallCount("PUT", "/attach") != 1 {
		t.Fatal("retried")
	}
}

func TestRateLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	warm(t, e)
	ctx := context.Background()
	e.st.Inject(vstoragetest.Fault{Method: "GET", Status: 429, RetryAfter: "60"})
	_, err := e.c.ListProjects(ctx)
	var ae *vngcloud.APIError
	if !errors.Is(err, vngcloud.ErrRateLimited) || !errors.As(err, &ae) || ae.RetryAfter != time.Minute {
		t.Fatalf("%v", err)
	}
	c := e.client(t, vstorage.WithRegion(vstoragetest.HCM04ID), vngcloud.WithRetryWait(0, 5*time.Second))
	e.st.Inject(vstoragetest.Fault{Method: "GET", Status: 429, RetryAfter: "1"})
	start := time.Now()
	if _, err := c.ListProjects(ctx); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 900*time.Millisecond {
		t.Fatal("Retry-After not honoured")
	}
}

func TestTruncatedAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	warm(t, e)
	e.st.Inject(vstoragetest.Fault{Path: "/projects", Truncate: true})
	if _, err := e.c.ListProjects(context.Background()); err == nil {
		t.Fatal("a truncated answer was accepted")
	}
	// A truncated answer to a create: the key exists, the client is unsure.
	e.st.Inject(vstoragetest.Fault{Method: "POST", Path: "users/s3_keys", Truncate: true})
	if _, err := e.c.CreateS3Key(context.Background(), e.project); !errors.Is(err, vngcloud.ErrMaybeApplied) {
		t.Fatalf("%v", err)
	}
	if len(e.st.Keys(e.project)) != 1 {
		t.Fatal("the key should exist")
	}
}

func TestDelayAgainstDeadline(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	warm(t, e)
	e.st.Inject(vstoragetest.Fault{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := e.c.ListBuckets(ctx, e.project); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("the delay outlived the deadline")
	}
	// A short delay is just slow.
	e.st.Inject(vstoragetest.Fault{Delay: 100 * time.Millisecond})
	start = time.Now()
	if _, err := e.c.ListBuckets(context.Background(), e.project); err != nil || time.Since(start) < 100*time.Millisecond {
		t.Fatal(err, time.Since(start))
	}
}

func TestOversizedAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, vngcloud.WithMaxResponseSize(4096))
	warm(t, e)
	e.st.Inject(vstoragetest.Fault{Path: "/projects", Oversize: 8192})
	if _, err := e.c.ListProjects(context.Background()); err == nil {
		t.Fatal("an oversized answer was accepted")
	}
	e.st.ClearFaults()
	if _, err := e.c.ListProjects(context.Background()); err != nil {
		t.Fatal(err)
	}
}
