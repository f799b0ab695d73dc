package s3cfg

import (
	"errors"
	"strings"
	"testing"
)

func setOK(t *testing.T, f *File, k, v string) {
	t.Helper()
	if err := f.Set(k, v); err != nil {
		t.Fatalf("Set(%q): %v", k, err)
	}
}

// TestSetEditsLastOccurrenceInPlace: only the line s3cmd reads changes,
// keeping its indentation, spacing and terminator.
func TestSetEditsLastOccurrenceInPlace(t *testing.T) {
	in := "# c\r\n[default]\r\nhost_base = first\r\n[other]\r\n  host_base\t=  \"second\"  \r\nafter = 1"
	f := mustParse(t, in)
	setOK(t, f, "host_base", "new.example")
	want := "# c\r\n[default]\r\nhost_base = first\r\n[other]\r\n  host_base\t=  new.example\r\nafter = 1"
	if got := string(f.Bytes()); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	// An empty value dumped by s3cmd ("key = ") keeps its separator.
	g := mustParse(t, "[default]\nproxy_host = \nproxy_port = 3128\n")
	setOK(t, g, "proxy_host", "127.0.0.1")
	if got := string(g.Bytes()); got != "[default]\nproxy_host = 127.0.0.1\nproxy_port = 3128\n" {
		t.Fatalf("got %q", got)
	}
}

// TestSetNewKeyPlacement: a new key goes after the last key line of the
// last section, with the file's usual terminator.
func TestSetNewKeyPlacement(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty file", "", "[default]\nk = v\n"},
		{"comments only", "# hello\n", "# hello\n[default]\nk = v\n"},
		{"comments only, CRLF, no final newline", "# a\r\n# b", "# a\r\n# b\r\n[default]\r\nk = v"},
		{"header only", "[default]\n", "[default]\nk = v\n"},
		{"header, trailing comment", "[default]\n# end\n", "[default]\nk = v\n# end\n"},
		{"after the last key of the last section", "[a]\nx = 1\n[b]\ny = 2\n\n# tail\n", "[a]\nx = 1\n[b]\ny = 2\nk = v\n\n# tail\n"},
		{"last section without keys", "[a]\nx = 1\n[b]\n# empty\n", "[a]\nx = 1\n[b]\nk = v\n# empty\n"},
		{"keys without a header", "x = 1\n# c\n", "x = 1\nk = v\n# c\n"},
		{"no final newline", "[default]\nx = 1", "[default]\nx = 1\nk = v"},
		{"CRLF file", "[default]\r\nx = 1\r\n", "[default]\r\nx = 1\r\nk = v\r\n"},
		{"CR file", "[default]\rx = 1\r", "[default]\rx = 1\rk = v\r"},
		{"mostly CRLF", "[default]\r\nx = 1\r\ny = 2\n", "[default]\r\nx = 1\r\ny = 2\nk = v\r\n"},
		{"BOM only", "\ufeff", "\ufeff[default]\nk = v\n"},
		{"BOM header", "\ufeff[default]\n", "\ufeff[default]\nk = v\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, tt.in)
			setOK(t, f, "k", "v")
			if got := string(f.Bytes()); got != tt.want {
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
			if v, _ := mustParse(t, string(f.Bytes())).Get("k"); v != "v" {
				t.Fatal("s3cmd would not read the new key")
			}
		})
	}
}

// TestSetRefusesUnexpressible: values s3cmd cannot read back are refused
// with an error naming the key and the reason, never the value.
func TestSetRefusesUnexpressible(t *testing.T) {
	const secret = "Sup3r/Secret"
	tests := map[string]string{
		"line break":  secret + "\nnext",
		"CR":          secret + "\rnext",
		"leading":     " " + secret,
		"trailing":    secret + "\t",
		"NBSP":        secret + "\u00a0",
		"U+001C":      "\x1c" + secret,
		"dollar":      "$" + secret,
		"quoted":      `"` + secret + `"`,
		"invalid utf": secret + "\xff",
	}
	for name, v := range tests {
		f := mustParse(t, "[default]\nsecret_key = old\n")
		before := string(f.Bytes())
		err := f.Set("secret_key", v)
		if err == nil {
			t.Errorf("%s: Set accepted the value", name)
			continue
		}
		if !errors.Is(err, ErrUnexpressible) || !strings.Contains(err.Error(), "secret_key") {
			t.Errorf("%s: err = %v", name, err)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error shows the value: %v", name, err)
		}
		if string(f.Bytes()) != before {
			t.Errorf("%s: the refused Set changed the file", name)
		}
	}
	// Values s3cmd keeps as they are.
	for _, v := range []string{"a#b;c", "x==", "%(bucket)s.h", "ab$cd", `a"b"`, `"open`, `close"`, "'q'", "m\u1ea1t", "a\x0cb", ""} {
		f := mustParse(t, "")
		setOK(t, f, "secret_key", v)
		if got, _ := mustParse(t, string(f.Bytes())).Get("secret_key"); got != v {
			t.Errorf("%q read back as %q", v, got)
		}
	}
}

// TestSetChecksTypes: bool and int options get s3cmd's checks.
func TestSetChecksTypes(t *testing.T) {
	f := mustParse(t, "")
	bad := map[string]string{
		"use_https": "y", "proxy_port": "0x10", "verbosity": "debug", "limitrate": "0k",
		"multipart_chunk_size_mb": "1", "add_headers": "a:b,c", "socket_timeout": "-1",
	}
	for k, v := range bad {
		err := f.Set(k, v)
		var oe *OptionError
		if !errors.As(err, &oe) || errors.Is(err, ErrUnexpressible) {
			t.Errorf("Set(%s, %q) = %v, want an s3cmd OptionError", k, v, err)
		}
	}
	for k, v := range map[string]string{"use_https": "yes", "proxy_port": "08080", "verbosity": "FATAL", "limitrate": "10k", "multipart_chunk_size_mb": "5120", "add_headers": "a: b, c:d", "acl_public": "maybe"} {
		setOK(t, f, k, v)
	}
	if err := f.Set("host-base", "x"); err == nil {
		t.Error("Set accepted a key s3cmd cannot read")
	}
}

func TestSetEnvRef(t *testing.T) {
	f := mustParse(t, "[default]\n")
	if err := f.SetEnvRef("secret_key", "S3_SECRET"); err != nil {
		t.Fatal(err)
	}
	if got := string(f.Bytes()); got != "[default]\nsecret_key = $S3_SECRET\n" {
		t.Fatalf("got %q", got)
	}
	c := f.Resolve(Runtime{LookupEnv: EnvMap(map[string]string{"S3_SECRET": "from-env"})})
	if c.SecretKey().Reveal() != "from-env" || c.EnvVar("secret_key") != "S3_SECRET" {
		t.Fatal("the reference is not resolved")
	}
	for _, bad := range []string{"", "A=B", "{X}", " X"} {
		if f.SetEnvRef("secret_key", bad) == nil {
			t.Errorf("SetEnvRef accepted %q", bad)
		}
	}
}

func TestDelete(t *testing.T) {
	f := mustParse(t, "[a]\nk = 1\nx = 1\n[b]\nk = 2")
	if n := f.Delete("k"); n != 2 {
		t.Fatalf("Delete = %d", n)
	}
	if got := string(f.Bytes()); got != "[a]\nx = 1\n[b]" {
		t.Fatalf("got %q (the missing final newline must stay missing)", got)
	}
	if f.Delete("k") != 0 {
		t.Fatal("second Delete")
	}
	// The line a BOM hides is not s3cmd's, so it stays.
	g := mustParse(t, "\ufeffk = 0\nk = 1\n")
	if g.Delete("k") != 1 || string(g.Bytes()) != "\ufeffk = 0\n" {
		t.Fatalf("BOM line: %q", g.Bytes())
	}
}

func TestNewline(t *testing.T) {
	f := mustParse(t, "a\r\nb\nc\r\nd")
	if f.Newline() != CRLF {
		t.Fatal("dominant terminator")
	}
	f.SetNewline(LF)
	if string(f.Bytes()) != "a\nb\nc\nd" {
		t.Fatalf("%q", f.Bytes())
	}
	if mustParse(t, "x").Newline() != LF || mustParse(t, "a\rb\n").Newline() != CR {
		t.Fatal("defaults and ties")
	}
	if NewlineFor("windows") != CRLF || NewlineFor("linux") != LF || NewlineFor("darwin") != LF {
		t.Fatal("NewlineFor")
	}
}

func TestCloneEqual(t *testing.T) {
	f := mustParse(t, "[default]\r\nhost_base = a\r\n")
	g := f.Clone()
	if !f.Equal(g) {
		t.Fatal("a clone is equal")
	}
	setOK(t, g, "host_base", "b")
	if f.Equal(g) {
		t.Fatal("editing the clone changed the original")
	}
	if v, _ := f.Get("host_base"); v != "a" {
		t.Fatal("original changed")
	}
	var sb strings.Builder
	if n, err := g.WriteTo(&sb); err != nil || n != int64(len(g.Bytes())) || sb.String() != "[default]\r\nhost_base = b\r\n" {
		t.Fatalf("WriteTo: %d %v %q", n, err, sb.String())
	}
	defer func() {
		if recover() == nil {
			t.Fatal("SetNewline accepted a bad terminator")
		}
	}()
	g.SetNewline("\n\n")
}
