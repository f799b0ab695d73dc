package testsupport

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNothingShippedLinksTestSupport: no package of the module that a
// program can link (every package with non-test Go files, examples and
// test servers included, test support excluded) depends on testing or on
// internal/testsupport.
func TestNothingShippedLinksTestSupport(t *testing.T) {
	const mod = "github.com/vstorage-sdk/vngcloud"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{len .GoFiles}} {{join .Deps " "}}`, mod+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	shipped := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[1] == "0" || strings.HasPrefix(f[0], mod+"/internal/testsupport") {
			continue // only tests, or test support itself
		}
		shipped++
		for _, d := range f[2:] {
			if d == "testing" || strings.HasPrefix(d, mod+"/internal/testsupport") {
				t.Errorf("%s links %s", f[0], d)
			}
		}
	}
	if shipped < 10 {
		t.Fatalf("go list found only %d shipped packages:\n%s", shipped, out)
	}
}
