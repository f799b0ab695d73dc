package s3cfg

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file reproduces the few Python 3 string rules that s3cmd's reader
// depends on. Go's regexp \s and \w are ASCII-only and strings.TrimSpace
// does not trim U+001C..U+001F, so none of them can be used directly.

// pyIsSpace reports whether Python's str.isspace() (and so re's \s and
// str.strip()) treats r as whitespace: Go's unicode.IsSpace plus the four
// information separators U+001C..U+001F.
func pyIsSpace(r rune) bool {
	if r >= 0x1C && r <= 0x1F {
		return true
	}
	return unicode.IsSpace(r)
}

// pyIsWord reports whether r matches Python's re \w for str patterns:
// str.isalnum() or '_'. isalnum is isalpha (categories L*) or a numeric
// character (categories Nd, Nl, No).
func pyIsWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	if r == utf8.RuneError {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// pyStrip is Python's str.strip() with no argument.
func pyStrip(s string) string {
	return strings.TrimFunc(s, pyIsSpace)
}

// pyLstrip is Python's str.lstrip() with no argument.
func pyLstrip(s string) string {
	return strings.TrimLeftFunc(s, pyIsSpace)
}

// isPyWordString reports whether s is one or more \w characters.
func isPyWordString(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !pyIsWord(r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// pyDecimal returns the value of a Unicode decimal digit (category Nd),
// which is what Python's int() accepts, or -1. Every Nd range in the
// Unicode database is a run of whole 0..9 blocks that starts at a zero.
func pyDecimal(r rune) int {
	if '0' <= r && r <= '9' {
		return int(r - '0')
	}
	if r < utf8.RuneSelf || !unicode.Is(unicode.Nd, r) {
		return -1
	}
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) / int(rg.Stride) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) / int(rg.Stride) % 10
		}
	}
	return -1
}

// pyMaxIntDigits is the most digits Python's int() reads from a str in
// base 10 (sys.int_info.default_max_str_digits, Python 3.11 and later and
// the security releases of 3.7-3.10): leading zeros count, underscores and
// the sign do not. Beyond it int() raises ValueError, which s3cmd 2.3.0
// reports as an invalid value (exit 64), as for any other non-integer.
// (Printing is limited too: "s3cmd --dump-config" fails with exit 1 on a
// limitrate whose value after the k or m shift has more than 4,300 digits,
// while s3cmd's other commands use it. Resolve keeps such a value.)
const pyMaxIntDigits = 4300

// pyInt parses s the way Python's int(s) does for a str in base 10:
// surrounding whitespace, one optional sign, decimal digits (any script)
// with single underscores between digits, leading zeros allowed, and at
// most [pyMaxIntDigits] digits. It returns the canonical decimal form
// ("-12", "0", "8080"). It stops at the first digit beyond the limit, so
// its time is linear in len(s) and the callers' big.Int arithmetic works
// on at most pyMaxIntDigits digits.
func pyInt(s string) (string, bool) {
	s = pyStrip(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return "", false
	}
	var b strings.Builder
	prevDigit, digits := false, 0
	for _, r := range s {
		if r == '_' {
			if !prevDigit {
				return "", false
			}
			prevDigit = false
			continue
		}
		d := pyDecimal(r)
		if digits++; d < 0 || digits > pyMaxIntDigits {
			return "", false
		}
		if b.Len() == 1 && b.String() == "0" {
			b.Reset()
		}
		b.WriteByte(byte('0' + d))
		prevDigit = true
	}
	if !prevDigit {
		return "", false
	}
	out := b.String()
	if neg && out != "0" {
		out = "-" + out
	}
	return out, true
}

// pyLower is Python's str.lower() for the purpose of comparing with ASCII
// words: Go's unicode.ToLower per rune gives the same result for every
// input whose lower-case form can equal an ASCII word.
func pyLower(s string) string { return strings.ToLower(s) }
