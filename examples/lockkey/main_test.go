package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

func lock(t *testing.T, off *vstoragetest.Sandbox, args ...string) (int, string, string) {
	t.Helper()
	var so, se bytes.Buffer
	code := runWith(context.Background(), args, func(string) string { return "" }, &so, &se, off)
	return code, so.String(), se.String()
}

// TestLock locks the key of a config file to a bucket: grant, then link;
// the same command again finds everything in place and creates nothing.
func TestLock(t *testing.T) {
	t.Parallel()
	off := vstoragetest.NewSandbox()
	t.Cleanup(off.Close)
	_, st, err := vstorage.ClientsFromEnv(off.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	k, err := st.CreateS3Key(context.Background(), off.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	os.WriteFile(cfg, []byte("[default]\naccess_key = "+k.AccessKey+"\n"), 0o600)
	code, so, se := lock(t, off, "--bucket", "photos", "--config", cfg)
	if code != 0 || !strings.Contains(so, "service account: created lock-photos") || !strings.Contains(so, "link key: "+k.AccessKey+" acts as lock-photos now") {
		t.Fatalf("exit %d\n%s\n%s", code, so, se)
	}
	if i, j := strings.Index(so, "bucket grant:"), strings.Index(so, "link key:"); i < 0 || j < i {
		t.Errorf("the link must come after the grant:\n%s", so)
	}
	keys := off.Storage.Keys(off.ProjectID)
	pol, _ := off.Storage.BucketPolicy(off.ProjectID, "photos")
	if len(keys) != 1 || !strings.HasSuffix(keys[0].SubUserID, ":sa-lock-photos") || !strings.Contains(pol, ":sa-lock-photos") {
		t.Fatalf("keys %v, policy %s", keys, pol)
	}
	code, so, se = lock(t, off, "--bucket", "photos", "--access-key", k.ID)
	if code != 0 || strings.Contains(so, "created") || strings.Contains(so, "link key:") {
		t.Fatalf("second run: exit %d\n%s\n%s", code, so, se)
	}
}

// TestUsage: usage errors exit 2, lockkey without flags included.
func TestUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"extra", "--bucket", "b"}, {"--bucket", "b", "--access-key", "A", "--config", "f"}, {"--nope"}} {
		if code, _, _ := lock(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
