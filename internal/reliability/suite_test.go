package reliability

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// suiteSecrets are the fixed secrets and tokens of the repository's tests
// and fixtures. TestSuiteLogHasNoSecrets looks for them in the output of
// the whole test suite.
var suiteSecrets = []string{
	// viam/testdata: client secrets and tokens of the fixtures.
	"Nw4eR6tY8uI0oP2aS4dF6gH8jK1lZ3xC",
	"Xq7mP2vR9sT4wY6zB8nC1dF3gH5jK0Lf",
	"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzYS1maXh0dXJlIiwidHlwZSI6InNlcnZpY2Utc2EifQ.Zml4dHVyZS1zaWduYXR1cmU",
	"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzYS1maXh0dXJlLXYxIiwidHlwZSI6InNlcnZpY2Utc2EifQ.Zml4dHVyZS1zaWduYXR1cmUtdjE",
	"Zml4dHVyZS1zaWduYXR1cmU", // the fixture tokens' signature part
	// vstorage/testdata: the secret of the created key.
	"wJ9sKx2Vq7LpR4tY8uZ1mN6bC3vX0aDfGhJkLz5E",
	// Secrets the tests' code uses.
	"cs-sekrit-5f2b9e8d1a",        // viam unit tests' client secret
	"wrong-sekrit",                // viam: a refused secret
	"TOP-SECRET-9f8e7d",           // s3cfg: secrets never printed
	"Sup3r/Secret",                // s3cfg: editing
	"vStorage+Dummy/Secret=Key%1", // s3cfg and examples: config values
	"env/Secret+Value=1",          // s3cfg corpus: a secret from the environment
	"wJalrXUtnFEMI/K7MDENG",       // the package example's secret
	// This package's own.
	"static-token-held-by-a-client-0123456789",
	"old-world-readable-secret",
	"s3cfg-example-secret-from-env-0123456789",
	"wrong-client-secret-for-the-examples-0123",
	"static-token-the-service-refuses-0123456789",
	"bearer-that-must-stay-home",
	"client-secret-must-stay-home",
	"redirected-token-value",
	"redirected-client-secret",
	"xml-secret-value-0123456789",
	"static-token-value-0123456789abcdef",
}

// suitePatterns match the random secrets the test servers make, which no
// list can name: viamtest's tokens ("vt1." and 43 base64url characters),
// its client secrets (32 letters and digits) and vstoragetest's S3 secret
// keys (40), when mixed-case as those are.
var suitePatterns = []*regexp.Regexp{
	regexp.MustCompile(`vt1\.[A-Za-z0-9_-]{43}`),
	regexp.MustCompile(`\b[A-Za-z0-9]{32}\b`),
	regexp.MustCompile(`\b[A-Za-z0-9]{40}\b`),
}

// testName matches the names of tests, which can have the same shape.
var testName = regexp.MustCompile(`^(Test|Benchmark|Example|Fuzz)[A-Z0-9_]`)

func mixedCase(s string) bool {
	return strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz") && strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
		strings.ContainsAny(s, "0123456789")
}

// TestSuiteSecretsAreUsed: every listed secret is still used by the
// repository (so the list does not rot into searching for nothing).
func TestSuiteSecretsAreUsed(t *testing.T) {
	var all strings.Builder
	filepath.WalkDir(filepath.Join("..", ".."), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == ".git" || d.Name() == "fuzz") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "suite_test.go") || strings.HasSuffix(path, ".json") {
			b, _ := os.ReadFile(path)
			all.Write(b)
		}
		return nil
	})
	for _, s := range suiteSecrets {
		if !strings.Contains(all.String(), s) {
			t.Errorf("%q is in no test or fixture any more: update suiteSecrets", s)
		}
	}
}

// TestSuiteLogHasNoSecrets searches the output of a whole test-suite run
// for the secrets above and for the shapes of the test servers' random
// ones. It needs that output, made with the SDK's debug log on (the build
// tag vngcloud_debuglog gives every client without a logger one that
// writes to stderr), named by RELIABILITY_SUITE_LOG; the test command
// (.ci/test.sh) makes it and runs this test over it
// (TestTestCommandSearchesSuiteLog checks that it does). By hand:
//
//	go test -count=1 -v -tags vngcloud_debuglog ./... > /tmp/suite.log 2>&1
//	RELIABILITY_SUITE_LOG=/tmp/suite.log go test -count=1 -v -run TestSuiteLogHasNoSecrets ./internal/reliability
//
// Inside that whole-suite run itself, where no log exists yet, it skips.
func TestSuiteLogHasNoSecrets(t *testing.T) {
	path := os.Getenv("RELIABILITY_SUITE_LOG")
	if path == "" {
		t.Skip("RELIABILITY_SUITE_LOG is not set: the test command runs this test over the whole suite's output (see .ci/test.sh)")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	log := suiteOutput(b)
	if !strings.Contains(log, "=== RUN") {
		t.Fatalf("%s is not the output of go test -v", path)
	}
	debug := strings.Count(log, `level=DEBUG msg="vngcloud:`)
	if debug == 0 {
		t.Fatalf("%s has no debug line of the SDK: run the suite with -tags vngcloud_debuglog", path)
	}
	for _, l := range leaks(log, suiteSecrets) {
		t.Error(l)
	}
	hits := 0
	for _, re := range suitePatterns {
		for _, m := range re.FindAllString(log, -1) {
			if strings.HasPrefix(m, "vt1.") || mixedCase(m) && !testName.MatchString(m) {
				hits++
				t.Errorf("looks like a test server's secret or token: %.6s… (%d chars): %s", m, len(m), leaks(log, []string{m})[0])
			}
		}
	}
	t.Logf("searched %d bytes of suite output (%d lines, %d debug lines of the SDK) for %d fixed secrets and %d patterns: %d hits",
		len(log), strings.Count(log, "\n"), debug, len(suiteSecrets), len(suitePatterns), hits)
}

// TestTestCommandSearchesSuiteLog: the test command runs the whole suite
// with the SDK's debug log on, keeps its -v output, and runs
// TestSuiteLogHasNoSecrets over it, so that the search is not skipped in
// CI for want of a variable nobody sets.
func TestTestCommandSearchesSuiteLog(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", ".ci", "test.sh"))
	if err != nil {
		t.Fatal(err)
	}
	script := string(b)
	var suite, search bool
	// The suite runs as one command over ./..., or in two parts over the
	// packages without and with real tools (which .ci/test.sh computes from
	// go list ./..., so that together they are every package).
	var withoutTools, withTools bool
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			continue
		}
		if strings.Contains(line, "go test") && strings.Contains(line, "-tags vngcloud_debuglog") &&
			(strings.Contains(line, " -v ") || strings.Contains(line, " -json ")) &&
			(strings.Contains(line, ">") || strings.Contains(line, "tee ")) {
			withoutTools = withoutTools || strings.Contains(line, "$without_tools")
			withTools = withTools || strings.Contains(line, "$with_tools")
			suite = suite || strings.Contains(line, "./...") || withoutTools && withTools
		}
		if suite && strings.Contains(line, "RELIABILITY_SUITE_LOG=") && strings.Contains(line, "go test") &&
			strings.Contains(line, "TestSuiteLogHasNoSecrets") && strings.Contains(line, "./internal/reliability") {
			search = true
		}
	}
	if !suite || !search {
		t.Fatalf(".ci/test.sh does not run the whole suite with -v or -json and -tags vngcloud_debuglog into a log (%v) and then TestSuiteLogHasNoSecrets over it (%v)", suite, search)
	}
}

// suiteOutput returns the text of a go test -v log, or of a go test -json
// stream (the Output of its events, in order).
func suiteOutput(b []byte) string {
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		return string(b)
	}
	var out strings.Builder
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var ev struct{ Output string }
		if err := dec.Decode(&ev); err != nil {
			if err != io.EOF {
				// Not JSON after all (or cut short): search the bytes.
				return string(b)
			}
			return out.String()
		}
		out.WriteString(ev.Output)
	}
}
