// Package redact takes secrets out of text the SDK quotes in its messages.
// It imports nothing from this module.
package redact

import "strings"

// URL returns s with any user info (what comes before an "@" in
// the authority) replaced by "REDACTED", for quoting a URL a caller gave
// in an error message, and whether there was any. It works on the text,
// so a URL that does not parse is redacted too: everything between the
// scheme's "//" (or the start, when there is none) and the last "@" is
// taken for user info, whatever slashes, "?", "#" or bad escapes it
// holds (an "@" in a query is redacted with it: this is for messages).
func URL(s string) (string, bool) {
	start := 0
	if i := strings.Index(s, "//"); i >= 0 && (i == 0 || isScheme(s[:i])) {
		start = i + 2
	}
	at := strings.LastIndex(s[start:], "@")
	if at < 0 {
		return s, false
	}
	return s[:start] + "REDACTED" + s[start+at:], true
}

// isScheme reports whether p is "scheme:" as RFC 3986 spells it.
func isScheme(p string) bool {
	p, ok := strings.CutSuffix(p, ":")
	if !ok || p == "" {
		return false
	}
	for i, r := range p {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}
