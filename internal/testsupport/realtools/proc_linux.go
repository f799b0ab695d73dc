package realtools

import (
	"os/exec"
	"syscall"
)

// configureChild puts the child in its own process group, kills that whole
// group when the run's context ends, and asks the kernel to kill the child
// if the test binary dies first (so no tool or server outlives a crashed or
// timed-out test).
func configureChild(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		// The child leads its own group (Setpgid), so -pid is the group.
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
}

// terminate asks a process to stop (SIGTERM).
func terminate(cmd *exec.Cmd) error { return cmd.Process.Signal(syscall.SIGTERM) }
