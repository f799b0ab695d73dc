package vstorage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestClientsFromEnvServiceAccount: the service account's two clients
// work and share one token source (one token issued for both).
func TestClientsFromEnvServiceAccount(t *testing.T) {
	sb := vstoragetest.NewSandbox()
	t.Cleanup(sb.Close)
	iam, st, err := vstorage.ClientsFromEnv(envOf(map[string]string{
		"VNGCLOUD_CLIENT_ID": " " + sb.ClientID + " ", "VNGCLOUD_CLIENT_SECRET": sb.Secret.Reveal(),
		"VNGCLOUD_IAM_ENDPOINT": sb.IAM.URL(), "VNGCLOUD_VSTORAGE_ENDPOINT": sb.Storage.URL()}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ps, err := st.ListProjects(ctx)
	if err != nil || len(ps) != 1 || ps[0].ID != sb.ProjectID {
		t.Fatalf("projects %v, %v", ps, err)
	}
	if _, err := iam.ListServiceAccounts(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n := sb.IAM.TokensIssued(); n != 1 {
		t.Fatalf("%d tokens issued, want 1 shared by both clients", n)
	}
}

// TestClientsFromEnvToken: a bearer token is sent as is; no token is
// requested.
func TestClientsFromEnvToken(t *testing.T) {
	sb := vstoragetest.NewSandbox()
	t.Cleanup(sb.Close)
	cc, err := viam.NewClientCredentials(sb.ClientID, sb.Secret, vngcloud.WithEndpoint(sb.IAM.URL()))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, st, err := vstorage.ClientsFromEnv(envOf(map[string]string{"VNGCLOUD_ACCESS_TOKEN": tok.Reveal(),
		"VNGCLOUD_IAM_ENDPOINT": sb.IAM.URL(), "VNGCLOUD_VSTORAGE_ENDPOINT": sb.Storage.URL(), "VNGCLOUD_REGION": "HCM04"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ListProjects(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := sb.IAM.TokensIssued(); n != 1 {
		t.Fatalf("%d tokens issued, want only the test's own", n)
	}
}

// TestClientsFromEnvMissing: no credentials, or half a service account,
// is an error that names the variables and never holds the secret.
func TestClientsFromEnvMissing(t *testing.T) {
	if _, _, err := vstorage.ClientsFromEnv(envOf(nil)); !errors.Is(err, vstorage.ErrNoCredentials) {
		t.Fatalf("no variables: %v", err)
	}
	_, _, err := vstorage.ClientsFromEnv(envOf(map[string]string{"VNGCLOUD_CLIENT_SECRET": "s3cr3t-value"}))
	if err == nil || errors.Is(err, vstorage.ErrNoCredentials) || !strings.Contains(err.Error(), "VNGCLOUD_CLIENT_ID") || strings.Contains(err.Error(), "s3cr3t-value") {
		t.Fatalf("secret without ID: %v", err)
	}
}

// TestClientsFromEnvConsoleHosts: a bearer token without endpoints selects
// the console hosts (as vngcloud.WithConsoleHosts does); a service account
// keeps the documented ones; the region variable reaches the client.
func TestClientsFromEnvConsoleHosts(t *testing.T) {
	wantIAM, err := viam.NewClient(vngcloud.WithConsoleHosts(), vngcloud.WithTokenSource(vngcloud.StaticToken("x")))
	if err != nil {
		t.Fatal(err)
	}
	wantSt, err := vstorage.NewClient(vngcloud.WithConsoleHosts(), vngcloud.WithTokenSource(vngcloud.StaticToken("x")))
	if err != nil {
		t.Fatal(err)
	}
	iam, st, err := vstorage.ClientsFromEnv(envOf(map[string]string{"VNGCLOUD_ACCESS_TOKEN": "tok"}))
	if err != nil {
		t.Fatal(err)
	}
	if iam.Endpoint() != wantIAM.Endpoint() || st.Endpoint() != wantSt.Endpoint() {
		t.Fatalf("token: endpoints %s and %s, want the console's %s and %s", iam.Endpoint(), st.Endpoint(), wantIAM.Endpoint(), wantSt.Endpoint())
	}
	iam, st, err = vstorage.ClientsFromEnv(envOf(map[string]string{"VNGCLOUD_CLIENT_ID": "id", "VNGCLOUD_CLIENT_SECRET": "secret", "VNGCLOUD_REGION": "HAN02"}))
	if err != nil {
		t.Fatal(err)
	}
	if iam.Endpoint() == wantIAM.Endpoint() || st.Endpoint() == wantSt.Endpoint() {
		t.Fatalf("service account: console endpoints %s and %s", iam.Endpoint(), st.Endpoint())
	}
	if got := st.Region().Name; got != "HAN02" {
		t.Fatalf("region %q, want HAN02", got)
	}
}

// TestClientsFromEnvSandbox: the sandbox's Getenv points both clients at
// it.
func TestClientsFromEnvSandbox(t *testing.T) {
	sb := vstoragetest.NewSandbox()
	t.Cleanup(sb.Close)
	iam, st, err := vstorage.ClientsFromEnv(sb.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if iam.Endpoint() != sb.IAM.URL() || st.Endpoint() != sb.Storage.URL() || st.Region().Name != sb.Getenv("VNGCLOUD_REGION") {
		t.Fatalf("endpoints %s, %s, region %s", iam.Endpoint(), st.Endpoint(), st.Region().Name)
	}
	ps, err := st.ListProjects(context.Background())
	if err != nil || len(ps) != 1 || ps[0].ID != sb.Getenv("VNGCLOUD_PROJECT_ID") {
		t.Fatalf("projects %v, %v", ps, err)
	}
}
