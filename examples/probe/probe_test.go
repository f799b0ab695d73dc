package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// bearerLog records every bearer token the probe sends, so that a test
// can check that none reaches the report.
type bearerLog struct {
	mu     sync.Mutex
	tokens []string
}

func (b *bearerLog) RoundTrip(r *http.Request) (*http.Response, error) {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		b.mu.Lock()
		b.tokens = append(b.tokens, tok)
		b.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// day is the probe's clock in tests: the statistics ask for the week
// before it.
var day = time.Date(2026, 3, 8, 9, 0, 0, 0, time.UTC)

// lines renders the rows one per line: choice | request | status | answer | works.
func lines(rep *Report) []string {
	var out []string
	for _, r := range rep.Rows {
		out = append(out, fmt.Sprintf("%s | %s | %d | %s | %v", r.Choice, r.Request, r.Status, r.Answer, r.Works))
	}
	return out
}

// checkReport compares the rows and the settings, and searches the
// table and the JSON for the secret and every token sent.
func checkReport(t *testing.T, rep *Report, secret string, log *bearerLog, wantRows, wantSettings []string) {
	t.Helper()
	if got := lines(rep); !slices.Equal(got, wantRows) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantRows, "\n"))
	}
	if !slices.Equal(rep.Settings, wantSettings) {
		t.Errorf("settings:\n%s\nwant:\n%s", strings.Join(rep.Settings, "\n"), strings.Join(wantSettings, "\n"))
	}
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if len(log.tokens) == 0 {
		t.Fatal("no bearer token was sent: the search below would prove nothing")
	}
	for _, s := range append([]string{secret}, log.tokens...) {
		if strings.Contains(table.String(), s) || strings.Contains(string(js), s) {
			t.Errorf("the report holds a secret or token:\n%s", table.String())
		}
	}
	t.Logf("the probe's table:\n%s", table.String())
}

// TestProbeScopeAndEmptyAnswers: a token endpoint that wants scope=email,
// and a documented vStorage host that answers an empty 200 to this kind
// of token while the console host works.
func TestProbeScopeAndEmptyAnswers(t *testing.T) {
	t.Parallel()
	iam := viamtest.NewServer(viamtest.WithScopeRequired("email"))
	t.Cleanup(iam.Close)
	documented := vstoragetest.NewServer(iam, vstoragetest.WithEmptyAnswers())
	t.Cleanup(documented.Close)
	console := vstoragetest.NewServer(iam)
	t.Cleanup(console.Close)
	project := console.AddProject("HCM04", "media")
	_, clientID, secret := iam.AddServiceAccount("probe")
	log := &bearerLog{}
	rep, err := Probe(context.Background(), Config{
		ClientID: clientID, ClientSecret: secret, TokenRoot: iam.URL(),
		IAM:     []IAMHost{{Name: "documented", Accounts: iam.URL(), Policies: iam.URL()}},
		Storage: []StorageHost{{Name: "documented", URL: documented.URL()}, {Name: "console", URL: console.URL()}},
		Region:  "HCM04", HTTPClient: &http.Client{Transport: log}, Now: func() time.Time { return day },
	})
	if err != nil {
		t.Fatal(err)
	}
	i, d, c := iam.URL(), documented.URL(), console.URL()
	const sa, dates = "service-account token", "endTime=08%2F03%2F2026&startTime=01%2F03%2F2026"
	checkReport(t, rep, secret.Reveal(), log, []string{
		"token v2 + scope=email | POST " + i + "accounts-api/v2/auth/token grant_type=client_credentials&scope=email | 200 | token, snake_case (expires_in 1800) | true",
		"token v2, no scope | POST " + i + "accounts-api/v2/auth/token grant_type=client_credentials | 400 | vIAM error INVALID_SCOPE | false",
		"token v1 | POST " + i + "accounts-api/v1/auth/token grantType=client_credentials | 200 | token, camelCase (expiresIn 1800) | true",
		"vIAM documented, " + sa + " | GET " + i + "accounts-api/v1/auth/userinfo | 200 | JSON object {accountId, rootEmail, twoFactorAuth, userId, userType, username} | true",
		"vIAM documented, " + sa + " | GET " + i + "accounts-api/v1/service-accounts?pageNumber=0&pageSize=1 | 200 | vIAM page data [1], totalItems 1 | true",
		"vIAM documented, " + sa + " | GET " + i + "policies-api/v1/policies?pageNumber=0&pageSize=1 | 200 | vIAM page data [1], totalItems 9 | true",
		"vStorage documented, " + sa + " | GET " + d + "regions | 200 | empty body | false",
		"vStorage console, " + sa + " | GET " + c + "regions | 200 | vStorage envelope success=true code=200 datas[3] | true",
		"vStorage console, " + sa + " | GET " + c + "projects | 200 | vStorage envelope success=true code=200 datas[1] | true",
		"vStorage console, " + sa + " | GET " + c + "ceph/projects/" + project + "?limit=1000 | 200 | vStorage envelope success=true code=200 datas[0] | true",
		"vStorage console, " + sa + " | GET " + c + "billing/statistics/projects/" + project + "/usage?" + dates + " | 200 | vStorage envelope success=true code=200 data [8] | true",
		"vStorage console, " + sa + " | GET " + c + "billing/statistics/projects/" + project + "/traffic?" + dates + " | 200 | vStorage envelope success=true code=200 data [8] | true",
		"vStorage console, " + sa + " | GET " + c + "billing/statistics/projects/" + project + "/request?" + dates + " | 200 | vStorage envelope success=true code=200 data [8] | true",
	}, []string{
		"token: the default of viam.NewClientCredentials (v2, scope=email)",
		`token URL root: vngcloud.WithEndpoint("` + i + `") for viam.NewClientCredentials`,
		`vIAM: vngcloud.WithEndpoint("` + i + `") for viam.NewClient (documented host, service-account token)`,
		"  env: VNGCLOUD_IAM_ENDPOINT=" + i,
		`vStorage: vngcloud.WithEndpoint("` + c + `") for vstorage.NewClient (console host, service-account token)`,
		"  env: VNGCLOUD_VSTORAGE_ENDPOINT=" + c,
	})
}

// TestProbeV1AndRedirect: a token endpoint that only speaks v1, and a
// documented vIAM host that redirects to a greennode.ai-like name (never
// resolved: the probe follows no redirect) while the console host works;
// a console bearer token is tried too.
func TestProbeV1AndRedirect(t *testing.T) {
	t.Parallel()
	iam := viamtest.NewServer(viamtest.WithTokenV1Only())
	t.Cleanup(iam.Close)
	moved := viamtest.NewServer(viamtest.WithRedirect("http://iam.greennode.test/"))
	t.Cleanup(moved.Close)
	st := vstoragetest.NewServer(iam)
	t.Cleanup(st.Close)
	_, clientID, secret := iam.AddServiceAccount("probe")
	log := &bearerLog{}
	rep, err := Probe(context.Background(), Config{
		ClientID: clientID, ClientSecret: secret, TokenRoot: iam.URL(),
		IAM:     []IAMHost{{Name: "documented", Accounts: moved.URL(), Policies: moved.URL()}, {Name: "console", Accounts: iam.URL(), Policies: iam.URL()}},
		Storage: []StorageHost{{Name: "console", URL: st.URL()}},
		Region:  "HCM04", HTTPClient: &http.Client{Transport: log}, Now: func() time.Time { return day },
	})
	if err != nil {
		t.Fatal(err)
	}
	i, m, s := iam.URL(), moved.URL(), st.URL()
	const sa = "service-account token"
	checkReport(t, rep, secret.Reveal(), log, []string{
		"token v2 + scope=email | POST " + i + "accounts-api/v2/auth/token grant_type=client_credentials&scope=email | 404 | vIAM error NOT_FOUND | false",
		"token v2, no scope | POST " + i + "accounts-api/v2/auth/token grant_type=client_credentials | 404 | vIAM error NOT_FOUND | false",
		"token v1 | POST " + i + "accounts-api/v1/auth/token grantType=client_credentials | 200 | token, camelCase (expiresIn 1800) | true",
		"vIAM documented, " + sa + " | GET " + m + "accounts-api/v1/auth/userinfo | 301 | redirect to http://iam.greennode.test/accounts-api/v1/auth/userinfo (not followed) | false",
		"vIAM documented, " + sa + " | GET " + m + "accounts-api/v1/service-accounts?pageNumber=0&pageSize=1 | 301 | redirect to http://iam.greennode.test/accounts-api/v1/service-accounts?pageNumber=0&pageSize=1 (not followed) | false",
		"vIAM documented, " + sa + " | GET " + m + "policies-api/v1/policies?pageNumber=0&pageSize=1 | 301 | redirect to http://iam.greennode.test/policies-api/v1/policies?pageNumber=0&pageSize=1 (not followed) | false",
		"vIAM console, " + sa + " | GET " + i + "accounts-api/v1/auth/userinfo | 200 | JSON object {accountId, rootEmail, twoFactorAuth, userId, userType, username} | true",
		"vIAM console, " + sa + " | GET " + i + "accounts-api/v1/service-accounts?pageNumber=0&pageSize=1 | 200 | vIAM page data [1], totalItems 1 | true",
		"vIAM console, " + sa + " | GET " + i + "policies-api/v1/policies?pageNumber=0&pageSize=1 | 200 | vIAM page data [1], totalItems 9 | true",
		"vStorage console, " + sa + " | GET " + s + "regions | 200 | vStorage envelope success=true code=200 datas[3] | true",
		"vStorage console, " + sa + " | GET " + s + "projects | 200 | vStorage envelope success=true code=200 | true",
	}, []string{
		"token: viam.WithTokenVariant(viam.TokenV1) for viam.NewClientCredentials",
		`token URL root: vngcloud.WithEndpoint("` + i + `") for viam.NewClientCredentials`,
		`vIAM: vngcloud.WithEndpoint("` + i + `") for viam.NewClient (console host, service-account token)`,
		"  env: VNGCLOUD_IAM_ENDPOINT=" + i,
		`vStorage: vngcloud.WithEndpoint("` + s + `") for vstorage.NewClient (console host, service-account token)`,
		"  env: VNGCLOUD_VSTORAGE_ENDPOINT=" + s,
	})
	if !slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, "no project in HCM04") }) {
		t.Errorf("notes %q: want the missing project said", rep.Notes)
	}
}

// TestRunWritesJSON: the command's flags point every host at the test
// servers; the JSON file holds the same rows as the table, no secret, and
// is private.
func TestRunWritesJSON(t *testing.T) {
	t.Parallel()
	iam := viamtest.NewServer()
	t.Cleanup(iam.Close)
	st := vstoragetest.NewServer(iam)
	t.Cleanup(st.Close)
	_, clientID, secret := iam.AddServiceAccount("probe")
	file := filepath.Join(t.TempDir(), "probe.json")
	env := map[string]string{"VNGCLOUD_CLIENT_ID": clientID, "VNGCLOUD_CLIENT_SECRET": secret.Reveal()}
	var out bytes.Buffer
	err := run(context.Background(), []string{"--token-root", iam.URL(), "--iam", "fake=" + iam.URL(), "--vstorage", "fake=" + st.URL(), "--json", file},
		func(k string) string { return env[k] }, &out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 8 || !strings.Contains(out.String(), "VNGCLOUD_VSTORAGE_ENDPOINT="+st.URL()) || len(rep.Settings) == 0 {
		t.Errorf("%d rows, settings %q; output:\n%s", len(rep.Rows), rep.Settings, out.String())
	}
	if strings.Contains(string(b), secret.Reveal()) || strings.Contains(out.String(), secret.Reveal()) {
		t.Error("the secret is in the report")
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("report file mode %v, %v", fi.Mode(), err)
	}
	if err := run(context.Background(), nil, func(string) string { return "" }, &out); err != errNoCredentials {
		t.Errorf("without credentials: %v", err)
	}
}

// TestRecommendConsoleHosts: when the console hosts answer every call,
// the report recommends the one option that moves both clients there,
// not an endpoint per client (which would miss the policies API's root).
func TestRecommendConsoleHosts(t *testing.T) {
	t.Parallel()
	p := &prober{}
	tok := &token{kind: "access token"}
	p.recommend("", &IAMHost{Name: "console", Accounts: consoleAccountsRoot, Policies: consolePoliciesRoot}, tok,
		&StorageHost{Name: "console", URL: vstorage.ConsoleEndpoint}, tok)
	want := []string{
		"vIAM and vStorage: vngcloud.WithConsoleHosts() for viam.NewClient and vstorage.NewClient (console hosts, access token)",
		"  env: VNGCLOUD_ACCESS_TOKEN (the examples then use the console hosts)",
		"credentials: a bearer token (vngcloud.StaticToken), not the service account's; env: VNGCLOUD_ACCESS_TOKEN",
	}
	if !slices.Equal(p.rep.Settings, want) || len(p.rep.Notes) != 0 {
		t.Errorf("settings:\n%s\nnotes: %q", strings.Join(p.rep.Settings, "\n"), p.rep.Notes)
	}
	// The console's vIAM with another vStorage host: an endpoint each,
	// and the note that one root cannot reach both vIAM APIs.
	p = &prober{}
	p.recommend("", &IAMHost{Name: "console", Accounts: consoleAccountsRoot, Policies: consolePoliciesRoot}, tok,
		&StorageHost{Name: "documented", URL: vstorage.DefaultEndpoint}, tok)
	if len(p.rep.Settings) != 5 || !strings.HasPrefix(p.rep.Settings[0], "vIAM: vngcloud.WithEndpoint") || len(p.rep.Notes) != 1 {
		t.Errorf("settings:\n%s\nnotes: %q", strings.Join(p.rep.Settings, "\n"), p.rep.Notes)
	}
}
