package viamtest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

func TestFailNextThenRetry(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("admin")
	_, c := clients(t, s, cid, secret)
	ctx := context.Background()
	if _, err := c.ListPolicies(ctx, nil); err != nil { // log in first
		t.Fatal(err)
	}
	s.ResetCalls()
	s.FailNext(2, 503)
	if _, err := c.ListPolicies(ctx, nil); err != nil {
		t.Fatalf("the client should retry past two 503s: %v", err)
	}
	calls := s.Calls()
	if len(calls) != 3 || calls[0].Fault != "status 503" || calls[1].Status != 503 || calls[2].Status != 200 || calls[2].Fault != "" {
		t.Fatalf("%+v", calls)
	}
	for _, c := range calls {
		if c.Header.Get("Authorization") != "" {
			t.Fatal("Authorization recorded")
		}
	}
}

func TestInjectedErrorBody(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("admin")
	_, c := clients(t, s, cid, secret)
	s.Inject(viamtest.Fault{Method: "GET", Path: "/service-accounts", Status: 404})
	_, err := c.ListServiceAccounts(context.Background(), nil)
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 || ae.Code != "NOT_FOUND" || !errors.Is(err, vngcloud.ErrNotFound) {
		t.Fatalf("%v", err)
	}
}

// TestCreateDropped drops the connection of a call sent once: after the
// server acted the account exists and the client reports ErrMaybeApplied;
// before, nothing was created (and the client cannot know either).
func TestCreateDropped(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("admin")
	_, c := clients(t, s, cid, secret)
	ctx := context.Background()

	s.Inject(viamtest.Fault{Method: "POST", Path: "/service-accounts", Drop: viamtest.DropAfterAct})
	_, err := c.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "after"})
	if !errors.Is(err, vngcloud.ErrMaybeApplied) {
		t.Fatalf("%v", err)
	}
	if p, err := c.ListServiceAccounts(ctx, &viam.ListOptions{Name: "after"}); err != nil || p.TotalItems != 1 {
		t.Fatalf("the account should exist: %+v %v", p, err)
	}

	s.Inject(viamtest.Fault{Method: "POST", Path: "/service-accounts", Drop: viamtest.DropBeforeAct})
	if _, err := c.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "before"}); !errors.Is(err, vngcloud.ErrMaybeApplied) {
		t.Fatalf("%v", err)
	}
	if p, err := c.ListServiceAccounts(ctx, &viam.ListOptions{Name: "before"}); err != nil || p.TotalItems != 0 {
		t.Fatalf("the account should not exist: %+v %v", p, err)
	}
	if n := s.CallCount("POST", "/service-accounts"); n != 2 {
		t.Fatalf("a Once call must be sent once each: %d", n)
	}
}

func TestRateLimitedWithRetryAfter(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("admin")
	_, c := clients(t, s, cid, secret)
	ctx := context.Background()
	if _, err := c.ListPolicies(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// A wait above the client's cap: the 429 comes back at once.
	s.Inject(viamtest.Fault{Path: "/policies", Status: 429, RetryAfter: "120"})
	_, err := c.ListPolicies(ctx, nil)
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) || !errors.Is(err, vngcloud.ErrRateLimited) || ae.RetryAfter != 120*time.Second {
		t.Fatalf("%v", err)
	}
	// A short wait is honoured, then the call goes through.
	cc, _ := viam.NewClientCredentials(cid, secret, vngcloud.WithEndpoint(s.URL()))
	c2, _ := viam.NewClient(vngcloud.WithEndpoint(s.URL()), vngcloud.WithTokenSource(cc), vngcloud.WithRetryWait(0, 5*time.Second))
	s.Inject(viamtest.Fault{Path: "/policies", Status: 429, RetryAfter: "1"})
	start := time.Now()
	if _, err := c2.ListPolicies(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Fatalf("Retry-After not honoured: %v", d)
	}
}

func TestTruncatedAnswer(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("admin")
	_, c := clients(t, s, cid, secret)
	ctx := context.Background()
	s.Inject(viamtest.Fault{Path: "/policies", Truncate: true})
	if _, err := c.ListPolicies(ctx, nil); err == nil {
		t.Fatal("a truncated answer was accepted")
	}
	if _, err := c.ListPolicies(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

func TestDelayAgainstDeadline(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("admin")
	_, c := clients(t, s, cid, secret)
	// Get the token first: under load, fetching it could use up the
	// deadline, and the delayed call would never be sent.
	if _, err := c.ListServiceAccounts(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	s.Inject(viamtest.Fault{Path: "/policies", Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListPolicies(ctx, nil)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Fatalf("%v after %v", err, time.Since(start))
	}
	// The server records the abandoned call when it sees the connection
	// close, which may be a moment after the client gave up.
	for deadline := time.Now().Add(5 * time.Second); s.CallCount("GET", "/policies") == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the delayed call was not recorded: %+v", s.Calls())
		}
	}
	if calls := s.Calls(); calls[len(calls)-1].Fault != "delay 1m0s" || calls[len(calls)-1].Status != 0 {
		t.Fatalf("%+v", calls[len(calls)-1])
	}
}

// TestTokenEndpointFaults: the token call is retried like a read.
func TestTokenEndpointFaults(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("admin")
	_, c := clients(t, s, cid, secret)
	s.Inject(viamtest.Fault{Path: "/auth/token", Status: 502})
	if _, err := c.ListPolicies(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if s.CallCount("POST", "/auth/token") != 2 || s.TokensIssued() != 1 {
		t.Fatalf("%+v", s.Calls())
	}
}

// TestSecretsNeverLogged checks that the recorded calls carry no
// credential.
func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("admin")
	cc, c := clients(t, s, cid, secret)
	sa, err := c.CreateServiceAccount(context.Background(), viam.CreateServiceAccountRequest{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := cc.Token(context.Background())
	for _, call := range s.Calls() {
		all := call.Path + call.Query + string(call.Body)
		for _, h := range call.Header {
			all += strings.Join(h, " ")
		}
		for _, secretText := range []string{secret.Reveal(), sa.ClientSecret.Reveal(), tok.Reveal()} {
			if strings.Contains(all, secretText) {
				t.Fatalf("a secret is in the call log: %+v", call)
			}
		}
	}
}

// TestPrintingLeaksNothing prints the server with every usual verb after
// it issued a token and a secret.
func TestPrintingLeaksNothing(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("admin")
	tok := token(t, s, cid, secret)
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s), fmt.Sprintf("%v", []*viamtest.Server{s})} {
		if strings.Contains(out, tok) || strings.Contains(out, secret.Reveal()) || !strings.Contains(out, s.URL()) {
			t.Fatalf("%s", out)
		}
	}
}
