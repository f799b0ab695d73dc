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

// Errors of [WriteFile], for errors.Is.
var (
	// ErrExist: the destination exists and the policy is Refuse. It is
	// fs.ErrExist.
	ErrExist = safefile.ErrExist
	// ErrDanglingSymlink: the destination is a symbolic link to nothing.
	ErrDanglingSymlink = safefile.ErrDanglingSymlink
	// ErrNotRegular: the destination is a folder or another non-file.
	ErrNotRegular = safefile.ErrNotRegular
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
// it was and removes the temporary file.
//
// A destination that is a symbolic link is written through: the link's
// target gets the new content and the link is kept (a dotfile manager's
// link keeps working). A link to nothing is refused.
//
// data is checked first: bytes that s3cmd cannot decode (invalid UTF-8,
// UTF-16) are refused with a *[DecodeError], since s3cmd would fail on
// them. WriteFile returns the backup's path when it made one.
func WriteFile(path string, data []byte, opts WriteOptions) (backupPath string, err error) {
	if err := decodeCheck(data); err != nil {
		return "", err
	}
	b, err := safefile.Write(path, data, safefile.Options{Policy: opts.IfExists.policy(), MkdirAll: opts.MkdirAll})
	if err != nil {
		if pe, ok := err.(*fs.PathError); ok && pe.Err == fs.ErrExist {
			return "", fmt.Errorf("s3cfg: %s exists; not replaced (choose Backup or Replace to overwrite it): %w", pe.Path, ErrExist)
		}
		return b, err
	}
	return b, nil
}
