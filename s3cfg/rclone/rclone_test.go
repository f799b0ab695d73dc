package rclone

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

const testSecret = `a#b;c=d"e'f` + "`g%h$i\\j:k"

func hcm04(secret string) Remote {
	return Remote{VStorage: s3cfg.VStorage{AccessKey: "AKEXAMPLE", SecretKey: vngcloud.Secret(secret), Region: "hcm04"}}
}

func TestSection(t *testing.T) {
	got, err := hcm04("plain/Secret+1=").Section()
	if err != nil {
		t.Fatal(err)
	}
	want := `[vstorage]
type = s3
provider = Other
access_key_id = AKEXAMPLE
secret_access_key = plain/Secret+1=
endpoint = https://hcm04.vstorage.vngcloud.vn
region = HCM04
force_path_style = false
`
	if string(got) != want {
		t.Fatalf("got\n%s", got)
	}
	r := Remote{Name: "lab", VStorage: s3cfg.VStorage{AccessKey: "AK", SecretKey: testSecret, Region: "HCM04", Endpoint: "http://127.0.0.1:9000", PathStyle: true}}
	got, err = r.Section()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"[lab]\n", "\nsecret_access_key = \"\"\"" + testSecret + "\"\"\"\n", "\nendpoint = http://127.0.0.1:9000\n", "\nforce_path_style = true\n"} {
		if !strings.Contains(string(got), l) {
			t.Errorf("no %q in\n%s", l, got)
		}
	}
	// An endpoint without a scheme is HTTPS; an unknown region needs one.
	r = Remote{VStorage: s3cfg.VStorage{AccessKey: "AK", SecretKey: "S", Region: "LAB1", Endpoint: "s3.lab.example:8443"}}
	if got, err = r.Section(); err != nil || !strings.Contains(string(got), "\nendpoint = https://s3.lab.example:8443\nregion = LAB1\n") {
		t.Fatalf("%v\n%s", err, got)
	}
}

func TestValuesRefused(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    Remote
		key  string
	}{
		{"no access key", Remote{VStorage: s3cfg.VStorage{SecretKey: "S", Region: "HCM04"}}, "access_key_id"},
		{"no secret", Remote{VStorage: s3cfg.VStorage{AccessKey: "A", Region: "HCM04"}}, "secret_access_key"},
		{"no region", Remote{VStorage: s3cfg.VStorage{AccessKey: "A", SecretKey: "S"}}, "region"},
		{"unknown region", Remote{VStorage: s3cfg.VStorage{AccessKey: "A", SecretKey: "S", Region: "XX9"}}, "region"},
		{"bad endpoint", Remote{VStorage: s3cfg.VStorage{AccessKey: "A", SecretKey: "S", Region: "HCM04", Endpoint: "ftp://h"}}, "endpoint"},
		{"bad name", Remote{Name: "my remote", VStorage: s3cfg.VStorage{AccessKey: "A", SecretKey: "S", Region: "HCM04"}}, "name"},
		{"secret with spaces", hcm04(" padded-secret "), "secret_access_key"},
	} {
		_, err := tt.r.Section()
		var ve *ValueError
		if !errors.As(err, &ve) || ve.Key != tt.key || !errors.Is(err, ErrUnexpressible) {
			t.Errorf("%s: %v", tt.name, err)
		}
		if err != nil && strings.Contains(err.Error(), "padded-secret") {
			t.Errorf("%s: the error shows the secret: %v", tt.name, err)
		}
	}
}

func TestCheckValue(t *testing.T) {
	ok := []string{"plain", testSecret, `"quoted"`, `'single'`, "a`b\"c", "`tick\"", "\"\"x`y", "x # y ; z", "100%", "%(", "$HOME", `C:\x`, "ünïcode", "a\u00a0b"}
	for _, v := range ok {
		if err := CheckValue("k", v); err != nil {
			t.Errorf("%q refused: %v", v, err)
		}
	}
	bad := map[string]string{
		"":            "empty",
		" lead":       "whitespace",
		"trail ":      "whitespace",
		"nbsp\u00a0":  "whitespace",
		"a\nb":        "control",
		"a\rb":        "control",
		"a\tb":        "control",
		`"""abc"""`:   `"""`,
		`"""ab`:       `"""`,
		"a`b":         "backquote",
		"`ab`":        "backquote",
		"x%(type)sy":  "%(name)s",
		"\xff":        "UTF-8",
		"ok-then\x7f": "control",
	}
	for v, reason := range bad {
		err := CheckValue("secret_access_key", v)
		if err == nil || !strings.Contains(err.Error(), reason) || !strings.Contains(err.Error(), "secret_access_key") {
			t.Errorf("%q: %v, want a reason with %q", v, err, reason)
		}
		if v != "" && err != nil && strings.Contains(err.Error(), v) {
			t.Errorf("%q: the error shows the value: %v", v, err)
		}
	}
}

// TestReadValue pins the simulation of goconfig's reading and writing:
// every value CheckValue accepts reads back from its quoted form.
func TestReadValue(t *testing.T) {
	for in, want := range map[string]string{
		"plain":         "plain",
		"  spaced  ":    "spaced",
		"`tick`":        "tick",
		"`a`b`":         "a`b",
		`"""a"b"""`:     `a"b`,
		`"quoted"`:      `"quoted"`,
		`"""ab`:         `"""ab`,
		"```":           "`",
		`""""a"b"c""""`: `"a"b"c"`,
	} {
		if got, ok := readValue(in); !ok || got != want {
			t.Errorf("readValue(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"`open", `"""abc`} {
		if _, ok := readValue(in); ok {
			t.Errorf("%q: an unclosed quote reads", in)
		}
	}
}

func TestCheckName(t *testing.T) {
	for _, n := range []string{"vstorage", "vst-hcm04", "a_b", "x+y@z", "A1"} {
		if err := CheckName(n); err != nil {
			t.Errorf("%q: %v", n, err)
		}
	}
	for _, n := range []string{"", "-x", "a b", "a.b", "a:b", "[x]", "DEFAULT", "a/b", "ü"} {
		if err := CheckName(n); err == nil {
			t.Errorf("%q accepted", n)
		}
	}
}

// merge runs Merge and fails the test on error.
func merge(t *testing.T, r Remote, in string) (string, Change) {
	t.Helper()
	out, ch, err := r.Merge([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	return string(out), ch
}

const others = "# rclone config of a user\r\n; with comments of both kinds\r\n\r\n[drive]\r\ntype = drive\r\ntoken = {\"access_token\":\"x#y;z\"}\r\n\r\n\r\n# photos\r\n[photos]\r\ntype   =   alias\r\nremote = drive:Photos # not a comment\r\nempty =\r\n"

// TestMergeAppends: a new remote goes at the end; every byte before it
// is the old file's, and the line ends follow the file (CRLF here).
func TestMergeAppends(t *testing.T) {
	out, ch := merge(t, hcm04("S"), others)
	if !strings.HasPrefix(out, others) {
		t.Fatalf("the old file is not a prefix of the new one:\n%q", out)
	}
	sec, _ := hcm04("S").Section()
	want := others + "\r\n" + strings.ReplaceAll(string(sec), "\n", "\r\n") + "\r\n"
	if out != want {
		t.Fatalf("got\n%q\nwant\n%q", out, want)
	}
	if !ch.Added || len(ch.Set) != 7 || len(ch.Removed) != 0 {
		t.Errorf("change %+v", ch)
	}
	// A file without a final newline, and one ending in a blank line (as
	// rclone writes it).
	out, _ = merge(t, hcm04("S"), "[a]\ntype = local")
	if !strings.HasPrefix(out, "[a]\ntype = local\n\n[vstorage]\n") || !strings.HasSuffix(out, "force_path_style = false\n\n") {
		t.Errorf("%q", out)
	}
	out, _ = merge(t, hcm04("S"), "[a]\ntype = local\n\n")
	if !strings.HasPrefix(out, "[a]\ntype = local\n\n[vstorage]\n") {
		t.Errorf("%q", out)
	}
	// A new file is the section and the blank line rclone puts after it.
	out, _ = merge(t, hcm04("S"), "")
	if out != string(sec)+"\n" {
		t.Errorf("%q", out)
	}
}

// TestMergeUpdatesInPlace: an existing remote keeps its position, its
// comments, its other keys and the spacing of lines whose value is
// already right; only the lines that differ change, and missing keys go
// after its last key. Other remotes are byte-identical.
func TestMergeUpdatesInPlace(t *testing.T) {
	before := "# top\n[drive]\ntype = drive\n\n# my vStorage remote\n[vstorage]\ntype = s3\n# the provider\nprovider=Other\naccess_key_id = OLDKEY\nsecret_access_key = old-secret\nsession_token = stale\nacl = private\nregion   =   HCM04\n\n; after\n[photos]\ntype = alias\nremote = drive:x\n"
	r := hcm04("new-secret")
	r.VStorage.AccessKey = "NEWKEY"
	out, ch := merge(t, r, before)
	want := "# top\n[drive]\ntype = drive\n\n# my vStorage remote\n[vstorage]\ntype = s3\n# the provider\nprovider=Other\naccess_key_id = NEWKEY\nsecret_access_key = new-secret\nacl = private\nregion   =   HCM04\nendpoint = https://hcm04.vstorage.vngcloud.vn\nforce_path_style = false\n\n; after\n[photos]\ntype = alias\nremote = drive:x\n"
	if out != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	if strings.Join(ch.Set, ",") != "access_key_id,endpoint,force_path_style,secret_access_key" || strings.Join(ch.Removed, ",") != "session_token" || ch.Added {
		t.Errorf("change %+v", ch)
	}
	// Again: nothing to do, the same bytes.
	out2, ch2 := merge(t, r, out)
	if out2 != out || ch2.Changed() {
		t.Errorf("second merge changed %+v", ch2)
	}
}

// TestMergeDuplicates: rclone merges repeated sections and keeps the last
// value of a key; Merge rewrites the last line of each key it sets and
// deletes the earlier ones.
func TestMergeDuplicates(t *testing.T) {
	before := "[vstorage]\ntype = s3\nsecret_access_key = one\n[x]\ntype = local\n[vstorage]\nsecret_access_key = two\nregion = HAN02"
	out, ch := merge(t, hcm04("S"), before)
	want := "[vstorage]\ntype = s3\n[x]\ntype = local\n[vstorage]\nsecret_access_key = S\nregion = HCM04\nprovider = Other\naccess_key_id = AKEXAMPLE\nendpoint = https://hcm04.vstorage.vngcloud.vn\nforce_path_style = false\n"
	if out != want {
		t.Fatalf("got\n%q\nwant\n%q", out, want)
	}
	if ch.Added || len(ch.Set) != 6 {
		t.Errorf("%+v", ch)
	}
}

func TestMergeRefuses(t *testing.T) {
	r := hcm04("S")
	for _, tt := range []struct {
		name, in string
		is       error
		line     int
	}{
		{"encrypted", "# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nAAAA\n", ErrEncrypted, 0},
		{"other type", "[vstorage]\ntype = drive\n", ErrNotS3, 0},
		{"unreadable line", "[a]\ntype = local\nsecret-without-delimiter\n", nil, 3},
		{"empty key", "[a]\n= x\n", nil, 2},
	} {
		_, _, err := r.Merge([]byte(tt.in))
		var pe *ParseError
		switch {
		case err == nil:
			t.Errorf("%s: merged", tt.name)
		case tt.is != nil && !errors.Is(err, tt.is):
			t.Errorf("%s: %v", tt.name, err)
		case tt.line > 0 && (!errors.As(err, &pe) || pe.Line != tt.line):
			t.Errorf("%s: %v", tt.name, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret-without") {
			t.Errorf("%s: the error shows the line: %v", tt.name, err)
		}
	}
	if _, _, err := r.Merge([]byte("[a]\nk = \xff\n")); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

func TestRemotes(t *testing.T) {
	out, _ := merge(t, hcm04("S"), others)
	names, types, err := Remotes([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "drive,photos,vstorage" || strings.Join(types, ",") != "drive,alias,s3" {
		t.Errorf("%q %q", names, types)
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", FileName)
	r := hcm04("S1")
	res, err := r.WriteFile(path, s3cfg.WriteOptions{MkdirAll: true})
	if err != nil || !res.Created || !res.Added || res.Backup != "" {
		t.Fatalf("%+v %v", res, err)
	}
	if st, _ := os.Stat(path); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	first, _ := os.ReadFile(path)

	// Unchanged: not written, even under Refuse.
	res, err = r.WriteFile(path, s3cfg.WriteOptions{})
	if err != nil || res.Changed() {
		t.Fatalf("%+v %v", res, err)
	}
	// Changed under Refuse: refused, the file as it was.
	r2 := hcm04("S2")
	if _, err = r2.WriteFile(path, s3cfg.WriteOptions{}); !errors.Is(err, s3cfg.ErrExist) {
		t.Fatalf("refuse: %v", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, first) {
		t.Fatal("a refused write changed the file")
	}
	// Backup: the old file is kept.
	res, err = r2.WriteFile(path, s3cfg.WriteOptions{IfExists: s3cfg.Backup})
	if err != nil || res.Backup == "" || strings.Join(res.Set, ",") != "secret_access_key" {
		t.Fatalf("%+v %v", res, err)
	}
	if got, _ := os.ReadFile(res.Backup); !bytes.Equal(got, first) {
		t.Fatal("the backup is not the old file")
	}
	// A merge that fails writes nothing and leaves no temporary file.
	os.WriteFile(path, []byte("[vstorage]\ntype = drive\n"), 0o600)
	if _, err = r2.WriteFile(path, s3cfg.WriteOptions{IfExists: s3cfg.Replace}); !errors.Is(err, ErrNotS3) {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "[vstorage]\ntype = drive\n" {
		t.Fatal("the file changed")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "sub", "*")); len(m) != 2 {
		t.Errorf("files: %q", m)
	}
}
