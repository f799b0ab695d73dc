package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// These tests swap package hooks, so none of them runs in parallel.

var fixedNow = func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) }

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// names lists the entries of dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, e := range es {
		ns = append(ns, e.Name())
	}
	sort.Strings(ns)
	return ns
}

func equal(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

func TestWriteNewFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s3cmd.ini")
	bak, err := Write(p, []byte("[default]\n"), Options{})
	if err != nil || bak != "" {
		t.Fatalf("Write = %q, %v", bak, err)
	}
	if got := read(t, p); got != "[default]\n" {
		t.Fatalf("content %q", got)
	}
	if ns := names(t, dir); !equal(ns, []string{"s3cmd.ini"}) {
		t.Fatalf("folder holds %v, want only the file (no temporary files)", ns)
	}
	if runtime.GOOS != "windows" {
		st, _ := os.Stat(p)
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v, want 0600", st.Mode().Perm())
		}
	}
}

func TestWritePermAndMkdirAll(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("mode bits")
	}
	dir := filepath.Join(t.TempDir(), "a", "b")
	p := filepath.Join(dir, "f")
	if _, err := Write(p, []byte("x"), Options{}); err == nil {
		t.Fatal("Write into a missing folder without MkdirAll succeeded")
	}
	if _, err := Write(p, []byte("x"), Options{MkdirAll: true, Perm: 0o640}); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v, want 0640", st.Mode().Perm())
	}
	dst, _ := os.Stat(dir)
	if dst.Mode().Perm() != 0o700 {
		t.Fatalf("folder mode %v, want 0700", dst.Mode().Perm())
	}
}

func TestWriteRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".s3cfg")
	os.WriteFile(p, []byte("old"), 0o644)
	_, err := Write(p, []byte("new"), Options{Policy: Refuse})
	if !errors.Is(err, ErrExist) || !errors.Is(err, fs.ErrExist) {
		t.Fatalf("err = %v, want ErrExist", err)
	}
	if read(t, p) != "old" || !equal(names(t, dir), []string{".s3cfg"}) {
		t.Fatal("the refused write changed the folder")
	}
}

func TestWriteBackupNeverOverwritesABackup(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".s3cfg")
	os.WriteFile(p, []byte("v1"), 0o600)
	opts := Options{Policy: Backup, Now: fixedNow}
	var baks []string
	for _, v := range []string{"v2", "v3", "v4"} {
		bak, err := Write(p, []byte(v), opts)
		if err != nil {
			t.Fatal(err)
		}
		baks = append(baks, filepath.Base(bak))
		if read(t, p) != v {
			t.Fatalf("content %q, want %q", read(t, p), v)
		}
	}
	want := []string{".s3cfg.bak", ".s3cfg.20260304-050607.bak", ".s3cfg.20260304-050607.1.bak"}
	if !equal(baks, want) {
		t.Fatalf("backups %v, want %v", baks, want)
	}
	for i, v := range []string{"v1", "v2", "v3"} {
		if got := read(t, filepath.Join(dir, want[i])); got != v {
			t.Fatalf("%s holds %q, want %q", want[i], got, v)
		}
	}
}

func TestWriteReplace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("old"), 0o644)
	bak, err := Write(p, []byte("new"), Options{Policy: Replace})
	if err != nil || bak != "" || read(t, p) != "new" || !equal(names(t, dir), []string{"f"}) {
		t.Fatalf("Replace: %q %v %v", bak, err, names(t, dir))
	}
	if runtime.GOOS != "windows" {
		st, _ := os.Stat(p)
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("replaced file has mode %v, want 0600", st.Mode().Perm())
		}
	}
}

// TestWriteFailuresKeepOldFile makes each step fail in turn and checks that
// the old file, and nothing else, remains.
func TestWriteFailuresKeepOldFile(t *testing.T) {
	boom := errors.New("injected failure")
	steps := map[string]func() func(){
		"create": func() func() {
			old := createTemp
			createTemp = func(string, string) (*os.File, error) { return nil, boom }
			return func() { createTemp = old }
		},
		"write": func() func() {
			old := writeData
			writeData = func(*os.File, []byte) (int, error) { return 0, boom }
			return func() { writeData = old }
		},
		"fsync": func() func() {
			old := syncFile
			syncFile = func(*os.File) error { return boom }
			return func() { syncFile = old }
		},
		"rename": func() func() {
			old := rename
			rename = func(string, string) error { return boom }
			return func() { rename = old }
		},
	}
	for name, inject := range steps {
		for _, pol := range []Policy{Backup, Replace} {
			t.Run(name+"/"+pol.String(), func(t *testing.T) {
				dir := t.TempDir()
				p := filepath.Join(dir, "s3cmd.ini")
				os.WriteFile(p, []byte("old"), 0o600)
				restore := inject()
				_, err := Write(p, []byte("new"), Options{Policy: pol, Now: fixedNow})
				restore()
				if !errors.Is(err, boom) {
					t.Fatalf("err = %v, want the injected failure", err)
				}
				if read(t, p) != "old" {
					t.Fatalf("old file changed to %q", read(t, p))
				}
				if ns := names(t, dir); !equal(ns, []string{"s3cmd.ini"}) {
					t.Fatalf("folder holds %v after the failure", ns)
				}
			})
		}
	}
}

// TestWriteNewFileRace: a file that appears between the check and the
// commit is not replaced.
func TestWriteNewFileRace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	old := link
	link = func(o, n string) error {
		os.WriteFile(p, []byte("theirs"), 0o600)
		return old(o, n)
	}
	defer func() { link = old }()
	_, err := Write(p, []byte("ours"), Options{Policy: Refuse})
	if !errors.Is(err, ErrExist) {
		t.Fatalf("err = %v, want ErrExist", err)
	}
	if read(t, p) != "theirs" || !equal(names(t, dir), []string{"f"}) {
		t.Fatalf("the other writer's file was touched: %q %v", read(t, p), names(t, dir))
	}
}

// TestWriteWithoutHardLinks: where link(2) is not supported, a new file is
// renamed into place and a backup is a copy.
func TestWriteWithoutHardLinks(t *testing.T) {
	old := link
	link = func(string, string) error { return &os.LinkError{Op: "link", Err: errors.ErrUnsupported} }
	defer func() { link = old }()
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if _, err := Write(p, []byte("v1"), Options{}); err != nil {
		t.Fatal(err)
	}
	bak, err := Write(p, []byte("v2"), Options{Policy: Backup, Now: fixedNow})
	if err != nil || read(t, p) != "v2" || read(t, bak) != "v1" {
		t.Fatalf("backup by copy: %v", err)
	}
	if runtime.GOOS != "windows" {
		st, _ := os.Stat(bak)
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("backup copy mode %v, want 0600", st.Mode().Perm())
		}
	}
}

// TestWriteUnwritableFolder uses real permissions; as root (which ignores
// them) the "create" case of TestWriteFailuresKeepOldFile covers it.
func TestWriteUnwritableFolder(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("needs Unix permissions that apply (not root)")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("old"), 0o600)
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	if _, err := Write(p, []byte("new"), Options{Policy: Replace}); err == nil {
		t.Fatal("Write into a read-only folder succeeded")
	}
	if read(t, p) != "old" {
		t.Fatal("old file changed")
	}
}

// TestWriteDirSyncFailure: the new file is in place and the error says the
// folder sync failed.
func TestWriteDirSyncFailure(t *testing.T) {
	old := syncDir
	syncDir = func(string) error { return errors.New("injected dir sync failure") }
	defer func() { syncDir = old }()
	p := filepath.Join(t.TempDir(), "f")
	_, err := Write(p, []byte("new"), Options{})
	if err == nil || !strings.Contains(err.Error(), "was written") || read(t, p) != "new" {
		t.Fatalf("err = %v", err)
	}
}

func TestWriteThroughSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	home, repo := t.TempDir(), t.TempDir()
	target := filepath.Join(repo, "s3cfg")
	os.WriteFile(target, []byte("old"), 0o600)
	lnk := filepath.Join(home, ".s3cfg")
	if err := os.Symlink(target, lnk); err != nil {
		t.Fatal(err)
	}
	bak, err := Write(lnk, []byte("new"), Options{Policy: Backup, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Lstat(lnk); st.Mode()&fs.ModeSymlink == 0 {
		t.Fatal("the link was replaced by a file")
	}
	if read(t, lnk) != "new" || read(t, target) != "new" {
		t.Fatal("the link's target was not updated")
	}
	if filepath.Dir(bak) != repo || read(t, bak) != "old" {
		t.Fatalf("backup %q should be next to the target and hold the old content", bak)
	}
	if !equal(names(t, home), []string{".s3cfg"}) {
		t.Fatalf("the link's folder holds %v", names(t, home))
	}
	// Refuse applies to the target.
	if _, err := Write(lnk, []byte("x"), Options{}); !errors.Is(err, ErrExist) {
		t.Fatalf("Refuse through a link: %v", err)
	}
}

func TestWriteDanglingSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir := t.TempDir()
	lnk := filepath.Join(dir, ".s3cfg")
	os.Symlink(filepath.Join(dir, "missing", "target"), lnk)
	_, err := Write(lnk, []byte("x"), Options{Policy: Replace})
	if !errors.Is(err, ErrDanglingSymlink) {
		t.Fatalf("err = %v, want ErrDanglingSymlink", err)
	}
}

func TestWriteNotRegular(t *testing.T) {
	dir := t.TempDir()
	_, err := Write(dir, []byte("x"), Options{Policy: Replace})
	if !errors.Is(err, ErrNotRegular) {
		t.Fatalf("err = %v, want ErrNotRegular", err)
	}
}
