package demo

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

// TestCheckDestComplete (issue 15 B11): a name too long for the system is
// found before any key is made, not read as "does not exist".
func TestCheckDestComplete(t *testing.T) {
	long := filepath.Join(t.TempDir(), strings.Repeat("n", 300))
	for _, replace := range []bool{false, true} {
		if err := CheckDest(long, replace, false); !errors.Is(err, s3cfg.ErrInvalidName) {
			t.Errorf("replace=%v: err = %v, want ErrInvalidName", replace, err)
		}
	}
}
