package s3cfg

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckWritable: the destination check of the console flow's plan
// step. It creates nothing, agrees with WriteFile, and each failure is a
// typed *fs.PathError that says what to do.
func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, ".s3cfg")
	os.WriteFile(existing, []byte("[default]\n"), 0o600)
	for _, tc := range []struct {
		name string
		path string
		opts WriteOptions
		want error
		hint string
	}{
		{"new", filepath.Join(dir, "new.s3cfg"), WriteOptions{}, nil, ""},
		{"existing, refuse", existing, WriteOptions{}, ErrExist, "choose Backup or Replace"},
		{"existing, backup", existing, WriteOptions{IfExists: Backup}, nil, ""},
		{"too long", filepath.Join(dir, strings.Repeat("x", 300)), WriteOptions{}, ErrInvalidName, "shorter name"},
		{"no folder", filepath.Join(dir, "missing", "s3cmd.ini"), WriteOptions{}, ErrNoFolder, "MkdirAll"},
		{"no folder, mkdir", filepath.Join(dir, "missing", "s3cmd.ini"), WriteOptions{MkdirAll: true}, nil, ""},
		{"a folder", dir, WriteOptions{IfExists: Replace}, ErrNotRegular, "choose another name"},
	} {
		err := CheckWritable(tc.path, tc.opts)
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var pe *fs.PathError
		if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Path == "" || !strings.Contains(err.Error(), tc.hint) {
			t.Errorf("%s: err = %v, want %v with %q", tc.name, err, tc.want, tc.hint)
		}
		if _, werr := WriteFile(tc.path, []byte("[default]\n"), tc.opts); !errors.Is(werr, tc.want) {
			t.Errorf("%s: WriteFile = %v, want %v", tc.name, werr, tc.want)
		}
	}
	es, _ := os.ReadDir(dir)
	if len(es) != 1 {
		t.Fatalf("the checks changed the folder: %v", es)
	}
}
