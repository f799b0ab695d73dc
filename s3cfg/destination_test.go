package s3cfg

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestDestinationFor runs on any system: Windows paths follow ntpath's
// rules, not the host's.
func TestDestinationFor(t *testing.T) {
	tests := []struct {
		name, goos string
		env        map[string]string
		path, dir  string
		file, rule string
	}{
		{"windows APPDATA", "windows", map[string]string{"USERPROFILE": `C:\Users\Bob`, "APPDATA": `C:\Users\Bob\AppData\Roaming`},
			`C:\Users\Bob\AppData\Roaming\s3cmd.ini`, `C:\Users\Bob\AppData\Roaming`, "s3cmd.ini", "%APPDATA%"},
		{"windows APPDATA on another drive", "windows", map[string]string{"USERPROFILE": `C:\Users\Bob`, "APPDATA": `D:\Profiles\Bob\Roaming`},
			`D:\Profiles\Bob\Roaming\s3cmd.ini`, `D:\Profiles\Bob\Roaming`, "s3cmd.ini", "%APPDATA%"},
		{"windows APPDATA with trailing slash", "windows", map[string]string{"USERPROFILE": `C:\Users\Bob`, "APPDATA": `C:\Users\Bob\AppData\Roaming\`},
			`C:\Users\Bob\AppData\Roaming\s3cmd.ini`, `C:\Users\Bob\AppData\Roaming`, "s3cmd.ini", "%APPDATA%"},
		{"windows UNC APPDATA", "windows", map[string]string{"USERPROFILE": `C:\Users\Bob`, "APPDATA": `\\srv\profiles\Bob`},
			`\\srv\profiles\Bob\s3cmd.ini`, `\\srv\profiles\Bob`, "s3cmd.ini", "%APPDATA%"},
		{"windows without APPDATA", "windows", map[string]string{"USERPROFILE": `C:\Users\Bob`},
			`C:\Users\Bob\Application Data\s3cmd.ini`, `C:\Users\Bob\Application Data`, "s3cmd.ini", `%USERPROFILE%\Application Data`},
		{"windows empty APPDATA", "windows", map[string]string{"USERPROFILE": `C:\Users\Bob`, "APPDATA": ""},
			`C:\Users\Bob\Application Data\s3cmd.ini`, `C:\Users\Bob\Application Data`, "s3cmd.ini", `%USERPROFILE%\Application Data`},
		{"windows relative APPDATA", "windows", map[string]string{"USERPROFILE": `C:\Users\Bob`, "APPDATA": `AppData\Roaming`},
			`C:\Users\Bob\AppData\Roaming\s3cmd.ini`, `C:\Users\Bob\AppData\Roaming`, "s3cmd.ini", `%USERPROFILE%\%APPDATA%`},
		{"windows forward slashes", "windows", map[string]string{"USERPROFILE": `C:/Users/Bob`, "APPDATA": `C:/Users/Bob/AppData/Roaming`},
			`C:/Users/Bob/AppData/Roaming\s3cmd.ini`, `C:/Users/Bob/AppData/Roaming`, "s3cmd.ini", "%APPDATA%"},
		{"windows HOMEPATH", "windows", map[string]string{"HOMEDRIVE": "C:", "HOMEPATH": `\Users\Bob`, "APPDATA": `C:\x`},
			`C:\Users\Bob\.s3cfg`, `C:\Users\Bob`, ".s3cfg", "%HOMEDRIVE%%HOMEPATH%"},
		{"windows S3CMD_CONFIG", "windows", map[string]string{"S3CMD_CONFIG": `E:\cfg\vstorage.ini`, "USERPROFILE": `C:\Users\Bob`},
			`E:\cfg\vstorage.ini`, `E:\cfg`, "vstorage.ini", "S3CMD_CONFIG"},
		{"windows ignores HOME", "windows", map[string]string{"HOME": "/home/bob", "USERPROFILE": `C:\Users\Bob`, "APPDATA": `C:\Users\Bob\AppData\Roaming`},
			`C:\Users\Bob\AppData\Roaming\s3cmd.ini`, `C:\Users\Bob\AppData\Roaming`, "s3cmd.ini", "%APPDATA%"},
		{"linux", "linux", map[string]string{"HOME": "/home/bob", "APPDATA": `C:\x`},
			"/home/bob/.s3cfg", "/home/bob", ".s3cfg", "$HOME"},
		{"linux trailing slash", "linux", map[string]string{"HOME": "/home/bob/"},
			"/home/bob/.s3cfg", "/home/bob", ".s3cfg", "$HOME"},
		{"linux empty HOME", "linux", map[string]string{"HOME": ""},
			"/.s3cfg", "/", ".s3cfg", "$HOME"},
		{"darwin", "darwin", map[string]string{"HOME": "/Users/bob"},
			"/Users/bob/.s3cfg", "/Users/bob", ".s3cfg", "$HOME"},
		{"linux S3CMD_CONFIG", "linux", map[string]string{"HOME": "/home/bob", "S3CMD_CONFIG": "/etc/s3/vstorage.cfg"},
			"/etc/s3/vstorage.cfg", "/etc/s3", "vstorage.cfg", "S3CMD_CONFIG"},
		{"linux empty S3CMD_CONFIG falls through", "linux", map[string]string{"HOME": "/home/bob", "S3CMD_CONFIG": ""},
			"/home/bob/.s3cfg", "/home/bob", ".s3cfg", "$HOME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DestinationFor(tt.goos, EnvMap(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if d.Path != tt.path || d.Dir != tt.dir || d.Name != tt.file || d.Rule != tt.rule || d.GOOS != tt.goos || d.String() != tt.path {
				t.Fatalf("got %+v\nwant path %q dir %q name %q rule %q", d, tt.path, tt.dir, tt.file, tt.rule)
			}
		})
	}
}

func TestDestinationNoHome(t *testing.T) {
	for name, tt := range map[string]struct {
		goos string
		env  map[string]string
	}{
		"linux HOME unset":          {"linux", map[string]string{}},
		"linux relative HOME":       {"linux", map[string]string{"HOME": "home/bob"}},
		"windows nothing":           {"windows", map[string]string{"APPDATA": `C:\x`}},
		"windows empty USERPROFILE": {"windows", map[string]string{"USERPROFILE": "", "APPDATA": `C:\x`}},
		"windows relative HOMEPATH": {"windows", map[string]string{"HOMEPATH": `Users\Bob`}},
	} {
		if _, err := DestinationFor(tt.goos, EnvMap(tt.env)); !errors.Is(err, ErrNoHome) {
			t.Errorf("%s: err = %v, want ErrNoHome", name, err)
		}
	}
}

func TestDefaultDestination(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("S3CMD_CONFIG", "")
	d, err := DefaultDestination()
	if err != nil || d.Path != filepath.Join(home, ".s3cfg") {
		t.Fatalf("%+v %v", d, err)
	}
	os.Unsetenv("HOME") // restored by t.Setenv's cleanup
	if d, err := DefaultDestination(); err != nil || !strings.HasSuffix(d.Path, "/.s3cfg") {
		t.Fatalf("HOME unset: %+v %v (want the passwd home)", d, err)
	}
	if DownloadName != "s3cnf.s3cfg" || WindowsName != "s3cmd.ini" || UnixName != ".s3cfg" {
		t.Fatal("names")
	}
}

// python3 returns Debian's python3, the one s3cmd runs on, or skips (fails
// under CI, where s3cmd and so python3 must be installed).
func python3(t *testing.T) string {
	t.Helper()
	const p = "/usr/bin/python3"
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing (s3cmd needs it): %v", p, err)
		}
		t.Skipf("%s is missing", p)
	}
	return p
}

// TestNTPathAgainstPython compares ntJoin, ntSplit, ntSplitDrive and
// ntIsAbs with Python's own ntpath (which runs on Linux too).
func TestNTPathAgainstPython(t *testing.T) {
	py := python3(t)
	parts := []string{`C:\Users\Bob`, `C:/Users/Bob`, `c:`, `C:`, `D:\x`, `d:rel`, `\\srv\share`, `\\srv\share\dir\`,
		`//srv/share/d`, `\\?\UNC\srv\share\x`, `\\srv`, `\rooted`, `/rooted`, `rel\dir`, `rel`, ``, `AppData\Roaming`,
		`Application Data`, `s3cmd.ini`, `C:\`, `\\`, `a\\b\\\`, `C:\Users\Bob\AppData\Roaming\`}
	type row struct {
		A, B             string
		Join, Head, Tail string
		Drive, Rest      string
		IsAbs            bool
	}
	script := `
import json, ntpath, sys
parts = json.loads(sys.stdin.read())
out = []
for a in parts:
    for b in parts:
        j = ntpath.join(a, b, "s3cmd.ini")
        h, t = ntpath.split(j)
        d, r = ntpath.splitdrive(a)
        out.append(dict(A=a, B=b, Join=j, Head=h, Tail=t, Drive=d, Rest=r, IsAbs=ntpath.isabs(a)))
print(json.dumps(out))
`
	in, _ := json.Marshal(parts)
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(string(in))
	cmd.Env = []string{"LANG=C.UTF-8"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var rows []row
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(parts)*len(parts) {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		j := ntJoin(r.A, r.B, "s3cmd.ini")
		h, tl := ntSplit(j)
		d, rest := ntSplitDrive(r.A)
		if j != r.Join || h != r.Head || tl != r.Tail || d != r.Drive || rest != r.Rest || ntIsAbs(r.A) != r.IsAbs {
			t.Errorf("%q, %q: got join %q split %q|%q drive %q|%q abs %v; python %q %q|%q %q|%q %v",
				r.A, r.B, j, h, tl, d, rest, ntIsAbs(r.A), r.Join, r.Head, r.Tail, r.Drive, r.Rest, r.IsAbs)
		}
	}
}

// TestCharClassesAgainstPython compares pyIsSpace and pyIsWord with
// Python's str.isspace() and re's \w over every code point Python's
// Unicode database assigns (Go may know newer characters).
func TestCharClassesAgainstPython(t *testing.T) {
	py := python3(t)
	script := `
import re, sys, unicodedata
w = re.compile(r'\w')
sp, wd = [], []
for c in range(0x110000):
    ch = chr(c)
    if unicodedata.category(ch) == 'Cn':
        continue
    if ch.isspace(): sp.append(c)
    if w.match(ch): wd.append(c)
print(' '.join(map(str, sp)))
print(' '.join(map(str, wd)))
assigned = [c for c in range(0x110000) if unicodedata.category(chr(c)) != 'Cn']
print(' '.join(map(str, assigned)))
dec = []
for c in assigned:
    try:
        dec.append('%d:%d' % (c, int(chr(c))))
    except ValueError:
        pass
print(' '.join(dec))
`
	cmd := exec.Command(py, "-c", script)
	cmd.Env = []string{"LANG=C.UTF-8"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	set := func(s string) map[rune]bool {
		m := map[rune]bool{}
		for _, f := range strings.Fields(s) {
			var r rune
			for _, c := range f {
				r = r*10 + (c - '0')
			}
			m[r] = true
		}
		return m
	}
	spaces, words, assigned := set(lines[0]), set(lines[1]), set(lines[2])
	bad := 0
	for r := range assigned {
		if r >= 0xD800 && r <= 0xDFFF {
			continue // surrogates never occur in valid UTF-8
		}
		if pyIsSpace(r) != spaces[r] || pyIsWord(r) != words[r] {
			if bad < 20 {
				t.Errorf("U+%04X: space %v/%v word %v/%v (ours/python)", r, pyIsSpace(r), spaces[r], pyIsWord(r), words[r])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d code points differ", bad)
	}
	if len(spaces) != 29 || len(words) < 100000 {
		t.Fatalf("python listed %d spaces and %d word characters", len(spaces), len(words))
	}
	// int() of each single character: the digits Python accepts.
	digits := map[rune]int{}
	for _, f := range strings.Fields(lines[3]) {
		var c rune
		var v int
		fmt.Sscanf(f, "%d:%d", &c, &v)
		digits[c] = v
	}
	for r := range assigned {
		want, ok := digits[r]
		if !ok {
			want = -1
		}
		if r != ' ' && !pyIsSpace(r) && pyDecimal(r) != want {
			t.Errorf("int(U+%04X): ours %d, python %d", r, pyDecimal(r), want)
		}
	}
	if len(digits) < 600 {
		t.Fatalf("python listed %d digits", len(digits))
	}
}

func TestProcessEnvHome(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("HOME rules are Unix rules")
	}
	u, err := user.Current()
	if err != nil || u.HomeDir == "" {
		t.Skip("no passwd home here")
	}
	t.Setenv("HOME", "/custom/home")
	if v, ok := ProcessEnv(false)("HOME"); !ok || v != "/custom/home" {
		t.Fatalf("set HOME: %q %v", v, ok)
	}
	os.Setenv("HOME", "")
	if v, ok := ProcessEnv(false)("HOME"); !ok || v != "" {
		t.Fatalf("empty HOME, Python's rule: %q %v", v, ok)
	}
	if v, ok := ProcessEnv(true)("HOME"); !ok || v != u.HomeDir {
		t.Fatalf("empty HOME, rclone's rule: %q %v", v, ok)
	}
	os.Unsetenv("HOME")
	if v, ok := ProcessEnv(false)("HOME"); !ok || v != u.HomeDir {
		t.Fatalf("unset HOME: %q %v", v, ok)
	}
	d, err := DefaultDestination()
	if err != nil || d.Path != filepath.Join(u.HomeDir, ".s3cfg") {
		t.Fatalf("%v %v", d, err)
	}
}
