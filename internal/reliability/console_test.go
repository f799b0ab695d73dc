package reliability

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// TestConsoleHostsMoveEveryClient: one option list with
// vngcloud.WithConsoleHosts() sends vStorage calls to
// vstorage.console.greennode.ai/internal/v1/, vIAM accounts calls to
// dashboard.console.greennode.ai and policies calls to
// iam.console.greennode.ai, each with the IAM-user token; the same list
// without it keeps the documented hosts. (A mock transport answers: no
// request leaves the machine.)
func TestConsoleHostsMoveEveryClient(t *testing.T) {
	const userToken = "iam-user-console-token-0123456789"
	var mu sync.Mutex
	var seen []string
	mt := httpmock.NewMockTransport()
	answer := func(body string) httpmock.Responder {
		return func(req *http.Request) (*http.Response, error) {
			mu.Lock()
			seen = append(seen, req.Method+" "+req.URL.String()+" "+req.Header.Get("Authorization"))
			mu.Unlock()
			return httpmock.NewStringResponse(200, body), nil
		}
	}
	regions, err := os.ReadFile(filepath.Join("..", "..", "vstorage", "testdata", "regions.json"))
	if err != nil {
		t.Fatal(err)
	}
	page := `{"data":[],"pageNumber":0,"pageSize":100,"totalItems":0,"totalPages":0}`
	for _, base := range []string{vstorage.ConsoleEndpoint, vstorage.DefaultEndpoint} {
		mt.RegisterResponder("GET", base+"regions", answer(string(regions)))
		mt.RegisterResponder("GET", base+"projects", answer(`{"success":true,"code":200,"datas":[]}`))
	}
	for _, base := range []string{viam.ConsoleAccountsEndpoint, viam.ConsolePoliciesEndpoint, viam.DefaultEndpoint} {
		mt.RegisterResponder("GET", `=~^`+base+`accounts-api/v1/service-accounts\?`, answer(page))
		mt.RegisterResponder("GET", `=~^`+base+`policies-api/v1/policies\?`, answer(page))
	}
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request %s %s", req.Method, req.URL)
		return httpmock.NewStringResponse(599, "unexpected"), nil
	})

	run := func(opts ...vngcloud.Option) []string {
		mu.Lock()
		seen = nil
		mu.Unlock()
		opts = append(opts, vngcloud.WithHTTPClient(&http.Client{Transport: mt}), vngcloud.WithRetries(0),
			vngcloud.WithTokenSource(vngcloud.StaticToken(userToken)))
		ic, err := viam.NewClient(opts...)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := vstorage.NewClient(vngcloud.Options(opts...))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ic.ListServiceAccounts(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := ic.ListPolicies(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := sc.ListProjects(t.Context()); err != nil {
			t.Fatal(err)
		}
		// The service-account token source takes the same list: its token
		// endpoint stays the documented one.
		cc, err := viam.NewClientCredentials("client-id", "client-secret-xyz", vngcloud.Options(opts...))
		if err != nil || cc.TokenURL() != viam.DefaultTokenURL {
			t.Fatalf("NewClientCredentials with the same options: %v, token URL %s", err, cc.TokenURL())
		}
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}

	got := strings.Join(run(vngcloud.WithConsoleHosts()), "\n")
	for _, want := range []string{
		"GET https://dashboard.console.greennode.ai/accounts-api/v1/service-accounts?pageNumber=0&pageSize=100 Bearer " + userToken,
		"GET https://iam.console.greennode.ai/policies-api/v1/policies?pageNumber=0&pageSize=100 Bearer " + userToken,
		"GET https://vstorage.console.greennode.ai/internal/v1/regions Bearer " + userToken,
		"GET https://vstorage.console.greennode.ai/internal/v1/projects Bearer " + userToken,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("console hosts: no request %q among\n%s", want, got)
		}
	}
	if strings.Contains(got, "iamapis.vngcloud.vn") || strings.Contains(got, "api.vstorage.vngcloud.vn") {
		t.Errorf("console hosts: a request went to a documented host:\n%s", got)
	}

	got = strings.Join(run(), "\n")
	for _, want := range []string{
		"GET https://iamapis.vngcloud.vn/accounts-api/v1/service-accounts?",
		"GET https://iamapis.vngcloud.vn/policies-api/v1/policies?",
		"GET " + vstorage.DefaultEndpoint + "projects",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("default hosts: no request %q among\n%s", want, got)
		}
	}
	if strings.Contains(got, "console.greennode.ai") {
		t.Errorf("default hosts: a request went to a console host:\n%s", got)
	}

	// WithEndpoint still moves a client wherever it says, console or not.
	ic, err := viam.NewClient(vngcloud.WithConsoleHosts(), vngcloud.WithEndpoint("https://proxy.test/iam/"),
		vngcloud.WithTokenSource(vngcloud.StaticToken(userToken)))
	if err != nil || ic.Endpoint() != "https://proxy.test/iam/" {
		t.Fatalf("viam with WithEndpoint: %v, %v", ic, err)
	}
}
