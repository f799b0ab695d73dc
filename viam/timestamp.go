package viam

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Timestamp is a time the vIAM APIs send in one of several forms:
//
//	1727337600123                     epoch milliseconds (a JSON number)
//	{"$numberLong":"1727337600123"}   epoch milliseconds, MongoDB style
//	{"$date":...}                     MongoDB date wrapping either form
//	"2026-09-26T08:00:00Z"            RFC 3339 (IAM users)
//	"1727337600123"                   epoch milliseconds as a string
//	null, or the field absent         the zero time
//	0 (in any of the forms above)     the zero time ("never")
//
// All decode to a UTC [time.Time]. The field is informational, so a value
// in any other form decodes as the zero time instead of failing the call.
// A Timestamp encodes as epoch milliseconds, or null when zero.
type Timestamp struct {
	time.Time
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

// UnmarshalJSON decodes any of the forms listed on [Timestamp].
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	t.Time = parseTimestamp(bytes.TrimSpace(b), 0)
	return nil
}

func parseTimestamp(b []byte, depth int) time.Time {
	if len(b) == 0 || depth > 3 {
		return time.Time{}
	}
	switch b[0] {
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(b, &obj) != nil {
			return time.Time{}
		}
		for _, k := range []string{"$numberLong", "$date", "$numberDouble", "$numberInt"} {
			if v, ok := obj[k]; ok {
				return parseTimestamp(bytes.TrimSpace(v), depth+1)
			}
		}
		return time.Time{}
	case '"':
		var s string
		if json.Unmarshal(b, &s) != nil {
			return time.Time{}
		}
		s = strings.TrimSpace(s)
		if ms, ok := millis(s); ok {
			return ms
		}
		for _, layout := range timeLayouts {
			if tm, err := time.Parse(layout, s); err == nil {
				return tm.UTC()
			}
		}
		return time.Time{}
	case 'n': // null
		return time.Time{}
	}
	ms, _ := millis(string(b))
	return ms
}

// millis reads epoch milliseconds written as an integer or a float. An
// epoch of 0 is the zero time: the service sends it for "never" (a
// service account's lastUse).
func millis(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n == 0 {
			return time.Time{}, true
		}
		return time.UnixMilli(n).UTC(), true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > -1e15 && f < 1e15 {
		if int64(f) == 0 {
			return time.Time{}, true
		}
		return time.UnixMilli(int64(f)).UTC(), true
	}
	return time.Time{}, false
}

// MarshalJSON writes epoch milliseconds, or null for the zero time.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, t.UnixMilli(), 10), nil
}
