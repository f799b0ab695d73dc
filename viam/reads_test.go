package viam

import (
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
)

const (
	userInfoPath  = "accounts-api/v1/auth/userinfo"
	actionsPath   = "policies-api/v1/actions"
	polAccPath    = polPath + "/" + userPolicyID + "/service-accounts"
	otherSAID     = "b4e2d3c5-6c7f-4a81-9b02-c3d4e5f6a702"
	fixtureUserID = saID
)

func TestGetUserInfo(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodGet, userInfoPath, reply(200, fixture(t, "userinfo.json")))
	u, err := h.c.GetUserInfo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := r.only(t)
	checkReq(t, got, "GET", "/"+userInfoPath, "", "")
	want(t, "Authorization", got.Auth, "Bearer "+tokenN(1))
	wantU := UserInfo{UserID: fixtureUserID, UserType: "user-sa", AccountID: "53461", RootEmail: "owner@example.com", Username: "backup-uploader"}
	if !reflect.DeepEqual(u, wantU) {
		t.Fatalf("got %+v, want %+v", u, wantU)
	}
}

// TestUserInfoTolerant: numbers and strings alike, unknown fields
// ignored; an answer naming nobody is an error, not an empty caller.
func TestUserInfoTolerant(t *testing.T) {
	t.Parallel()
	for body, wantU := range map[string]UserInfo{
		`{"userId":12345,"accountId":"53461","userType":"root-user"}`:      {UserID: "12345", AccountID: "53461", UserType: "root-user"},
		`{"userId":"u-1","accountId":null,"extra":{"a":1},"username":"x"}`: {UserID: "u-1", Username: "x"},
	} {
		h := newHarness(t)
		h.on(http.MethodGet, userInfoPath, reply(200, body))
		u, err := h.c.GetUserInfo(t.Context())
		if err != nil || u != wantU {
			t.Errorf("%s: got %+v, %v; want %+v", body, u, err, wantU)
		}
	}
	h := newHarness(t)
	h.on(http.MethodGet, userInfoPath, reply(200, `{"data":[]}`))
	_, err := h.c.GetUserInfo(t.Context())
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) || ae.Operation != "viam.GetUserInfo" || ae.Path != "/"+userInfoPath {
		t.Fatalf("an answer that names no user: err = %v", err)
	}
}

func TestListActions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodGet, actionsPath, reply(200, fixture(t, "actions_vstorage.json")))
	acts, err := h.c.ListActions(t.Context(), ProductVStorage)
	if err != nil {
		t.Fatal(err)
	}
	checkReq(t, r.only(t), "GET", "/"+actionsPath, "product=vstorage", "")
	if len(acts) != 3 {
		t.Fatalf("got %d actions: %+v", len(acts), acts)
	}
	wantA := Action{Name: "vstorage:ListBuckets", Label: "List", Resources: []string{"bucket"}, Methods: []string{"GET"},
		UserTypes: []string{"root-user", "iam-user", "user-sa"}}
	if !reflect.DeepEqual(acts[0], wantA) {
		t.Errorf("got %+v, want %+v", acts[0], wantA)
	}
	want(t, "Qualified", acts[2].Qualified(ProductVStorage), "vstorage:PutBucketPolicy")
	want(t, "Qualified without prefix", Action{Name: "ListBuckets"}.Qualified("vstorage"), "vstorage:ListBuckets")

	if _, err := h.c.ListActions(t.Context(), " "); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Errorf("empty product: %v", err)
	}
	want(t, "requests", r.count(), 1)
}

// TestListActionsTolerant: a page envelope as well as a bare array, and
// fields of other types than the fixture's.
func TestListActionsTolerant(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on(http.MethodGet, actionsPath, reply(200,
		`{"data":[{"action":"ListBuckets","label":"List","resources":"bucket","methods":[{"m":"GET"},7],"userTypes":null}],"pageNumber":0,"pageSize":1000,"totalItems":1,"totalPages":1}`))
	acts, err := h.c.ListActions(t.Context(), "vstorage")
	if err != nil {
		t.Fatal(err)
	}
	wantA := []Action{{Name: "ListBuckets", Label: "List", Resources: []string{"bucket"}, Methods: []string{`{"m":"GET"}`, "7"}}}
	if !reflect.DeepEqual(acts, wantA) {
		t.Fatalf("got %+v, want %+v", acts, wantA)
	}
	h = newHarness(t)
	h.on(http.MethodGet, actionsPath, reply(200, `{"message":"ok"}`))
	if _, err := h.c.ListActions(t.Context(), "vstorage"); err == nil {
		t.Fatal("an answer that is no list was taken for an empty catalogue")
	}
	h = newHarness(t)
	h.on(http.MethodGet, actionsPath, reply(400, fixture(t, "error_invalid_policy.json")))
	if _, err := h.c.ListActions(t.Context(), "nosuch"); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Fatalf("unknown product: %v", err)
	}
}

func TestListPolicyServiceAccounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodGet, polAccPath, reply(200, fixture(t, "policy_service_accounts.json")))
	ids, err := h.c.ListPolicyServiceAccounts(t.Context(), userPolicyID)
	if err != nil {
		t.Fatal(err)
	}
	checkReq(t, r.only(t), "GET", "/"+polAccPath, "", "")
	if !reflect.DeepEqual(ids, []string{saID, otherSAID}) {
		t.Fatalf("got %q", ids)
	}
	for _, id := range []string{"", "..", "a/b"} {
		if _, err := h.c.ListPolicyServiceAccounts(t.Context(), id); !errors.Is(err, vngcloud.ErrInvalidInput) {
			t.Errorf("%q: %v", id, err)
		}
	}
	want(t, "requests", r.count(), 1)
}

func TestListPolicyServiceAccountsTolerant(t *testing.T) {
	t.Parallel()
	for body, wantIDs := range map[string][]string{
		`[]`: {},
		`[{"id":"a"},{"serviceAccountId":"b"},{"_id":{"$oid":"c"}},{"name":"no id"},7]`:  {"a", "b", "c", "7"},
		`{"data":["a","b"],"pageNumber":0,"pageSize":100,"totalItems":2,"totalPages":1}`: {"a", "b"},
	} {
		h := newHarness(t)
		h.on(http.MethodGet, polAccPath, reply(200, body))
		ids, err := h.c.ListPolicyServiceAccounts(t.Context(), userPolicyID)
		if err != nil || !reflect.DeepEqual(ids, wantIDs) {
			t.Errorf("%s: got %q, %v; want %q", body, ids, err, wantIDs)
		}
	}
	h := newHarness(t)
	h.on(http.MethodGet, polAccPath, reply(404, fixture(t, "error_not_found.json")))
	if _, err := h.c.ListPolicyServiceAccounts(t.Context(), userPolicyID); !errors.Is(err, vngcloud.ErrNotFound) {
		t.Fatalf("unknown policy: %v", err)
	}
}
