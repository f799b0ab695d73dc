package vstorage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The console API is loose with types: numbers sometimes arrive as strings,
// fields are often null, and dates come in several layouts. The wire types
// below decode those variations into the plain Go types of the public
// models, so that one odd field never fails a whole listing.

// isNull reports whether raw is absent or the JSON null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// flexNum is a number that may arrive as a JSON number, a numeric string,
// null or "".
type flexNum float64

func (n *flexNum) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if isNull(b) {
		*n = 0
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*n = 0
			return nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		*n = flexNum(f)
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = flexNum(f)
	return nil
}

func (n flexNum) int() int       { return int(n) }
func (n flexNum) int64() int64   { return int64(n) }
func (n flexNum) float() float64 { return float64(n) }

// flexStr is a string that may arrive as a JSON string, a number, a
// boolean or null.
type flexStr string

func (s *flexStr) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case isNull(b):
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexStr(v)
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("expected a string, got a JSON %s", map[byte]string{'{': "object", '[': "array"}[b[0]])
	default:
		*s = flexStr(b) // a number or a boolean, as written
	}
	return nil
}

// flexBool is a boolean that may arrive as true/false, "true"/"false",
// 0/1 or null.
type flexBool bool

func (v *flexBool) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if isNull(b) {
		*v = false
		return nil
	}
	s := strings.Trim(string(b), `"`)
	switch strings.ToLower(s) {
	case "true", "1":
		*v = true
	case "false", "0", "":
		*v = false
	default:
		return fmt.Errorf("%s is not a boolean", b)
	}
	return nil
}

// serviceZone is the zone assumed for the console's dates that carry no
// offset ("dd/mm/yyyy hh:mm"): Vietnam time, UTC+07:00, where the service
// and its console run. This is an assumption; see the package overview.
var serviceZone = time.FixedZone("UTC+07", 7*60*60)

// timeLayouts are tried in order. The first four carry their own offset.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	// Without an offset: read in serviceZone.
	"02/01/2006 15:04",
	"02/01/2006 15:04:05",
	"02/01/2006",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseServiceTime reads a date as the API writes it. It returns false for
// a value in no known layout.
func parseServiceTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, serviceZone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// flexTime is a date in any layout of timeLayouts, epoch seconds or
// milliseconds, or null. A value in no known layout decodes as the zero
// time rather than failing the response: dates are informative here, and
// the raw object stays available where the model keeps it.
type flexTime time.Time

func (t *flexTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*t = flexTime{}
	if isNull(b) {
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if v, ok := parseServiceTime(s); ok {
			*t = flexTime(v)
		}
		return nil
	}
	if b[0] == '{' || b[0] == '[' {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f <= 0 {
		return nil
	}
	if f >= 1e12 { // milliseconds
		*t = flexTime(time.UnixMilli(int64(f)))
	} else {
		*t = flexTime(time.Unix(int64(f), 0))
	}
	return nil
}

func (t flexTime) time() time.Time { return time.Time(t) }

// StringList is a list of strings that decodes from a JSON array or from a
// single string, as S3 policy documents write Action, Resource and
// principals either way. Numbers and booleans (found in policy conditions)
// decode as their JSON text. It always encodes as an array.
type StringList []string

// UnmarshalJSON accepts a string, an array of strings (or scalars), or
// null.
func (l *StringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if isNull(b) {
		*l = nil
		return nil
	}
	if b[0] == '[' {
		var items []flexStr
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		out := make(StringList, len(items))
		for i, it := range items {
			out[i] = string(it)
		}
		*l = out
		return nil
	}
	var one flexStr
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*l = StringList{string(one)}
	return nil
}

// MarshalJSON writes an array (an empty array for an empty list).
func (l StringList) MarshalJSON() ([]byte, error) {
	if l == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]string(l))
}

// marshalNoEscape encodes v as JSON without escaping <, > and &, and
// without the trailing newline of json.Encoder.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
