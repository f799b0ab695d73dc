package region

import (
	"os/exec"
	"strings"
	"testing"
)

// TestByNameIgnoresCase fails when the comparison becomes case-sensitive
// (issue: EqualFold changed to ==): every known name is found in lower,
// upper and mixed case, with surrounding spaces.
func TestByNameIgnoresCase(t *testing.T) {
	for _, r := range All() {
		lower := strings.ToLower(r.Name)
		mixed := strings.ToUpper(lower[:1]) + lower[1:]
		for _, in := range []string{r.Name, lower, mixed, " " + lower + "\t"} {
			got, ok := ByName(in)
			if !ok || got != r {
				t.Errorf("ByName(%q) = %+v, %v; want %s", in, got, ok, r.Name)
			}
		}
	}
	for _, in := range []string{"", "hcm-3", "HCM05", "hcm04x"} {
		if r, ok := ByName(in); ok {
			t.Errorf("ByName(%q) = %v, want not found", in, r)
		}
	}
}

func TestForManagement(t *testing.T) {
	for in, want := range map[string]string{
		"hcm-3": "HCM04", "HCM-3": "HCM04", "hcm3": "HCM04", "Hcm": "HCM04",
		"han-1": "HAN02", "HAN": "HAN02", " han1 ": "HAN02",
		"hcm04": "HCM04", "HaN02": "HAN02", "hcm03": "HCM03",
	} {
		if r, ok := ForManagement(in); !ok || r.Name != want {
			t.Errorf("ForManagement(%q) = %v, %v; want %s", in, r, ok, want)
		}
	}
	if r, ok := ForManagement("sgn-1"); ok {
		t.Errorf("ForManagement(sgn-1) = %v", r)
	}
}

func TestTable(t *testing.T) {
	if got := Names(); got != "HCM04, HAN02, HCM03" {
		t.Errorf("Names() = %q", got)
	}
	if HCM04().APIEndpoint != DefaultAPIEndpoint || HCM04().S3URL() != "https://hcm04.vstorage.vngcloud.vn" || HCM04().String() != "HCM04" {
		t.Errorf("HCM04 = %+v", HCM04())
	}
	if !HCM03().Legacy || HCM04().Legacy || HAN02().Legacy {
		t.Error("only HCM03 is legacy")
	}
	for _, r := range All() {
		if !strings.HasPrefix(r.APIEndpoint, "https://") || !strings.HasSuffix(r.APIEndpoint, "/") || strings.Contains(r.S3Endpoint, "/") {
			t.Errorf("%s: malformed endpoints %+v", r.Name, r)
		}
	}
	// A caller changing its copy does not change the table.
	a := All()
	a[0].Name = "X"
	if All()[0].Name != "HCM04" {
		t.Error("All shares its slice")
	}
}

// TestLeaf keeps the package a leaf: only the standard library, no HTTP.
func TestLeaf(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(p, ".") && p != "github.com/vstorage-sdk/vngcloud/vstorage/region" || strings.HasPrefix(p, "net") {
			t.Errorf("region depends on %s", p)
		}
	}
}
