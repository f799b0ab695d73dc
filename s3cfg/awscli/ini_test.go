package awscli

import (
	"bytes"
	"strings"
	"testing"

	"gopkg.in/ini.v1"
)

// TestINIv1ReadsUnlikeBotocore shows why the package does not use
// gopkg.in/ini.v1 for the AWS files, even with the options closest to
// configparser: where parse reads as botocore does (TestParseMatchesBotocore),
// ini.v1 reads other values, accepts files botocore refuses, and its
// writer re-spaces lines it did not change.
func TestINIv1ReadsUnlikeBotocore(t *testing.T) {
	opts := ini.LoadOptions{
		IgnoreInlineComment:        true,
		IgnoreContinuation:         true,
		PreserveSurroundedQuote:    true,
		AllowPythonMultilineValues: true,
		Insensitive:                true,
	}
	in := "[p]\ntick = `quoted`\ntriple = \"\"\"abc\"\"\"\nplain = a#b;c\n"
	f, err := ini.LoadSources(opts, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	ours, err := parse("credentials", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	p := ours.lookup("p")
	for key, botocore := range map[string]string{"tick": "`quoted`", "triple": `"""abc"""`} {
		if got := p.get(key).value; got != botocore {
			t.Fatalf("parse reads %s as %q", key, got)
		}
		if got := f.Section("p").Key(key).String(); got == botocore {
			t.Errorf("ini.v1 reads %s as botocore does (%q); the package doc is out of date", key, got)
		}
	}
	if got := f.Section("p").Key("plain").String(); got != "a#b;c" {
		t.Errorf("ini.v1 with IgnoreInlineComment: %q", got)
	}
	// The defaults cut values at "#" and ";".
	d, _ := ini.Load([]byte(in))
	if got := d.Section("p").Key("plain").String(); got != "a" {
		t.Errorf("default ini.v1: %q", got)
	}

	// A key twice (in any case) makes botocore refuse the whole file;
	// ini.v1 takes the last value.
	dup := "[p]\nregion = a\nRegion = b\n"
	if _, err := ini.LoadSources(opts, []byte(dup)); err != nil {
		t.Errorf("ini.v1 refuses a duplicate key: %v", err)
	}
	if _, err := parse("config", []byte(dup)); err == nil {
		t.Error("parse accepts a duplicate key")
	}

	// Writing back an untouched file re-spaces its lines ("=" aligned).
	g, _ := ini.LoadSources(opts, []byte("[ci]\nregion=eu\naws_access_key_id = A\n"))
	var b bytes.Buffer
	g.WriteTo(&b)
	if !strings.Contains(b.String(), "region            = eu") {
		t.Errorf("ini.v1 wrote:\n%s", b.String())
	}
}
