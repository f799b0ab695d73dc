package s3cfg

import (
	"strings"
	"unicode/utf8"
)

// quoted applies s3cmd's quote rule to a raw value (the regexp group
// "value": everything after the whitespace that follows "=", trailing
// whitespace included). If it matches ^"(.*)"\s*$, s3cmd keeps value[1:-1]:
// it drops the first and the last character, which is a whitespace
// character, not the quote, when whitespace follows the closing quote.
func quoted(raw string) string {
	if len(raw) < 2 || raw[0] != '"' {
		return raw
	}
	t := strings.TrimRightFunc(raw, pyIsSpace)
	if len(t) < 2 || t[len(t)-1] != '"' {
		return raw
	}
	_, n := utf8.DecodeLastRuneInString(raw)
	return raw[1 : len(raw)-n]
}

// occurrence is one key line that s3cmd reads.
type occurrence struct {
	index int    // index into f.lines
	raw   string // the value after the quote rule, not stripped
}

// keyLine is a key line s3cmd reads.
type keyLine struct {
	key string
	occurrence
}

// visible returns, in file order, the key lines s3cmd reads (all sections
// merged, the line a BOM hides left out).
func (f *File) visible() []keyLine {
	var out []keyLine
	for i := range f.lines {
		p := f.classify(i)
		if p.kind != kindData || p.hidden {
			continue
		}
		out = append(out, keyLine{p.key, occurrence{i, quoted(f.lines[i].text[p.valueAt:])}})
	}
	return out
}

// rawMap is s3cmd's ConfigParser.cfg: key → last raw value (quotes
// removed, not stripped), with the index of the line it came from.
func (f *File) rawMap() map[string]occurrence {
	m := make(map[string]occurrence)
	for _, v := range f.visible() {
		m[v.key] = v.occurrence
	}
	return m
}

// Get returns the value s3cmd reads for key from the file: the last line
// that sets it in any section, one pair of double quotes removed by
// s3cmd's rule, stripped of Python whitespace. It does not look up "$NAME"
// references, drop "http://" from host keys or check types: that is
// [File.Resolve]. ok is false when no line that s3cmd reads sets key. Get
// works for unknown keys too.
func (f *File) Get(key string) (value string, ok bool) {
	o, ok := f.rawMap()[key]
	if !ok {
		return "", false
	}
	return pyStrip(o.raw), true
}

// Keys returns the distinct keys that s3cmd reads from the file, known or
// not, in order of first appearance.
func (f *File) Keys() []string {
	seen := make(map[string]bool)
	var keys []string
	for _, v := range f.visible() {
		if !seen[v.key] {
			seen[v.key] = true
			keys = append(keys, v.key)
		}
	}
	return keys
}

// Lines returns the 1-based numbers of the lines that set key, in file
// order. s3cmd uses the last.
func (f *File) Lines(key string) []int {
	var ns []int
	for _, v := range f.visible() {
		if v.key == key {
			ns = append(ns, v.index+1)
		}
	}
	return ns
}

// Set makes s3cmd read value for key. If the file already sets key, the
// last such line (the one s3cmd uses) is rewritten in place: its
// indentation, its spacing around "=" and its terminator are kept, and the
// earlier lines are left as they are. Otherwise a new "key = value" line is
// added after the last key line of the last section (after a "[default]"
// header that Set adds if the file has neither sections nor keys), with
// the file's most common line terminator.
//
// Set returns a *ValueError, and changes nothing, when s3cmd could not
// read the value back as given (see [CheckValue]) or would reject it for a
// bool or int option, and when key is not a valid s3cmd key. The error
// names the key, never the value. Unknown keys are allowed; s3cmd ignores
// them (see [Suggest]).
func (f *File) Set(key, value string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := CheckValue(key, value); err != nil {
		return err
	}
	if err := checkTyped(key, value); err != nil {
		return err
	}
	f.set(key, value)
	return nil
}

// SetEnvRef makes s3cmd read key from the environment variable name when
// it runs: it writes "key = $name". If the variable is unset, s3cmd uses
// the option's default.
func (f *File) SetEnvRef(key, name string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if name == "" || !utf8.ValidString(name) || strings.ContainsAny(name, "=\x00\r\n") || name != pyStrip(name) || strings.HasPrefix(name, "{") {
		return &ValueError{Key: key, Reason: "the environment variable name is empty or cannot be looked up by s3cmd"}
	}
	f.set(key, "$"+name)
	return nil
}

// set writes a checked value.
func (f *File) set(key, value string) {
	if o, ok := f.rawMap()[key]; ok {
		l := &f.lines[o.index]
		p := f.classify(o.index)
		l.text = l.text[:p.valueAt] + value
		return
	}
	f.insert(key + " = " + value)
}

// Delete removes every line that s3cmd reads key from, so that s3cmd uses
// the option's default. It returns the number of lines removed. A line
// that a byte order mark hides from s3cmd is not removed.
func (f *File) Delete(key string) int {
	drop := make(map[int]bool)
	for _, v := range f.visible() {
		if v.key == key {
			drop[v.index] = true
		}
	}
	if len(drop) == 0 {
		return 0
	}
	lastEOL := ""
	if n := len(f.lines); n > 0 {
		lastEOL = f.lines[n-1].eol
	}
	kept := f.lines[:0:0]
	for i, l := range f.lines {
		if !drop[i] {
			kept = append(kept, l)
		}
	}
	// Keep "no final newline" a property of the file, not of a line.
	if len(kept) > 0 && lastEOL == "" {
		kept[len(kept)-1].eol = ""
	}
	f.lines = kept
	return len(drop)
}

// Newline returns the file's most common line terminator (LF, CRLF or
// CR), the first one seen on a tie, or LF for a file without terminators.
func (f *File) Newline() string {
	counts := map[string]int{}
	var order []string
	for _, l := range f.lines {
		if l.eol == "" {
			continue
		}
		if counts[l.eol] == 0 {
			order = append(order, l.eol)
		}
		counts[l.eol]++
	}
	best := LF
	for i, e := range order {
		if i == 0 || counts[e] > counts[best] {
			best = e
		}
	}
	return best
}

// SetNewline changes every line terminator to nl (LF, CRLF or CR). A
// missing final newline stays missing. It panics on any other nl.
func (f *File) SetNewline(nl string) {
	if nl != LF && nl != CRLF && nl != CR {
		panic("s3cfg: SetNewline: not LF, CRLF or CR")
	}
	for i := range f.lines {
		if f.lines[i].eol != "" {
			f.lines[i].eol = nl
		}
	}
}

// insert adds a new key line where a person would put it.
func (f *File) insert(text string) {
	nl := f.Newline()
	lastSection, lastData := -1, -1
	for i := range f.lines {
		p := f.classify(i)
		switch {
		case p.kind == kindSection:
			// A header that a BOM hides still reads as a section to a
			// person; the key goes after it, on line 2 or later.
			lastSection, lastData = i, -1
		case p.kind == kindData:
			lastData = i
		}
	}
	at := lastData
	if at < 0 {
		at = lastSection
	}
	if at < 0 {
		// Neither sections nor keys: add a header at the end. It also
		// keeps the key off the first line of a file with a BOM.
		f.appendLines(line{text: "[default]"}, line{text: text})
		return
	}
	nl2 := nl
	if f.lines[at].eol == "" {
		// The line was the last one, without a terminator. It gets one,
		// and the new last line keeps the file's missing final newline.
		f.lines[at].eol = nl
		nl2 = ""
	}
	f.lines = append(f.lines, line{})
	copy(f.lines[at+2:], f.lines[at+1:])
	f.lines[at+1] = line{text: text, eol: nl2}
}

// appendLines appends lines at the end of the file with the file's line
// terminator, keeping a missing final newline missing.
func (f *File) appendLines(ls ...line) {
	nl := f.Newline()
	final := nl
	if n := len(f.lines); n > 0 && f.lines[n-1].eol == "" {
		if f.lines[n-1].text == "" {
			// A last line without text or terminator cannot exist except
			// as nothing; drop it.
			f.lines = f.lines[:n-1]
		} else {
			f.lines[n-1].eol = nl
			final = ""
		}
	}
	for i, l := range ls {
		l.eol = nl
		if i == len(ls)-1 {
			l.eol = final
		}
		f.lines = append(f.lines, l)
	}
}
