package s3cfg

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// corpusEnv is the environment of every corpus run, ours and s3cmd's: the
// variables that the "$NAME" cases refer to.
var corpusEnv = map[string]string{
	"S3CFG_TEST_SECRET": "env/Secret+Value=1",
	"S3CFG_TEST_HOST":   "https://env-host.example",
	"S3CFG_TEST_BOOL":   "yes",
	"S3CFG_TEST_SPACED": "  spaced env value  ",
	"S3CFG_TEST_CHAIN":  "$S3CFG_TEST_SECRET",
	"S3CFG_TEST_EMPTY":  "",
	"S3CFG_TEST_INT":    " 42 ",
	"S3CFG_TEST_LOOP":   "$S3CFG_TEST_LOOP",
}

// dumpResult is what "s3cmd -c FILE --dump-config" does with a file.
type dumpResult struct {
	exit   int
	msg    string // s3cmd's error message, for a non-zero exit
	stdout string
}

func (r dumpResult) String() string {
	if r.exit != 0 {
		return fmt.Sprintf("exit %d\nerror %s\n", r.exit, r.msg)
	}
	return "exit 0\n" + r.stdout
}

func parseDumpResult(s string) (dumpResult, error) {
	first, rest, _ := strings.Cut(s, "\n")
	code, err := strconv.Atoi(strings.TrimPrefix(first, "exit "))
	if err != nil {
		return dumpResult{}, fmt.Errorf("bad .want header %q", first)
	}
	r := dumpResult{exit: code}
	if code != 0 {
		r.msg = strings.TrimSuffix(strings.TrimPrefix(rest, "error "), "\n")
	} else {
		r.stdout = rest
	}
	return r, nil
}

// emulateDump is our "s3cmd -c FILE --dump-config": stdout not a terminal,
// LANG=C.UTF-8.
func emulateDump(data []byte, env map[string]string) dumpResult {
	f, _ := Parse(data)
	c := f.Resolve(Runtime{LookupEnv: EnvMap(env), Encoding: "UTF-8"})
	if err := c.Err(); err != nil {
		var oe *OptionError
		if !errors.As(err, &oe) {
			return dumpResult{exit: -1, msg: err.Error()}
		}
		return dumpResult{exit: oe.ExitCode, msg: oe.Msg}
	}
	return dumpResult{stdout: string(c.Dump())}
}

// corpusFiles lists testdata/corpus/*.s3cfg.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/corpus/*.s3cfg")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// TestCorpusSize: the differential corpus covers section 5 of the format
// notes with at least 40 files, each named for its case.
func TestCorpusSize(t *testing.T) {
	if n := len(corpusFiles(t)); n < 40 {
		t.Fatalf("corpus has %d files, want at least 40", n)
	}
}

// TestCorpusGolden compares our emulation of --dump-config with the output
// of the real s3cmd 2.3.0 recorded in testdata/corpus/*.want (stdout, or
// the exit code and s3cmd's error message). It needs no s3cmd;
// TestCorpusRecord -update records the files again.
func TestCorpusGolden(t *testing.T) {
	for _, path := range corpusFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			wantText, err := os.ReadFile(path + ".want")
			if err != nil {
				t.Fatalf("%v (run the test with -update where s3cmd is installed)", err)
			}
			want, err := parseDumpResult(string(wantText))
			if err != nil {
				t.Fatal(err)
			}
			got := emulateDump(data, corpusEnv)
			compareDump(t, got, want)
			roundTrip(t, data)
		})
	}
}

// countIgnored counts the lines s3cmd warns about: invalid lines and the
// line a BOM hides.
func countIgnored(f *File) int {
	n := 0
	for i := range f.lines {
		p := f.classify(i)
		if p.hidden || p.kind == kindInvalid {
			n++
		}
	}
	return n
}

func compareDump(t *testing.T, got, want dumpResult) {
	t.Helper()
	if got.exit != want.exit {
		t.Fatalf("exit code: got %d (%s), s3cmd %d (%s)", got.exit, got.msg, want.exit, want.msg)
	}
	if got.exit != 0 {
		// The whole message, not a part of it: only s3cmd's line breaks
		// (one "ERROR: " line each) count as spaces.
		if oneLine(got.msg) != oneLine(want.msg) || got.msg == "" {
			t.Errorf("error message:\n got %q\nwant %q", got.msg, want.msg)
		}
		return
	}
	if got.stdout != want.stdout {
		t.Errorf("dump differs from s3cmd's:\n%s", lineDiff(want.stdout, got.stdout))
	}
}

// oneLine joins a message's lines with spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// lineDiff lists the lines of a and b that differ, by position.
func lineDiff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out strings.Builder
	for i := 0; i < max(len(x), len(y)); i++ {
		var l, r string
		if i < len(x) {
			l = x[i]
		}
		if i < len(y) {
			r = y[i]
		}
		if l != r {
			fmt.Fprintf(&out, "line %d:\n  s3cmd: %q\n  ours:  %q\n", i+1, l, r)
		}
	}
	return out.String()
}

// roundTrip checks that Parse then Bytes gives back data.
func roundTrip(t *testing.T, data []byte) {
	t.Helper()
	f, _ := Parse(data)
	if got := f.Bytes(); string(got) != string(data) {
		t.Fatalf("round trip changed the bytes:\n got %q\nwant %q", got, data)
	}
}
