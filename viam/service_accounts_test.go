package viam

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
)

const saPath = "accounts-api/v1/service-accounts"

func ms(n int64) Timestamp { return Timestamp{time.UnixMilli(n).UTC()} }

func TestListServiceAccounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodGet, saPath, reply(200, fixture(t, "service_accounts_list.json")))
	page, err := h.c.ListServiceAccounts(t.Context(), &ListOptions{PageNumber: 0, PageSize: 2, Name: "backup up"})
	if err != nil {
		t.Fatal(err)
	}
	got := r.only(t)
	checkReq(t, got, "GET", "/"+saPath, "name=backup+up&pageNumber=0&pageSize=2", "")
	want(t, "Authorization", got.Auth, "Bearer "+tokenN(1))
	wantPage := Page[ServiceAccount]{
		Items: []ServiceAccount{
			{ID: "a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f601", ClientID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", Name: "backup-uploader",
				Description: "nightly backups to vStorage", AccessTokenLifeSpan: 1800, CreatedAt: ms(1727337600123), Enabled: true, LastUse: ms(1727424000000)},
			{ID: "b4e2d3c5-6c7f-4081-9ba2-c3d4e5f60712", ClientID: "16fd2706-8baf-433b-82eb-8c7fada847da", Name: "ci.deploy_bot",
				AccessTokenLifeSpan: 3600, CreatedAt: ms(1727510400000)},
		},
		PageNumber: 0, PageSize: 2, TotalItems: 3, TotalPages: 2,
	}
	if !reflect.DeepEqual(page, wantPage) {
		t.Fatalf("page =\n%+v\nwant\n%+v", page, wantPage)
	}
	if !page.HasNext() {
		t.Error("HasNext = false on page 0 of 2")
	}
}

func TestListServiceAccountsDefaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodGet, saPath, reply(200, `{"data":[],"pageNumber":0,"pageSize":100,"totalItems":0,"totalPages":0}`))
	page, err := h.c.ListServiceAccounts(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkReq(t, r.only(t), "GET", "/"+saPath, "pageNumber=0&pageSize=100", "")
	if len(page.Items) != 0 || page.HasNext() {
		t.Fatalf("page = %+v", page)
	}
	for _, bad := range []*ListOptions{{PageNumber: -1}, {PageSize: -5}} {
		_, err := h.c.ListServiceAccounts(t.Context(), bad)
		if !errors.Is(err, vngcloud.ErrInvalidInput) {
			t.Errorf("%+v: err = %v", bad, err)
		}
	}
	want(t, "requests", r.count(), 1)
}

// pagedRoute serves the given bodies by pageNumber (page 0 first); any
// other page answers 400 {"errors":[null]}, as vIAM does for a bad page.
func (h *harness) pagedRoute(path string, pages ...string) *recorder {
	r := &recorder{pick: func(req *http.Request) step {
		n, err := strconv.Atoi(req.URL.Query().Get("pageNumber"))
		if err != nil || n < 0 || n >= len(pages) {
			return reply(400, `{"errors":[null]}`)
		}
		return reply(200, pages[n])
	}}
	h.mt.RegisterResponder(http.MethodGet, root+path, r.respond)
	return r
}

func TestAllServiceAccounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.pagedRoute(saPath, fixture(t, "service_accounts_list.json"), fixture(t, "service_accounts_list_page1.json"))
	opts := &ListOptions{PageSize: 2}
	var names []string
	for sa, err := range h.c.AllServiceAccounts(t.Context(), opts) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, sa.Name)
	}
	want(t, "names", strings.Join(names, ","), "backup-uploader,ci.deploy_bot,log reader")
	reqs := r.all()
	if len(reqs) != 2 {
		t.Fatalf("requests = %+v", reqs)
	}
	want(t, "query 1", reqs[0].Query, "pageNumber=0&pageSize=2")
	want(t, "query 2", reqs[1].Query, "pageNumber=1&pageSize=2")
	if *opts != (ListOptions{PageSize: 2}) {
		t.Errorf("the caller's options were changed: %+v", opts)
	}
	// The RFC 3339 createdAt of page 1 decoded too.
	last, err := h.c.ListServiceAccounts(t.Context(), &ListOptions{PageNumber: 1, PageSize: 2})
	if err != nil || !last.Items[0].CreatedAt.Equal(time.Date(2026, 9, 30, 3, 15, 0, 0, time.UTC)) || last.Items[0].LastUse.IsZero() == false {
		t.Fatalf("page 1: %+v, %v", last, err)
	}
}

func TestAllServiceAccountsStopsWhenConsumerBreaks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.pagedRoute(saPath, fixture(t, "service_accounts_list.json"), fixture(t, "service_accounts_list_page1.json"))
	seq := h.c.AllServiceAccounts(t.Context(), &ListOptions{PageSize: 2})
	for range seq {
		break
	}
	want(t, "requests after break", r.count(), 1)
	// The sequence can be ranged over again, from the start.
	n := 0
	for _, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	want(t, "items on the second range", n, 3)
}

func TestAllServiceAccountsYieldsErrorOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.pagedRoute(saPath, fixture(t, "service_accounts_list.json")) // page 1 answers 400 {"errors":[null]}
	var items, errs int
	for _, err := range h.c.AllServiceAccounts(t.Context(), &ListOptions{PageSize: 2}) {
		if err != nil {
			errs++
			if !errors.Is(err, vngcloud.ErrInvalidInput) {
				t.Errorf("err = %v", err)
			}
			continue
		}
		items++
	}
	want(t, "items", items, 2)
	want(t, "errors", errs, 1)

	// Invalid options: one error, nothing sent.
	errs = 0
	before := h.mt.GetTotalCallCount()
	for _, err := range h.c.AllServiceAccounts(t.Context(), &ListOptions{PageNumber: -1}) {
		if !errors.Is(err, vngcloud.ErrInvalidInput) {
			t.Errorf("err = %v", err)
		}
		errs++
	}
	want(t, "errors", errs, 1)
	want(t, "requests", h.mt.GetTotalCallCount(), before)
}

func TestAllStopsWithoutTotals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// No totals: a short page is the last one.
	r := h.pagedRoute(saPath, `{"data":[{"id":"a"},{"id":"b"}]}`, `{"data":[{"id":"c"}]}`)
	n := 0
	for _, err := range h.c.AllServiceAccounts(t.Context(), &ListOptions{PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	want(t, "items", n, 3)
	want(t, "requests", r.count(), 2)
}

func TestGetServiceAccount(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := "a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f601"
	r := h.on(http.MethodGet, saPath+"/"+id, reply(200, fixture(t, "service_account_get.json")))
	sa, err := h.c.GetServiceAccount(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	got := r.only(t)
	checkReq(t, got, "GET", "/"+saPath+"/"+id, "", "")
	want(t, "Authorization", got.Auth, "Bearer "+tokenN(1))
	wantSA := ServiceAccount{ID: id, ClientID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", Name: "backup-uploader",
		Description: "nightly backups to vStorage", AccessTokenLifeSpan: 1800, CreatedAt: ms(1727337600123), Enabled: true, LastUse: ms(1727424000000)}
	if sa != wantSA {
		t.Fatalf("got %+v\nwant %+v", sa, wantSA)
	}
	for _, bad := range []string{"", "..", "a/b", "a b"} {
		if _, err := h.c.GetServiceAccount(t.Context(), bad); !errors.Is(err, vngcloud.ErrInvalidInput) {
			t.Errorf("id %q: err = %v", bad, err)
		}
	}
	want(t, "requests", r.count(), 1)
}

func TestCreateServiceAccount(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodPost, saPath, reply(201, fixture(t, "service_account_create.json")))
	out, err := h.c.CreateServiceAccount(t.Context(), CreateServiceAccountRequest{Name: "backup-uploader", Description: "nightly backups to vStorage"})
	if err != nil {
		t.Fatal(err)
	}
	got := r.only(t)
	checkReq(t, got, "POST", "/"+saPath, "", `{"name":"backup-uploader","description":"nightly backups to vStorage"}`)
	want(t, "Authorization", got.Auth, "Bearer "+tokenN(1))
	want(t, "ID", out.ID, "d6a4f5e7-8e91-42a3-bdc4-e5f607182934")
	want(t, "ClientID", out.ClientID, "3f2504e0-4f89-41d3-9a0c-0305e82c3301")
	want(t, "secret", out.ClientSecret.Reveal(), "Xq7mP2vR9sT4wY6zB8nC1dF3gH5jK0Lf")
	want(t, "CreatedAt", out.CreatedAt, ms(1727596800000))
	if s := out.ClientSecret.String(); s != vngcloud.Redacted {
		t.Errorf("secret prints as %q", s)
	}
}

func TestCreateServiceAccountWithoutDescriptionSendsEmpty(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodPost, saPath, reply(201, `{"id":"x1","clientSecret":"s-sekrit"}`))
	out, err := h.c.CreateServiceAccount(t.Context(), CreateServiceAccountRequest{Name: "n"})
	if err != nil {
		t.Fatal(err)
	}
	want(t, "body", r.only(t).Body, `{"name":"n","description":""}`)
	want(t, "name filled from the request", out.Name, "n")
}

func TestCreateServiceAccountWithoutSecret(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on(http.MethodPost, saPath, reply(201, `{"id":"x1","name":"n"}`))
	out, err := h.c.CreateServiceAccount(t.Context(), CreateServiceAccountRequest{Name: "n"})
	if err == nil || out.ID != "x1" || !strings.Contains(err.Error(), "ResetServiceAccountSecret") {
		t.Fatalf("out = %+v, err = %v", out, err)
	}
}

func TestServiceAccountNames(t *testing.T) {
	t.Parallel()
	good := []string{"a", "backup-uploader", "ci.deploy_bot", "log reader", "A.b_C-d 9", strings.Repeat("x", 50)}
	bad := []string{"", strings.Repeat("x", 51), "a/b", "tên", "a\tb", "name!", "a:b", "émoji🙂"}
	for _, n := range good {
		if err := ValidateServiceAccountName(n); err != nil {
			t.Errorf("%q refused: %v", n, err)
		}
	}
	h := newHarness(t)
	r := h.on(http.MethodPost, saPath, reply(201, `{}`))
	for _, n := range bad {
		err := ValidateServiceAccountName(n)
		var ve *vngcloud.ValidationError
		if !errors.As(err, &ve) || ve.Field != "Name" {
			t.Errorf("%q accepted or wrong error: %v", n, err)
		}
		_, err = h.c.CreateServiceAccount(t.Context(), CreateServiceAccountRequest{Name: n})
		if !errors.As(err, &ve) || ve.Operation != "viam.CreateServiceAccount" {
			t.Errorf("create %q: err = %v", n, err)
		}
	}
	want(t, "requests for invalid names", r.count(), 0)
	if err := ValidateServiceAccountName(strings.Repeat("x", 51)); !strings.Contains(err.Error(), "51 characters") {
		t.Errorf("err = %v", err)
	}
}

func TestUpdateServiceAccount(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := "a3f1c2d4"
	r := h.on(http.MethodPatch, saPath+"/"+id, reply(200, fixture(t, "service_account_get.json")))
	if err := h.c.UpdateServiceAccount(t.Context(), id, UpdateServiceAccountRequest{Description: vngcloud.Ptr("rotated"), AccessTokenLifeSpan: vngcloud.Ptr(7200)}); err != nil {
		t.Fatal(err)
	}
	if err := h.c.UpdateServiceAccount(t.Context(), id, UpdateServiceAccountRequest{Description: vngcloud.Ptr("")}); err != nil {
		t.Fatal(err)
	}
	if err := h.c.UpdateServiceAccount(t.Context(), id, UpdateServiceAccountRequest{AccessTokenLifeSpan: vngcloud.Ptr(900)}); err != nil {
		t.Fatal(err)
	}
	reqs := r.all()
	if len(reqs) != 3 {
		t.Fatalf("requests = %+v", reqs)
	}
	checkReq(t, reqs[0], "PATCH", "/"+saPath+"/"+id, "", `{"description":"rotated","accessTokenLifeSpan":7200}`)
	checkReq(t, reqs[1], "PATCH", "/"+saPath+"/"+id, "", `{"description":""}`)
	checkReq(t, reqs[2], "PATCH", "/"+saPath+"/"+id, "", `{"accessTokenLifeSpan":900}`)
	for _, bad := range []UpdateServiceAccountRequest{{}, {AccessTokenLifeSpan: vngcloud.Ptr(0)}, {AccessTokenLifeSpan: vngcloud.Ptr(-1)}} {
		if err := h.c.UpdateServiceAccount(t.Context(), id, bad); !errors.Is(err, vngcloud.ErrInvalidInput) {
			t.Errorf("%+v: err = %v", bad, err)
		}
	}
	want(t, "requests", r.count(), 3)
}

func TestUpdateServiceAccountEmptyAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on(http.MethodPatch, saPath+"/x", reply(200, ``))
	if err := h.c.UpdateServiceAccount(t.Context(), "x", UpdateServiceAccountRequest{Description: vngcloud.Ptr("d")}); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteServiceAccount(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodDelete, saPath+"/a3f1c2d4", reply(204, ``))
	if err := h.c.DeleteServiceAccount(t.Context(), "a3f1c2d4"); err != nil {
		t.Fatal(err)
	}
	got := r.only(t)
	checkReq(t, got, "DELETE", "/"+saPath+"/a3f1c2d4", "", "")
	want(t, "Authorization", got.Auth, "Bearer "+tokenN(1))
	if err := h.c.DeleteServiceAccount(t.Context(), ""); !errors.Is(err, vngcloud.ErrInvalidInput) {
		t.Errorf("err = %v", err)
	}
}

func TestResetServiceAccountSecret(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.on(http.MethodPost, saPath+"/a3f1c2d4/reset-secret", reply(200, fixture(t, "service_account_reset_secret.json")))
	sec, err := h.c.ResetServiceAccountSecret(t.Context(), "a3f1c2d4")
	if err != nil {
		t.Fatal(err)
	}
	got := r.only(t)
	checkReq(t, got, "POST", "/"+saPath+"/a3f1c2d4/reset-secret", "", "")
	want(t, "Content-Type", got.ContentType, "")
	want(t, "secret", sec.Reveal(), "Nw4eR6tY8uI0oP2aS4dF6gH8jK1lZ3xC")
}

func TestResetServiceAccountSecretWithoutSecret(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.on(http.MethodPost, saPath+"/a1/reset-secret", reply(200, `{}`))
	_, err := h.c.ResetServiceAccountSecret(t.Context(), "a1")
	if !errors.Is(err, vngcloud.ErrMaybeApplied) || !strings.Contains(err.Error(), "reset again") {
		t.Fatalf("err = %v", err)
	}
}

// TestEpochZeroIsNever: an epoch of 0, in any form the service sends
// epochs in, is the zero time ("never"), not 1970-01-01; lastUse: 0 in
// ListServiceAccounts reads as never used.
func TestEpochZeroIsNever(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`0`, `0.0`, `-0`, `"0"`, `" 0 "`, `"0.0"`, `{"$numberLong":"0"}`, `{"$date":0}`,
		`{"$date":{"$numberLong":"0"}}`, `{"$numberInt":"0"}`, `{"$numberDouble":"0.0"}`, `0e10`} {
		var ts Timestamp
		if err := json.Unmarshal([]byte(in), &ts); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !ts.IsZero() {
			t.Errorf("%s decodes as %v, want the zero time", in, ts.Time)
		}
	}
	// An epoch just after 0 is still a time.
	var ts Timestamp
	if err := json.Unmarshal([]byte(`1`), &ts); err != nil || !ts.Equal(time.UnixMilli(1)) {
		t.Fatalf("1 decodes as %v, %v", ts.Time, err)
	}
	h := newHarness(t)
	h.on(http.MethodGet, saPath, reply(200, `{"data":[{"id":"a","name":"n","createdAt":1727337600123,"lastUse":0}],"pageNumber":0,"pageSize":100,"totalItems":1,"totalPages":1}`))
	page, err := h.c.ListServiceAccounts(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if sa := page.Items[0]; !sa.LastUse.IsZero() || sa.CreatedAt.IsZero() {
		t.Fatalf("lastUse %v (want zero), createdAt %v", sa.LastUse.Time, sa.CreatedAt.Time)
	}
}
