package viamtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

// TestReadShapes compares the answers of userinfo, actions and a policy's
// service accounts with the fixtures the viam unit tests serve.
func TestReadShapes(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id, cid, secret := s.AddServiceAccount("backup-uploader")
	tok := token(t, s, cid, secret)
	code, body := raw(t, s, "GET", "accounts-api/v1/auth/userinfo", tok, "")
	if code != 200 {
		t.Fatalf("userinfo: %d %s", code, body)
	}
	checkShape(t, "userinfo", body, nil, "userinfo.json")
	if field(t, body, "userId") != id || field(t, body, "username") != "backup-uploader" {
		t.Errorf("userinfo names another caller: %s", body)
	}
	code, body = raw(t, s, "GET", "policies-api/v1/actions?product=vstorage", tok, "")
	if code != 200 {
		t.Fatalf("actions: %d %s", code, body)
	}
	checkShape(t, "actions", body, nil, "actions_vstorage.json")
	pol, _ := s.PolicyID(viam.PolicyVStorageFullAccess)
	if code, body = raw(t, s, "POST", "policies-api/v1/policies/"+pol+"/service-accounts/"+id, tok, ""); code != 204 {
		t.Fatalf("attach: %d %s", code, body)
	}
	code, body = raw(t, s, "GET", "policies-api/v1/policies/"+pol+"/service-accounts", tok, "")
	if code != 200 {
		t.Fatalf("policy's service accounts: %d %s", code, body)
	}
	checkShape(t, "policy's service accounts", body, nil, "policy_service_accounts.json")
	code, body = raw(t, s, "GET", "policies-api/v1/actions?product=nosuch", tok, "")
	if code != 400 || errorCode(t, body) != "POLICY_PRODUCT_NOTFOUND" {
		t.Errorf("unknown product: %d %s", code, body)
	}
}

// errorCode reads the first code of vIAM's error body.
func errorCode(t testing.TB, body []byte) string {
	t.Helper()
	var e struct {
		Errors []struct{ Code string } `json:"errors"`
	}
	if err := json.Unmarshal(body, &e); err != nil || len(e.Errors) == 0 {
		t.Fatalf("not an error body: %s", body)
	}
	return e.Errors[0].Code
}

// TestReadsThroughTheClient: the viam client's reads against the server's
// state: who the token is, the vStorage catalogue, and who holds a policy
// as attachments come and go.
func TestReadsThroughTheClient(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id, cid, secret := s.AddServiceAccount("ci-bot")
	other, _, _ := s.AddServiceAccount("other")
	_, c := clients(t, s, cid, secret)
	ctx := context.Background()

	u, err := c.GetUserInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := viam.UserInfo{UserID: id, UserType: "user-sa", AccountID: "53461", RootEmail: viamtest.AccountEmail, Username: "ci-bot"}
	if u != want {
		t.Errorf("got %+v, want %+v", u, want)
	}

	acts, err := c.ListActions(ctx, viam.ProductVStorage)
	if err != nil || len(acts) == 0 {
		t.Fatalf("%d actions, %v", len(acts), err)
	}
	var names []string
	for _, a := range acts {
		names = append(names, a.Qualified(viam.ProductVStorage))
	}
	for _, n := range []string{"vstorage:ListBuckets", "vstorage:CreateS3Key", "vstorage:PutBucketPolicy"} {
		if !slices.Contains(names, n) {
			t.Errorf("%s is not in the catalogue %q", n, names)
		}
	}
	// Every name is one a policy document may hold.
	doc := viam.PolicyDocument{Statements: []viam.Statement{{Effect: viam.Allow, Actions: names, Resources: []string{"*"}}}}
	if _, err := c.CreatePolicy(ctx, viam.PolicyRequest{Name: "all-listed", Document: doc}); err != nil {
		t.Errorf("a policy of the catalogue's names: %v", err)
	}
	if acts, err := c.ListActions(ctx, "vserver"); err != nil || len(acts) != 0 {
		t.Errorf("vserver: %d actions, %v", len(acts), err)
	}
	if _, err := c.ListActions(ctx, "nosuch"); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Errorf("unknown product: %v", err)
	}

	pol, _ := s.PolicyID(viam.PolicyVStorageReadOnlyAccess)
	holders := func() []string {
		t.Helper()
		ids, err := c.ListPolicyServiceAccounts(ctx, pol)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if ids := holders(); len(ids) != 0 {
		t.Fatalf("before any attach: %q", ids)
	}
	for _, sa := range []string{other, id} {
		if err := c.AttachPolicy(ctx, pol, sa); err != nil {
			t.Fatal(err)
		}
	}
	if ids := holders(); !slices.Equal(ids, []string{id, other}) {
		t.Errorf("after two attaches: %q, want %q (account order)", ids, []string{id, other})
	}
	if err := c.DetachPolicy(ctx, pol, id); err != nil {
		t.Fatal(err)
	}
	if ids := holders(); !slices.Equal(ids, []string{other}) {
		t.Errorf("after a detach: %q", ids)
	}
	if _, err := c.ListPolicyServiceAccounts(ctx, "00000000-0000-4000-8000-000000000000"); !errors.Is(err, vngcloud.ErrNotFound) {
		t.Errorf("unknown policy: %v", err)
	}
}
