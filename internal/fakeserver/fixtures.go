package fakeserver

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Fixture reads a file of ../testdata: for the fakes' tests (run in
// viam/viamtest and vstorage/vstoragetest) the fixtures the clients' unit
// tests serve, the one source of truth for payload shapes.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// CheckShape fails the test when body's JSON shape differs from the merged
// shape of the fixtures. nullable lists JSON paths where null is allowed
// although the fixtures hold a value (only for fields the fixtures' README
// documents as nullable).
func CheckShape(t testing.TB, what string, body []byte, nullable []string, fixtures ...string) {
	t.Helper()
	var docs [][]byte
	for _, f := range fixtures {
		docs = append(docs, Fixture(t, f))
	}
	sh, err := ShapeOf(docs...)
	if err != nil {
		t.Fatalf("%s: fixtures %v: %v", what, fixtures, err)
	}
	if diffs := sh.Check(body, nullable...); len(diffs) > 0 {
		t.Errorf("%s: the answer's shape differs from %s:\n  %s\nanswer: %s", what, strings.Join(fixtures, " + "), strings.Join(diffs, "\n  "), body)
	}
}

// CheckSame fails the test when body is not the same JSON value as the
// fixture (for answers the fixtures give verbatim).
func CheckSame(t testing.TB, what string, body []byte, name string) {
	t.Helper()
	var got, want any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%s: %v: %q", what, err, body)
	}
	if err := json.Unmarshal(Fixture(t, name), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %s, want the fixture %s", what, body, Fixture(t, name))
	}
}
