package s3cfg

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/internal/testsupport/realtools"
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
// nothing can reach the network), through internal/testsupport/realtools.
func realDumpStderr(t *testing.T, path string) (dumpResult, string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr string
	var code int
	var extra []string
	if strings.Contains(string(data), "$S3CFG_TEST_") {
		for _, k := range sortedKeys(corpusEnv) {
			extra = append(extra, k+"="+corpusEnv[k])
		}
	}
	stdout, stderr, code = realtools.Cmd{Extra: extra}.RunDumpConfig(t, path)
	r := dumpResult{exit: code, stdout: stdout}
	if code != 0 {
		r.msg = s3cmdMessage(stderr)
	}
	return r, stderr
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
