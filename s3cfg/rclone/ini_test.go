package rclone_test

import (
	"bytes"
	"strings"
	"testing"

	"gopkg.in/ini.v1"

	"github.com/vstorage-sdk/vngcloud/internal/testsupport/realtools"
	"github.com/vstorage-sdk/vngcloud/s3cfg/rclone"
)

// hand is an rclone.conf as people write it.
const hand = `# remotes of the team
; second comment style

[disk]
type = local
nounc=true


# pictures
[pics]
type   =   alias
remote = disk:/srv/pics # not a comment
quoted = "keep my quotes"
`

// TestINIv1WriterDisturbs shows why Merge edits bytes instead of letting
// gopkg.in/ini.v1 write the file: loading and saving an untouched file
// with it (under the options that read like rclone) changes lines that
// were not touched. Merge keeps them (TestMergeAppends,
// TestMergeUpdatesInPlace).
func TestINIv1WriterDisturbs(t *testing.T) {
	f, err := ini.LoadSources(rclone.LoadOptions, []byte(hand))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, lost := range []string{
		"nounc=true\n",                     // respaced
		"type   =   alias\n",               // respaced
		"\n\n\n# pictures",                 // blank lines dropped
		"; second comment style\n\n[disk]", // here too
	} {
		if strings.Contains(out, lost) {
			t.Errorf("ini.v1 kept %q; the test's premise is wrong", lost)
		}
	}
	if out == hand {
		t.Fatal("ini.v1 wrote the file unchanged")
	}
	t.Logf("ini.v1 rewrote the untouched file as:\n%s", out)

	// Setting a value gives a form rclone does not read back: ini.v1
	// quotes a value with a backquote and a double quote in backquotes
	// or triple quotes, but one with leading space in double quotes,
	// which rclone keeps as part of the value.
	f.Section("pics").Key("secret").SetValue(" lead")
	b.Reset()
	f.WriteTo(&b)
	if !strings.Contains(b.String(), `secret = " lead"`) {
		t.Errorf("ini.v1 wrote %q", b.String())
	}
}

// TestINIv1ReadsLikeRclone: under rclone.LoadOptions, gopkg.in/ini.v1 reads
// the values of a file as the real rclone does ("rclone config dump"), for
// the forms this package writes and the usual hand-written ones.
func TestINIv1ReadsLikeRclone(t *testing.T) {
	t.Parallel()
	realtools.Rclone(t)
	home := t.TempDir()
	values := []string{
		"plain", "a#b;c", `"quoted"`, `'single'`, "`tick`", `"""a"b` + "`" + `c"""`,
		"  spaced  ", `back\slash\`, "x = y: z", "100%", "$HOME", "ünïcode",
	}
	var b strings.Builder
	b.WriteString("[disk]\ntype = local\n")
	for i, v := range values {
		b.WriteString("k" + string(rune('a'+i)) + " = " + v + "\n")
	}
	b.WriteString("colon: separated\n")
	conf := realtools.WriteFile(t, home, "rclone.conf", b.String())
	m := dump(t, home, conf)["disk"]

	f, err := ini.LoadSources(rclone.LoadOptions, []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	s := f.Section("disk")
	if len(s.Keys()) != len(m) {
		t.Errorf("ini.v1 reads %d keys, rclone %d", len(s.Keys()), len(m))
	}
	for _, k := range s.Keys() {
		if got, want := k.Value(), m[k.Name()]; got != want {
			t.Errorf("%s: ini.v1 reads %q, rclone %q", k.Name(), got, want)
		}
	}
	// Without the options ini.v1 cuts values at "#" and ";" and drops
	// quotes: the defaults do not read rclone.conf.
	d, _ := ini.Load([]byte(b.String()))
	if got := d.Section("disk").Key("kb").String(); got != "a" {
		t.Errorf("default ini.v1 reads a#b;c as %q", got)
	}
}
