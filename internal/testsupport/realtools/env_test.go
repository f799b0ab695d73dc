package realtools

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEnv sets every kind of variable that must not leak, then checks both
// what Env returns and what a real child process sees.
func TestEnv(t *testing.T) {
	for _, kv := range []string{
		"AWS_ACCESS_KEY_ID=leak", "AWS_SECRET_ACCESS_KEY=leak", "AWS_PROFILE=leak",
		"http_proxy=http://10.0.0.1:3128", "https_proxy=http://10.0.0.1:3128",
		"HTTP_PROXY=http://10.0.0.1:3128", "HTTPS_PROXY=http://10.0.0.1:3128",
		"all_proxy=socks5://10.0.0.1", "no_proxy=*", "S3CMD_CONFIG=/leak",
		"RCLONE_CONFIG=/leak", "XDG_CONFIG_HOME=/leak", "XDG_CACHE_HOME=/leak", "LANG=fr_FR.UTF-8",
	} {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	home := t.TempDir()
	path := os.Getenv("PATH")

	got := Env(home, "EXTRA=1", "LANG=C")
	want := []string{"HOME=" + home, "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "PATH=" + path, "EXTRA=1", "LANG=C"}
	if !slices.Equal(got, want) {
		t.Fatalf("Env = %q\nwant %q", got, want)
	}

	stdout, stderr, code := Run(t, home, []string{"EXTRA=1"}, "env")
	if code != 0 {
		t.Fatalf("env: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	slices.Sort(lines)
	want = []string{"EXTRA=1", "HOME=" + home, "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "PATH=" + path}
	if !slices.Equal(lines, want) {
		t.Fatalf("child environment = %q\nwant %q", lines, want)
	}
}

func TestRunBasics(t *testing.T) {
	t.Parallel()
	home := t.TempDir()

	// stdin is closed: cat sees EOF at once instead of hanging.
	stdout, _, code := Cmd{Home: home, Timeout: 10 * time.Second}.Run(t, "cat")
	if code != 0 || stdout != "" {
		t.Errorf("cat: exit %d, stdout %q; want 0 and nothing", code, stdout)
	}

	// The working directory is home, and stdout is not a terminal.
	stdout, _, code = Run(t, home, nil, "sh", "-c", `pwd; if [ -t 1 ]; then echo tty; else echo pipe; fi; echo err >&2; exit 7`)
	if code != 7 || stdout != home+"\npipe\n" {
		t.Errorf("sh: exit %d, stdout %q; want 7 and %q", code, stdout, home+"\npipe\n")
	}

	// A timeout kills the tool and says so.
	start := time.Now()
	_, stderr, code := Cmd{Home: home, Timeout: 300 * time.Millisecond}.Run(t, "sh", "-c", "sleep 30 & sleep 30")
	if code != -1 || !strings.Contains(stderr, "killed after the 300ms timeout") {
		t.Errorf("timeout: exit %d, stderr %q", code, stderr)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("timeout took %v", d)
	}

	// A missing program is reported, not fatal.
	_, stderr, code = Run(t, home, nil, "realtools-no-such-program")
	if code != -1 || !strings.Contains(stderr, "realtools:") {
		t.Errorf("missing program: exit %d, stderr %q", code, stderr)
	}
}
