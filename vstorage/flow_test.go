package vstorage

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/vstorage-sdk/vngcloud"
)

// step is one exchange of a scripted conversation: the request the client
// must send next and the answer it gets.
type step struct {
	method, path, query, body string
	status                    int
	reply                     string
}

// script answers requests strictly in order and records any deviation.
type script struct {
	mu    sync.Mutex
	steps []step
	next  int
	errs  []string
}

func (s *script) responder(req *http.Request) (*http.Response, error) {
	got := (&recorder{}).add(req)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next >= len(s.steps) {
		s.errs = append(s.errs, fmt.Sprintf("unexpected request %s %s?%s", got.Method, got.Path, got.Query))
		return reply(req, 500, "script exhausted"), nil
	}
	want := s.steps[s.next]
	s.next++
	if got.Method != want.method || got.Path != "/api/v1/"+want.path || got.Query != want.query || got.Body != want.body {
		s.errs = append(s.errs, fmt.Sprintf("step %d: got %s %s?%s %s\n        want %s /api/v1/%s?%s %s",
			s.next, got.Method, got.Path, got.Query, got.Body, want.method, want.path, want.query, want.body))
	}
	if want.path != "regions" {
		ok := got.Header.Get("Authorization") == "Bearer "+testToken
		for _, h := range []string{"region", "region_id"} {
			v := got.header(h)
			ok = ok && len(v) == 1 && v[0] == hcm04ID
		}
		if !ok {
			s.errs = append(s.errs, fmt.Sprintf("step %d: headers %v", s.next, got.Header))
		}
	}
	status := want.status
	if status == 0 {
		status = 200
	}
	return reply(req, status, want.reply), nil
}

// TestFlowKeyForServiceAccount is the seed's flow at the client level,
// against scripted answers: grant a service account read/write on one
// bucket, create a key, see it unrestricted, attach it to the service
// account, see it restricted as that account, detach it, see it
// unrestricted again, delete it.
func TestFlowKeyForServiceAccount(t *testing.T) {
	t.Parallel()
	const (
		newKey = "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b"
		sub    = "ops-53001234:sa-media-uploader"
	)
	keyJSON := func(subUser string) string {
		s := "null"
		if subUser != "" {
			s = `"` + subUser + `"`
		}
		return `{"success":true,"code":200,"datas":[{"regionId":"` + hcm04ID + `","projectId":"` + projID +
			`","userId":"ops-53001234","subUserId":` + s + `,"userKeyId":"` + newKey +
			`","accessKey":"AK5N2B8VC1X4Z7M3QW6E","secretKey":null,"createdDate":"12/10/2026 09:00","status":1}]}`
	}
	policy, err := marshalNoEscape(ReadWriteBucketPolicy(bucket, PrincipalARN(sub)))
	if err != nil {
		t.Fatal(err)
	}
	policyBody, _ := marshalNoEscape(map[string]string{"policy": string(policy)})
	sc := &script{steps: []step{
		{method: "GET", path: "regions", reply: fixture(t, "regions.json")},
		{method: "GET", path: "users/details", query: "generated=true&iam_account_id=sa-" + saID + "&project_id=" + projID, reply: fixture(t, "principal.json")},
		{method: "PUT", path: pBucket + "/policy", body: string(policyBody), reply: fixture(t, "ok.json")},
		{method: "POST", path: "users/s3_keys", body: `{"projectId":"` + projID + `"}`, reply: fixture(t, "s3key_create.json")},
		{method: "GET", path: "users/s3_keys", query: "projectId=" + projID, reply: keyJSON("")},
		{method: "PUT", path: "users/s3_keys/" + newKey + "/attach", body: `{"projectId":"` + projID + `","serviceAccountId":"` + saID + `"}`, reply: fixture(t, "ok.json")},
		{method: "GET", path: "users/s3_keys", query: "projectId=" + projID, reply: keyJSON(sub)},
		{method: "PUT", path: "users/s3_keys/" + newKey + "/attach", body: `{"projectId":"` + projID + `","serviceAccountId":"` + saID + `"}`, reply: fixture(t, "error_114_attached_same.json")},
		{method: "PUT", path: "users/s3_keys/" + newKey + "/detach", body: `{"projectId":"` + projID + `"}`, reply: fixture(t, "ok.json")},
		{method: "GET", path: "users/s3_keys", query: "projectId=" + projID, reply: keyJSON("")},
		{method: "PUT", path: "users/s3_keys/" + newKey + "/detach", body: `{"projectId":"` + projID + `"}`, reply: fixture(t, "error_114_not_attached.json")},
		{method: "DELETE", path: "users/s3_keys/" + newKey, body: `{"projectId":"` + projID + `"}`, reply: fixture(t, "ok.json")},
		{method: "DELETE", path: "users/s3_keys/" + newKey, body: `{"projectId":"` + projID + `"}`, reply: fixture(t, "error_114_repeat_delete.json")},
		{method: "GET", path: "users/s3_keys", query: "projectId=" + projID, reply: fixture(t, "s3keys_empty.json")},
	}}
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(sc.responder)
	c, err := NewClient(vngcloud.WithEndpoint(testBase), vngcloud.WithHTTPClient(&http.Client{Transport: mt}),
		vngcloud.WithRetryWait(0, 0), vngcloud.WithTokenSource(vngcloud.StaticToken(testToken)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// Grant the service account's principal read/write on the bucket.
	p, err := c.EnsureServiceAccountPrincipal(ctx, projID, saID)
	must(err)
	if p.SubUserID != sub {
		t.Fatalf("principal %+v", p)
	}
	must(c.PutBucketPolicy(ctx, projID, bucket, ReadWriteBucketPolicy(bucket, p.ARN)))

	// Create a key: it comes with its secret, and it is unrestricted.
	k, err := c.CreateS3Key(ctx, projID)
	must(err)
	if k.ID != newKey || k.SecretKey.IsZero() || k.Restricted() {
		t.Fatalf("created %+v", k)
	}
	got, err := c.GetS3Key(ctx, projID, k.ID)
	must(err)
	if got.Restricted() || got.ServiceAccountName() != "" {
		t.Fatalf("new key is restricted: %+v", got)
	}

	// Attach it: now restricted, acting as the service account.
	must(c.LinkS3Key(ctx, projID, k.ID, saID))
	got, err = c.GetS3Key(ctx, projID, k.ID)
	must(err)
	if !got.Restricted() || got.SubUserID != p.SubUserID || got.ServiceAccountName() != "media-uploader" {
		t.Fatalf("attached key %+v", got)
	}
	// A repeat attach is refused as a conflict.
	err = c.LinkS3Key(ctx, projID, k.ID, saID)
	matchesOnly(t, err, vngcloud.ErrConflict)

	// Detach it: unrestricted again; a repeat detach is a conflict.
	must(c.UnlinkS3Key(ctx, projID, k.ID))
	got, err = c.GetS3Key(ctx, projID, k.ID)
	must(err)
	if got.Restricted() {
		t.Fatalf("detached key %+v", got)
	}
	err = c.UnlinkS3Key(ctx, projID, k.ID)
	matchesOnly(t, err, vngcloud.ErrConflict)

	// Delete it: gone; a repeat delete is not found.
	must(c.DeleteS3Key(ctx, projID, k.ID))
	err = c.DeleteS3Key(ctx, projID, k.ID)
	matchesOnly(t, err, vngcloud.ErrNotFound)
	_, err = c.GetS3Key(ctx, projID, k.ID)
	matchesOnly(t, err, vngcloud.ErrNotFound)

	sc.mu.Lock()
	defer sc.mu.Unlock()
	if len(sc.errs) > 0 {
		t.Fatal(strings.Join(sc.errs, "\n"))
	}
	if sc.next != len(sc.steps) {
		t.Fatalf("%d of %d steps run", sc.next, len(sc.steps))
	}
}
