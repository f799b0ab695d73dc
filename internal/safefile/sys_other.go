//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package safefile

import "os"

// lockDir serialises the writers of a file with a lock file beside it.
func lockDir(dir, base string) (unlock func(), err error) { return lockFile(dir, base) }

// writableDir reports whether this process may create files in dir, by
// creating and removing an empty temporary file (Windows' ACLs are not
// read here).
func writableDir(dir string) error {
	f, err := os.CreateTemp(dir, ".safefile-check-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}
