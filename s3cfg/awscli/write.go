package awscli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

// FileResult says what [Profile.WriteFiles] did to one file.
type FileResult struct {
	// Path is the file written (or left alone).
	Path string
	// Created reports that the file did not exist before.
	Created bool
	// Backup is where the previous file was kept, or "".
	Backup string
	// Change lists what changed. When nothing changed, the file was not
	// written at all.
	Change
}

// Result says what [Profile.WriteFiles] did.
type Result struct {
	// Credentials is about the shared credentials file, Config about the
	// config file.
	Credentials, Config FileResult
}

// WriteFiles adds the profile to the shared credentials file and the
// config file at the given paths, or updates it there
// ([Profile.MergeCredentials], [Profile.MergeConfig]), and writes them
// with [s3cfg.WriteFile]: atomically, mode 0600, through symbolic links.
//
// Both files are read and merged before either is written, so a file the
// AWS CLI cannot read, a conflicting profile or a bad value stops
// everything. A missing file is created (its folder too with
// opts.MkdirAll); an existing one is handled by opts.IfExists:
// [s3cfg.Backup] keeps it as "<path>.bak" (or a timestamped name) and is
// the usual choice, [s3cfg.Replace] writes without a backup, [s3cfg.Refuse]
// refuses to touch it (unless it already holds the profile exactly). A
// file that already holds the profile exactly is not written.
//
// The credentials file is written first. If writing the config file then
// fails, the credentials file is put back as it was (rewritten safely with
// its old bytes, or removed if it was created; a backup made meanwhile
// stays), so that nothing is lost and no half-configured profile is left;
// the error says if that failed too.
func (p Profile) WriteFiles(credentialsPath, configPath string, opts s3cfg.WriteOptions) (Result, error) {
	res := Result{Credentials: FileResult{Path: credentialsPath}, Config: FileResult{Path: configPath}}
	if credentialsPath == "" || configPath == "" {
		return res, errors.New("awscli: both the credentials file and the config file must be given")
	}
	oldCred, credExists, err := readOld(credentialsPath)
	if err != nil {
		return res, err
	}
	oldConf, confExists, err := readOld(configPath)
	if err != nil {
		return res, err
	}
	newCred, credCh, err := p.MergeCredentials(oldCred)
	if err != nil {
		return res, err
	}
	newConf, confCh, err := p.MergeConfig(oldConf)
	if err != nil {
		return res, err
	}
	res.Credentials.Created, res.Credentials.Change = !credExists, credCh
	res.Config.Created, res.Config.Change = !confExists, confCh

	credWritten := false
	if !credExists || credCh.Changed() {
		if res.Credentials.Backup, err = s3cfg.WriteFile(credentialsPath, newCred, opts); err != nil {
			return res, err
		}
		credWritten = true
	}
	if !confExists || confCh.Changed() {
		if res.Config.Backup, err = s3cfg.WriteFile(configPath, newConf, opts); err != nil {
			if credWritten {
				if rerr := restore(credentialsPath, oldCred, credExists); rerr != nil {
					return res, fmt.Errorf("%w; putting the credentials file back failed too: %v (the previous version is %s)", err, rerr, res.Credentials.Backup)
				}
				res.Credentials.Change = Change{}
			}
			return res, err
		}
	}
	return res, nil
}

// readOld reads a file that may not exist.
func readOld(path string) (data []byte, exists bool, err error) {
	data, err = os.ReadFile(path)
	switch {
	case err == nil:
		return data, true, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, nil
	}
	return nil, false, err
}

// restore puts a file back as it was before WriteFiles wrote it.
func restore(path string, old []byte, existed bool) error {
	if !existed {
		return os.Remove(path)
	}
	_, err := s3cfg.WriteFile(path, old, s3cfg.WriteOptions{IfExists: s3cfg.Replace})
	return err
}
