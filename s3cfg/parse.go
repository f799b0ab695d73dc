package s3cfg

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"unicode/utf8"
)

// bom is the UTF-8 byte order mark.
const bom = "\xef\xbb\xbf"

// Line terminators. s3cmd reads with Python's universal newlines, so all
// three end a line.
const (
	LF   = "\n"
	CRLF = "\r\n"
	CR   = "\r"
)

// File is a parsed s3cmd configuration file. It keeps every byte of the
// input: comments, blank lines, spacing, sections, duplicate, unknown and
// invalid lines, each line's own terminator, a missing final newline and a
// UTF-8 byte order mark. [File.Bytes] returns the input unchanged until it
// is edited, and edits ([File.Set], [File.Delete]) touch only the lines they
// must.
//
// A File holds secrets. Its String and Format methods print a summary
// (line and key counts), never the content. A File is not safe for
// concurrent use while it is being edited.
type File struct {
	bom   bool
	lines []line
}

// line is one physical line: its text without the terminator (and without
// the BOM for the first line) and the terminator that ended it.
type line struct {
	text string
	eol  string
}

// lineKind is what s3cmd's reader makes of a line.
type lineKind int

const (
	kindBlank   lineKind = iota // ^\s*$
	kindComment                 // ^\s*#
	kindSection                 // ^\[([^\]]+)\]
	kindData                    // ^\s*(\w+)\s*=\s*(.*)
	kindInvalid                 // anything else: "Ignoring invalid line"
)

// parsed is the classification of one line.
type parsed struct {
	kind lineKind
	// For kindSection: the name between the brackets.
	section string
	// For kindData: the key, and the byte offset in text where the value
	// (the regexp's group "value", after the whitespace following "=")
	// starts. The raw value is text[valueAt:].
	key     string
	valueAt int
	// hidden is set for the first line of a file with a BOM: s3cmd sees
	// U+FEFF as its first character, so the line matches nothing and is
	// ignored, whatever it would otherwise be.
	hidden bool
}

// Parse parses an s3cmd configuration file. It never fails on content that
// s3cmd accepts or merely warns about; those findings are in
// [File.Diagnostics]. It returns a *DecodeError, together with a File that
// still round-trips, when s3cmd cannot decode the bytes at all: invalid
// UTF-8, or a UTF-16 or UTF-32 byte order mark. s3cmd stops with
// "Parameter problem" (exit 64) on such a file.
func Parse(data []byte) (*File, error) {
	f := &File{}
	s := string(data)
	if strings.HasPrefix(s, bom) {
		f.bom = true
		s = s[len(bom):]
	}
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			f.lines = append(f.lines, line{text: s})
			break
		}
		eol := s[i : i+1]
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			eol = CRLF
		}
		f.lines = append(f.lines, line{text: s[:i], eol: eol})
		s = s[i+len(eol):]
	}
	if err := decodeCheck(data); err != nil {
		return f, err
	}
	return f, nil
}

// decodeErr is decodeCheck(f.Bytes()), without building the bytes for a
// valid file. Terminators are ASCII, so the file is valid UTF-8 exactly
// when every line is.
func (f *File) decodeErr() error {
	for _, l := range f.lines {
		if !utf8.ValidString(l.text) {
			return decodeCheck(f.Bytes())
		}
	}
	return nil
}

// Bytes returns the file's content: the parsed input, with any edits.
func (f *File) Bytes() []byte {
	n := 0
	if f.bom {
		n += len(bom)
	}
	for _, l := range f.lines {
		n += len(l.text) + len(l.eol)
	}
	b := make([]byte, 0, n)
	if f.bom {
		b = append(b, bom...)
	}
	for _, l := range f.lines {
		b = append(b, l.text...)
		b = append(b, l.eol...)
	}
	return b
}

// WriteTo writes [File.Bytes] to w.
func (f *File) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(f.Bytes())
	return int64(n), err
}

// Clone returns an independent copy of f.
func (f *File) Clone() *File {
	return &File{bom: f.bom, lines: append([]line(nil), f.lines...)}
}

// Equal reports whether f and g have the same bytes.
func (f *File) Equal(g *File) bool { return bytes.Equal(f.Bytes(), g.Bytes()) }

// HasBOM reports whether the file starts with a UTF-8 byte order mark.
func (f *File) HasBOM() bool { return f.bom }

// RemoveBOM drops a leading UTF-8 byte order mark, so that s3cmd reads the
// first line again. It reports whether there was one.
func (f *File) RemoveBOM() bool {
	had := f.bom
	f.bom = false
	return had
}

// NumLines returns the number of lines. A final line without a terminator
// counts; an empty file has none.
func (f *File) NumLines() int { return len(f.lines) }

// String describes the file without its content, which holds secrets. It
// has a value receiver, so a File prints the same way by value, through a
// pointer or as a field of another struct.
func (f File) String() string {
	return fmt.Sprintf("s3cfg.File{lines: %d, keys: %d}", len(f.lines), len(f.Keys()))
}

// Format prints [File.String] for every verb, so that no formatting verb
// can print the content.
func (f File) Format(s fmt.State, verb rune) { io.WriteString(s, f.String()) }

// LogValue implements [slog.LogValuer]: loggers see [File.String].
func (f File) LogValue() slog.Value { return slog.StringValue(f.String()) }

// classify returns what s3cmd's ConfigParser.parse_file makes of line i.
func (f *File) classify(i int) parsed {
	p := classifyText(f.lines[i].text)
	if i == 0 && f.bom {
		p.hidden = true
	}
	return p
}

// classifyText applies s3cmd's four regular expressions, in s3cmd's order,
// with Python's Unicode \s and \w.
func classifyText(t string) parsed {
	rest := pyLstrip(t)
	if rest == "" {
		return parsed{kind: kindBlank}
	}
	if rest[0] == '#' {
		return parsed{kind: kindComment}
	}
	if t[0] == '[' {
		// ^\[([^\]]+)\] : at least one character, then the first ']'.
		if j := strings.IndexByte(t[1:], ']'); j > 0 {
			return parsed{kind: kindSection, section: t[1 : 1+j]}
		}
	}
	// ^\s*(?P<key>\w+)\s*=\s*(?P<value>.*)
	k := 0
	for k < len(rest) {
		r, n := utf8.DecodeRuneInString(rest[k:])
		if !pyIsWord(r) {
			break
		}
		k += n
	}
	if k == 0 {
		return parsed{kind: kindInvalid}
	}
	after := pyLstrip(rest[k:])
	if after == "" || after[0] != '=' {
		return parsed{kind: kindInvalid}
	}
	value := pyLstrip(after[1:])
	return parsed{kind: kindData, key: rest[:k], valueAt: len(t) - len(value)}
}
