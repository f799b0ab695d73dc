//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package safefile

import (
	"os"
	"syscall"
)

// lockDir serialises the writers of files in dir with an advisory lock
// (flock) on the folder itself, which the kernel releases if the process
// dies. Where the folder cannot be opened for reading, it falls back to a
// lock file.
func lockDir(dir, base string) (unlock func(), err error) {
	d, err := os.Open(dir)
	if err != nil {
		return lockFile(dir, base)
	}
	for {
		err = syscall.Flock(int(d.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		d.Close()
		return lockFile(dir, base)
	}
	return func() { syscall.Flock(int(d.Fd()), syscall.LOCK_UN); d.Close() }, nil
}

// writableDir reports whether this process may create files in dir
// (access(2) with W_OK|X_OK: permissions, read-only mounts, immutable
// folders).
func writableDir(dir string) error { return syscall.Access(dir, 0x2|0x1) }
