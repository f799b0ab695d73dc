//go:build unix

package safefile

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// mayFollow refuses a symbolic link that [followAllowed] rejects.
func mayFollow(link string, st fs.FileInfo, dir string) error {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	sticky := false
	if dst, err := os.Stat(dir); err == nil {
		sticky = dst.Mode()&fs.ModeSticky != 0 && dst.Mode().Perm()&0o002 != 0
	}
	if followAllowed(int(sys.Uid), os.Geteuid(), sticky) {
		return nil
	}
	where := ""
	if sticky {
		where = " in a sticky world-writable folder"
	}
	return &fs.PathError{Op: "check", Path: link, Err: fmt.Errorf("%w: owned by uid %d%s; it is followed only when it is yours (or root's, outside such a folder); remove the link or write to a path of your own", ErrUnsafeSymlink, sys.Uid, where)}
}
