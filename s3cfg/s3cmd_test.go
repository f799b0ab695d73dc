package s3cfg

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vstorage-sdk/vngcloud/internal/realtools"
)

// -update rewrites testdata/corpus/*.want from the real s3cmd.
var updateGolden = flag.Bool("update", false, "rewrite testdata/corpus/*.want from the real s3cmd")

// TestCorpusRecord, with -update, records what the real s3cmd does with
// each corpus file in testdata/corpus/*.want.
func TestCorpusRecord(t *testing.T) {
	if !*updateGolden {
		t.Skip("run with -update to record the corpus outputs from the real s3cmd")
	}
	for _, path := range corpusFiles(t) {
		real := realDump(t, path)
		if err := os.WriteFile(path+".want", []byte(real.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCorpusAgainstS3cmd runs the real s3cmd on every corpus file and
// compares, byte for byte, its --dump-config output with ours, its exit
// code and error message with ours, and the number of lines it ignores
// ("WARNING: Ignoring invalid line") with our diagnostics.
func TestCorpusAgainstS3cmd(t *testing.T) {
	realtools.S3cmd(t)
	for _, path := range corpusFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			real, stderr := realDumpStderr(t, path)
			got := emulateDump(data, corpusEnv)
			compareDump(t, got, real)
			// s3cmd warns while it parses, before it checks values.
			if decodeCheck(data) == nil {
				f, _ := Parse(data)
				want := strings.Count(stderr, "WARNING: Ignoring invalid line")
				if n := countIgnored(f); n != want {
					t.Errorf("we count %d ignored lines, s3cmd warned about %d:\n%s", n, want, stderr)
				}
			}
		})
	}
}

// realDump runs the real s3cmd on path; see realDumpStderr.
func realDump(t *testing.T, path string) dumpResult {
	r, _ := realDumpStderr(t, path)
	return r
}

// realDumpStderr runs "s3cmd -c path --dump-config" with LANG=C.UTF-8,
// stdout a pipe, a fresh HOME and corpusEnv, inside "unshare -n" (so
// nothing can reach the network), through internal/realtools.
func realDumpStderr(t *testing.T, path string) (dumpResult, string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr string
	var code int
	if !strings.Contains(string(data), "$S3CFG_TEST_") {
		stdout, stderr, code = realtools.RunDumpConfig(t, path)
	} else {
		// realtools.RunDumpConfig takes no extra environment; run the
		// same command with it, and only inside a network namespace.
		stdout, stderr, code = dumpWithEnv(t, path, corpusEnv)
	}
	r := dumpResult{exit: code, stdout: stdout}
	if code != 0 {
		r.msg = s3cmdMessage(stderr)
	}
	return r, stderr
}

// netns returns the command prefix that runs a program in a new network
// namespace ("unshare -n", or "unshare -r -n" unprivileged), or nil where
// neither works.
var netns = sync.OnceValue(func() []string {
	bin, err := exec.LookPath("unshare")
	if err != nil {
		return nil
	}
	for _, flags := range [][]string{{"-n"}, {"-r", "-n"}} {
		if exec.Command(bin, append(flags, "true")...).Run() == nil {
			return append([]string{bin}, flags...)
		}
	}
	return nil
})

// dumpWithEnv is realtools.RunDumpConfig with extra environment variables
// (which it does not take). Like it, it runs s3cmd inside a network
// namespace, or, where there is none, only after checking that s3cmd will
// find non-empty keys and no access_token (so it has no reason to ask the
// network for credentials).
func dumpWithEnv(t *testing.T, path string, env map[string]string) (string, string, int) {
	t.Helper()
	bin := realtools.S3cmd(t)
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	prefix := netns()
	if prefix == nil {
		data, err := os.ReadFile(abs)
		if err != nil {
			t.Fatal(err)
		}
		f, perr := Parse(data)
		c := f.Resolve(Runtime{LookupEnv: EnvMap(env)})
		tok, _ := c.Value("access_token")
		if perr == nil && (c.AccessKey() == "" || c.SecretKey().IsZero() || tok != "") {
			t.Skip("no network namespace here, and s3cmd would look for credentials on the network")
		}
	}
	var extra []string
	for _, k := range sortedKeys(env) {
		extra = append(extra, k+"="+env[k])
	}
	home := t.TempDir()
	argv := append(append(append([]string{}, prefix...), bin), "-c", abs, "--dump-config")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = realtools.Env(home, extra...)
	cmd.Dir = home
	var so, se strings.Builder
	cmd.Stdout, cmd.Stderr = &so, &se
	err = cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	return so.String(), se.String(), code
}

// s3cmdMessage extracts s3cmd's error message from its stderr.
func s3cmdMessage(stderr string) string {
	for _, l := range strings.Split(stderr, "\n") {
		if m, ok := strings.CutPrefix(l, "ERROR: Parameter problem: "); ok {
			return m
		}
		if m, ok := strings.CutPrefix(l, "Problem: <class '"); ok {
			if _, m, ok = strings.Cut(m, ": "); ok {
				return m
			}
		}
	}
	var errs []string
	for _, l := range strings.Split(stderr, "\n") {
		if m, ok := strings.CutPrefix(l, "ERROR: "); ok {
			errs = append(errs, m)
		}
	}
	return strings.Join(errs, "\n")
}
