package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

func winconfig(t *testing.T, off *vstoragetest.Sandbox, args ...string) (int, string, string) {
	t.Helper()
	var so, se bytes.Buffer
	code := runWith(context.Background(), args, func(string) string { return "" }, &so, &se, off)
	return code, so.String(), se.String()
}

// TestWindowsConfig writes s3cmd.ini with CRLF line ends into the folder
// --out names, says where it goes on Windows, refuses to replace it
// without --force (deleting nothing: no key is made), and replaces it with.
func TestWindowsConfig(t *testing.T) {
	t.Parallel()
	off := vstoragetest.NewSandbox()
	t.Cleanup(off.Close)
	dir := t.TempDir()
	code, so, se := winconfig(t, off, "--user", "alice", "--out", dir)
	if code != 0 || !strings.Contains(so, `s3cmd reads C:\Users\alice\AppData\Roaming\s3cmd.ini (rule %APPDATA%)`) {
		t.Fatalf("exit %d\n%s\n%s", code, so, se)
	}
	data, err := os.ReadFile(filepath.Join(dir, "s3cmd.ini"))
	if err != nil || !bytes.Contains(data, []byte("\r\naccess_key = ")) || bytes.Count(data, []byte("\n")) != bytes.Count(data, []byte("\r\n")) {
		t.Fatalf("s3cmd.ini (%v):\n%q", err, data)
	}
	code, _, se = winconfig(t, off, "--out", dir)
	if code != 1 || !strings.Contains(se, "add --force") || len(off.Storage.Keys(off.ProjectID)) != 1 {
		t.Fatalf("existing file: exit %d, %d keys\n%s", code, len(off.Storage.Keys(off.ProjectID)), se)
	}
	if code, _, se = winconfig(t, off, "--out", dir, "--force"); code != 0 {
		t.Fatalf("--force: exit %d\n%s", code, se)
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"extra"}, {"--out", ""}, {"--user", `a\b`}, {"--nope"}} {
		if code, _, _ := winconfig(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
