//go:build !linux

package realtools

import (
	"os"
	"os/exec"
)

// configureChild is a no-op outside Linux: exec.CommandContext kills the
// child itself when the run's context ends.
func configureChild(cmd *exec.Cmd) {}

// terminate asks a process to stop: an interrupt where the OS supports it,
// a kill otherwise.
func terminate(cmd *exec.Cmd) error {
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		return cmd.Process.Kill()
	}
	return nil
}
