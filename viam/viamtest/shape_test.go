package viamtest_test

import (
	"net/http"
	"testing"
)

// The policy of policy_get_user.json, created through the API so that
// the answer can be compared with the fixture.
const userPolicyBody = `{"name":"backup-bucket-writer","description":"list and read vStorage projects, no deletes","statements":[
 {"effect":"allow","actions":["vstorage:List*","vstorage:Get*"],"resources":["*"]},
 {"effect":"deny","actions":["vstorage:DeleteProject"],"resources":["*"],
  "condition":{"stringNotEquals":{"vstorage:region":"HCM04"},"numberLessThan":{"vstorage:quotaInGBytes":100}}}]}`

// TestShapesMatchFixtures calls every route and compares the JSON shape
// of each answer with the fixture the viam unit tests serve for it.
func TestShapesMatchFixtures(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, cid, secret := s.AddServiceAccount("backup-uploader")

	// Tokens, both variants, and a refused login.
	code, body := login(t, s, "accounts-api/v2/auth/token", "grant_type", cid, secret)
	if code != 200 {
		t.Fatalf("v2 token: %d %s", code, body)
	}
	checkShape(t, "v2 token", body, nil, "token_v2.json")
	tok := field(t, body, "access_token")
	code, body = login(t, s, "accounts-api/v1/auth/token", "grantType", cid, secret)
	if code != 200 {
		t.Fatalf("v1 token: %d %s", code, body)
	}
	checkShape(t, "v1 token", body, nil, "token_v1.json")
	code, body = login(t, s, "accounts-api/v2/auth/token", "grant_type", cid, "wrong")
	if code != 401 {
		t.Fatalf("wrong secret: %d %s", code, body)
	}
	checkSame(t, "wrong secret", body, "token_error_authentication_failed.json")

	// Service accounts.
	code, body = raw(t, s, "POST", "accounts-api/v1/service-accounts", tok, `{"name":"ci.deploy_bot","description":""}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	checkShape(t, "create service account", body, nil, "service_account_create.json")
	newID := field(t, body, "id")
	code, body = raw(t, s, "GET", "accounts-api/v1/service-accounts?pageNumber=0&pageSize=2", tok, "")
	if code != 200 {
		t.Fatalf("list: %d %s", code, body)
	}
	checkShape(t, "list service accounts", body, nil, "service_accounts_list.json", "service_accounts_list_page1.json")
	code, body = raw(t, s, "GET", "accounts-api/v1/service-accounts/"+newID, tok, "")
	if code != 200 {
		t.Fatalf("get: %d %s", code, body)
	}
	// lastUse is null for an account that never logged in: the list
	// fixture shows both forms (README: "lastUse number and null").
	checkShape(t, "get service account", body, []string{"$.lastUse"}, "service_account_get.json")
	code, body = raw(t, s, "PATCH", "accounts-api/v1/service-accounts/"+newID, tok, `{"description":"d","accessTokenLifeSpan":3600}`)
	if code != 200 {
		t.Fatalf("patch: %d %s", code, body)
	}
	checkShape(t, "update service account", body, []string{"$.lastUse"}, "service_account_get.json")
	code, body = raw(t, s, "POST", "accounts-api/v1/service-accounts/"+newID+"/reset-secret", tok, "")
	if code != 200 {
		t.Fatalf("reset: %d %s", code, body)
	}
	checkShape(t, "reset secret", body, nil, "service_account_reset_secret.json")

	// Policies.
	code, body = raw(t, s, "GET", "policies-api/v1/policies?pageNumber=0&pageSize=2", tok, "")
	if code != 200 {
		t.Fatalf("policies: %d %s", code, body)
	}
	checkShape(t, "list policies", body, nil, "policies_list.json", "policies_list_page1.json", "policies_list_by_name.json")
	code, body = raw(t, s, "POST", "policies-api/v1/policies", tok, userPolicyBody)
	if code != http.StatusCreated {
		t.Fatalf("create policy: %d %s", code, body)
	}
	checkShape(t, "create policy", body, nil, "policy_create.json")
	own := field(t, body, "id")
	code, body = raw(t, s, "GET", "policies-api/v1/policies?pageNumber=1&pageSize=9&name=", tok, "")
	if code != 200 {
		t.Fatalf("policies page 1: %d %s", code, body)
	}
	checkShape(t, "list policies, own policy", body, nil, "policies_list_page1.json")
	full, _ := s.PolicyID("vStorageFullAccess")
	code, body = raw(t, s, "GET", "policies-api/v1/policies/"+full, tok, "")
	if code != 200 {
		t.Fatalf("get managed: %d %s", code, body)
	}
	checkShape(t, "get managed policy", body, nil, "policy_get.json")
	code, body = raw(t, s, "GET", "policies-api/v1/policies/"+own, tok, "")
	if code != 200 {
		t.Fatalf("get own: %d %s", code, body)
	}
	checkShape(t, "get own policy", body, nil, "policy_get_user.json")

	// Attachments.
	for _, pid := range []string{full, own} {
		if code, body = raw(t, s, "POST", "policies-api/v1/policies/"+pid+"/service-accounts/"+newID, tok, ""); code != 204 || len(body) != 0 {
			t.Fatalf("attach: %d %s", code, body)
		}
	}
	code, body = raw(t, s, "GET", "policies-api/v1/user-attachments/service-accounts/"+newID+"/policies?pageNumber=0&pageSize=100", tok, "")
	if code != 200 {
		t.Fatalf("attachments: %d %s", code, body)
	}
	checkShape(t, "service account policies", body, nil, "service_account_policies_list.json")

	// Errors.
	code, body = raw(t, s, "POST", "policies-api/v1/policies/"+full+"/service-accounts/"+newID, tok, "")
	if code != http.StatusConflict {
		t.Fatalf("repeat attach: %d %s", code, body)
	}
	checkSame(t, "repeat attach", body, "error_conflict.json")
	code, body = raw(t, s, "GET", "accounts-api/v1/service-accounts?pageNumber=-1", tok, "")
	if code != 400 {
		t.Fatalf("bad page: %d %s", code, body)
	}
	checkSame(t, "bad pageNumber", body, "error_null.json")
	code, body = raw(t, s, "GET", "accounts-api/v1/service-accounts/00000000-0000-4000-8000-000000000000", tok, "")
	if code != 404 {
		t.Fatalf("unknown: %d %s", code, body)
	}
	checkShape(t, "unknown service account", body, nil, "error_not_found.json")
	code, body = raw(t, s, "POST", "policies-api/v1/policies", tok, `{"name":"x","statements":[{"effect":"allow","actions":["nosuch:Do"],"resources":["*"]}]}`)
	if code != 400 {
		t.Fatalf("bad product: %d %s", code, body)
	}
	checkSame(t, "unknown product", body, "error_invalid_policy.json")
	code, body = raw(t, s, "GET", "policies-api/v1/policies", "not-a-token", "")
	if code != 401 {
		t.Fatalf("bad token: %d %s", code, body)
	}
	checkSame(t, "unknown token", body, "error_unauthorized.json")

	// Routes answered with 204 and no body (no fixture: the viam unit
	// tests serve them empty).
	for _, c := range []struct{ method, path, body string }{
		{"PUT", "policies-api/v1/policies/" + own, `{"name":"renamed","description":"","statements":[{"effect":"allow","actions":["vstorage:*"],"resources":["*"]}]}`},
		{"DELETE", "policies-api/v1/policies/" + full + "/service-accounts/" + newID, ""},
		{"DELETE", "policies-api/v1/policies/" + own, ""},
		{"DELETE", "accounts-api/v1/service-accounts/" + newID, ""},
	} {
		if code, body := raw(t, s, c.method, c.path, tok, c.body); code != 204 || len(body) != 0 {
			t.Errorf("%s %s: %d %s", c.method, c.path, code, body)
		}
	}
}
