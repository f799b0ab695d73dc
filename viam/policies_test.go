package viam

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
)

const polPath = "policies-api/v1/policies"

const (
	fullAccessID = "6f1c2b3a-1d2e-4f50-9a6b-7c8d9e0f1a01"
	userPolicyID = "e7b5a6f8-9fa2-43b4-8ed5-f60718293a45"
)

func TestListPolicies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodGet, polPath, reply(200, fixture(t, "policies_list.json")))
	page, err := h.c.ListPolicies(t.Context(), &ListOptions{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := r.only(t)
	checkReq(t, got, "GET", "/"+polPath, "pageNumber=0&pageSize=2", "")
	want(t, "Authorization", got.Auth, "Bearer "+tokenN(1))
	wantPage := Page[Policy]{Items: []Policy{
		{ID: fullAccessID, Name: "vStorageFullAccess", CreatedAt: ms(1695168000000)},
		{ID: "6f1c2b3a-1d2e-4f50-9a6b-7c8d9e0f1a02", Name: "vStorageReadOnlyAccess", CreatedAt: ms(1695168000000)},
	}, PageNumber: 0, PageSize: 2, TotalItems: 3, TotalPages: 2}
	if !reflect.DeepEqual(page, wantPage) {
		t.Fatalf("page =\n%+v\nwant\n%+v", page, wantPage)
	}
}

func TestAllPolicies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.pagedRoute(polPath, fixture(t, "policies_list.json"), fixture(t, "policies_list_page1.json"))
	var names []string
	for p, err := range h.c.AllPolicies(t.Context(), &ListOptions{PageSize: 2, Name: "v"}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Name)
	}
	want(t, "names", strings.Join(names, ","), "vStorageFullAccess,vStorageReadOnlyAccess,backup-bucket-writer")
	reqs := r.all()
	if len(reqs) != 2 {
		t.Fatalf("requests %+v", reqs)
	}
	want(t, "query 1", reqs[0].Query, "name=v&pageNumber=0&pageSize=2")
	want(t, "query 2", reqs[1].Query, "name=v&pageNumber=1&pageSize=2")
}

func TestGetPolicy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodGet, polPath+"/"+fullAccessID, reply(200, fixture(t, "policy_get.json")))
	p, err := h.c.GetPolicy(t.Context(), fullAccessID)
	if err != nil {
		t.Fatal(err)
	}
	checkReq(t, r.only(t), "GET", "/"+polPath+"/"+fullAccessID, "", "")
	wantP := Policy{ID: fullAccessID, Name: "vStorageFullAccess", Description: "Provides full access to vStorage", Manager: ManagerVNGCloud,
		Scope: "global", Root: 53461, Document: VStorageFullAccess(), CreatedAt: ms(1695168000000), InternalID: "650a6e4f2b9c8d1e3f4a5b6c"}
	if !reflect.DeepEqual(p, wantP) {
		t.Fatalf("got  %+v\nwant %+v", p, wantP)
	}
	if !p.Managed() {
		t.Error("Managed() = false for a VNG CLOUD policy")
	}
}

func TestGetPolicyWithCondition(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on(http.MethodGet, polPath+"/"+userPolicyID, reply(200, fixture(t, "policy_get_user.json")))
	p, err := h.c.GetPolicy(t.Context(), userPolicyID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Managed() || p.Manager != ManagerUser || p.Root != 53461 || p.CreatedAt != ms(1727600000000) || len(p.Document.Statements) != 2 {
		t.Fatalf("policy %+v", p)
	}
	deny := p.Document.Statements[1]
	if deny.Effect != Deny || deny.Condition[StringNotEquals]["vstorage:region"] != "HCM04" || deny.Condition[NumberLessThan]["vstorage:quotaInGBytes"] != float64(100) {
		t.Fatalf("statement %+v", deny)
	}
	if err := p.Document.Validate(); err != nil {
		t.Fatalf("the fixture's document does not validate: %v", err)
	}
}

func TestPolicyJSONVariants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Policy
	}{
		{`{"_id":{"$oid":"650a"},"name":"n","root":"42","scope":{"type":"account"}}`, Policy{ID: "650a", InternalID: "650a", Name: "n", Root: 42, Scope: `{"type":"account"}`}},
		{`{"id":"p1","name":"n","root":null,"createdAt":null}`, Policy{ID: "p1", Name: "n"}},
		{`{"id":"p1","createdAt":"1727600000000"}`, Policy{ID: "p1", CreatedAt: ms(1727600000000)}},
	} {
		var p Policy
		if err := json.Unmarshal([]byte(tc.in), &p); err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if !reflect.DeepEqual(p, tc.want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", tc.in, p, tc.want)
		}
	}
	var p Policy
	// Round trip of the full fixture.
	if err := json.Unmarshal([]byte(fixture(t, "policy_get_user.json")), &p); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, p) {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, back, p)
	}
}

func TestCreatePolicy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodPost, polPath, reply(201, fixture(t, "policy_create.json")))
	id, err := h.c.CreatePolicy(t.Context(), PolicyRequest{Name: "read-storage", Description: "read only", Document: VStorageReadOnly()})
	if err != nil {
		t.Fatal(err)
	}
	want(t, "id", id, "f8c6b7a9-a0b3-44c5-9fe6-0718293a4b56")
	got := r.only(t)
	checkReq(t, got, "POST", "/"+polPath, "",
		`{"name":"read-storage","description":"read only","statements":[{"effect":"allow","actions":["vstorage:List*","vstorage:Get*"],"resources":["*"]}]}`)
	want(t, "Authorization", got.Auth, "Bearer "+tokenN(1))
}

func TestCreatePolicyRefusesBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodPost, polPath, reply(201, `{"id":"x"}`))
	for name, req := range map[string]PolicyRequest{
		"no name":      {Document: VStorageFullAccess()},
		"no statement": {Name: "x"},
		"bad effect":   {Name: "x", Document: PolicyDocument{Statements: []Statement{{Effect: "Allow", Actions: []string{"vstorage:*"}, Resources: []string{"*"}}}}},
		"s3 action":    {Name: "x", Document: PolicyDocument{Statements: []Statement{{Effect: Allow, Actions: []string{"s3:GetObject"}, Resources: []string{"*"}}}}},
	} {
		_, err := h.c.CreatePolicy(t.Context(), req)
		var ve *vngcloud.ValidationError
		if !errors.As(err, &ve) || ve.Operation != "viam.CreatePolicy" {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	want(t, "requests", r.count(), 0)
}

func TestCreatePolicyWithoutID(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on(http.MethodPost, polPath, reply(201, `{}`))
	_, err := h.c.CreatePolicy(t.Context(), PolicyRequest{Name: "p", Document: VStorageFullAccess()})
	if !errors.Is(err, vngcloud.ErrMaybeApplied) || !strings.Contains(err.Error(), `FindPolicyByName("p")`) {
		t.Fatalf("err = %v", err)
	}
}

func TestUpdatePolicy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodPut, polPath+"/"+userPolicyID, reply(204, ``))
	err := h.c.UpdatePolicy(t.Context(), userPolicyID, PolicyRequest{Name: "backup-bucket-writer", Document: VStorageAllow("ListProjects", "vstorage:GetProjectUsage")})
	if err != nil {
		t.Fatal(err)
	}
	checkReq(t, r.only(t), "PUT", "/"+polPath+"/"+userPolicyID, "",
		`{"name":"backup-bucket-writer","description":"","statements":[{"effect":"allow","actions":["vstorage:ListProjects","vstorage:GetProjectUsage"],"resources":["*"]}]}`)
	if err := h.c.UpdatePolicy(t.Context(), "", PolicyRequest{Name: "x", Document: VStorageFullAccess()}); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Errorf("err = %v", err)
	}
	if err := h.c.UpdatePolicy(t.Context(), userPolicyID, PolicyRequest{Name: "x"}); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Errorf("err = %v", err)
	}
	want(t, "requests", r.count(), 1)
}

func TestDeletePolicy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodDelete, polPath+"/"+userPolicyID, reply(204, ``))
	if err := h.c.DeletePolicy(t.Context(), userPolicyID); err != nil {
		t.Fatal(err)
	}
	got := r.only(t)
	checkReq(t, got, "DELETE", "/"+polPath+"/"+userPolicyID, "", "")
	want(t, "Authorization", got.Auth, "Bearer "+tokenN(1))
}

func TestFindPolicyByName(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	list := h.on(http.MethodGet, polPath, reply(200, fixture(t, "policies_list_by_name.json")))
	get := h.on(http.MethodGet, polPath+"/"+fullAccessID, reply(200, fixture(t, "policy_get.json")))
	p, err := h.c.FindPolicyByName(t.Context(), PolicyVStorageFullAccess)
	if err != nil {
		t.Fatal(err)
	}
	checkReq(t, list.only(t), "GET", "/"+polPath, "name=vStorageFullAccess&pageNumber=0&pageSize=100", "")
	get.only(t)
	if p.ID != fullAccessID || !p.Managed() || len(p.Document.Statements) != 1 {
		t.Fatalf("policy %+v", p)
	}
}

func TestFindPolicyByNameNotFound(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on(http.MethodGet, polPath, reply(200, fixture(t, "policies_list_by_name.json")))
	for _, name := range []string{"vStorageFull", "vstoragefullaccess"} {
		_, err := h.c.FindPolicyByName(t.Context(), name)
		if !errors.Is(err, vngcloud.ErrNotFound) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := h.c.FindPolicyByName(t.Context(), ""); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Errorf("err = %v", err)
	}
}

func TestFindPolicyByNameAmbiguous(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on(http.MethodGet, polPath, reply(200, `{"data":[{"id":"p1","name":"dup"},{"id":"p2","name":"dup"}],"pageNumber":0,"pageSize":100,"totalItems":2,"totalPages":1}`))
	_, err := h.c.FindPolicyByName(t.Context(), "dup")
	if !errors.Is(err, vngcloud.ErrConflict) || !strings.Contains(err.Error(), "p1, p2") {
		t.Fatalf("err = %v", err)
	}
}

func TestPageBareArray(t *testing.T) {
	t.Parallel()
	var p Page[Policy]
	if err := json.Unmarshal([]byte(`[{"id":"g1","name":"a"},{"id":"g2","name":"b"}]`), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 2 || p.TotalPages != 1 || p.TotalItems != 2 || p.HasNext() {
		t.Fatalf("page %+v", p)
	}
	b, _ := json.Marshal(Page[ServiceAccount]{PageNumber: 1, PageSize: 2, TotalItems: 3, TotalPages: 2})
	want(t, "envelope", string(b), `{"data":null,"pageNumber":1,"pageSize":2,"totalItems":3,"totalPages":2}`)
}

// TestPolicyRootForms: "root" is informational: a JSON number (live), a
// digit string (an older recording), another string (kept as text), an
// object, null or nothing all decode, and none fails the call; each
// encodes back to what it was read from.
func TestPolicyRootForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		root     string // "" leaves the field out
		wantRoot int64
		wantText string
		back     string // how root encodes back ("" for absent)
	}{
		{`53461`, 53461, "", `53461`},
		{`"53461"`, 53461, "", `53461`},
		{`" 53461 "`, 0, " 53461 ", `" 53461 "`},
		{`"acct-53461"`, 0, "acct-53461", `"acct-53461"`},
		{`"root@example.com"`, 0, "root@example.com", `"root@example.com"`},
		{`""`, 0, "", ``},
		{`null`, 0, "", ``},
		{``, 0, "", ``},
		{`5.3461e4`, 0, "5.3461e4", `"5.3461e4"`},
		{`99999999999999999999`, 0, "99999999999999999999", `"99999999999999999999"`},
		{`{"id":53461}`, 0, `{"id":53461}`, `"{\"id\":53461}"`},
	} {
		in := `{"id":"p1","name":"n"`
		if tc.root != "" {
			in += `,"root":` + tc.root
		}
		in += "}"
		var p Policy
		if err := json.Unmarshal([]byte(in), &p); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if p.Root != tc.wantRoot || p.RootText != tc.wantText {
			t.Errorf("%s: Root %d, RootText %q; want %d, %q", in, p.Root, p.RootText, tc.wantRoot, tc.wantText)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if string(m["root"]) != tc.back {
			t.Errorf("%s: encodes root as %s, want %s", in, m["root"], tc.back)
		}
	}
	// Through GetPolicy: a root that is not a number does not fail the call.
	h := newHarness(t)
	h.on(http.MethodGet, polPath+"/p1", reply(200, `{"id":"p1","name":"n","root":"acct-53461","statements":[]}`))
	p, err := h.c.GetPolicy(t.Context(), "p1")
	if err != nil || p.RootText != "acct-53461" || p.Root != 0 {
		t.Fatalf("GetPolicy = %+v, %v", p, err)
	}
}
