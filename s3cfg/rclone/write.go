package rclone

import (
	"errors"
	"io/fs"
	"os"

	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

// Result says what [Remote.WriteFile] did.
type Result struct {
	// Path is the file written (or left alone).
	Path string
	// Created reports that the file did not exist before.
	Created bool
	// Backup is where the previous file was kept, or "".
	Backup string
	// Change lists what changed in the file. When nothing changed, the
	// file was not written at all.
	Change
}

// WriteFile adds the remote to the rclone config file at path or updates
// it there ([Remote.Merge]) and writes the file with [s3cfg.WriteFile]:
// atomically (temporary file, fsync, rename), mode 0600, through a
// symbolic link, and with any failure leaving the old file as it was.
//
// A missing file is created (and its folder too when opts.MkdirAll is
// set). An existing file is handled by opts.IfExists: [s3cfg.Backup]
// keeps the old file as "<path>.bak" (or a timestamped name) and is the
// usual choice, [s3cfg.Replace] writes without a backup, and
// [s3cfg.Refuse] (the zero value) refuses to touch it (an error matching
// [s3cfg.ErrExist]), unless it already holds the remote exactly. A file
// that already holds the remote exactly is not written.
//
// The file is read, merged and written in three steps; a change made to
// it in between (by rclone itself, say) is lost from the new file but
// kept in the backup.
func (r Remote) WriteFile(path string, opts s3cfg.WriteOptions) (Result, error) {
	res := Result{Path: path}
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		res.Created = true
	case err != nil:
		return res, err
	}
	out, ch, err := r.Merge(old)
	if err != nil {
		return res, err
	}
	res.Change = ch
	if !res.Created && !ch.Changed() {
		return res, nil
	}
	res.Backup, err = s3cfg.WriteFile(path, out, opts)
	if err != nil {
		return res, err
	}
	return res, nil
}
