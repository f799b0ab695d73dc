package s3cfg

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func mustParse(t *testing.T, s string) *File {
	t.Helper()
	f, err := Parse([]byte(s))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

// TestClassify: each line is what s3cmd's four regular expressions make of
// it, with Python's Unicode \s and \w.
func TestClassify(t *testing.T) {
	tests := []struct {
		line string
		kind lineKind
		key  string
		raw  string
	}{
		{"", kindBlank, "", ""},
		{" \t\x0c\x1c\u00a0\u3000", kindBlank, "", ""},
		{"# c", kindComment, "", ""},
		{" \t# c", kindComment, "", ""},
		{"\u00a0# nbsp then hash", kindComment, "", ""},
		{"; c", kindInvalid, "", ""},
		{"[default]", kindSection, "", ""},
		{"[default] trailing", kindSection, "", ""},
		{"[a]b]", kindSection, "", ""},
		{"[]", kindInvalid, "", ""},
		{"[x", kindInvalid, "", ""},
		{"  [x]", kindInvalid, "", ""},
		{"k=v", kindData, "k", "v"},
		{"  k  =  v  ", kindData, "k", "v  "},
		{"k\t=\tv", kindData, "k", "v"},
		{"k =", kindData, "k", ""},
		{"k = a=b # c ; d", kindData, "k", "a=b # c ; d"},
		{"k =\u00a0\u3000v", kindData, "k", "v"},
		{"cl\u00e9 = x", kindData, "cl\u00e9", "x"},
		{"\u0663\u0660 = x", kindData, "\u0663\u0660", "x"},
		{"ke\u0301y = x", kindInvalid, "", ""}, // U+0301 is a mark, not \w
		{"host-base = x", kindInvalid, "", ""},
		{"key: v", kindInvalid, "", ""},
		{"=v", kindInvalid, "", ""},
		{"k v = x", kindInvalid, "", ""},
		{"\ufeffk = v", kindInvalid, "", ""}, // U+FEFF is neither \s nor \w
	}
	for _, tt := range tests {
		p := classifyText(tt.line)
		if p.kind != tt.kind {
			t.Errorf("%q: kind %d, want %d", tt.line, p.kind, tt.kind)
			continue
		}
		if p.kind == kindData && (p.key != tt.key || tt.line[p.valueAt:] != tt.raw) {
			t.Errorf("%q: key %q value %q, want %q %q", tt.line, p.key, tt.line[p.valueAt:], tt.key, tt.raw)
		}
	}
}

// TestQuoteRule: one pair of double quotes is removed by s3cmd's rule,
// including its odd case, then the value is stripped.
func TestQuoteRule(t *testing.T) {
	tests := map[string]string{
		`k = "abc"`:          `abc`,
		"k = \"abc\"  ":      `abc"`, // [1:-1] cuts a space, not the quote
		"k = \"abc\"\t":      `abc"`,
		"k = \"abc\"\u00a0 ": `abc"`,
		"k = \"abc\"\u3000":  `abc"`,
		`k = ""`:             ``,
		`k = "`:              `"`,
		`k = "a"b"`:          `a"b`,
		`k = ""abc""`:        `"abc"`,
		`k = 'abc'`:          `'abc'`,
		`k = " padded "`:     `padded`,
		`k = x"y"`:           `x"y"`,
		`k = "unbalanced`:    `"unbalanced`,
		"k = v \t":           `v`,
		"k = v\x1c\x1f":      `v`,
	}
	for line, want := range tests {
		f := mustParse(t, line)
		if got, ok := f.Get("k"); !ok || got != want {
			t.Errorf("%q: Get = %q, %v; want %q", line, got, ok, want)
		}
	}
}

// TestSectionsMerge: every section is read and the last line wins, even an
// empty one.
func TestSectionsMerge(t *testing.T) {
	f := mustParse(t, "a = 0\n[x]\na = 1\nb = 1\n[y]\na = 2\n[x]\nb =\n")
	if v, _ := f.Get("a"); v != "2" {
		t.Errorf("a = %q, want 2", v)
	}
	if v, ok := f.Get("b"); !ok || v != "" {
		t.Errorf("b = %q %v, want the last, empty value", v, ok)
	}
	if got := f.Lines("a"); len(got) != 3 || got[2] != 6 {
		t.Errorf("Lines(a) = %v", got)
	}
	if got := strings.Join(f.Keys(), ","); got != "a,b" {
		t.Errorf("Keys = %s", got)
	}
}

// TestLineEnds: LF, CRLF and lone CR end lines, each kept as it was.
func TestLineEnds(t *testing.T) {
	in := "a = 1\r\nb = 2\rc = 3\nd = 4\r\r\ne = 5"
	f := mustParse(t, in)
	if f.NumLines() != 6 {
		t.Fatalf("NumLines = %d, want 6", f.NumLines())
	}
	for k, want := range map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5"} {
		if got, _ := f.Get(k); got != want {
			t.Errorf("%s = %q", k, got)
		}
	}
	if string(f.Bytes()) != in {
		t.Fatal("round trip")
	}
}

func TestBOM(t *testing.T) {
	f := mustParse(t, "\ufeffhost_base = lost\n[default]\naccess_key = A\n")
	if !f.HasBOM() {
		t.Fatal("HasBOM")
	}
	if _, ok := f.Get("host_base"); ok {
		t.Fatal("s3cmd does not see a key on the BOM line")
	}
	ds := f.Diagnostics()
	if len(ds) == 0 || ds[0].Code != CodeBOMHidesKey || ds[0].Key != "host_base" || ds[0].Severity != Warning {
		t.Fatalf("diagnostics %v", ds)
	}
	if !f.RemoveBOM() {
		t.Fatal("RemoveBOM")
	}
	if v, _ := f.Get("host_base"); v != "lost" {
		t.Fatal("after RemoveBOM the key is read")
	}
	g := mustParse(t, "\ufeff[default]\naccess_key = v\n")
	if ds := g.Diagnostics(); len(ds) != 1 || ds[0].Code != CodeBOM || ds[0].Severity != Info {
		t.Fatalf("harmless BOM: %v", ds)
	}
}

// TestDecodeErrors: the files s3cmd cannot decode, with Python's message.
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		in, enc, msg string
	}{
		{"a = caf\xe9\n", "", "'utf-8' codec can't decode byte 0xe9 in position 7: invalid continuation byte"},
		{"\xff\xfe[\x00", "UTF-16LE", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"},
		{"\xfe\xff\x00[", "UTF-16BE", "'utf-8' codec can't decode byte 0xfe in position 0: invalid start byte"},
		{"\xff\xfe\x00\x00[\x00\x00\x00", "UTF-32LE", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"},
		{"\x00\x00\xfe\xff", "UTF-32BE", "'utf-8' codec can't decode byte 0xfe in position 2: invalid start byte"},
		{"ab\xe2\x82", "", "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"},
		{"ab\xed\xa0\x80", "", "'utf-8' codec can't decode byte 0xed in position 2: invalid continuation byte"},
		{"ab\xf0\x9f\x98x", "", "'utf-8' codec can't decode bytes in position 2-4: invalid continuation byte"},
		{"\xc0\xaf", "", "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"},
	}
	for _, tt := range tests {
		f, err := Parse([]byte(tt.in))
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%q: err = %v", tt.in, err)
			continue
		}
		if de.Encoding != tt.enc || de.Python != tt.msg {
			t.Errorf("%q: %q %q, want %q %q", tt.in, de.Encoding, de.Python, tt.enc, tt.msg)
		}
		if string(f.Bytes()) != tt.in {
			t.Errorf("%q: the File does not round-trip", tt.in)
		}
		ds := f.Diagnostics()
		if len(ds) == 0 || ds[0].Severity != Error {
			t.Errorf("%q: diagnostics %v", tt.in, ds)
		}
		if err := f.Resolve(Runtime{}).Err(); err == nil || err.Error() != tt.msg {
			t.Errorf("%q: Resolve.Err = %v", tt.in, err)
		}
	}
}

// TestDiagnostics checks the findings on a file with one of each.
func TestDiagnostics(t *testing.T) {
	f := mustParse(t, strings.Join([]string{
		"[default]",               // 1
		"access_key = A",          // 2
		"secretkey = typo",        // 3 unknown, did you mean
		"Access_Key = B",          // 4 unknown, did you mean
		"host-base = h",           // 5 invalid, did you mean
		"; comment?",              // 6 invalid
		"use_https: True",         // 7 invalid
		"keep_dirs = True",        // 8 newer
		"exclude = *.tmp",         // 9 not from file
		"host_base = a",           // 10
		"host_base = \"b\"  ",     // 11 duplicate, quote quirk
		"secret_key = $MY_SECRET", // 12 env
		"  continued",             // 13 invalid, continuation
		"my_own_thing = 1",        // 14 unknown, no suggestion
		"  [indented]",            // 15 invalid
	}, "\n"))
	want := []struct {
		line int
		code Code
		sugg string
	}{
		{3, CodeUnknownKey, "secret_key"},
		{4, CodeUnknownKey, "access_key"},
		{5, CodeInvalidLine, "host_base"},
		{6, CodeInvalidLine, ""},
		{7, CodeInvalidLine, "use_https"},
		{8, CodeNewerKey, ""},
		{9, CodeNotFromFile, ""},
		{11, CodeDuplicateKey, ""},
		{11, CodeQuoteQuirk, ""},
		{12, CodeEnvRef, ""},
		{13, CodeInvalidLine, ""},
		{14, CodeUnknownKey, ""},
		{15, CodeInvalidLine, ""},
	}
	ds := f.Diagnostics()
	if len(ds) != len(want) {
		for _, d := range ds {
			t.Log(d)
		}
		t.Fatalf("%d diagnostics, want %d", len(ds), len(want))
	}
	for i, w := range want {
		d := ds[i]
		if d.Line != w.line || d.Code != w.code || d.Suggestion != w.sugg {
			t.Errorf("diagnostic %d = %+v, want line %d %s %q", i, d, w.line, w.code, w.sugg)
		}
	}
	if !strings.Contains(ds[12].Message, "beginning of the line") || !strings.Contains(ds[10].Message, "continuation") {
		t.Errorf("messages: %q / %q", ds[12].Message, ds[10].Message)
	}
}

func TestSuggest(t *testing.T) {
	tests := map[string]string{
		"secretkey": "secret_key", "Access_Key": "access_key", "host-base": "host_base",
		"acess_key": "access_key", "secret_kye": "secret_key", "bucket_loction": "bucket_location",
		"HOST_BUCKET": "host_bucket", "use_http": "use_https", "signature_v4": "signature_v2",
		"access_key": "", "completely_unrelated": "", "x": "", "": "",
	}
	for in, want := range tests {
		if got := Suggest(in); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPyInt(t *testing.T) {
	tests := map[string]string{
		"0": "0", "08080": "8080", "+5": "5", "-1": "-1", "1_000": "1000", " 7 ": "7",
		"\u0663\u0660": "30", "-0": "0", "0_0": "0", "\u00a042\u3000": "42",
		"99999999999999999999999": "99999999999999999999999",
		"":                        "", "0x10": "", "1__0": "", "_1": "", "1_": "", "+": "", "- 1": "", "1.0": "", "\u00b2": "", "1e3": "",
	}
	for in, want := range tests {
		got, ok := pyInt(in)
		if ok != (want != "") || got != want {
			t.Errorf("pyInt(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// TestSavedSamples: s3cmd's own files parse without findings, and their
// dump is the file itself, as it is for s3cmd.
func TestSavedSamples(t *testing.T) {
	for _, p := range []string{"testdata/s3cmd-default.s3cfg", "testdata/s3cmd-vstorage-hcm04.s3cfg"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := mustParse(t, string(b))
		if ds := f.Diagnostics(); len(ds) != 0 {
			t.Errorf("%s: %v", p, ds)
		}
		c := f.Resolve(Runtime{LookupEnv: EnvMap(nil)})
		if c.Err() != nil || string(c.Dump()) != string(b) {
			t.Errorf("%s: dump differs from the file (err %v)", p, c.Err())
		}
		if len(c.Keys()) != 87 || f.NumLines() != 88 {
			t.Errorf("%s: %d keys, %d lines", p, len(c.Keys()), f.NumLines())
		}
	}
}

// TestUTF16WithoutBOM: UTF-16 text without a BOM can be valid UTF-8 (NUL
// bytes between ASCII letters); s3cmd then reads no key, and we say why.
func TestUTF16WithoutBOM(t *testing.T) {
	var b []byte
	for _, c := range []byte("[default]\naccess_key = A\n") {
		b = append(b, c, 0)
	}
	f, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Keys()) != 0 {
		t.Fatalf("keys %v; s3cmd reads none", f.Keys())
	}
	ds := f.Diagnostics()
	if len(ds) == 0 || ds[0].Code != CodeNUL || ds[0].Severity != Warning {
		t.Fatalf("%v", ds)
	}
}
