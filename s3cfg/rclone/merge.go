package rclone

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/ini.v1"
)

// Errors of [Remote.Merge], for errors.Is.
var (
	// ErrEncrypted: the file is an encrypted rclone config
	// ("RCLONE_ENCRYPT_V0:"); it can only be changed with
	// "rclone config" and its password.
	ErrEncrypted = errors.New("rclone: the config file is encrypted (RCLONE_ENCRYPT_V0); add the remote with \"rclone config\"")
	// ErrNotS3: a remote with the name exists and is not of type s3; it is
	// not replaced.
	ErrNotS3 = errors.New("rclone: a remote with this name exists and is not an s3 remote")
)

// ParseError reports a line of an existing file that rclone cannot read
// either ("could not parse line"). It gives the line's number, never its
// text, which may hold a secret.
type ParseError struct {
	// Line is the 1-based line number.
	Line int
	// Reason says what is wrong with it.
	Reason string
}

// Error implements error.
func (e *ParseError) Error() string {
	return fmt.Sprintf("rclone: line %d of the config file: %s; rclone cannot read the file either, so it is left alone", e.Line, e.Reason)
}

// Change says what [Remote.Merge] changed.
type Change struct {
	// Added reports that the file had no section for the remote: it was
	// appended.
	Added bool
	// Set lists the keys written because they were missing or held
	// another value, sorted. Keys that already held the value are left
	// untouched, byte for byte.
	Set []string
	// Removed lists keys deleted from an existing remote because they
	// belong to the credentials being replaced (session_token), sorted.
	Removed []string
}

// Changed reports whether the file changed.
func (c Change) Changed() bool { return c.Added || len(c.Set) > 0 || len(c.Removed) > 0 }

// line is one line of the file: its text without the line end, and the
// line end ("\n", "\r\n", or "" for a last line without one).
type line struct {
	text, nl string
}

// lineKind is how rclone's reader (goconfig) takes a line.
type lineKind int

const (
	blankLine lineKind = iota
	commentLine
	headerLine
	valueLine
)

// scanned is a line with what goconfig makes of it.
type scanned struct {
	line
	kind    lineKind
	section string // the section the line is in (its name, for a header)
	key     string // for a key line
}

// splitLines splits data at "\n", as goconfig reads (ReadString('\n'));
// a "\r" before the "\n" belongs to the line end.
func splitLines(data []byte) []line {
	var out []line
	s := string(data)
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, line{text: s})
			break
		}
		l := line{text: s[:i], nl: "\n"}
		if strings.HasSuffix(l.text, "\r") {
			l.text, l.nl = l.text[:len(l.text)-1], "\r\n"
		}
		out = append(out, l)
		s = s[i+1:]
	}
	return out
}

// scan classifies the lines of an existing file as rclone 1.60 reads it:
// each line is trimmed; empty lines and lines starting with "#" or ";"
// are skipped; "[name]" starts a section; every other line must hold "="
// or ":" after a non-empty key (a key may be quoted with `"`, `"""` or a
// backquote). Keys before the first header are in section "DEFAULT".
func scan(data []byte) ([]scanned, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("rclone: the config file is not valid UTF-8; it is left alone")
	}
	lines := splitLines(data)
	out := make([]scanned, len(lines))
	section := "DEFAULT"
	first := true
	for i, l := range lines {
		t := strings.TrimSpace(l.text)
		s := scanned{line: l, section: section}
		switch {
		case t == "":
			s.kind = blankLine
		case t[0] == '#' || t[0] == ';':
			s.kind = commentLine
		case first && strings.HasPrefix(t, "RCLONE_ENCRYPT_V"):
			return nil, ErrEncrypted
		case t[0] == '[' && t[len(t)-1] == ']':
			s.kind = headerLine
			section = strings.TrimSpace(t[1 : len(t)-1])
			s.section = section
		default:
			key, ok := lineKey(t)
			if !ok {
				return nil, &ParseError{Line: i + 1, Reason: `no key before "=" or ":"`}
			}
			s.kind, s.key = valueLine, key
		}
		if s.kind != blankLine && s.kind != commentLine {
			first = false
		}
		out[i] = s
	}
	return out, nil
}

// lineKey returns the key of a trimmed key line as goconfig reads it.
func lineKey(t string) (string, bool) {
	q := ""
	switch {
	case strings.HasPrefix(t, `"""`) && len(t) >= 6:
		q = `"""`
	case t[0] == '"':
		q = `"`
	case t[0] == '`':
		q = "`"
	}
	if q != "" {
		end := strings.Index(t[len(q):], q)
		if end < 0 {
			return "", false
		}
		end += len(q)
		if i := strings.IndexAny(t[end:], "=:"); i <= 0 {
			return "", false
		}
		return t[len(q):end], true
	}
	i := strings.IndexAny(t, "=:")
	if i <= 0 {
		return "", false
	}
	return strings.TrimSpace(t[:i]), true
}

// lineValue returns the value of a key line as goconfig reads it.
func lineValue(t string) (string, bool) {
	t = strings.TrimSpace(t)
	key, ok := lineKey(t)
	if !ok {
		return "", false
	}
	rest := t
	if q := t[0]; q == '"' || q == '`' {
		// A quoted key: skip past it to the delimiter.
		rest = rest[strings.Index(rest, key)+len(key):]
	}
	i := strings.IndexAny(rest, "=:")
	return readValue(rest[i+1:])
}

// newline returns the line end a file uses: that of its first line, or
// LF for a file with none.
func newline(lines []line) string {
	for _, l := range lines {
		if l.nl != "" {
			return l.nl
		}
	}
	return "\n"
}

// Merge adds the remote to the rclone config file data (the file's bytes,
// empty for a new file) or updates it there, and returns the new bytes.
//
// Everything else stays byte for byte: other remotes, comments (also the
// ones inside the remote's section), blank lines, line ends, and keys of
// the remote that Merge does not set (acl, chunk_size, ...). Of the keys
// it sets, a key that already holds the value is left alone, a key with
// another value has its line rewritten in place (with the file's line
// end), and a missing key is added after the remote's last key. Earlier
// duplicate lines of a key Merge sets are deleted, as is session_token
// (it belongs to the old credentials). A new remote is appended at the
// end, after a blank line, and followed by one, as rclone itself writes
// sections, so that a file rclone wrote stays as rclone would write it.
//
// Merge refuses (and changes nothing) when the file is encrypted
// ([ErrEncrypted]), is not UTF-8, has a line rclone cannot read
// (*[ParseError]), or holds a remote of that name whose type is not s3
// ([ErrNotS3]). After merging it reads the result back with
// gopkg.in/ini.v1 set up to read as rclone does (see the package
// documentation) and fails if the remote does not read back exactly.
func (r Remote) Merge(data []byte) ([]byte, Change, error) {
	name, err := r.name()
	if err != nil {
		return nil, Change{}, err
	}
	kvs, err := r.values()
	if err != nil {
		return nil, Change{}, err
	}
	lines, err := scan(data)
	if err != nil {
		return nil, Change{}, err
	}
	nl := newline(splitLines(data))

	var ch Change
	// The lines of the remote's section(s): goconfig merges repeated
	// sections into one.
	var header, last = -1, -1 // last header of the remote; last key line in it
	byKey := map[string][]int{}
	for i, s := range lines {
		if s.section != name {
			continue
		}
		switch s.kind {
		case headerLine:
			header, last = i, -1
		case valueLine:
			byKey[s.key] = append(byKey[s.key], i)
			last = i
		}
	}
	if header < 0 {
		return r.appendRemote(data, lines, name, kvs, nl)
	}
	if idx := byKey["type"]; len(idx) > 0 {
		if t, _ := lineValue(lines[idx[len(idx)-1]].text); t != "s3" {
			return nil, Change{}, fmt.Errorf("%w: [%s] is of type %q; choose another name", ErrNotS3, name, t)
		}
	}
	if last < 0 {
		last = header
	}

	replace := map[int]string{} // line index -> new text
	drop := map[int]bool{}
	var insert []string
	for _, p := range kvs {
		idx := byKey[p.key]
		if len(idx) == 0 {
			insert = append(insert, keyLine(p))
			ch.Set = append(ch.Set, p.key)
			continue
		}
		for _, i := range idx[:len(idx)-1] {
			drop[i] = true
		}
		at := idx[len(idx)-1]
		if cur, ok := lineValue(lines[at].text); !ok || cur != p.value {
			replace[at] = keyLine(p)
			ch.Set = append(ch.Set, p.key)
		} else if len(idx) > 1 {
			ch.Set = append(ch.Set, p.key)
		}
	}
	for _, k := range removed {
		for _, i := range byKey[k] {
			drop[i] = true
		}
		if len(byKey[k]) > 0 {
			ch.Removed = append(ch.Removed, k)
		}
	}
	sort.Strings(ch.Set)
	sort.Strings(ch.Removed)
	if !ch.Changed() {
		return slices.Clone(data), ch, nil
	}

	var b bytes.Buffer
	for i, s := range lines {
		if !drop[i] {
			if t, ok := replace[i]; ok {
				s.text = t
			}
			b.WriteString(s.text + s.nl)
		}
		if i == last && len(insert) > 0 {
			if s.nl == "" && !drop[i] {
				b.WriteString(nl)
			}
			for _, t := range insert {
				b.WriteString(t + nl)
			}
		}
	}
	out := b.Bytes()
	if err := verify(out, name, kvs); err != nil {
		return nil, Change{}, err
	}
	return out, ch, nil
}

// appendRemote appends a new section for the remote.
func (r Remote) appendRemote(data []byte, lines []scanned, name string, kvs []kv, nl string) ([]byte, Change, error) {
	var b bytes.Buffer
	b.Write(data)
	if n := len(lines); n > 0 {
		if lines[n-1].nl == "" {
			b.WriteString(nl)
		}
		if lines[n-1].kind != blankLine || lines[n-1].text != "" {
			b.WriteString(nl)
		}
	}
	b.WriteString(sectionText(name, kvs, nl))
	b.WriteString(nl)
	out := b.Bytes()
	if err := verify(out, name, kvs); err != nil {
		return nil, Change{}, err
	}
	ch := Change{Added: true}
	for _, p := range kvs {
		ch.Set = append(ch.Set, p.key)
	}
	sort.Strings(ch.Set)
	return out, ch, nil
}

// LoadOptions are the gopkg.in/ini.v1 options under which ini.v1 reads an
// rclone.conf as rclone 1.60 (goconfig) does, for the values this package
// writes: no inline comments ("a#b;c" is one value), no "\" continuation
// lines, quotes around a value kept ("x" reads as "x", quotes included),
// and text in backquotes or triple double quotes unquoted (ini.v1 and
// goconfig agree there). Keys and section names are case-sensitive, and
// the keys before the first header are in section "DEFAULT", in both.
var LoadOptions = ini.LoadOptions{
	IgnoreInlineComment:     true,
	IgnoreContinuation:      true,
	PreserveSurroundedQuote: true,
}

// Remotes returns the names of the remotes in an rclone config file and
// their types, read with gopkg.in/ini.v1 under [LoadOptions], in file
// order. The keys before the first header (section "DEFAULT") are not a
// remote. It fails for an encrypted file.
func Remotes(data []byte) (names, types []string, err error) {
	if _, err := scan(data); err != nil {
		return nil, nil, err
	}
	f, err := ini.LoadSources(LoadOptions, data)
	if err != nil {
		return nil, nil, errors.New("rclone: gopkg.in/ini.v1 cannot read the config file")
	}
	for _, s := range f.Sections() {
		if s.Name() == ini.DefaultSection {
			continue
		}
		names = append(names, s.Name())
		types = append(types, s.Key("type").String())
	}
	return names, types, nil
}

// verify reads out with ini.v1 under LoadOptions and checks that the
// remote holds exactly kvs and none of the removed keys.
func verify(out []byte, name string, kvs []kv) error {
	f, err := ini.LoadSources(LoadOptions, out)
	if err != nil {
		return errors.New("rclone: the merged file does not read back with gopkg.in/ini.v1; not written")
	}
	s, err := f.GetSection(name)
	if err != nil {
		return fmt.Errorf("rclone: the merged file has no [%s]; not written", name)
	}
	got := map[string]string{}
	for _, k := range s.Keys() {
		got[k.Name()] = k.Value()
	}
	for _, p := range kvs {
		if v, ok := got[p.key]; !ok || v != p.value {
			return fmt.Errorf("rclone: %s of [%s] does not read back as written; not written", p.key, name)
		}
	}
	for _, k := range removed {
		if _, ok := got[k]; ok {
			return fmt.Errorf("rclone: [%s] still has %s; not written", name, k)
		}
	}
	return nil
}
