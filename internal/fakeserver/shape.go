package fakeserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Shape is the JSON shape of one or more sample documents (the fixtures
// of a route): for every position, the JSON types seen there; for objects,
// their keys and which keys every sample had; for arrays, the merged shape
// of all their elements. The test servers' tests compare their answers
// with it, so that the fixtures stay the one source of truth for payload
// shapes.
type Shape struct {
	kinds   map[string]bool
	fields  map[string]*Shape
	objects int            // how many objects were merged here
	present map[string]int // how many of them had each key
	elem    *Shape         // nil until an array element is seen
}

// ShapeOf merges the shapes of the given JSON documents. Use several
// samples of the same route to document variations (a field that is
// sometimes null, an optional key).
func ShapeOf(docs ...[]byte) (*Shape, error) {
	s := newShape()
	for i, d := range docs {
		v, err := decodeJSON(d)
		if err != nil {
			return nil, fmt.Errorf("sample %d: %w", i, err)
		}
		s.add(v)
	}
	return s, nil
}

func newShape() *Shape {
	return &Shape{kinds: map[string]bool{}, fields: map[string]*Shape{}, present: map[string]int{}}
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

func (s *Shape) add(v any) {
	s.kinds[kindOf(v)] = true
	switch x := v.(type) {
	case map[string]any:
		s.objects++
		for k, fv := range x {
			f := s.fields[k]
			if f == nil {
				f = newShape()
				s.fields[k] = f
			}
			f.add(fv)
			s.present[k]++
		}
	case []any:
		for _, e := range x {
			if s.elem == nil {
				s.elem = newShape()
			}
			s.elem.add(e)
		}
	}
}

// Check compares a JSON document with the shape and returns the
// differences, one line each, in a stable order (nil when it matches).
// The document matches when every value has a type seen at its position
// in the samples, every object has every key all samples had and no key
// the samples lacked, and every array element matches the samples'
// elements. nullable lists paths (such as "$.data[].lastUse") where null
// is allowed although the samples hold a value there: use it only for
// fields the fixtures' README documents as nullable.
func (s *Shape) Check(doc []byte, nullable ...string) []string {
	v, err := decodeJSON(doc)
	if err != nil {
		return []string{"$: not JSON: " + err.Error()}
	}
	var out []string
	s.check("$", v, nullable, &out)
	// One line per difference and position, not per array element.
	seen := map[string]bool{}
	return slices.DeleteFunc(out, func(l string) bool {
		dup := seen[l]
		seen[l] = true
		return dup
	})
}

func (s *Shape) check(path string, v any, nullable []string, out *[]string) {
	k := kindOf(v)
	if !s.kinds[k] {
		if k == "null" && slices.Contains(nullable, path) {
			return
		}
		*out = append(*out, fmt.Sprintf("%s: got %s, the samples have %s", path, k, s.kindList()))
		return
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x)+len(s.fields))
		for key := range x {
			keys = append(keys, key)
		}
		for key := range s.fields {
			if _, ok := x[key]; !ok {
				keys = append(keys, key)
			}
		}
		slices.Sort(keys)
		for _, key := range keys {
			fv, has := x[key]
			f := s.fields[key]
			switch {
			case f == nil:
				*out = append(*out, fmt.Sprintf("%s.%s: unexpected key (no sample has it)", path, key))
			case !has && s.present[key] == s.objects:
				*out = append(*out, fmt.Sprintf("%s.%s: missing (every sample has it)", path, key))
			case has:
				f.check(path+"."+key, fv, nullable, out)
			}
		}
	case []any:
		if len(x) > 0 && s.elem == nil {
			*out = append(*out, fmt.Sprintf("%s: has elements, the samples' arrays are all empty", path))
			return
		}
		for _, e := range x {
			s.elem.check(path+"[]", e, nullable, out)
		}
	}
}

func (s *Shape) kindList() string {
	var ks []string
	for k := range s.kinds {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, " or ")
}
