package s3cfg_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

func TestWriteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", s3cfg.UnixName)
	if _, err := s3cfg.WriteFile(path, []byte("[default]\naccess_key = A\n"), s3cfg.WriteOptions{}); err == nil {
		t.Fatal("a missing folder should fail without MkdirAll")
	}
	if _, err := s3cfg.WriteFile(path, []byte("[default]\naccess_key = A\n"), s3cfg.WriteOptions{MkdirAll: true}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || (runtime.GOOS != "windows" && st.Mode().Perm() != 0o600) {
		t.Fatalf("mode %v, err %v", st.Mode(), err)
	}

	// Refused by default: the old file stays byte for byte.
	_, err := s3cfg.WriteFile(path, []byte("[default]\naccess_key = B\n"), s3cfg.WriteOptions{})
	if !errors.Is(err, s3cfg.ErrExist) {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "[default]\naccess_key = A\n" {
		t.Fatalf("old file changed: %q", b)
	}

	// Backup keeps the old file.
	bak, err := s3cfg.WriteFile(path, []byte("[default]\naccess_key = C\n"), s3cfg.WriteOptions{IfExists: s3cfg.Backup})
	if err != nil || bak == "" {
		t.Fatal(bak, err)
	}
	if b, _ := os.ReadFile(bak); string(b) != "[default]\naccess_key = A\n" {
		t.Fatalf("backup holds %q", b)
	}
	if b, _ := os.ReadFile(path); string(b) != "[default]\naccess_key = C\n" {
		t.Fatalf("new file holds %q", b)
	}

	// Bytes s3cmd cannot decode are refused before anything is touched.
	_, err = s3cfg.WriteFile(path, []byte{0xff, 0xfe, 'a', 0}, s3cfg.WriteOptions{IfExists: s3cfg.Replace})
	var de *s3cfg.DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "[default]\naccess_key = C\n" {
		t.Fatalf("file changed after a refused write: %q", b)
	}
	if s3cfg.Backup.String() != "backup" || s3cfg.Refuse.String() != "refuse" {
		t.Fatal("String")
	}
}
