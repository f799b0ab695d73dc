package s3cfg

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoHTTPDependency keeps the config-file packages free of HTTP code:
// they take the region table from vstorage/region and Secret from package
// secret, never from the API clients.
func TestNoHTTPDependency(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(p, "net/http") || strings.Contains(p, "retryablehttp") || strings.Contains(p, "querystring") ||
			strings.HasSuffix(p, "/internal/httpcore") || p == "github.com/vstorage-sdk/vngcloud" || p == "github.com/vstorage-sdk/vngcloud/vstorage" {
			t.Errorf("s3cfg depends on %s", p)
		}
	}
}
