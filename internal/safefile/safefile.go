// Package safefile writes files that hold secrets (s3cmd configs, rclone
// configs, AWS credentials) so that a reader never sees a partial file, an
// existing file is never lost or silently replaced, and a failure at any
// step leaves the old file as it was.
//
// [Write] writes the data to a temporary file in the destination's folder
// (mode 0600 on Unix), fsyncs it, then, according to the [Policy], refuses
// to touch an existing file, keeps it as a backup, or replaces it, with an
// atomic rename (or, for a new file, an atomic hard link that cannot
// replace a file created meanwhile), and finally fsyncs the folder.
//
// # Symbolic links
//
// When the destination is a symbolic link (a dotfile manager's link into a
// repository, for example), Write writes through it: the link's final
// target is replaced and the link itself is kept, so the link keeps
// pointing at the new content. The temporary file and any backup are made
// next to the target, not next to the link. A link whose target does not
// exist is refused ([ErrDanglingSymlink]): Write does not create files at
// a place only a dangling link names.
//
// On Unix, a symbolic link anywhere on the path is followed only when it
// belongs to the writing user, or to root outside a sticky world-writable
// folder (/tmp-like, mode 1777); any other is refused
// ([ErrUnsafeSymlink]). This is Linux's fs.protected_symlinks rule, made
// stricter and applied whatever the system's setting: another user cannot
// plant a link that makes Write replace a file of theirs choosing.
//
// # Concurrent writers and backups
//
// Writes of files in one folder by this package are serialised with an
// advisory lock (flock on the folder, released by the kernel if the
// process dies; elsewhere a lock file ".<name>.lock" beside the file), so
// that two Backup writes never back up the same version twice and lose the
// other: each replaced version is in a backup. A backup is a new file, a
// copy of the old one, so that a second hard link to the old file keeps
// its content and mode.
//
// # Permissions and platforms
//
// The new file has mode [Options].Perm (0600 by default) whatever the old
// file's mode was, and belongs to the writing user. On Windows, mode bits
// other than read-only have no effect: the file inherits the folder's ACL
// (under %APPDATA% that is private to the user), and folders are not
// fsynced.
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"syscall"
	"time"
)

// Policy says what [Write] does when the destination exists.
type Policy int

// Policies. The zero value is Refuse.
const (
	// Refuse leaves an existing file alone and fails with an error that
	// matches [ErrExist]. A file created by someone else between the check
	// and the write is not replaced either (the new file is linked into
	// place, which fails if the name exists).
	Refuse Policy = iota
	// Backup keeps the existing file under a new name (see [Write]) and
	// replaces it.
	Backup
	// Replace replaces the existing file without a backup.
	Replace
)

// String returns "refuse", "backup" or "replace".
func (p Policy) String() string {
	switch p {
	case Refuse:
		return "refuse"
	case Backup:
		return "backup"
	case Replace:
		return "replace"
	}
	return fmt.Sprintf("Policy(%d)", int(p))
}

// Options control [Write].
type Options struct {
	// Policy applies when the destination exists. The zero value refuses.
	Policy Policy
	// Perm is the new file's mode. Zero means 0600.
	Perm fs.FileMode
	// MkdirAll creates missing parent folders, with mode 0700.
	MkdirAll bool
	// Now gives the time used in backup names. Nil means time.Now.
	Now func() time.Time
}

// Errors, for errors.Is.
var (
	// ErrExist is matched by the error of a Refuse write to an existing
	// file. It is fs.ErrExist.
	ErrExist = fs.ErrExist
	// ErrDanglingSymlink is matched when the destination is a symbolic link
	// whose target does not exist.
	ErrDanglingSymlink = errors.New("safefile: the destination is a symbolic link to a file that does not exist")
	// ErrNotRegular is matched when the destination exists but is not a
	// regular file (a folder, a device, a pipe).
	ErrNotRegular = errors.New("safefile: the destination is not a regular file")
)

// The operations a test can make fail.
var (
	syncFile   = func(f *os.File) error { return f.Sync() }
	syncDir    = syncDirectory
	rename     = os.Rename
	link       = os.Link
	writeData  = func(f *os.File, b []byte) (int, error) { return f.Write(b) }
	createTemp = os.CreateTemp
)

// Write writes data to path safely; see the package documentation. It
// returns the path of the backup it made (Backup policy, existing file),
// or "".
//
// Write first makes the checks of [Check], and makes them again while it
// holds the folder's lock. A backup is a copy of the old file with the
// old file's mode, less any bit the new file's mode lacks, named
// "<name>.bak", or "<name>.<YYYYMMDD-HHMMSS>.bak" when that exists, or
// "<name>.<YYYYMMDD-HHMMSS>.<N>.bak": an older backup is never
// overwritten.
//
// On any error before the final rename, the destination is unchanged, the
// temporary file is removed, and so is a backup made for this write. If
// only the folder's fsync after the rename fails, the new file is in place
// and the error says so.
func Write(path string, data []byte, opts Options) (backupPath string, err error) {
	perm := opts.Perm
	if perm == 0 {
		perm = 0o600
	}
	target, _, err := inspect(path, opts)
	if err != nil {
		return "", err
	}
	dir, base := split(target)
	if opts.MkdirAll {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("safefile: %w", err)
		}
	}
	unlock, err := lockDir(dir, base)
	if err != nil {
		return "", err
	}
	defer unlock()
	// Again under the lock: another writer may have created the file.
	target, exists, err := inspect(target, opts)
	if err != nil {
		return "", err
	}

	tmp, err := createTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("safefile: %w", err)
	}
	tmpName := tmp.Name()
	committed, made := false, ""
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmpName)
			if made != "" {
				// The old file was not replaced; drop its extra name.
				os.Remove(made)
			}
		}
	}()
	if runtime.GOOS != "windows" {
		if err := tmp.Chmod(perm); err != nil {
			return "", fmt.Errorf("safefile: %w", err)
		}
	}
	if _, err := writeData(tmp, data); err != nil {
		return "", fmt.Errorf("safefile: writing %s: %w", tmpName, err)
	}
	if err := syncFile(tmp); err != nil {
		return "", fmt.Errorf("safefile: syncing %s: %w", tmpName, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("safefile: %w", err)
	}
	if runtime.GOOS == "windows" && perm&0o200 == 0 {
		os.Chmod(tmpName, perm)
	}

	switch {
	case !exists:
		// Link cannot replace a file that appeared since the check.
		lerr := link(tmpName, target)
		switch {
		case lerr == nil:
			os.Remove(tmpName)
		case errors.Is(lerr, fs.ErrExist):
			if opts.Policy == Refuse {
				return "", &fs.PathError{Op: "write", Path: target, Err: ErrExist}
			}
			return "", fmt.Errorf("safefile: %s appeared while it was being written; not replaced: %w", target, lerr)
		default:
			// No hard links here: fall back to a rename, after one more
			// check.
			if _, err := os.Lstat(target); err == nil {
				return "", &fs.PathError{Op: "write", Path: target, Err: ErrExist}
			}
			if err := rename(tmpName, target); err != nil {
				return "", fmt.Errorf("safefile: %w", err)
			}
		}
	default:
		if opts.Policy == Backup {
			now := time.Now
			if opts.Now != nil {
				now = opts.Now
			}
			made, err = backup(target, now(), perm)
			if err != nil {
				return "", err
			}
		}
		if err := rename(tmpName, target); err != nil {
			return "", fmt.Errorf("safefile: replacing %s: %w", target, err)
		}
	}
	committed = true
	if err := syncDir(dir); err != nil {
		return made, fmt.Errorf("safefile: %s was written, but syncing its folder failed: %w", target, err)
	}
	return made, nil
}

// backup copies the existing file at target to a new, unused name and
// returns it. The copy has the old file's mode less any bit perm lacks; the
// old file is not touched, so another hard link to it keeps its content and
// mode.
func backup(target string, now time.Time, perm fs.FileMode) (string, error) {
	st, err := os.Stat(target)
	if err != nil {
		return "", fmt.Errorf("safefile: backing up %s: %w", target, err)
	}
	mode := st.Mode().Perm() & perm
	stamp := now.Format("20060102-150405")
	names := []string{target + ".bak", target + "." + stamp + ".bak"}
	for i := 1; i <= 100; i++ {
		names = append(names, fmt.Sprintf("%s.%s.%d.bak", target, stamp, i))
	}
	for _, name := range names {
		err := copyExclusive(target, name, mode)
		if err == nil {
			return name, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return "", fmt.Errorf("safefile: backing up %s: %w", target, err)
	}
	return "", fmt.Errorf("safefile: backing up %s: every backup name up to %s is taken; delete old backups", target, names[len(names)-1])
}

// copyExclusive copies src to a new file dst with mode, failing if dst
// exists.
func copyExclusive(src, dst string, mode fs.FileMode) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		f.Close()
		os.Remove(dst)
		return err
	}
	if runtime.GOOS != "windows" {
		// The new file is ours alone: set the mode exactly, whatever the
		// umask.
		if err := f.Chmod(mode); err != nil {
			return fail(err)
		}
	}
	if _, err := writeData(f, data); err != nil {
		return fail(err)
	}
	if err := syncFile(f); err != nil {
		return fail(err)
	}
	return f.Close()
}

// syncDirectory fsyncs a folder so that a rename in it is durable. Windows
// cannot open folders for that; it is skipped there.
func syncDirectory(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some file systems cannot sync a folder and say EINVAL.
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}
