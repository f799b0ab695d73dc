//go:build ignore

// testreport reads `go test -json` on standard input and prints what a plain
// `go test ./...` prints (one line per package, the output of failing tests
// and of failing packages), followed by the list of skipped tests grouped by
// the reason they gave, so that a run without the real tools says plainly
// what it did not test. It exits 1 when a package or a test failed.
//
// usage: go test -json ./... | go run .ci/testreport.go
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action      string
	Package     string
	Test        string
	Output      string
	ImportPath  string
	FailedBuild string
}

type key struct{ pkg, test string }

func main() {
	failed, err := report(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

func report(in io.Reader, out io.Writer) (failed bool, err error) {
	testOut := map[key][]string{} // output of each running test
	pkgOut := map[string][]string{}
	skips := map[string][]string{} // reason -> "pkg: Test"
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			fmt.Fprintln(out, string(line)) // not an event: pass it on
			continue
		}
		k := key{e.Package, e.Test}
		switch e.Action {
		case "build-output":
			fmt.Fprint(out, e.Output)
		case "build-fail":
			failed = true
		case "output":
			if e.Test == "" {
				pkgOut[e.Package] = append(pkgOut[e.Package], e.Output)
			} else {
				testOut[k] = append(testOut[k], e.Output)
			}
		case "fail":
			if e.Test == "" {
				failed = true
				for _, l := range pkgOut[e.Package] {
					fmt.Fprint(out, l)
				}
				delete(pkgOut, e.Package)
				continue
			}
			for _, l := range testOut[k] {
				if !strings.HasPrefix(l, "=== ") {
					fmt.Fprint(out, l)
				}
			}
			delete(testOut, k)
		case "skip":
			if e.Test != "" {
				reason := skipReason(testOut[k])
				skips[reason] = append(skips[reason], shortPkg(e.Package)+": "+e.Test)
				delete(testOut, k)
				continue
			}
			fallthrough
		case "pass":
			if e.Test != "" {
				delete(testOut, k)
				continue
			}
			for _, l := range pkgOut[e.Package] {
				if strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "?") {
					fmt.Fprint(out, l)
				}
			}
			delete(pkgOut, e.Package)
		}
	}
	if err := sc.Err(); err != nil {
		return true, err
	}
	printSkips(out, skips)
	return failed, nil
}

// skipReason is what a skipped test logged, without the framing lines.
func skipReason(lines []string) string {
	var b []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		// "file_test.go:12: message": drop the position, keep the message.
		if i := strings.Index(t, ": "); i > 0 && strings.Contains(t[:i], ".go:") {
			t = t[i+2:]
		}
		b = append(b, t)
	}
	if len(b) == 0 {
		return "(no reason given)"
	}
	return strings.Join(b, " / ")
}

func shortPkg(p string) string {
	const mod = "github.com/vstorage-sdk/vngcloud"
	if p == mod {
		return "."
	}
	return strings.TrimPrefix(p, mod+"/")
}

// maxListed is how many tests are named per reason.
const maxListed = 12

func printSkips(out io.Writer, skips map[string][]string) {
	n := 0
	reasons := make([]string, 0, len(skips))
	for r, ts := range skips {
		reasons = append(reasons, r)
		n += len(ts)
	}
	if n == 0 {
		fmt.Fprintln(out, "skipped tests: none")
		return
	}
	sort.Strings(reasons)
	fmt.Fprintf(out, "skipped tests: %d, by reason:\n", n)
	for _, r := range reasons {
		ts := skips[r]
		sort.Strings(ts)
		fmt.Fprintf(out, "  %s (%d)\n", r, len(ts))
		for i, t := range ts {
			if i == maxListed && len(ts) > maxListed+1 {
				fmt.Fprintf(out, "      ... and %d more (go test -v lists them)\n", len(ts)-i)
				break
			}
			fmt.Fprintf(out, "      %s\n", t)
		}
	}
}
