package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// TestWriteRefusesForeignSymlink (issue 15 B8): a link planted by another
// user in a sticky world-writable folder, or owned by another user
// anywhere, is not followed, and the file it points at is untouched.
func TestWriteRefusesForeignSymlink(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() != 0 {
		t.Skip("needs root to make a link owned by another user (followAllowed is tested everywhere)")
	}
	victimDir := t.TempDir()
	victim := filepath.Join(victimDir, "victim")
	os.WriteFile(victim, []byte("victim's"), 0o600)
	for _, sticky := range []bool{true, false} {
		shared := t.TempDir()
		if sticky {
			os.Chmod(shared, 0o777|fs.ModeSticky)
		}
		lnk := filepath.Join(shared, ".s3cfg")
		if err := os.Symlink(victim, lnk); err != nil {
			t.Fatal(err)
		}
		if err := os.Lchown(lnk, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		for _, pol := range []Policy{Replace, Backup} {
			_, err := Write(lnk, []byte("attacker's choice"), Options{Policy: pol, Now: fixedNow})
			if !errors.Is(err, ErrUnsafeSymlink) {
				t.Errorf("sticky=%v %v: err = %v, want ErrUnsafeSymlink", sticky, pol, err)
			}
			if err := Check(lnk, Options{Policy: pol}); !errors.Is(err, ErrUnsafeSymlink) {
				t.Errorf("sticky=%v %v: Check = %v, want ErrUnsafeSymlink", sticky, pol, err)
			}
		}
		if got := read(t, victim); got != "victim's" || !equal(names(t, victimDir), []string{"victim"}) {
			t.Fatalf("sticky=%v: the link's target was written: %q %v", sticky, got, names(t, victimDir))
		}
		// The caller's own link in the same folder is followed.
		os.Lchown(lnk, 0, 0)
		if !sticky {
			if _, err := Write(lnk, []byte("mine"), Options{Policy: Replace}); err != nil || read(t, victim) != "mine" {
				t.Fatalf("own link: %v", err)
			}
			os.WriteFile(victim, []byte("victim's"), 0o600)
		}
	}
	// A link to a folder, owned by another user, is refused too.
	shared := t.TempDir()
	os.Chmod(shared, 0o777|fs.ModeSticky)
	dirLink := filepath.Join(shared, "cfg")
	os.Symlink(victimDir, dirLink)
	os.Lchown(dirLink, 65534, 65534)
	if _, err := Write(filepath.Join(dirLink, "victim"), []byte("x"), Options{Policy: Replace}); !errors.Is(err, ErrUnsafeSymlink) {
		t.Fatalf("folder link: err = %v", err)
	}
	if read(t, victim) != "victim's" {
		t.Fatal("written through a foreign folder link")
	}
}

func TestFollowAllowed(t *testing.T) {
	for _, tc := range []struct {
		link, euid int
		sticky     bool
		want       bool
	}{
		{1000, 1000, true, true},  // own link in /tmp
		{1000, 1000, false, true}, // own link
		{0, 1000, false, true},    // root's link in a system folder
		{0, 1000, true, false},    // root's link in /tmp, followed by a user
		{0, 0, true, true},        // root's own link
		{1001, 1000, false, false},
		{1001, 1000, true, false},
		{1000, 0, false, false}, // root does not follow a user's link
	} {
		if got := followAllowed(tc.link, tc.euid, tc.sticky); got != tc.want {
			t.Errorf("followAllowed(%d, %d, %v) = %v", tc.link, tc.euid, tc.sticky, got)
		}
	}
}

// TestConcurrentBackupsKeepEveryVersion (issue 15 B9): writers that all
// return nil leave every version they replaced in a backup.
func TestConcurrentBackupsKeepEveryVersion(t *testing.T) {
	const writers, rounds = 8, 25
	for round := 0; round < rounds; round++ {
		dir := t.TempDir()
		p := filepath.Join(dir, ".s3cfg")
		os.WriteFile(p, []byte("v0"), 0o600)
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = Write(p, []byte(fmt.Sprintf("v%d", i+1)), Options{Policy: Backup, Now: fixedNow})
			}()
		}
		wg.Wait()
		seen := map[string]int{}
		for _, n := range names(t, dir) {
			seen[read(t, filepath.Join(dir, n))]++
		}
		for i := 0; i <= writers; i++ {
			v := fmt.Sprintf("v%d", i)
			if i > 0 && errs[i-1] != nil {
				continue // a writer that failed may be missing
			}
			if seen[v] != 1 {
				t.Fatalf("round %d: version %s is in %d files; folder %v, errors %v", round, v, seen[v], names(t, dir), errs)
			}
		}
	}
}

// TestBackupLeavesOtherHardLinkAlone (issue 15 B10): the old file's second
// name keeps its mode and content.
func TestBackupLeavesOtherHardLinkAlone(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("mode bits")
	}
	dir := t.TempDir()
	p, other := filepath.Join(dir, ".s3cfg"), filepath.Join(dir, "shared-copy")
	os.WriteFile(p, []byte("old"), 0o644)
	os.Chmod(p, 0o644)
	if err := os.Link(p, other); err != nil {
		t.Skip("no hard links here")
	}
	bak, err := Write(p, []byte("new"), Options{Policy: Backup, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(other)
	if st.Mode().Perm() != 0o644 || read(t, other) != "old" {
		t.Fatalf("the other name changed: mode %v content %q", st.Mode().Perm(), read(t, other))
	}
	bst, _ := os.Stat(bak)
	if bst.Mode().Perm() != 0o600 || read(t, bak) != "old" || os.SameFile(st, bst) {
		t.Fatalf("backup: mode %v, content %q, same inode %v", bst.Mode().Perm(), read(t, bak), os.SameFile(st, bst))
	}
}

// TestCheck (issue 15 B11): every reason a write would fail is found
// without creating anything, and an over-long name is not "does not
// exist".
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing")
	os.WriteFile(existing, []byte("x"), 0o600)
	long := filepath.Join(dir, strings.Repeat("n", 300))
	for _, tc := range []struct {
		name string
		path string
		opts Options
		want error
	}{
		{"new file", filepath.Join(dir, "new"), Options{}, nil},
		{"empty", "", Options{}, ErrInvalidName},
		{"300-byte name", long, Options{}, ErrInvalidName},
		{"300-byte name, mkdir", filepath.Join(long, "f"), Options{MkdirAll: true}, ErrInvalidName},
		{"dot dot", filepath.Join(dir, ".."), Options{}, ErrNotRegular},
		{"missing folder", filepath.Join(dir, "no", "f"), Options{}, ErrNoFolder},
		{"missing folder, mkdir", filepath.Join(dir, "no", "such", "f"), Options{MkdirAll: true}, nil},
		{"file as folder", filepath.Join(existing, "f"), Options{}, ErrNoFolder},
		{"file as folder, mkdir", filepath.Join(existing, "a", "f"), Options{MkdirAll: true}, ErrNoFolder},
		{"existing, refuse", existing, Options{}, ErrExist},
		{"existing, backup", existing, Options{Policy: Backup}, nil},
		{"existing, replace", existing, Options{Policy: Replace}, nil},
		{"folder", dir, Options{Policy: Replace}, ErrNotRegular},
	} {
		err := Check(tc.path, tc.opts)
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: Check = %v, want %v", tc.name, err, tc.want)
		}
		_, werr := Write(tc.path, []byte("y"), tc.opts)
		if tc.want != nil && !errors.Is(werr, tc.want) {
			t.Errorf("%s: Write = %v, want %v", tc.name, werr, tc.want)
		}
	}
	if _, err := os.Stat(long); !errors.Is(err, syscall.ENAMETOOLONG) {
		t.Fatalf("the long name was created: %v", err)
	}
}

// TestCheckUnwritableFolder: a folder this process cannot write is found
// by Check. As root, permissions do not apply, so the folder is made
// immutable (chattr +i) where that works.
func TestCheckUnwritableFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o700)
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", ro).CombinedOutput(); err != nil {
			t.Skipf("root, and chattr +i does not work here: %v %s", err, out)
		}
		defer exec.Command("chattr", "-i", ro).Run()
	} else {
		os.Chmod(ro, 0o500)
		defer os.Chmod(ro, 0o700)
	}
	for _, p := range []string{filepath.Join(ro, "f"), filepath.Join(ro, "sub", "f")} {
		err := Check(p, Options{MkdirAll: true})
		if !errors.Is(err, ErrNotWritable) {
			t.Errorf("Check(%s) = %v, want ErrNotWritable", p, err)
		}
		if _, err := Write(p, []byte("x"), Options{MkdirAll: true}); err == nil {
			t.Errorf("Write(%s) succeeded", p)
		}
	}
	if ns := names(t, ro); len(ns) != 0 {
		t.Fatalf("the folder holds %v", ns)
	}
}

func TestValidNameWindows(t *testing.T) {
	for name, ok := range map[string]bool{
		"s3cmd.ini": true, ".s3cfg": true, "con.txt": false, "CON": false, "com1": false, "LPT9.ini": false,
		"a<b": false, "a:b": false, "trail.": false, "trail ": false, strings.Repeat("é", 255): true,
		strings.Repeat("é", 256): false, "comx": true, "console": true,
	} {
		err := validName("windows", name)
		if (err == nil) != ok || err != nil && !errors.Is(err, ErrInvalidName) {
			t.Errorf("validName(windows, %q) = %v, want ok=%v", name, err, ok)
		}
	}
	if err := validName("linux", "a:b<c>"); err != nil {
		t.Errorf("linux: %v", err)
	}
}
