package fakeserver

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Object is a JSON object whose keys keep their order, so that a fake's
// answers read like the service's: Object{{"success", true}, {"code", 200}}.
type Object []Field

// Field is one key (a string) and its value. It is an array rather than a
// struct so that answers can be written as {"key", value} literals.
type Field [2]any

// MarshalJSON writes the fields in order.
func (o Object) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := f[0].(string)
		k, _ := json.Marshal(key)
		b.Write(k)
		b.WriteByte(':')
		v, err := Marshal(f[1])
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// Marshal encodes v as JSON without HTML escaping and without a trailing
// newline, as the services write their answers.
func Marshal(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

// MustJSON is Marshal for values that always encode (the fakes' own
// answers); it panics otherwise.
func MustJSON(v any) []byte {
	b, err := Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// WriteJSON answers status with v as a JSON body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(MustJSON(v))
}
