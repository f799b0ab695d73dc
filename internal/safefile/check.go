package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// Errors of [Check] and [Write], for errors.Is. Each error also names the
// path and says what to do.
var (
	// ErrNoFolder is matched when the destination's folder does not exist
	// (and Options.MkdirAll is not set) or a part of its path is not a
	// folder.
	ErrNoFolder = errors.New("safefile: the destination's folder does not exist")
	// ErrNotWritable is matched when the destination's folder (or, with
	// MkdirAll, the folder that would hold the new folders) cannot be
	// written by this process: its permissions, a read-only file system or
	// an immutable folder.
	ErrNotWritable = errors.New("safefile: the destination's folder is not writable")
	// ErrInvalidName is matched when the destination's name cannot be a
	// file name on this system: empty, "." or "..", too long
	// (ENAMETOOLONG), a NUL byte, or on Windows a reserved character or
	// device name.
	ErrInvalidName = errors.New("safefile: the destination's name is not valid on this system")
	// ErrUnsafeSymlink is matched when the path goes through a symbolic
	// link that Write does not follow; see the package documentation.
	ErrUnsafeSymlink = errors.New("safefile: the path goes through a symbolic link that another user controls")
)

// maxLinks is how many symbolic links a path may go through, as Linux's
// MAXSYMLINKS.
const maxLinks = 40

// Check reports, without creating or changing anything, whether
// Write(path, data, opts) could write: the name is valid on this system,
// every symbolic link on the way may be followed, the folder exists (or,
// with opts.MkdirAll, can be made) and is writable by this process, and an
// existing destination is a regular file that opts.Policy allows to
// replace. It returns nil or an error matching one of ErrInvalidName,
// ErrUnsafeSymlink, ErrDanglingSymlink, ErrNoFolder, ErrNotWritable,
// ErrNotRegular or ErrExist.
//
// A check is a snapshot: the file system may change before the write, and
// Write checks again.
func Check(path string, opts Options) error {
	_, _, err := inspect(path, opts)
	return err
}

// inspect is Check; it also returns the file Write replaces (path, or the
// final target of the symbolic links it names) and whether it exists.
func inspect(path string, opts Options) (target string, exists bool, err error) {
	if path == "" {
		return "", false, fmt.Errorf("%w: the path is empty; give a file name", ErrInvalidName)
	}
	target, err = resolve(path)
	if err != nil {
		return "", false, err
	}
	dir, base := split(target)
	if err := validName(runtime.GOOS, base); err != nil {
		return "", false, &fs.PathError{Op: "check", Path: target, Err: err}
	}
	st, err := os.Lstat(target)
	switch {
	case err == nil && !st.Mode().IsRegular():
		return "", false, &fs.PathError{Op: "check", Path: target, Err: fmt.Errorf("%w; choose another name, or move it away", ErrNotRegular)}
	case err == nil:
		exists = true
	case errors.Is(err, fs.ErrNotExist):
	default:
		return "", false, lstatError(target, err)
	}
	if err := checkFolder(dir, opts.MkdirAll && !exists); err != nil {
		return "", false, err
	}
	if exists && opts.Policy == Refuse {
		return "", false, &fs.PathError{Op: "write", Path: target, Err: ErrExist}
	}
	return target, exists, nil
}

// split returns the folder ("." for a bare name) and the name of p.
func split(p string) (dir, base string) {
	dir, base = filepath.Split(p)
	if dir == "" {
		dir = "."
	}
	return dir, base
}

// lstatError turns a failed Lstat of the destination into an error that
// says what went wrong: an over-long name is not "does not exist".
func lstatError(p string, err error) error {
	switch {
	case errors.Is(err, syscall.ENAMETOOLONG):
		return &fs.PathError{Op: "check", Path: p, Err: fmt.Errorf("%w: %w; choose a shorter name", ErrInvalidName, syscall.ENAMETOOLONG)}
	case errors.Is(err, syscall.EINVAL):
		return &fs.PathError{Op: "check", Path: p, Err: fmt.Errorf("%w: %w; remove the characters this system does not allow", ErrInvalidName, err)}
	case errors.Is(err, syscall.ENOTDIR):
		return &fs.PathError{Op: "check", Path: p, Err: fmt.Errorf("%w: a part of the folder path is a file; choose another folder", ErrNoFolder)}
	case errors.Is(err, fs.ErrPermission):
		return &fs.PathError{Op: "check", Path: p, Err: fmt.Errorf("%w: cannot look into the folder (%w); choose a folder you can write", ErrNotWritable, err)}
	}
	return fmt.Errorf("safefile: %w", err)
}

// checkFolder checks that dir is a writable folder or, with mkdir, that
// the nearest existing folder above it is.
func checkFolder(dir string, mkdir bool) error {
	d := dir
	for {
		st, err := os.Stat(d)
		if err == nil {
			if !st.IsDir() {
				return &fs.PathError{Op: "check", Path: d, Err: fmt.Errorf("%w: it is not a folder; choose another folder", ErrNoFolder)}
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return lstatError(d, err)
		}
		if !mkdir {
			return &fs.PathError{Op: "check", Path: dir, Err: fmt.Errorf("%w; create it first, or let the write create it (MkdirAll)", ErrNoFolder)}
		}
		parent := filepath.Dir(filepath.Clean(d))
		if parent == d || parent == filepath.Clean(d) {
			return &fs.PathError{Op: "check", Path: dir, Err: ErrNoFolder}
		}
		d = parent
	}
	if err := writableDir(d); err != nil {
		return &fs.PathError{Op: "check", Path: d, Err: fmt.Errorf("%w (%w); choose a folder you can write, or fix its permissions", ErrNotWritable, err)}
	}
	return nil
}

// validName checks a file name against the rules of goos that a stat call
// does not report (too long a name is found by Lstat).
func validName(goos, name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("%w: %q is not a file name; name a file", ErrInvalidName, name)
	case strings.IndexByte(name, 0) >= 0:
		return fmt.Errorf("%w: it contains a NUL byte", ErrInvalidName)
	}
	if goos != "windows" {
		if len(name) > 255 {
			return fmt.Errorf("%w: %w (%d bytes, most systems allow 255); choose a shorter name", ErrInvalidName, syscall.ENAMETOOLONG, len(name))
		}
		return nil
	}
	for _, r := range name {
		if r < 32 || strings.ContainsRune(`<>:"|?*\/`, r) {
			return fmt.Errorf("%w: Windows does not allow %q in a file name", ErrInvalidName, r)
		}
	}
	if strings.HasSuffix(name, " ") || strings.HasSuffix(name, ".") {
		return fmt.Errorf("%w: Windows drops a final space or dot from a file name", ErrInvalidName)
	}
	if len([]rune(name)) > 255 {
		return fmt.Errorf("%w: longer than Windows' 255 characters", ErrInvalidName)
	}
	stem, _, _ := strings.Cut(name, ".")
	switch u := strings.ToUpper(strings.TrimRight(stem, " ")); {
	case u == "CON" || u == "PRN" || u == "AUX" || u == "NUL" || u == "CONIN$" || u == "CONOUT$",
		len(u) == 4 && (strings.HasPrefix(u, "COM") || strings.HasPrefix(u, "LPT")) && strings.ContainsRune("123456789¹²³", rune(u[3])):
		return fmt.Errorf("%w: %s is a Windows device name", ErrInvalidName, stem)
	}
	return nil
}

// resolve returns the file Write replaces: path itself or, through the
// symbolic links on the way, the real file. Every link is checked with
// mayFollow before it is followed. A missing part ends the walk: what
// remains is returned as it is, for the checks that follow to report.
func resolve(path string) (string, error) {
	if runtime.GOOS == "windows" {
		return resolveWindows(path)
	}
	isLink := false
	if st, err := os.Lstat(path); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		isLink = true
	}
	dest, rest := ".", path
	if filepath.IsAbs(path) {
		dest = "/"
	}
	links := 0
	for rest != "" {
		var comp string
		comp, rest, _ = strings.Cut(rest, "/")
		switch comp {
		case "", ".":
			continue
		case "..":
			dest = filepath.Join(dest, "..")
			continue
		}
		next := filepath.Join(dest, comp)
		st, err := os.Lstat(next)
		if err != nil {
			if isLink && links > 0 && errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("safefile: %s: %w; remove the link or create its target", path, ErrDanglingSymlink)
			}
			return filepath.Join(next, rest), nil
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			dest = next
			continue
		}
		if links++; links > maxLinks {
			return "", &fs.PathError{Op: "check", Path: path, Err: syscall.ELOOP}
		}
		if err := mayFollow(next, st, dest); err != nil {
			return "", err
		}
		to, err := os.Readlink(next)
		if err != nil {
			return "", fmt.Errorf("safefile: %w", err)
		}
		if filepath.IsAbs(to) {
			dest = "/"
		}
		if rest != "" {
			to += "/" + rest
		}
		rest = to
	}
	return dest, nil
}

// resolveWindows follows the links with filepath.EvalSymlinks when path
// itself is one. Windows links need privileges to make; no owner check.
func resolveWindows(path string) (string, error) {
	st, err := os.Lstat(path)
	if err != nil || st.Mode()&fs.ModeSymlink == 0 {
		return path, nil
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("safefile: %s: %w; remove the link or create its target", path, ErrDanglingSymlink)
		}
		return "", fmt.Errorf("safefile: %w", err)
	}
	return target, nil
}

// followAllowed is the rule for following a symbolic link owned by
// linkUID, found in a folder that is sticky and world-writable or not, by
// a process with effective user euid: the link is the caller's own, or
// root's outside a sticky world-writable folder. It is the rule of Linux's
// fs.protected_symlinks, made stricter: the kernel also follows a link
// owned by another user when that user owns the folder or the link is not
// in a sticky world-writable folder.
func followAllowed(linkUID, euid int, stickyWorldWritable bool) bool {
	return linkUID == euid || linkUID == 0 && !stickyWorldWritable
}

// lockWait is how long a write waits for another write of the same file
// where only a lock file serialises them.
var lockWait = 10 * time.Second

// lockFile serialises writers with a lock file ".<name>.lock" created
// exclusively beside the file; it is removed on unlock.
func lockFile(dir, base string) (unlock func(), err error) {
	name := filepath.Join(dir, "."+base+".lock")
	deadline := time.Now().Add(lockWait)
	for {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			f.Close()
			return func() { os.Remove(name) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("safefile: locking %s: %w", filepath.Join(dir, base), err)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("safefile: another write of %s has held %s for %v; if no other program is writing it, delete %s and try again", filepath.Join(dir, base), name, lockWait, name)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
