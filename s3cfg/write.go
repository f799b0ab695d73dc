package s3cfg

import (
	"fmt"
	"io/fs"

	"github.com/vstorage-sdk/vngcloud/internal/safefile"
)

// IfExists says what [WriteFile] does when the destination already exists.
type IfExists int

// What to do with an existing file. The zero value refuses.
const (
	// Refuse leaves an existing file alone and fails with an error that
	// matches [ErrExist].
	Refuse IfExists = iota
	// Backup keeps the existing file under a new name ("<name>.bak", or a
	// timestamped name when that is taken; an older backup is never
	// overwritten) and then replaces it.
	Backup
	// Replace replaces the existing file without a backup.
	Replace
)

// String returns "refuse", "backup" or "replace".
func (p IfExists) String() string { return p.policy().String() }

func (p IfExists) policy() safefile.Policy {
	switch p {
	case Backup:
		return safefile.Backup
	case Replace:
		return safefile.Replace
	}
	return safefile.Refuse
}

// Errors of [WriteFile] and [CheckWritable], for errors.Is. Each error is
// an *fs.PathError naming the path concerned, and its message says what to
// do.
var (
	// ErrExist: the destination exists and the policy is Refuse. It is
	// fs.ErrExist. Choose Backup or Replace, or another path.
	ErrExist = safefile.ErrExist
	// ErrDanglingSymlink: the destination is a symbolic link to nothing.
	ErrDanglingSymlink = safefile.ErrDanglingSymlink
	// ErrNotRegular: the destination is a folder or another non-file.
	ErrNotRegular = safefile.ErrNotRegular
	// ErrNoFolder: the destination's folder does not exist (and MkdirAll
	// is not set), or a part of its path is a file.
	ErrNoFolder = safefile.ErrNoFolder
	// ErrNotWritable: this process cannot create files in the
	// destination's folder (permissions, a read-only or immutable folder).
	ErrNotWritable = safefile.ErrNotWritable
	// ErrInvalidName: the name cannot be a file name on this system (too
	// long, a NUL byte, a character or device name Windows reserves).
	ErrInvalidName = safefile.ErrInvalidName
	// ErrUnsafeSymlink: the path goes through a symbolic link that is
	// neither the caller's nor root's, or a link in a sticky
	// world-writable folder (such as /tmp) that is not the caller's; see
	// [WriteFile].
	ErrUnsafeSymlink = safefile.ErrUnsafeSymlink
)

// WriteOptions control [WriteFile].
type WriteOptions struct {
	// IfExists applies when the destination exists; the zero value
	// refuses.
	IfExists IfExists
	// MkdirAll creates missing parent folders (mode 0700), for example
	// %APPDATA% on a fresh profile.
	MkdirAll bool
}

// WriteFile writes a config file safely: the data goes to a temporary
// file in the destination's folder with mode 0600, is synced to disk, and
// is then renamed over the destination, so a reader sees the old file or
// the new one, never a mix. An existing file is refused, backed up or
// replaced as opts say, never silently. Any failure leaves the old file as
// it was and removes the temporary file. It first makes the checks of
// [CheckWritable].
//
// A destination that is a symbolic link is written through: the link's
// target gets the new content and the link is kept (a dotfile manager's
// link keeps working). A link to nothing is refused. On Unix, a link on
// the path is followed only when it belongs to the caller, or to root
// outside a sticky world-writable folder: a link that another user planted
// in /tmp, or owns anywhere, is refused with [ErrUnsafeSymlink], so that it
// cannot make WriteFile replace a file of that user's choosing (the rule
// of Linux's fs.protected_symlinks, applied whatever the system's
// setting).
//
// Writes by this package to files in one folder are serialised with an
// advisory lock, so concurrent Backup writes each keep the version they
// replace. A backup is a new file with a copy of the old content; another
// hard link to the old file keeps its content and mode.
//
// data is checked first: bytes that s3cmd cannot decode (invalid UTF-8,
// UTF-16) are refused with a *[DecodeError], since s3cmd would fail on
// them. WriteFile returns the backup's path when it made one.
func WriteFile(path string, data []byte, opts WriteOptions) (backupPath string, err error) {
	if err := decodeCheck(data); err != nil {
		return "", err
	}
	b, err := safefile.Write(path, data, opts.safefile())
	return b, existError(err)
}

// CheckWritable reports whether [WriteFile](path, data, opts) could write
// the file, without creating or changing anything: the name is valid on
// this system, every symbolic link on the way may be followed, the folder
// exists (or, with opts.MkdirAll, the nearest existing folder above it
// does) and this process can create files in it, and an existing file is a
// regular file that opts.IfExists allows to replace. It returns nil, or an
// *fs.PathError matching one of [ErrInvalidName], [ErrUnsafeSymlink],
// [ErrDanglingSymlink], [ErrNoFolder], [ErrNotWritable], [ErrNotRegular]
// or [ErrExist], whose message says what to do.
//
// Call it before creating what the file will hold (an S3 key whose secret
// is shown once): a failure then costs nothing. The file system can still
// change before the write, which checks again.
func CheckWritable(path string, opts WriteOptions) error {
	return existError(safefile.Check(path, opts.safefile()))
}

func (o WriteOptions) safefile() safefile.Options {
	return safefile.Options{Policy: o.IfExists.policy(), MkdirAll: o.MkdirAll}
}

// existError rewords the error of a refused existing file.
func existError(err error) error {
	if pe, ok := err.(*fs.PathError); ok && pe.Err == fs.ErrExist {
		return &fs.PathError{Op: "write", Path: pe.Path, Err: fmt.Errorf("%w; not replaced: choose Backup or Replace to overwrite it, or another path", ErrExist)}
	}
	return err
}
