package vstoragetest_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// TestConsoleFlow drives both clients through the whole console flow:
// log in, create a service account and a policy, attach it (a repeat is a
// conflict, EnsurePolicyAttached is fine), create an unrestricted key,
// attach it (restricted, its sub-user from the account's name), make the
// principal, create a bucket with a policy granting it, detach, delete.
func TestConsoleFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()

	// vIAM: the service account and its policy.
	sa, err := e.iamc.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "media-uploader"})
	if err != nil {
		t.Fatal(err)
	}
	pid, err := e.iamc.CreatePolicy(ctx, viam.PolicyRequest{Name: "media-rw", Document: viam.VStorageFullAccess()})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.iamc.AttachPolicy(ctx, pid, sa.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.iamc.AttachPolicy(ctx, pid, sa.ID); !errors.Is(err, vngcloud.ErrConflict) {
		t.Fatalf("repeat attach: %v", err)
	}
	if err := e.iamc.EnsurePolicyAttached(ctx, pid, sa.ID); err != nil {
		t.Fatal(err)
	}

	// vStorage: the region, the project.
	if id, err := e.c.RegionID(ctx); err != nil || id != vstoragetest.HCM04ID {
		t.Fatal(id, err)
	}
	regions, err := e.c.ListRegions(ctx)
	if err != nil || len(regions) != 3 || regions[0].S3Host != "https://hcm04.vstorage.vngcloud.vn" {
		t.Fatalf("%+v %v", regions, err)
	}
	proj, err := e.c.GetProject(ctx, e.project)
	if err != nil || proj.Name != "media-prod" || proj.TotalQuotaGB != 30 || proj.RegionName != "HCM04" || proj.UserEmail() != vstoragetest.AccountEmail {
		t.Fatalf("%+v %v", proj, err)
	}

	// An unrestricted key.
	key, err := e.c.CreateS3Key(ctx, e.project)
	if err != nil {
		t.Fatal(err)
	}
	if key.SecretKey.IsZero() || key.AccessKey == "" || key.Restricted() {
		t.Fatalf("%+v", key)
	}
	listed, err := e.c.GetS3Key(ctx, e.project, key.ID)
	if err != nil || listed.Restricted() || !listed.SecretKey.IsZero() || listed.AccessKey != key.AccessKey || listed.CreatedAt.IsZero() {
		t.Fatalf("%+v %v", listed, err)
	}

	// Attached: restricted as the service account.
	if err := e.c.LinkS3Key(ctx, e.project, key.ID, sa.ID); err != nil {
		t.Fatal(err)
	}
	wantSub := vstoragetest.DefaultAccountUser + ":sa-media-uploader"
	listed, _ = e.c.GetS3Key(ctx, e.project, key.ID)
	if !listed.Restricted() || listed.SubUserID != wantSub || listed.ServiceAccountName() != "media-uploader" {
		t.Fatalf("%+v", listed)
	}
	if err := e.c.LinkS3Key(ctx, e.project, key.ID, "sa-"+sa.ID); !errors.Is(err, vngcloud.ErrConflict) {
		t.Fatalf("repeat attach: %v", err)
	}
	principal, err := e.c.EnsureServiceAccountPrincipal(ctx, e.project, sa.ID)
	if err != nil || principal.SubUserID != wantSub || principal.ARN != "arn:aws:iam:::user/"+wantSub {
		t.Fatalf("%+v %v", principal, err)
	}
	if again, err := e.c.EnsureServiceAccountPrincipal(ctx, e.project, sa.ID); err != nil || again != principal {
		t.Fatal("principal is not idempotent", again, err)
	}

	// A bucket whose policy grants the principal.
	if _, err := e.c.CreateBucket(ctx, e.project, "media-assets"); err != nil {
		t.Fatal(err)
	}
	if b, err := e.c.CreateBucket(ctx, e.project, "media-assets"); err != nil || b.Name != "media-assets" {
		t.Fatal("repeat create", b, err)
	}
	if err := e.c.PutBucketPolicy(ctx, e.project, "media-assets", vstorage.ReadWriteBucketPolicy("media-assets", principal.ARN)); err != nil {
		t.Fatal(err)
	}
	pol, err := e.c.GetBucketPolicy(ctx, e.project, "media-assets")
	if err != nil || len(pol.Statement) != 2 || pol.Statement[0].Principal.AWS[0] != principal.ARN {
		t.Fatalf("%+v %v", pol, err)
	}
	if doc, ok := e.st.BucketPolicy(e.project, "media-assets"); !ok || !strings.Contains(doc, principal.ARN) {
		t.Fatal(doc)
	}
	buckets, err := e.c.ListBuckets(ctx, e.project)
	if err != nil || len(buckets) != 1 || buckets[0].Name != "media-assets" || buckets[0].CreatedAt.IsZero() {
		t.Fatalf("%+v %v", buckets, err)
	}
	if got := e.st.SubUsers(e.project); len(got) != 1 || got[0] != wantSub {
		t.Fatal(got)
	}

	// Detach and delete.
	if err := e.c.UnlinkS3Key(ctx, e.project, key.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.c.UnlinkS3Key(ctx, e.project, key.ID); !errors.Is(err, vngcloud.ErrConflict) {
		t.Fatalf("repeat detach: %v", err)
	}
	if ks := e.st.Keys(e.project); len(ks) != 1 || ks[0].Restricted() {
		t.Fatal(ks)
	}
	if err := e.c.DeleteS3Key(ctx, e.project, key.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.c.DeleteS3Key(ctx, e.project, key.ID); !errors.Is(err, vngcloud.ErrNotFound) {
		t.Fatalf("repeat delete: %v", err)
	}
	if err := e.c.DeleteBucket(ctx, e.project, "media-assets"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.GetBucket(ctx, e.project, "media-assets"); !errors.Is(err, vngcloud.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	// A settings route answers an empty 200 for the missing bucket; the
	// client reads the bucket and reports ErrNotFound.
	if _, err := e.c.GetBucketVersioning(ctx, e.project, "media-assets"); !errors.Is(err, vngcloud.ErrNotFound) {
		t.Fatalf("settings of a deleted bucket: %v", err)
	}
	if err := e.iamc.DetachPolicy(ctx, pid, sa.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.iamc.DeleteServiceAccount(ctx, sa.ID); err != nil {
		t.Fatal(err)
	}
	if e.iam.TokensIssued() != 1 {
		t.Fatalf("%d tokens: both clients share one", e.iam.TokensIssued())
	}
}

func TestBucketSettingsThroughClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	p, b := e.project, "logs"
	if _, err := e.c.CreateBucket(ctx, p, b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []vstorage.VersioningStatus{vstorage.VersioningOff, vstorage.VersioningEnabled, vstorage.VersioningSuspended, vstorage.VersioningEnabled} {
		if want != vstorage.VersioningOff {
			if err := e.c.PutBucketVersioning(ctx, p, b, want); err != nil {
				t.Fatal(err)
			}
		}
		v, err := e.c.GetBucketVersioning(ctx, p, b)
		if err != nil || v.Status != want || v.Enabled != (want == vstorage.VersioningEnabled) {
			t.Fatalf("%+v %v, want %s", v, err, want)
		}
	}
	rules := []vstorage.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, AllowedHeaders: []string{"etag"}, ExposeHeaders: []string{"x"}, MaxAgeSeconds: 60}}
	if err := e.c.PutBucketCORS(ctx, p, b, rules); err != nil {
		t.Fatal(err)
	}
	got, err := e.c.GetBucketCORS(ctx, p, b)
	if err != nil || len(got) != 1 || got[0].ExposeHeaders[0] != "etag" || got[0].MaxAgeSeconds != 60 {
		t.Fatalf("%+v %v", got, err)
	}
	if err := e.c.DeleteBucketCORS(ctx, p, b); err != nil {
		t.Fatal(err)
	}
	if got, err := e.c.GetBucketCORS(ctx, p, b); err != nil || len(got) != 0 {
		t.Fatalf("%+v %v", got, err)
	}
	if pol, err := e.c.GetBucketPolicy(ctx, p, b); err != nil || pol.Version != "" || pol.Statement != nil {
		t.Fatal(pol, err)
	}
	if err := e.c.DeleteBucketPolicy(ctx, p, b); err != nil {
		t.Fatal(err)
	}
	if err := e.c.PutBucketEncryption(ctx, p, b, true); err != nil {
		t.Fatal(err)
	}
	if enc, err := e.c.GetBucketEncryption(ctx, p, b); err != nil || !enc.Enabled {
		t.Fatal(enc, err)
	}
	// A bucket name is global: another project cannot take it.
	other := e.st.AddProject("HCM04", "other")
	if _, err := e.c.CreateBucket(ctx, other, b); !errors.Is(err, vngcloud.ErrConflict) {
		t.Fatalf("taken name: %v", err)
	}
	st, err := e.c.ProjectUsage(ctx, p, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC))
	if err != nil || len(st.Points) != 3 || st.Points[0].Time.Day() != 1 {
		t.Fatalf("%+v %v", st, err)
	}
	if got := e.st.Buckets(p); !slices.Equal(got, []string{"logs"}) {
		t.Fatal(got)
	}
}

// TestBrokenPolicy stores a statement without a Principal, which the
// client refuses to send: the service accepts it and then answers empty
// bodies on the policy routes and the bucket delete.
func TestBrokenPolicy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	rc := e.raw(t, vstoragetest.HCM04ID)
	b := "ceph/projects/" + e.project + "/buckets/broken"
	rc.ok("POST", b, `{"status":"Disabled"}`)
	rc.ok("PUT", b+"/policy", `{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}`)
	for _, c := range []struct{ method, path string }{{"GET", b + "/policy"}, {"DELETE", b + "/policy"}, {"DELETE", b}} {
		if body := rc.ok(c.method, c.path, ""); len(body) != 0 {
			t.Errorf("%s %s: %s", c.method, c.path, body)
		}
	}
	_, err := e.c.GetBucketPolicy(context.Background(), e.project, "broken")
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) || !strings.Contains(ae.Hint, "Principal") {
		t.Fatalf("%v", err)
	}
}

func TestKeyLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	other := e.st.AddProject("HCM04", "second")
	for i := range vstoragetest.MaxKeys {
		p := e.project
		if i%2 == 1 {
			p = other
		}
		if _, err := e.c.CreateS3Key(ctx, p); err != nil {
			t.Fatal(i, err)
		}
	}
	_, err := e.c.CreateS3Key(ctx, other)
	var ae *vngcloud.APIError
	if !errors.Is(err, vngcloud.ErrConflict) || !errors.As(err, &ae) || ae.Code != "114" || ae.Message != "Key number is reached to maximum value 10" {
		t.Fatalf("11th key: %v", err)
	}
	keys, _ := e.c.ListS3Keys(ctx, e.project)
	if err := e.c.DeleteS3Key(ctx, e.project, keys[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.CreateS3Key(ctx, other); err != nil {
		t.Fatalf("after a delete: %v", err)
	}
}

// TestKeyLimitConcurrent races creates for the last slots.
func TestKeyLimitConcurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	var ok, refused atomic.Int32
	var wg sync.WaitGroup
	for range 2 * vstoragetest.MaxKeys {
		wg.Go(func() {
			_, err := e.c.CreateS3Key(context.Background(), e.project)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, vngcloud.ErrConflict):
				refused.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if ok.Load() != vstoragetest.MaxKeys || refused.Load() != vstoragetest.MaxKeys || len(e.st.Keys(e.project)) != vstoragetest.MaxKeys {
		t.Fatalf("%d created, %d refused", ok.Load(), refused.Load())
	}
}

// TestRegionHeadersRequired: a client with a wrong region UUID gets the
// documented failures; one of another region sees none of this region's
// projects.
func TestRegionHeadersRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	for _, region := range []string{"0e6a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b", "HAN02"} {
		c := e.client(t, vstorage.WithRegion(region))
		if ps, err := c.ListProjects(ctx); err != nil || len(ps) != 0 {
			t.Fatalf("%s: projects %+v %v", region, ps, err)
		}
		if _, err := c.ListBuckets(ctx, e.project); !errors.Is(err, vngcloud.ErrForbidden) {
			t.Fatalf("%s: buckets %v", region, err)
		}
		_, err := c.ListS3Keys(ctx, e.project)
		var ae *vngcloud.APIError
		if !errors.Is(err, vngcloud.ErrForbidden) || !errors.As(err, &ae) {
			t.Fatalf("%s: keys %v", region, err)
		}
		if region == "HAN02" && ae.StatusCode != 200 || region != "HAN02" && (ae.StatusCode != 403 || ae.Code != "IAM_PERMISSION_DENIED") {
			t.Fatalf("%s: keys %+v", region, ae)
		}
	}
	// The client resolved HAN02 by name and sent both headers.
	var seen bool
	for _, c := range e.st.Calls() {
		if strings.Contains(c.Path, "ceph/projects") && c.Header.Get("region") == vstoragetest.HAN02ID && c.Header.Get("region_id") == vstoragetest.HAN02ID {
			seen = true
		}
	}
	if !seen {
		t.Fatal("no call carried the HAN02 headers")
	}
}

// TestTokenExpiry moves the IAM server's clock past the token's lifetime:
// the vStorage call gets 401, the client fetches a new token once and
// goes on.
func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	var mu sync.Mutex
	now := time.Date(2026, 10, 12, 9, 0, 0, 0, time.UTC)
	e.iam.SetNow(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	e.iam.SetTokenLifetime(5 * time.Minute)
	ctx := context.Background()
	if _, err := e.c.ListBuckets(ctx, e.project); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(6 * time.Minute)
	mu.Unlock()
	e.st.ResetCalls()
	if _, err := e.c.CreateBucket(ctx, e.project, "after-expiry"); err != nil {
		t.Fatal(err)
	}
	calls := e.st.Calls()
	if e.iam.TokensIssued() != 2 || len(calls) != 2 || calls[0].Status != 401 || calls[1].Status != 200 {
		t.Fatalf("tokens %d, calls %+v", e.iam.TokensIssued(), calls)
	}
	// A static token is not refreshed: once expired, calls fail.
	tok, _ := e.cc.Token(ctx)
	static := e.client(t, vngcloud.WithTokenSource(vngcloud.StaticToken(tok.Reveal())), vstorage.WithRegion("HCM04"))
	if _, err := static.ListBuckets(ctx, e.project); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	if _, err := static.ListBuckets(ctx, e.project); !errors.Is(err, vngcloud.ErrUnauthorized) {
		t.Fatalf("expired static token: %v", err)
	}
}

func TestBucketListPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	rc := e.raw(t, vstoragetest.HCM04ID)
	for i := range 3 {
		rc.ok("POST", fmt.Sprintf("ceph/projects/%s/buckets/b-%d", e.project, i), `{"status":"Disabled"}`)
	}
	body := string(rc.ok("GET", "ceph/projects/"+e.project+"?limit=2", ""))
	if !strings.Contains(body, `"isNext":true`) || strings.Contains(body, "b-2") {
		t.Fatal(body)
	}
	if bs, err := e.c.ListBuckets(context.Background(), e.project); err != nil || len(bs) != 3 {
		t.Fatal(bs, err)
	}
}

func TestServerValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	rc := e.raw(t, vstoragetest.HCM04ID)
	p := "ceph/projects/" + e.project + "/buckets/"
	for _, name := range []string{"ab", "-abc", "a..b", "192.168.5.4", "xn--abc", "abc-s3alias", "a_b"} {
		if body := string(rc.ok("POST", p+name, "")); !strings.Contains(body, `"code":112`) {
			t.Errorf("%s: %s", name, body)
		}
	}
	rc.ok("POST", p+"ok-bucket", "")
	for _, c := range []struct{ body, want string }{
		{`[]`, `"code":400`},
		{`[{"allowedOrigins":["*"],"AllowedMethods":["GET"]}]`, `"code":400`},
		{`[{"AllowedOrigins":["*"],"AllowedMethods":["get"]}]`, `"code":114`},
		{`{"AllowedOrigins":["*"]}`, `"code":400`},
	} {
		if body := string(rc.ok("PUT", p+"ok-bucket/cors", c.body)); !strings.Contains(body, c.want) {
			t.Errorf("cors %s: %s", c.body, body)
		}
	}
	for _, c := range []struct{ body, want string }{
		{`{"policy":""}`, `"code":114`},
		{`{}`, `"code":114`},
		{`{"policy":"{\"Version\":\"2099-01-01\",\"Statement\":[]}"}`, `unknown Version`},
		{`{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[]}"}`, `"code":400`},
		{`{"policy":"not json"}`, `"code":400`},
	} {
		if body := string(rc.ok("PUT", p+"ok-bucket/policy", c.body)); !strings.Contains(body, c.want) {
			t.Errorf("policy %s: %s", c.body, body)
		}
	}
	if body := string(rc.ok("POST", "users/s3_keys", `{}`)); !strings.Contains(body, "projectId is required") {
		t.Error(body)
	}
	if body := string(rc.ok("DELETE", "users/s3_keys/not-a-uuid", `{"projectId":"`+e.project+`"}`)); !strings.Contains(body, `"code":112`) {
		t.Error(body)
	}
	if code, _ := rc.do("GET", "nowhere", ""); code != 404 {
		t.Error("unknown route", code)
	}
	if code, body := e.raw(t, vstoragetest.HCM04ID).do("GET", "regions", ""); code != 200 || !strings.Contains(string(body), "HCM03") {
		t.Error(code, string(body))
	}
	bad := &rawClient{t: t, e: e, token: "forged", region: vstoragetest.HCM04ID}
	if code, body := bad.do("GET", "regions", ""); code != 401 || !strings.HasPrefix(string(body), "[") {
		t.Error("forged token", code, string(body))
	}
}

func TestInspectionNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	key, err := e.c.CreateS3Key(context.Background(), e.project)
	if err != nil {
		t.Fatal(err)
	}
	ks := e.st.Keys(e.project)
	if len(ks) != 1 || ks[0].SecretKey.Reveal() != key.SecretKey.Reveal() || ks[0].RegionID != vstoragetest.HCM04ID {
		t.Fatal(ks)
	}
	secret := key.SecretKey.Reveal()
	for _, s := range []string{ks[0].String(), fmt.Sprint(ks[0]), fmt.Sprintf("%+v %#v %v %s", ks[0], ks[0], ks, ks)} {
		if strings.Contains(s, secret) || !strings.Contains(s, key.AccessKey) {
			t.Fatalf("%s", s)
		}
	}
	for _, c := range e.st.Calls() {
		if strings.Contains(string(c.Body), secret) {
			t.Fatal("the secret is in the call log")
		}
	}
	if out := fmt.Sprintf("%v %+v %#v %s", e.st, e.st, e.st, e.st); strings.Contains(out, secret) || !strings.Contains(out, e.st.URL()) {
		t.Fatal(out)
	}
}
