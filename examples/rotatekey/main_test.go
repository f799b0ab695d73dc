package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/internal/testsupport/realtools"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

func rotate(t *testing.T, off *vstoragetest.Sandbox, args ...string) (int, string, string) {
	t.Helper()
	var so, se bytes.Buffer
	code := runWith(context.Background(), args, func(string) string { return "" }, &so, &se, off)
	return code, so.String(), se.String()
}

// TestRotateThenS3cmd: offline with a real S3 server behind the test
// vStorage, the demo writes a key's file, rotates it, and the real s3cmd
// works with the new file and is refused with the backup's old key.
func TestRotateThenS3cmd(t *testing.T) {
	t.Parallel()
	realtools.S3cmd(t)
	s3 := realtools.StartS3Server(t, "HCM04")
	off := vstoragetest.NewSandbox(vstoragetest.WithDataPlane(s3), vstoragetest.WithS3Endpoints(map[string]string{"HCM04": s3.Endpoint}))
	t.Cleanup(off.Close)
	home, path := t.TempDir(), filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	code, so, se := rotate(t, off, "--config", path)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, so, se)
	}
	for _, want := range []string{"did not exist; made S3 key", "[1] S3 key: created access key", "[2] config: " + path + " (only access_key and secret_key changed", "[3] old key: deleted"} {
		if !strings.Contains(so, want) {
			t.Errorf("stdout lacks %q:\n%s", want, so)
		}
	}
	keys := off.Storage.Keys(off.ProjectID)
	if len(keys) != 1 {
		t.Fatalf("keys %v", keys)
	}
	if data, _ := os.ReadFile(path); !bytes.Contains(data, []byte(keys[0].AccessKey)) || strings.Contains(so+se, keys[0].SecretKey.Reveal()) {
		t.Fatal("the file does not hold the new key, or the output shows its secret")
	}
	if _, se, code := realtools.RunS3cmd(t, home, path, "mb", "s3://after-rotation"); code != 0 {
		t.Fatalf("s3cmd with the new key: exit %d: %s", code, se)
	}
	if _, se, code := realtools.RunS3cmd(t, home, path+".bak", "ls"); code != 77 || !strings.Contains(se, "InvalidAccessKeyId") {
		t.Fatalf("s3cmd with the old key: exit %d: %s", code, se)
	}
}

// TestUnknownKeyRefused: a file whose key the project does not have is
// refused before any change.
func TestUnknownKeyRefused(t *testing.T) {
	t.Parallel()
	off := vstoragetest.NewSandbox()
	t.Cleanup(off.Close)
	path := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	os.WriteFile(path, []byte("[default]\naccess_key = AKNOTAKEY\nsecret_key = x\n"), 0o600)
	code, so, se := rotate(t, off, "--config", path)
	if code != 1 || !strings.Contains(se, "refused before any change") || len(off.Storage.Keys(off.ProjectID)) != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, so, se)
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"extra"}, {"--config", ""}, {"--nope"}} {
		if code, _, _ := rotate(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
