package realtools

import (
	"context"
	"debug/buildinfo"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const installScript = ".ci/install-test-tools.sh"

// VersityGWModule and VersityGWVersion name the versitygw build the tests
// expect (what .ci/install-test-tools.sh installs).
const (
	VersityGWModule  = "github.com/versity/versitygw"
	VersityGWVersion = "v1.8.0"
)

// toolSpec describes how to find and check one tool.
type toolSpec struct {
	name        string   // command name on PATH
	preferred   []string // absolute paths tried before PATH
	probe       []string // arguments of a quick run that must exit 0
	install     string   // how to install it
	envOverride string   // variable that names the binary, if any
	fallbacks   []string // absolute paths tried after PATH
}

// S3cmd returns the absolute path of s3cmd (Debian's /usr/bin/s3cmd when
// present, else the one on PATH), checked with `s3cmd --version`. It skips
// the test when s3cmd is missing or broken (fails it when CI is set).
//
// Run it directly, never as `python3 s3cmd`: python3 on PATH may be a pyenv
// shim without s3cmd's modules; the script's own #!/usr/bin/python3 is right.
func S3cmd(t testing.TB) string {
	t.Helper()
	return findTool(t, toolSpec{
		name:      "s3cmd",
		preferred: []string{"/usr/bin/s3cmd"},
		probe:     []string{"--version"},
		install:   "apt-get install -y s3cmd, or run " + installScript,
	})
}

// Rclone returns the absolute path of rclone (Debian's /usr/bin/rclone when
// present, else the one on PATH), checked with `rclone version`. It skips
// the test when rclone is missing or broken (fails it when CI is set).
func Rclone(t testing.TB) string {
	t.Helper()
	return findTool(t, toolSpec{
		name:      "rclone",
		preferred: []string{"/usr/bin/rclone"},
		probe:     []string{"version"},
		install:   "apt-get install -y rclone, or run " + installScript,
	})
}

// AWS returns the absolute path of the AWS CLI, preferring Debian's awscli
// v2 at /usr/bin/aws over PATH (where `aws` may be a pyenv shim of AWS CLI
// v1), checked with `aws --version`. It skips the test when the CLI is
// missing or broken (fails it when CI is set).
func AWS(t testing.TB) string {
	t.Helper()
	return findTool(t, toolSpec{
		name:      "aws",
		preferred: []string{"/usr/bin/aws"},
		probe:     []string{"--version"},
		install:   "apt-get install -y awscli, or run " + installScript,
	})
}

// VersityGW returns the absolute path of versitygw: $VERSITYGW if set (then
// it must work), else versitygw on PATH, else the build that
// .ci/install-test-tools.sh leaves in
// ${XDG_CACHE_HOME:-$HOME/.cache}/vngcloud-test/bin/versitygw (both
// $XDG_CACHE_HOME and $HOME/.cache are tried). It is checked with
// `versitygw --version`. It skips the test when none is found (fails it when
// CI is set), and logs a note when the binary is not VersityGWVersion.
func VersityGW(t testing.TB) string {
	t.Helper()
	var fallbacks []string
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		fallbacks = append(fallbacks, filepath.Join(d, "vngcloud-test", "bin", "versitygw"))
	}
	if h, err := os.UserHomeDir(); err == nil {
		fallbacks = append(fallbacks, filepath.Join(h, ".cache", "vngcloud-test", "bin", "versitygw"))
	}
	path := findTool(t, toolSpec{
		name:        "versitygw",
		probe:       []string{"--version"},
		install:     "run " + installScript + " (it builds " + VersityGWModule + "/cmd/versitygw@" + VersityGWVersion + "), or set VERSITYGW to a versitygw binary",
		envOverride: "VERSITYGW",
		fallbacks:   fallbacks,
	})
	if v := versityGWVersion(path); v != VersityGWVersion {
		t.Logf("realtools: %s is versitygw %q, not %s; flags or behaviour may differ", path, v, VersityGWVersion)
	}
	return path
}

// versityGWVersion returns the module version recorded in a go-built
// versitygw binary, or "" when it cannot be read.
func versityGWVersion(path string) string {
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		return ""
	}
	if info.Main.Path == VersityGWModule {
		return info.Main.Version
	}
	return ""
}

// skipOrFatal skips the test, or fails it when CI is set.
func skipOrFatal(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatalf("realtools: %s (CI is set, so this fails instead of skipping)", msg)
	}
	t.Skipf("realtools: %s", msg)
}

// probeResult caches one `tool --version` run per path.
type probeResult struct {
	once sync.Once
	err  error
}

var probes sync.Map // path+probe args -> *probeResult

// findTool locates and probes a tool as described by spec.
func findTool(t testing.TB, spec toolSpec) string {
	t.Helper()
	var path string
	if spec.envOverride != "" {
		if p := os.Getenv(spec.envOverride); p != "" {
			abs, err := filepath.Abs(p)
			if err == nil {
				err = checkExecutable(abs)
			}
			if err != nil {
				t.Fatalf("realtools: %s=%s: %v", spec.envOverride, p, err)
			}
			path = abs
		}
	}
	if path == "" {
		for _, p := range spec.preferred {
			if checkExecutable(p) == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		if p, err := exec.LookPath(spec.name); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				path = abs
			}
		}
	}
	if path == "" {
		for _, p := range spec.fallbacks {
			if checkExecutable(p) == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		skipOrFatal(t, "%s not found: %s", spec.name, spec.install)
	}
	key := path + "\x00" + strings.Join(spec.probe, "\x00")
	v, _ := probes.LoadOrStore(key, &probeResult{})
	pr := v.(*probeResult)
	pr.once.Do(func() { pr.err = probe(path, spec.probe) })
	if pr.err != nil {
		skipOrFatal(t, "%s does not work: %v; %s", path, pr.err, spec.install)
	}
	return path
}

// checkExecutable reports whether p is a regular file with an execute bit.
func checkExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

// probe runs path with args in a clean environment and a temporary HOME.
func probe(path string, args []string) error {
	home, err := os.MkdirTemp("", "realtools-probe-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = Env(home)
	cmd.Dir = home
	configureChild(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", filepath.Base(path), strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
