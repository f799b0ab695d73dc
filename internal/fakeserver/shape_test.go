package fakeserver

import (
	"strings"
	"testing"
)

func TestShapeCheck(t *testing.T) {
	s, err := ShapeOf(
		[]byte(`{"data":[{"id":"a","n":1,"opt":true},{"id":"b","n":null}],"total":2}`),
		[]byte(`{"data":[],"total":0}`),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		doc      string
		nullable []string
		want     []string
	}{
		{doc: `{"data":[{"id":"x","n":3}],"total":1}`},
		{doc: `{"data":[{"id":"x","n":null,"opt":false}],"total":1}`},
		{doc: `{"data":[],"total":0}`},
		{doc: `{"data":[{"id":1,"n":3}],"total":1}`, want: []string{"$.data[].id: got number, the samples have string"}},
		{doc: `{"data":[{"n":3}],"total":1}`, want: []string{"$.data[].id: missing (every sample has it)"}},
		{doc: `{"data":[{"id":"x","n":3,"extra":1}],"total":1}`, want: []string{"$.data[].extra: unexpected key (no sample has it)"}},
		{doc: `{"data":[{"id":null,"n":3}],"total":1}`, want: []string{"$.data[].id: got null, the samples have string"}},
		{doc: `{"data":[{"id":null,"n":3}],"total":1}`, nullable: []string{"$.data[].id"}},
		{doc: `{"data":null,"total":1}`, want: []string{"$.data: got null, the samples have array"}},
		{doc: `[1]`, want: []string{"$: got array, the samples have object"}},
		{doc: `{`, want: []string{"$: not JSON: unexpected EOF"}},
	} {
		got := s.Check([]byte(tc.doc), tc.nullable...)
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", tc.doc, got, tc.want)
		}
	}
}

func TestShapeEmptySampleArrays(t *testing.T) {
	s, err := ShapeOf([]byte(`{"rules":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Check([]byte(`{"rules":[{"a":1}]}`)); len(got) != 1 || !strings.Contains(got[0], "all empty") {
		t.Fatalf("%q", got)
	}
	if _, err := ShapeOf([]byte(`{} {}`)); err == nil {
		t.Fatal("two values accepted")
	}
}
