package vstorage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
		s, err := jsonString(b)
		if err != nil {
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
	// b is a JSON number the decoder has already checked; a value out of
	// float64's range is left to encoding/json for its error.
	if f, err := strconv.ParseFloat(string(b), 64); err == nil {
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

// jsonString returns the value of the JSON string b. A string without
// escapes, control characters or invalid UTF-8 (the usual case) is sliced
// out directly; anything else goes through encoding/json.
func jsonString(b []byte) (string, error) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		inner := b[1 : len(b)-1]
		plain := true
		for _, c := range inner {
			if c == '\\' || c == '"' || c < 0x20 || c >= utf8.RuneSelf {
				plain = false
				break
			}
		}
		if plain {
			return string(inner), nil
		}
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
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
		v, err := jsonString(b)
		if err != nil {
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
	switch string(b) {
	case "true":
		*v = true
		return nil
	case "false", "null":
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
	if t, ok := parseListDate(s); ok {
		return t, true
	}
	// A layout with a '/' matches only a value with one, and the other
	// way round: skipping the others saves failed parses, each of which
	// allocates its error.
	slash := strings.IndexByte(s, '/') >= 0
	for _, layout := range timeLayouts {
		if (strings.IndexByte(layout, '/') >= 0) != slash {
			continue
		}
		if t, err := time.ParseInLocation(layout, s, serviceZone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseListDate reads "dd/mm/yyyy hh:mm", the layout of every date of a
// bucket list, without allocating; it gives what time.ParseInLocation with
// "02/01/2006 15:04" gives, and false for anything else (a date out of
// range included, which the layouts loop then refuses).
func parseListDate(s string) (time.Time, bool) {
	if len(s) != 16 || s[2] != '/' || s[5] != '/' || s[10] != ' ' || s[13] != ':' {
		return time.Time{}, false
	}
	num := func(i, j int) int {
		n := 0
		for _, c := range []byte(s[i:j]) {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	day, month, year, hour, minute := num(0, 2), num(3, 5), num(6, 10), num(11, 13), num(14, 16)
	if day < 1 || month < 1 || month > 12 || year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, 0, 0, serviceZone)
	if t.Day() != day { // 31/04 and 29/02 of a common year are refused
		return time.Time{}, false
	}
	return t, true
}

// flexTime is a date in any layout of timeLayouts, epoch seconds or
// milliseconds (up to the year 9999), or null. A value in no known layout decodes as the zero
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
		if len(b) == 18 { // "dd/mm/yyyy hh:mm": no string is kept, none is made
			if v, ok := parseListDate(string(b[1:17])); ok {
				*t = flexTime(v)
				return nil
			}
		}
		s, err := jsonString(b)
		if err != nil {
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
	if err != nil || f <= 0 || f > maxEpochMillis || f < 1e12 && f > maxEpochMillis/1000 {
		return nil // past year 9999: not a date (and not encodable as JSON)
	}
	if f >= 1e12 { // milliseconds
		*t = flexTime(time.UnixMilli(int64(f)))
	} else {
		*t = flexTime(time.Unix(int64(f), 0))
	}
	return nil
}

// maxEpochMillis is 9999-12-30T00:00:00Z in epoch milliseconds: later
// epoch values are not taken as dates, since a time.Time past the year
// 9999 (in the local zone, which epoch times are read in) does not encode
// as JSON.
const maxEpochMillis = 253402128000000

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
