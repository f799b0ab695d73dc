package awscli

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseError reports why the AWS CLI cannot read an existing file ("Unable
// to parse config file"): Python's configparser, which botocore uses in
// strict mode, stops on it. It gives a line number, never the line's text,
// which may hold a secret. The file is left alone.
type ParseError struct {
	// File is "credentials" or "config".
	File string
	// Line is the 1-based line number.
	Line int
	// Reason says what configparser objects to.
	Reason string
}

// Error implements error.
func (e *ParseError) Error() string {
	return fmt.Sprintf("awscli: %s file, line %d: %s; the AWS CLI cannot read the file either, so it is left alone", e.File, e.Line, e.Reason)
}

// line is one line of a file: its text without the line end, and the line
// end ("\n", "\r\n", "\r", or "" for a last line without one).
type line struct{ text, nl string }

// splitLines splits data into lines as Python's text mode reads them
// (universal newlines: "\n", "\r\n" and a lone "\r" end a line).
func splitLines(data []byte) []line {
	var out []line
	s := string(data)
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			out = append(out, line{text: s})
			break
		}
		l := line{text: s[:i], nl: s[i : i+1]}
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			l.nl = "\r\n"
		}
		out = append(out, l)
		s = s[i+len(l.nl):]
	}
	return out
}

// option is one option of a section: "key = value" and its continuation
// lines.
type option struct {
	key   string // lowercased, as configparser's optionxform does
	value string // as configparser returns it: lines joined with "\n", stripped at the end
	first int    // the option's line
	cont  []int  // the continuation lines that added to the value
	last  int    // the last line of the option (first, or its last continuation line)
}

// section is a "[name]" section and its options.
type section struct {
	name    string
	header  int // the header's line, -1 for keys before any header (never in strict files)
	options []*option
}

// get returns the option called key (lowercase), or nil.
func (s *section) get(key string) *option {
	for _, o := range s.options {
		if o.key == key {
			return o
		}
	}
	return nil
}

// end returns the section's last line that belongs to an option, or its
// header when it has none: new options go after it.
func (s *section) end() int {
	if n := len(s.options); n > 0 {
		return s.options[n-1].last
	}
	return s.header
}

// file is a parsed AWS config or credentials file.
type file struct {
	lines    []line
	sections []*section // in file order, [DEFAULT] included
}

// defaults returns the [DEFAULT] section, or nil.
func (f *file) defaults() *section {
	for _, s := range f.sections {
		if s.name == "DEFAULT" {
			return s
		}
	}
	return nil
}

// lookup returns the section called name, or nil.
func (f *file) lookup(name string) *section {
	for _, s := range f.sections {
		if s.name == name {
			return s
		}
	}
	return nil
}

// parse reads data as botocore's raw_config_parse does: Python 3's
// configparser.RawConfigParser with its defaults (strict, "=" and ":"
// delimiters, "#" and ";" comments on their own lines only, no inline
// comments, no interpolation, empty lines allowed inside values, option
// names lowercased, "[DEFAULT]" as the defaults of every section), then
// botocore's parsing of a value that starts with a line break as nested
// "key = value" lines. which names the file in errors.
func parse(which string, data []byte) (*file, error) {
	if !utf8.Valid(data) {
		return nil, &ParseError{File: which, Line: 1 + strings.Count(string(data[:invalidAt(data)]), "\n"), Reason: "not valid UTF-8"}
	}
	f := &file{lines: splitLines(data)}
	var cur *section
	var opt *option
	indent := 0
	var pending []int // blank lines inside a possibly continued value
	for i, l := range f.lines {
		stripped := strings.TrimFunc(l.text, pyIsSpace)
		comment := strings.HasPrefix(stripped, "#") || strings.HasPrefix(stripped, ";")
		if stripped == "" || comment {
			// An empty line may be part of a value (it is kept if a
			// continuation line follows); a comment line is skipped and
			// does not end the value.
			if !comment && opt != nil {
				pending = append(pending, i)
			}
			continue
		}
		level := strings.IndexFunc(l.text, func(r rune) bool { return !pyIsSpace(r) })
		level = utf8.RuneCountInString(l.text[:level])
		if opt != nil && level > indent {
			opt.cont = append(opt.cont, i)
			opt.last = i
			for range pending {
				opt.value += "\n"
			}
			pending = nil
			opt.value += "\n" + stripped
			continue
		}
		pending = nil
		indent = level
		if stripped[0] == '[' {
			if j := strings.LastIndexByte(stripped, ']'); j >= 2 {
				name := stripped[1:j]
				opt = nil
				if old := f.lookup(name); old != nil {
					if name != "DEFAULT" {
						return nil, &ParseError{File: which, Line: i + 1, Reason: fmt.Sprintf("section [%s] appears again", name)}
					}
					cur = old // configparser reopens [DEFAULT]
					continue
				}
				cur = &section{name: name, header: i}
				f.sections = append(f.sections, cur)
				continue
			}
		}
		if cur == nil {
			return nil, &ParseError{File: which, Line: i + 1, Reason: "a line before the first [section] header"}
		}
		j := strings.IndexAny(stripped, "=:")
		key := ""
		if j >= 0 {
			key = strings.ToLower(strings.TrimRightFunc(stripped[:j], pyIsSpace))
		}
		if key == "" {
			return nil, &ParseError{File: which, Line: i + 1, Reason: `not a "key = value" line`}
		}
		if cur.get(key) != nil {
			return nil, &ParseError{File: which, Line: i + 1, Reason: fmt.Sprintf("%s appears again in [%s]", key, cur.name)}
		}
		opt = &option{key: key, value: strings.TrimFunc(stripped[j+1:], pyIsSpace), first: i, last: i}
		cur.options = append(cur.options, opt)
	}
	for _, s := range f.sections {
		for _, o := range s.options {
			o.value = strings.TrimRightFunc(o.value, pyIsSpace)
			if strings.HasPrefix(o.value, "\n") {
				if _, err := nested(o.value); err != nil {
					return nil, &ParseError{File: which, Line: o.first + 1, Reason: fmt.Sprintf("the nested lines of %s need \"key = value\"", o.key)}
				}
			}
		}
	}
	return f, nil
}

// nested is botocore's _parse_nested: the lines of a value that starts
// with a line break, as "key = value" pairs (the last of a key wins).
func nested(value string) (map[string]string, error) {
	m := map[string]string{}
	for _, l := range strings.Split(value, "\n") {
		l = strings.TrimFunc(l, pyIsSpace)
		if l == "" {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			return nil, errors.New("no =")
		}
		m[strings.TrimFunc(k, pyIsSpace)] = strings.TrimFunc(v, pyIsSpace)
	}
	return m, nil
}

// pyIsSpace is Python's str.isspace for one character (also what re's \s
// and str.strip use): Unicode whitespace plus U+001C..U+001F.
func pyIsSpace(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }

// invalidAt returns the offset of the first invalid UTF-8 byte.
func invalidAt(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// shlexSplit is Python's shlex.split in POSIX mode for the names of
// config sections ("profile name"): words separated by whitespace, with
// '...' and "..." quoting and backslash escapes. ok is false where shlex
// raises ValueError (an unclosed quote, a trailing backslash).
func shlexSplit(s string) (words []string, ok bool) {
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\\':
			if i+1 >= len(s) {
				return nil, false
			}
			i++
			w.WriteByte(s[i])
			inWord = true
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, false
			}
			w.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`\n", s[i+1]) >= 0 {
					i++
				}
				w.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, false
			}
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, true
}

// profileOf returns the profile a section of the config file holds, as
// botocore's build_profile_map reads its name: "default" for [default],
// the second word of [profile NAME] (and of any name starting with
// "profile" that shlex splits into two words), and ok false for other
// sections ([DEFAULT], [services x], [sso-session x], [preview], ...).
func profileOf(sectionName string) (name string, ok bool) {
	if sectionName == "default" {
		return "default", true
	}
	if !strings.HasPrefix(sectionName, "profile") {
		return "", false
	}
	parts, ok := shlexSplit(sectionName)
	if !ok || len(parts) != 2 {
		return "", false
	}
	return parts[1], true
}
