package testsupport

import (
	"os/exec"
	"runtime/debug"
	"testing"
)

// GoCommand returns the command "go verb [-race] args...", for a test that
// builds programs or modules. It adds -race when the running test binary
// was built with it, so that the command reuses what the test run
// compiled instead of compiling the standard library and the SDK once more
// without it (most of a first run's time on a fresh machine). It does not
// pass the test binary's build tags: the programs it builds run as users
// build them. A build links without debug symbols (-ldflags=-s -w), which
// is faster; an -ldflags in args replaces that. The test fails when the go
// command is not on PATH.
func GoCommand(t testing.TB, verb string, args ...string) *exec.Cmd {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("this test needs the go command on PATH: %v", err)
	}
	all := []string{verb}
	if raceEnabled() {
		all = append(all, "-race")
	}
	if verb == "build" {
		all = append(all, "-ldflags=-s -w") // no debug symbols: a shorter link
	}
	return exec.Command(goTool, append(all, args...)...)
}

// raceEnabled reports whether this binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}
