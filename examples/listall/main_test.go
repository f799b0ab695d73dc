package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

func listall(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var so, se bytes.Buffer
	code := runWith(context.Background(), args, func(string) string { return "" }, &so, &se, nil)
	return code, so.String(), se.String()
}

// TestDemo lists the sample account vstorage.Setup seeds: the linked and
// the unrestricted key, the bucket's grant, the service accounts and their
// policies.
func TestDemo(t *testing.T) {
	t.Parallel()
	code, so, se := listall(t)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, so, se)
	}
	for _, want := range []string{"seeded with vstorage.Setup", "region HCM04, S3 endpoint https://hcm04.vstorage.vngcloud.vn (reported by vStorage)",
		"demo-photos", "policy: 2 statements for arn:aws:iam:::user/", "restriction by vIAM: on, acts as service account demo-app",
		"restriction by vIAM: off", "service accounts (2):", "vStorageClientToolFullAccess (managed"} {
		if !strings.Contains(so, want) {
			t.Errorf("stdout lacks %q:\n%s", want, so)
		}
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"extra"}, {"--nope"}} {
		if code, _, _ := listall(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// TestAccessToken: with a bearer token in VNGCLOUD_ACCESS_TOKEN (and the
// endpoints given, which win over the console hosts it selects) the
// examples use it as is.
func TestAccessToken(t *testing.T) {
	t.Parallel()
	off := vstoragetest.NewSandbox()
	t.Cleanup(off.Close)
	cc, err := viam.NewClientCredentials(off.ClientID, off.Secret, vngcloud.WithEndpoint(off.IAM.URL()))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"VNGCLOUD_ACCESS_TOKEN": tok.Reveal(), "VNGCLOUD_IAM_ENDPOINT": off.IAM.URL(),
		"VNGCLOUD_VSTORAGE_ENDPOINT": off.Storage.URL(), "VNGCLOUD_PROJECT_ID": off.ProjectID}
	var so, se bytes.Buffer
	code := runWith(context.Background(), nil, func(k string) string { return env[k] }, &so, &se, nil)
	if code != 0 || strings.Contains(so.String(), "demo:") || !strings.Contains(so.String(), "project demo-project") {
		t.Fatalf("exit %d\n%s\n%s", code, so.String(), se.String())
	}
	if off.IAM.TokensIssued() != 1 {
		t.Fatalf("%d tokens issued: the examples did not use the one given", off.IAM.TokensIssued())
	}
}
