package viam

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
)

const (
	saID       = "a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f601"
	attachPath = polPath + "/" + fullAccessID + "/service-accounts/" + saID
	saPolPath  = "policies-api/v1/user-attachments/service-accounts/" + saID + "/policies"
)

func TestAttachPolicy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodPost, attachPath, reply(204, ``), reply(409, fixture(t, "error_conflict.json")))
	if err := h.c.AttachPolicy(t.Context(), fullAccessID, saID); err != nil {
		t.Fatal(err)
	}
	err := h.c.AttachPolicy(t.Context(), fullAccessID, saID)
	var ae *vngcloud.APIError
	if !errors.Is(err, vngcloud.ErrConflict) || !errors.As(err, &ae) || ae.Code != "CONFLICT" || errors.Is(err, vngcloud.ErrMaybeApplied) {
		t.Fatalf("repeat attach: err = %v", err)
	}
	reqs := r.all()
	if len(reqs) != 2 {
		t.Fatalf("requests %+v", reqs)
	}
	checkReq(t, reqs[0], "POST", "/"+attachPath, "", "")
	want(t, "Content-Type", reqs[0].ContentType, "")
	want(t, "Authorization", reqs[0].Auth, "Bearer "+tokenN(1))
	for _, pair := range [][2]string{{"", saID}, {fullAccessID, ""}, {"..", saID}, {fullAccessID, "a/b"}} {
		if err := h.c.AttachPolicy(t.Context(), pair[0], pair[1]); !errors.Is(err, vngcloud.ErrInvalidInput) {
			t.Errorf("%q: err = %v", pair, err)
		}
	}
	want(t, "requests", r.count(), 2)
}

func TestAttachPolicyNotRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t, vngcloud.WithRetries(5))
	r := h.on(http.MethodPost, attachPath, reply(503, `upstream connect error or disconnect/reset before headers`))
	err := h.c.AttachPolicy(t.Context(), fullAccessID, saID)
	want(t, "attempts", r.count(), 1)
	if !errors.Is(err, vngcloud.ErrMaybeApplied) || !strings.Contains(err.Error(), "EnsurePolicyAttached") {
		t.Fatalf("err = %v", err)
	}
}

func TestEnsurePolicyAttached(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		steps    []step
		attempts int
		wantErr  error
	}{
		"new":                  {[]step{reply(204, ``)}, 1, nil},
		"already attached":     {[]step{reply(409, fixture(t, "error_conflict.json"))}, 1, nil},
		"ambiguous then 409":   {[]step{reply(502, fixture(t, "error_502.html")), reply(409, `{}`)}, 2, nil},
		"ambiguous then 204":   {[]step{reply(500, `{"errors":[]}`), reply(204, ``)}, 2, nil},
		"ambiguous twice":      {[]step{reply(500, ``)}, 2, vngcloud.ErrMaybeApplied},
		"forbidden":            {[]step{reply(403, fixture(t, "error_permission_denied.json"))}, 1, vngcloud.ErrForbidden},
		"unknown policy (404)": {[]step{reply(404, fixture(t, "error_not_found.json"))}, 1, vngcloud.ErrNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, vngcloud.WithRetries(3))
			r := h.on(http.MethodPost, attachPath, tc.steps...)
			err := h.c.EnsurePolicyAttached(t.Context(), fullAccessID, saID)
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			want(t, "attempts", r.count(), tc.attempts)
			if err != nil && !strings.Contains(err.Error(), "viam.EnsurePolicyAttached") {
				t.Errorf("err %q does not name the operation", err)
			}
		})
	}
}

func TestDetachPolicy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodDelete, attachPath, reply(503, ``), reply(204, ``))
	if err := h.c.DetachPolicy(t.Context(), fullAccessID, saID); err != nil {
		t.Fatal(err)
	}
	reqs := r.all()
	if len(reqs) != 2 {
		t.Fatalf("a detach is idempotent and should be retried after a 503: %+v", reqs)
	}
	checkReq(t, reqs[1], "DELETE", "/"+attachPath, "", "")
	if err := h.c.DetachPolicy(t.Context(), fullAccessID, ""); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Errorf("err = %v", err)
	}
}

func TestListServiceAccountPolicies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodGet, saPolPath, reply(200, fixture(t, "service_account_policies_list.json")))
	page, err := h.c.ListServiceAccountPolicies(t.Context(), saID, &PageOptions{PageNumber: 0, PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	got := r.only(t)
	checkReq(t, got, "GET", "/"+saPolPath, "pageNumber=0&pageSize=100", "")
	want(t, "Authorization", got.Auth, "Bearer "+tokenN(1))
	if len(page.Items) != 2 || page.Items[0].ID != fullAccessID || !page.Items[0].Managed() || page.Items[1].Manager != ManagerUser ||
		page.Items[1].CreatedAt != ms(1727600000000) || page.TotalItems != 2 || page.HasNext() {
		t.Fatalf("page %+v", page)
	}
	if _, err := h.c.ListServiceAccountPolicies(t.Context(), "", nil); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Errorf("err = %v", err)
	}
}

func TestAllServiceAccountPolicies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.pagedRoute(saPolPath,
		`{"data":[{"id":"p1","name":"a"}],"pageNumber":0,"pageSize":1,"totalItems":2,"totalPages":2}`,
		`{"data":[{"id":"p2","name":"b"}],"pageNumber":1,"pageSize":1,"totalItems":2,"totalPages":2}`)
	var ids []string
	for p, err := range h.c.AllServiceAccountPolicies(t.Context(), saID, &PageOptions{PageSize: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	want(t, "ids", strings.Join(ids, ","), "p1,p2")
	want(t, "requests", r.count(), 2)
	for _, err := range h.c.AllServiceAccountPolicies(t.Context(), "", nil) {
		if !errors.Is(err, vngcloud.ErrInvalidInput) {
			t.Errorf("err = %v", err)
		}
	}
}
