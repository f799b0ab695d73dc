package viamtest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

// clients returns a token source and a viam client logged in as a
// service account of s. ccOpts go to the token source only.
func clients(t testing.TB, s *viamtest.Server, clientID string, secret vngcloud.Secret, ccOpts ...viam.CredentialsOption) (*viam.ClientCredentials, *viam.Client) {
	t.Helper()
	base := []vngcloud.Option{vngcloud.WithEndpoint(s.URL()), vngcloud.WithRetryWait(0, 0)}
	cc, err := viam.NewClientCredentials(clientID, secret, append([]viam.CredentialsOption{vngcloud.Options(base...)}, ccOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	c, err := viam.NewClient(append(base, vngcloud.WithTokenSource(cc))...)
	if err != nil {
		t.Fatal(err)
	}
	return cc, c
}

// TestClientFlow drives the viam client through the console flow: log in,
// create a service account and a policy, attach (a repeat is a
// conflict, EnsurePolicyAttached is fine), list, detach, delete.
func TestClientFlow(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	adminID, cid, secret := s.AddServiceAccount("admin")
	_, c := clients(t, s, cid, secret)
	ctx := context.Background()

	sa, err := c.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "media uploader", Description: "uploads"})
	if err != nil {
		t.Fatal(err)
	}
	if sa.ClientSecret.IsZero() || sa.ClientID == "" || sa.Name != "media uploader" || sa.AccessTokenLifeSpan != 1800 || !sa.Enabled || sa.CreatedAt.IsZero() {
		t.Fatalf("%+v", sa)
	}
	if name, ok := s.ServiceAccount(sa.ID); !ok || name != "media uploader" {
		t.Fatal("ServiceAccount", name, ok)
	}
	if _, err := c.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "media uploader"}); !errors.Is(err, vngcloud.ErrConflict) {
		t.Fatalf("duplicate name: %v", err)
	}

	pid, err := c.CreatePolicy(ctx, viam.PolicyRequest{Name: "media-rw", Document: viam.VStorageFullAccess()})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.GetPolicy(ctx, pid)
	if err != nil || p.Managed() || p.Root != viamtest.AccountNumber || len(p.Document.Statements) != 1 || p.Document.Statements[0].Actions[0] != "vstorage:*" {
		t.Fatalf("%+v %v", p, err)
	}
	full, err := c.FindPolicyByName(ctx, viam.PolicyVStorageFullAccess)
	if err != nil || !full.Managed() || full.Description == "" {
		t.Fatalf("%+v %v", full, err)
	}

	if err := c.AttachPolicy(ctx, pid, sa.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.AttachPolicy(ctx, pid, sa.ID); !errors.Is(err, vngcloud.ErrConflict) {
		t.Fatalf("repeat attach: %v", err)
	}
	if err := c.EnsurePolicyAttached(ctx, pid, sa.ID); err != nil {
		t.Fatalf("EnsurePolicyAttached: %v", err)
	}
	if err := c.EnsurePolicyAttached(ctx, full.ID, sa.ID); err != nil {
		t.Fatal(err)
	}
	var names []string
	for p, err := range c.AllServiceAccountPolicies(ctx, sa.ID, &viam.PageOptions{PageSize: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "media-rw,vStorageFullAccess" || strings.Join(s.ServiceAccountPolicies(sa.ID), ",") != "media-rw,vStorageFullAccess" {
		t.Fatalf("attached: %v %v", names, s.ServiceAccountPolicies(sa.ID))
	}

	// The new account's credentials work.
	_, as := clients(t, s, sa.ClientID, sa.ClientSecret)
	got, err := as.GetServiceAccount(ctx, adminID)
	if err != nil || got.Name != "admin" || got.LastUse.IsZero() {
		t.Fatalf("%+v %v", got, err)
	}
	newSecret, err := c.ResetServiceAccountSecret(ctx, sa.ID)
	if err != nil || newSecret == sa.ClientSecret {
		t.Fatal("reset", err)
	}
	old, _ := viam.NewClientCredentials(sa.ClientID, sa.ClientSecret, vngcloud.WithEndpoint(s.URL()))
	if _, err := old.Token(ctx); !errors.Is(err, vngcloud.ErrUnauthorized) {
		t.Fatalf("old secret: %v", err)
	}

	if err := c.UpdateServiceAccount(ctx, sa.ID, viam.UpdateServiceAccountRequest{Description: vngcloud.Ptr("new"), AccessTokenLifeSpan: vngcloud.Ptr(60)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.GetServiceAccount(ctx, sa.ID); got.Description != "new" || got.AccessTokenLifeSpan != 60 {
		t.Fatalf("%+v", got)
	}
	if err := c.DetachPolicy(ctx, pid, sa.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DetachPolicy(ctx, pid, sa.ID); !errors.Is(err, vngcloud.ErrNotFound) {
		t.Fatalf("repeat detach: %v", err)
	}
	if err := c.DeletePolicy(ctx, pid); err != nil {
		t.Fatal(err)
	}
	if err := c.DeletePolicy(ctx, full.ID); !errors.Is(err, vngcloud.ErrForbidden) {
		t.Fatalf("delete managed: %v", err)
	}
	if err := c.DeleteServiceAccount(ctx, sa.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetServiceAccount(ctx, sa.ID); !errors.Is(err, vngcloud.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	// The deleted account's tokens stop working.
	if _, err := as.ListPolicies(ctx, nil); !errors.Is(err, vngcloud.ErrUnauthorized) {
		t.Fatalf("deleted account's token: %v", err)
	}
}

func TestPagingAndFilter(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("admin")
	_, c := clients(t, s, cid, secret)
	ctx := context.Background()
	for i := range 4 {
		if _, err := c.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: fmt.Sprintf("worker-%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := c.ListServiceAccounts(ctx, &viam.ListOptions{PageNumber: 1, PageSize: 2})
	if err != nil || p.PageNumber != 1 || p.PageSize != 2 || p.TotalItems != 5 || p.TotalPages != 3 || len(p.Items) != 2 || p.Items[0].Name != "worker-1" {
		t.Fatalf("%+v %v", p, err)
	}
	n := 0
	for sa, err := range c.AllServiceAccounts(ctx, &viam.ListOptions{PageSize: 2, Name: "WORKER"}) {
		if err != nil || !strings.HasPrefix(sa.Name, "worker-") {
			t.Fatal(sa, err)
		}
		n++
	}
	if n != 4 {
		t.Fatalf("%d workers", n)
	}
	all, err := c.ListPolicies(ctx, &viam.ListOptions{PageSize: 100, Name: "ReadOnly"})
	if err != nil || all.TotalItems != 4 {
		t.Fatalf("%+v %v", all, err)
	}
	if p, err := c.ListPolicies(ctx, &viam.ListOptions{PageNumber: 50, PageSize: 10}); err != nil || len(p.Items) != 0 || p.TotalItems != 9 {
		t.Fatalf("past the end: %+v %v", p, err)
	}
}

func TestLimitsAndValidation(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("admin")
	_, c := clients(t, s, cid, secret)
	ctx := context.Background()
	for i := range viamtest.MaxServiceAccounts - 1 { // the seeded one counts in the total
		if _, err := c.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: fmt.Sprintf("sa %d", i)}); err != nil {
			t.Fatal(i, err)
		}
	}
	if _, err := c.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "one too many"}); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Fatalf("21st account: %v", err)
	}
	for i := range viamtest.MaxPolicies {
		if _, err := c.CreatePolicy(ctx, viam.PolicyRequest{Name: fmt.Sprintf("p%d", i), Document: viam.VStorageReadOnly()}); err != nil {
			t.Fatal(i, err)
		}
	}
	if _, err := c.CreatePolicy(ctx, viam.PolicyRequest{Name: "p20", Document: viam.VStorageReadOnly()}); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Fatalf("21st policy: %v", err)
	}
	// What the client does not check, the server does.
	tok := token(t, s, cid, secret)
	for _, body := range []string{
		`{"name":"bad/name"}`,
		`{"name":"` + strings.Repeat("x", 51) + `"}`,
		`{"name":""}`,
		`not json`,
	} {
		if code, b := raw(t, s, "POST", "accounts-api/v1/service-accounts", tok, body); code != 400 {
			t.Errorf("%s: %d %s", body, code, b)
		}
	}
	for _, body := range []string{
		`{"name":"aws","Version":"2012-10-17","Statement":[]}`,
		`{"name":"x","statements":[{"effect":"Allow","actions":["vstorage:*"],"resources":["*"]}]}`,
		`{"name":"x","statements":[{"effect":"allow","actions":["ListBuckets"],"resources":["*"]}]}`,
		`{"name":"x","statements":[{"effect":"allow","actions":["vstorage:*"],"resources":[]}]}`,
		`{"name":"x","statements":[{"effect":"allow","actions":["vstorage:*"],"resources":["*"],"Principal":"*"}]}`,
		`{"name":"x","statements":[{"effect":"allow","actions":["vstorage:*"],"resources":["*"],"condition":{"ipAddress":{"a":"b"}}}]}`,
	} {
		if code, b := raw(t, s, "PUT", "policies-api/v1/policies/"+mustPolicy(t, s, "p0"), tok, body); code != 400 {
			t.Errorf("%s: %d %s", body, code, b)
		}
	}
	if code, b := raw(t, s, "GET", "policies-api/v1/policies?pageSize=0", tok, ""); code != 400 || string(b) != `{"errors":[null]}` {
		t.Errorf("pageSize=0: %d %s", code, b)
	}
	if code, _ := raw(t, s, "GET", "nowhere", tok, ""); code != 404 {
		t.Errorf("unknown route: %d", code)
	}
	if code, b := login(t, s, "accounts-api/v2/auth/token", "grantType", cid, secret); code != 400 {
		t.Errorf("v2 with the v1 field: %d %s", code, b)
	}
}

func mustPolicy(t testing.TB, s *viamtest.Server, name string) string {
	t.Helper()
	id, ok := s.PolicyID(name)
	if !ok {
		t.Fatalf("no policy %q", name)
	}
	return id
}

// TestTokenExpiry moves the server's clock past the token's lifetime: the
// next call gets 401, the client fetches a new token once and the call
// goes through.
func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var mu sync.Mutex
	now := time.Date(2026, 10, 12, 9, 0, 0, 0, time.UTC)
	s.SetNow(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	s.SetTokenLifetime(10 * time.Minute)
	_, cid, secret := s.AddServiceAccount("admin")
	_, c := clients(t, s, cid, secret)
	ctx := context.Background()
	if _, err := c.ListPolicies(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if s.TokensIssued() != 1 {
		t.Fatal("tokens", s.TokensIssued())
	}
	mu.Lock()
	now = now.Add(10 * time.Minute)
	mu.Unlock()
	s.ResetCalls()
	if _, err := c.ListPolicies(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if s.TokensIssued() != 2 || s.CallCount("GET", "policies") != 2 || s.CallCount("POST", "auth/token") != 1 {
		t.Fatalf("tokens %d, calls %+v", s.TokensIssued(), s.Calls())
	}
	if calls := s.Calls(); calls[0].Status != 401 || calls[2].Status != 200 {
		t.Fatalf("%+v", calls)
	}
	got, err := c.GetServiceAccount(ctx, mustAccount(t, c, "admin"))
	if err != nil || got.AccessTokenLifeSpan != 600 || !got.LastUse.Equal(now) {
		t.Fatalf("%+v %v", got, err)
	}
}

func mustAccount(t testing.TB, c *viam.Client, name string) string {
	t.Helper()
	p, err := c.ListServiceAccounts(context.Background(), &viam.ListOptions{Name: name})
	if err != nil || len(p.Items) == 0 {
		t.Fatal(err)
	}
	return p.Items[0].ID
}

// TestTokenV1 logs in with the v1 variant (grantType, camelCase answer).
func TestTokenV1(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("cli user")
	_, c := clients(t, s, cid, secret, viam.WithTokenVariant(viam.TokenV1))
	if _, err := c.ListServiceAccounts(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if s.CallCount("POST", "accounts-api/v1/auth/token") != 1 || s.CallCount("POST", "v2/auth/token") != 0 {
		t.Fatalf("%+v", s.Calls())
	}
	_, bad := clients(t, s, cid, "wrong")
	if _, err := bad.ListPolicies(context.Background(), nil); !errors.Is(err, vngcloud.ErrUnauthorized) {
		t.Fatalf("wrong secret: %v", err)
	}
}

// TestAuthenticate checks the method vstoragetest relies on.
func TestAuthenticate(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id, cid, secret := s.AddServiceAccount("bot")
	tok := token(t, s, cid, secret)
	for _, h := range []string{"", "Bearer", "Bearer ", "Basic " + tok, "Bearer nope"} {
		r := newRequest(t, h)
		if _, err := s.Authenticate(r); !errors.Is(err, viamtest.ErrInvalidToken) {
			t.Errorf("%q: %v", h, err)
		}
	}
	got, err := s.Authenticate(newRequest(t, "bearer "+tok))
	if err != nil || got != id {
		t.Fatal(got, err)
	}
	if strings.Contains(fmt.Sprint(viamtest.ErrInvalidToken), tok) {
		t.Fatal("token in error")
	}
}

// TestConcurrentUse runs logins and writes in parallel (for -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("admin")
	_, c := clients(t, s, cid, secret)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 10 {
		wg.Go(func() {
			sa, err := c.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: fmt.Sprintf("w%d", i)})
			if err == nil {
				_, err = c.ListServiceAccounts(ctx, nil)
			}
			if err == nil {
				full, _ := s.PolicyID("vStorageFullAccess")
				err = c.EnsurePolicyAttached(ctx, full, sa.ID)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if s.TokensIssued() != 1 {
		t.Fatalf("%d tokens: the client should share one", s.TokensIssued())
	}
}

// TestTokenJSONBody: the v2 endpoint also takes the JSON body vIAM's
// documentation shows.
func TestTokenJSONBody(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("doc reader")
	for _, c := range []struct {
		body string
		want int
	}{
		{`{"grant_type":"client_credentials","scope":"email"}`, 200},
		{`{"grant_type":"password"}`, 400},
		{`not json`, 400},
	} {
		req, _ := http.NewRequest(http.MethodPost, s.URL()+"accounts-api/v2/auth/token", strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(cid, secret.Reveal())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", c.body, resp.StatusCode, c.want)
		}
	}
	if s.TokensIssued() != 1 {
		t.Fatal(s.TokensIssued())
	}
}
