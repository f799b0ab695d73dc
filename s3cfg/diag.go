package s3cfg

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Severity ranks a [Diagnostic].
type Severity int

// Severities.
const (
	// Info: s3cmd reads the file as a person would expect, but something
	// is worth knowing (a harmless BOM, a key set twice).
	Info Severity = iota + 1
	// Warning: s3cmd reads the file, but differently from what it seems to
	// say (an ignored line, a key lost to a BOM, an unknown key).
	Warning
	// Error: s3cmd cannot read the file at all.
	Error
)

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "unknown"
}

// Code identifies the kind of a [Diagnostic].
type Code string

// Diagnostic codes.
const (
	CodeInvalidUTF8  Code = "invalid-utf8"  // Error: s3cmd stops with a UnicodeDecodeError
	CodeUTF16        Code = "utf16"         // Error: UTF-16 or UTF-32 (a BOM says so)
	CodeNUL          Code = "nul"           // Warning: NUL bytes, likely UTF-16 without a BOM
	CodeBOM          Code = "bom"           // Info: a UTF-8 BOM before a line s3cmd may ignore
	CodeBOMHidesKey  Code = "bom-hides-key" // Warning: a UTF-8 BOM makes s3cmd lose the key on line 1
	CodeInvalidLine  Code = "invalid-line"  // Warning: s3cmd ignores the line ("Ignoring invalid line")
	CodeUnknownKey   Code = "unknown-key"   // Warning: s3cmd 2.3.0 ignores the key
	CodeNewerKey     Code = "newer-key"     // Info: a key of s3cmd 2.4+, ignored by 2.3.0
	CodeNotFromFile  Code = "not-from-file" // Warning: an s3cmd setting that cannot be set from the file
	CodeDuplicateKey Code = "duplicate-key" // Info: set more than once; the last line wins
	CodeQuoteQuirk   Code = "quote-quirk"   // Warning: `"x"` followed by spaces reads as `x"`
	CodeEnvRef       Code = "env-ref"       // Info: the value is read from an environment variable
)

// Diagnostic is a finding about a file. Its text never includes a value
// from the file.
type Diagnostic struct {
	// Line is the 1-based line, or 0 for the whole file.
	Line int
	// Severity ranks the finding.
	Severity Severity
	// Code identifies the kind of finding, for programs.
	Code Code
	// Key is the key concerned, if any.
	Key string
	// Suggestion is the known option a misspelt key most likely means.
	Suggestion string
	// Message explains the finding.
	Message string
}

// String formats the diagnostic as "line N: severity: message".
func (d Diagnostic) String() string {
	if d.Line == 0 {
		return fmt.Sprintf("%s: %s", d.Severity, d.Message)
	}
	return fmt.Sprintf("line %d: %s: %s", d.Line, d.Severity, d.Message)
}

// Diagnostics returns what is worth knowing about how s3cmd 2.3.0 reads
// the file, in line order: lines it ignores, keys it ignores or that a BOM
// hides, keys set more than once, and why it cannot read the file at all.
// It reflects the current content, edits included.
func (f *File) Diagnostics() []Diagnostic {
	var ds []Diagnostic
	data := f.Bytes()
	if err := f.decodeErr(); err != nil {
		var de *DecodeError
		errors.As(err, &de)
		d := Diagnostic{Severity: Error, Code: CodeInvalidUTF8, Message: "s3cmd cannot decode the file (" + de.Python + ")"}
		if de.Encoding != "" {
			d.Code = CodeUTF16
			d.Message = fmt.Sprintf("the file is %s; s3cmd reads only UTF-8 and stops: save it as UTF-8", de.Encoding)
		}
		// s3cmd reads no line of such a file.
		return append(ds, d)
	} else if strings.IndexByte(string(data), 0) >= 0 {
		ds = append(ds, Diagnostic{Severity: Warning, Code: CodeNUL, Message: "the file contains NUL bytes, as UTF-16 text saved without a byte order mark does; s3cmd reads no key from a line with a NUL byte before its \"=\""})
	}
	cache := map[string]string{}
	suggest := func(k string) string {
		s, ok := cache[k]
		if !ok {
			s = Suggest(k)
			cache[k] = s
		}
		return s
	}
	vis := f.visible()
	last := map[string]int{}
	lines := map[string][]int{}
	for _, v := range vis {
		last[v.key] = v.index
		lines[v.key] = append(lines[v.key], v.index+1)
	}
	prevData := false
	for i := range f.lines {
		p := f.classify(i)
		n := i + 1
		switch {
		case p.hidden:
			if p.kind == kindData {
				ds = append(ds, Diagnostic{Line: n, Severity: Warning, Code: CodeBOMHidesKey, Key: p.key,
					Message: fmt.Sprintf("a UTF-8 byte order mark starts the file, so s3cmd does not see the key %s on line 1; remove the BOM or start the file with [default]", p.key)})
			} else {
				ds = append(ds, Diagnostic{Line: n, Severity: Info, Code: CodeBOM,
					Message: "a UTF-8 byte order mark starts the file; s3cmd ignores line 1 (harmless here)"})
			}
		case p.kind == kindInvalid:
			ds = append(ds, invalidLine(n, f.lines[i].text, prevData, suggest))
		case p.kind == kindData:
			if last[p.key] == i {
				ds = append(ds, keyDiagnostics(n, p.key, f.lines[i].text[p.valueAt:], lines[p.key], suggest)...)
			}
		}
		if p.kind != kindBlank && p.kind != kindComment {
			prevData = p.kind == kindData || p.kind == kindInvalid && prevData
		}
	}
	return ds
}

// keyDiagnostics reports on the line s3cmd takes key from; lines are all
// the lines that set it.
func keyDiagnostics(n int, key, rawValue string, lines []int, suggest func(string) string) []Diagnostic {
	var ds []Diagnostic
	switch {
	case isKnownKey(key):
	case newerKeys[key] != "":
		ds = append(ds, Diagnostic{Line: n, Severity: Info, Code: CodeNewerKey, Key: key,
			Message: fmt.Sprintf("%s is an option of s3cmd %s; s3cmd 2.3.0 ignores it", key, newerKeys[key])})
	case notFromFile[key]:
		ds = append(ds, Diagnostic{Line: n, Severity: Warning, Code: CodeNotFromFile, Key: key,
			Message: fmt.Sprintf("s3cmd has a setting %s but never reads it from the file; use the command-line option", key)})
	default:
		d := Diagnostic{Line: n, Severity: Warning, Code: CodeUnknownKey, Key: key,
			Message: fmt.Sprintf("s3cmd ignores the unknown key %s", key)}
		if s := suggest(key); s != "" {
			d.Suggestion = s
			d.Message += fmt.Sprintf("; did you mean %s?", s)
		}
		ds = append(ds, d)
	}
	if len(lines) > 1 {
		var ls []string
		for i, l := range lines {
			if i == 8 && len(lines) > 10 {
				ls = append(ls, "…")
				ls = append(ls, fmt.Sprint(lines[len(lines)-1]))
				break
			}
			ls = append(ls, fmt.Sprint(l))
		}
		ds = append(ds, Diagnostic{Line: n, Severity: Info, Code: CodeDuplicateKey, Key: key,
			Message: fmt.Sprintf("%s is set %d times (lines %s); s3cmd uses line %d", key, len(lines), strings.Join(ls, ", "), n)})
	}
	q := quoted(rawValue)
	if q != rawValue && !strings.HasSuffix(rawValue, `"`) {
		ds = append(ds, Diagnostic{Line: n, Severity: Warning, Code: CodeQuoteQuirk, Key: key,
			Message: fmt.Sprintf("the value of %s is in double quotes followed by whitespace; s3cmd then removes the opening quote and the last space, and keeps the closing quote", key)})
	}
	if v := pyStrip(q); strings.HasPrefix(v, "$") && isKnownKey(key) {
		ds = append(ds, Diagnostic{Line: n, Severity: Info, Code: CodeEnvRef, Key: key,
			Message: fmt.Sprintf("s3cmd reads %s from the environment variable %s (the default if it is unset)", key, envName(v[1:]))})
	}
	return ds
}

// envName quotes a variable name for a message, safely.
func envName(s string) string {
	if len(s) > 64 || !utf8.ValidString(s) {
		return "(an unusual name)"
	}
	return fmt.Sprintf("%q", s)
}

// invalidLine explains why s3cmd ignores a line, without quoting it.
func invalidLine(n int, text string, afterData bool, suggest func(string) string) Diagnostic {
	d := Diagnostic{Line: n, Severity: Warning, Code: CodeInvalidLine}
	t := pyLstrip(text)
	indented := len(t) != len(text)
	const ignored = "s3cmd ignores this line (\"Ignoring invalid line\")"
	switch {
	case strings.HasPrefix(t, ";"):
		d.Message = ignored + ": \";\" does not start a comment for s3cmd, only \"#\" does"
	case strings.HasPrefix(t, "[") && indented:
		d.Message = ignored + ": a section header must start at the beginning of the line"
	case strings.HasPrefix(t, "["):
		d.Message = ignored + ": not a section header (\"[name]\" needs a name and the closing bracket)"
	default:
		name, _, hasEq := strings.Cut(t, "=")
		name = strings.TrimRightFunc(name, pyIsSpace)
		colonName, _, hasColon := strings.Cut(t, ":")
		switch {
		case indented && afterData && suggest(name) == "":
			d.Message = ignored + ": s3cmd has no continuation lines; an indented line does not continue the value above"
		case hasEq && name != "" && !strings.ContainsAny(name, " \t"):
			d.Message = ignored + ": a key is letters, digits and \"_\" only"
			if s := suggest(name); s != "" {
				d.Key, d.Suggestion = name, s
				d.Message += fmt.Sprintf("; did you mean %s?", s)
			}
		case hasColon && !hasEq && isPyWordString(strings.TrimRightFunc(colonName, pyIsSpace)):
			d.Message = ignored + ": s3cmd needs \"key = value\", not \"key: value\""
			k := strings.TrimRightFunc(colonName, pyIsSpace)
			if s := suggest(k); s != "" {
				d.Key, d.Suggestion = k, s
			} else if isKnownKey(k) {
				d.Key, d.Suggestion = k, k
			}
		default:
			d.Message = ignored + ": it is not a comment, a section header or \"key = value\""
		}
	}
	return d
}
