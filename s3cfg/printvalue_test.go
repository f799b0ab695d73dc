package s3cfg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestValuesNeverPrinted: File and Config printed by value, not only
// through their pointers (issue: String and Format had pointer receivers,
// so fmt and slog printed the fields of a dereferenced File or Config).
func TestValuesNeverPrinted(t *testing.T) {
	const secret = "VALUE-SECRET-5c4b3a"
	f, err := Parse([]byte("[default]\naccess_key = A\nsecret_key = " + secret + "\nhost_base = h\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := f.Resolve(Runtime{LookupEnv: EnvMap(nil)})
	type holder struct {
		F File
		C Config
		P *File
	}
	h := holder{F: *f, C: *c, P: f}
	var out bytes.Buffer
	for _, x := range []any{*f, *c, h, &h, []File{*f}, map[string]Config{"k": *c}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			fmt.Fprintf(&out, verb+"\n", x)
		}
		fmt.Fprintln(&out, x)
	}
	for _, hd := range []slog.Handler{slog.NewTextHandler(&out, nil), slog.NewJSONHandler(&out, nil)} {
		slog.New(hd).Info("x", "file", *f, "config", *c, "holder", h, "ptr", f)
	}
	if b, err := json.Marshal(h); err == nil {
		out.Write(b)
	}
	s := out.String()
	for _, leak := range []string{secret, fmt.Sprintf("%x", secret), fmt.Sprintf("%X", secret), "secret_key = "} {
		if strings.Contains(s, leak) {
			t.Fatalf("%q leaked:\n%s", leak, s)
		}
	}
	if !strings.Contains(s, "s3cfg.File{lines: 4, keys: 3}") || !strings.Contains(s, "s3cfg.Config{options: ") {
		t.Fatalf("no summary printed:\n%s", s)
	}
}
