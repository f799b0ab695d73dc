package vstoragetest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// Without credentials a program runs against a sandbox of its own, and
// says so.
func ExampleClientsFromEnv() {
	c, err := vstoragetest.ClientsFromEnv(func(string) string { return "" }, nil, os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	p, err := c.Storage.GetProject(context.Background(), c.ProjectID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Name, c.Sandbox != nil)
	// Output:
	// demo: no VNGCLOUD_CLIENT_ID, VNGCLOUD_CLIENT_SECRET or VNGCLOUD_ACCESS_TOKEN, so this runs against in-memory vIAM and vStorage started in this process; nothing touches the cloud.
	// demo-project true
}

// TestClientsFromEnvCloud: with credentials, the clients are
// vstorage.ClientsFromEnv's, no sandbox is started and nothing is said.
func TestClientsFromEnvCloud(t *testing.T) {
	t.Parallel()
	cloud := vstoragetest.NewSandbox()
	t.Cleanup(cloud.Close)
	var notice bytes.Buffer
	env := map[string]string{"VNGCLOUD_CLIENT_ID": cloud.ClientID, "VNGCLOUD_CLIENT_SECRET": cloud.Secret.Reveal(),
		"VNGCLOUD_IAM_ENDPOINT": cloud.IAM.URL(), "VNGCLOUD_VSTORAGE_ENDPOINT": cloud.Storage.URL(), "VNGCLOUD_PROJECT_ID": " p-1 "}
	c, err := vstoragetest.ClientsFromEnv(func(k string) string { return env[k] }, nil, &notice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Sandbox != nil || c.ProjectID != "p-1" || notice.Len() != 0 {
		t.Fatalf("sandbox %v, project %q, notice %q", c.Sandbox, c.ProjectID, notice.String())
	}
	if ps, err := c.Storage.ListProjects(context.Background()); err != nil || len(ps) != 1 || ps[0].ID != cloud.ProjectID {
		t.Fatalf("projects %v, %v", ps, err)
	}
	if _, err := c.IAM.ListServiceAccounts(context.Background(), nil); err != nil || cloud.IAM.TokensIssued() != 1 {
		t.Fatalf("%v; %d tokens issued, want 1 for both clients", err, cloud.IAM.TokensIssued())
	}
}

// TestClientsFromEnvGivenSandbox: without credentials the clients work
// against the sandbox given, which Close leaves running.
func TestClientsFromEnvGivenSandbox(t *testing.T) {
	t.Parallel()
	sb := vstoragetest.NewSandbox()
	t.Cleanup(sb.Close)
	var notice bytes.Buffer
	c, err := vstoragetest.ClientsFromEnv(func(string) string { return "" }, sb, &notice)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sandbox != sb || c.ProjectID != sb.ProjectID || !strings.HasPrefix(notice.String(), "demo: ") {
		t.Fatalf("sandbox %p (want %p), project %q, notice %q", c.Sandbox, sb, c.ProjectID, notice.String())
	}
	c.Close()
	if _, err := c.Storage.CreateS3Key(context.Background(), c.ProjectID); err != nil {
		t.Fatalf("after Close: %v", err)
	}
	if n := len(sb.Storage.Keys(sb.ProjectID)); n != 1 {
		t.Fatalf("%d keys in the sandbox given, want 1", n)
	}
}

// TestClientsFromEnvOwnSandbox: without credentials and without a
// sandbox, one is started, and Close stops it.
func TestClientsFromEnvOwnSandbox(t *testing.T) {
	t.Parallel()
	c, err := vstoragetest.ClientsFromEnv(func(string) string { return "" }, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sandbox == nil {
		t.Fatal("no sandbox")
	}
	if _, err := c.Storage.ListProjects(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := c.Storage.ListProjects(context.Background()); err == nil {
		t.Fatal("the sandbox still answers after Close")
	}
}

// TestClientsFromEnvHalfCredentials: a service account given by half is
// an error, not a reason to run offline.
func TestClientsFromEnvHalfCredentials(t *testing.T) {
	t.Parallel()
	var notice bytes.Buffer
	_, err := vstoragetest.ClientsFromEnv(func(k string) string { return map[string]string{"VNGCLOUD_CLIENT_ID": "id"}[k] }, nil, &notice)
	if err == nil || errors.Is(err, vstorage.ErrNoCredentials) || notice.Len() != 0 {
		t.Fatalf("err %v, notice %q", err, notice.String())
	}
}
