package awscli

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// ErrConflict is matched by the error of [Profile.MergeConfig] when the
// profile exists and takes its credentials from elsewhere than the
// credentials file (role_arn, source_profile, credential_source,
// credential_process, web_identity_token_file, sso_*) or its S3 endpoint
// from a [services ...] section (services): the AWS CLI would not use the
// key pair or the endpoint written. The profile is not changed; choose
// another name.
var ErrConflict = errors.New("awscli: the profile takes its credentials or endpoint from elsewhere")

// Change says what a merge changed in one file.
type Change struct {
	// Added reports that the file had no section for the profile: it was
	// appended.
	Added bool
	// Set lists the keys written because they were missing or held
	// another value, sorted ("s3" for the nested addressing_style). Keys
	// that already held the value are left untouched, byte for byte.
	Set []string
	// Removed lists keys deleted because they belong to the credentials
	// being replaced (aws_session_token, aws_security_token), sorted.
	Removed []string
}

// Changed reports whether the file changed.
func (c Change) Changed() bool { return c.Added || len(c.Set) > 0 || len(c.Removed) > 0 }

// editor collects line edits of a parsed file and renders them.
type editor struct {
	f       *file
	nl      string           // the file's line end
	replace map[int][]string // first line of an option -> its new lines
	drop    map[int]bool     // lines to delete
	nested  map[int][]string // lines to add after a line, inside a nested block
	insert  map[int][]string // options to add after a line
}

func newEditor(f *file) *editor {
	e := &editor{f: f, nl: "\n", replace: map[int][]string{}, drop: map[int]bool{}, nested: map[int][]string{}, insert: map[int][]string{}}
	for _, l := range f.lines {
		if l.nl != "" {
			e.nl = l.nl
			break
		}
	}
	return e
}

// set replaces an option's lines (its first line and its continuation
// lines) with lines.
func (e *editor) set(o *option, lines []string) {
	e.replace[o.first] = lines
	for _, i := range o.cont {
		e.drop[i] = true
	}
}

// remove deletes an option's lines.
func (e *editor) remove(o *option) {
	e.drop[o.first] = true
	for _, i := range o.cont {
		e.drop[i] = true
	}
}

// render returns the file with the edits applied. Untouched lines keep
// their bytes and line ends; new and rewritten lines get the file's line
// end.
func (e *editor) render() []byte {
	var b bytes.Buffer
	open := func() bool { n := b.Len(); return n > 0 && b.Bytes()[n-1] != '\n' && b.Bytes()[n-1] != '\r' }
	for i, l := range e.f.lines {
		switch {
		case e.drop[i]:
		case e.replace[i] != nil:
			for k, t := range e.replace[i] {
				b.WriteString(t)
				if k < len(e.replace[i])-1 || l.nl != "" {
					b.WriteString(e.nl)
				}
			}
		default:
			b.WriteString(l.text + l.nl)
		}
		for _, add := range [][]string{e.nested[i], e.insert[i]} {
			for _, t := range add {
				if open() {
					b.WriteString(e.nl)
				}
				b.WriteString(t + e.nl)
			}
		}
	}
	return b.Bytes()
}

// appendSection returns data with a new section at the end, after a blank
// line.
func appendSection(data []byte, f *file, header string, kvs []kv) []byte {
	e := newEditor(f)
	var b bytes.Buffer
	b.Write(data)
	if n := len(f.lines); n > 0 {
		if f.lines[n-1].nl == "" {
			b.WriteString(e.nl)
		}
		if strings.TrimFunc(f.lines[n-1].text, pyIsSpace) != "" {
			b.WriteString(e.nl)
		}
	}
	b.WriteString(sectionText(header, kvs, e.nl))
	return b.Bytes()
}

// setOptions sets the plain (not nested) options of kvs in section s.
func setOptions(e *editor, s *section, kvs []kv, ch *Change) {
	for _, p := range kvs {
		if p.key == keyS3 {
			continue
		}
		o := s.get(p.key)
		switch {
		case o == nil:
			e.insert[s.end()] = append(e.insert[s.end()], optionLines(p)...)
		case o.value == p.value:
			continue
		default:
			e.set(o, optionLines(p))
		}
		ch.Set = append(ch.Set, p.key)
	}
}

// MergeCredentials adds the profile's key pair to the shared credentials
// file data (the file's bytes, empty for a new file) or updates it there,
// and returns the new bytes.
//
// Everything else stays byte for byte: other profiles, comments (also
// those inside the profile's section), blank lines, line ends and other
// keys of the profile. A key that already holds the value is left alone,
// a key with another value is rewritten in place (with the file's line
// end), and a missing key is added after the profile's last key;
// aws_session_token and aws_security_token, which belong to the old
// credentials, are removed. A new profile is appended at the end after a
// blank line.
//
// MergeCredentials refuses (and changes nothing) when the AWS CLI cannot
// read the file (*[ParseError]: a duplicate section or key, a line before
// the first section, a line that is not "key = value"). The result is read
// back the way the AWS CLI reads it, [DEFAULT] included, and must give the
// profile exactly the key pair and no session token.
func (p Profile) MergeCredentials(data []byte) ([]byte, Change, error) {
	name, err := p.name()
	if err != nil {
		return nil, Change{}, err
	}
	kvs, err := p.credentials()
	if err != nil {
		return nil, Change{}, err
	}
	f, err := parse("credentials", data)
	if err != nil {
		return nil, Change{}, err
	}
	var ch Change
	var out []byte
	if s := f.lookup(name); s == nil {
		out = appendSection(data, f, name, kvs)
		ch.Added = true
		for _, p := range kvs {
			ch.Set = append(ch.Set, p.key)
		}
	} else {
		e := newEditor(f)
		setOptions(e, s, kvs, &ch)
		for _, k := range staleCredentials {
			if o := s.get(k); o != nil {
				e.remove(o)
				ch.Removed = append(ch.Removed, k)
			}
		}
		if !ch.Changed() {
			return slices.Clone(data), ch, nil
		}
		out = e.render()
	}
	sort.Strings(ch.Set)
	sort.Strings(ch.Removed)
	if err := verifyCredentials(out, name, kvs); err != nil {
		return nil, Change{}, err
	}
	return out, ch, nil
}

// MergeConfig adds the profile to the config file data (the file's bytes,
// empty for a new file) or updates it there, and returns the new bytes.
// The profile's section is "[profile name]" ("[default]" for the profile
// called default); when several sections name the profile, the AWS CLI
// uses the last one, and so does MergeConfig.
//
// It keeps everything else as [Profile.MergeCredentials] does, and so
// other keys of the profile (output, cli_pager, ...) too. Inside an
// existing nested "s3 =" block only addressing_style is set (in the
// block's indentation); its other settings stay.
//
// MergeConfig refuses (and changes nothing) when the AWS CLI cannot read
// the file (*[ParseError]), and when the profile exists and takes its
// credentials or S3 endpoint from elsewhere ([ErrConflict]). The result
// is read back the way the AWS CLI reads it and must give the profile
// exactly the values written.
func (p Profile) MergeConfig(data []byte) ([]byte, Change, error) {
	name, err := p.name()
	if err != nil {
		return nil, Change{}, err
	}
	kvs, err := p.config()
	if err != nil {
		return nil, Change{}, err
	}
	f, err := parse("config", data)
	if err != nil {
		return nil, Change{}, err
	}
	var s *section
	for _, sec := range f.sections {
		if n, ok := profileOf(sec.name); ok && n == name {
			s = sec
		}
	}
	var ch Change
	var out []byte
	if s == nil {
		out = appendSection(data, f, configHeader(name), kvs)
		ch.Added = true
		for _, p := range kvs {
			ch.Set = append(ch.Set, p.key)
		}
	} else {
		eff, from := effective(f, s)
		for k := range eff {
			if isConflict(k) {
				return nil, Change{}, fmt.Errorf("%w: [%s] of the config file uses %s (set in [%s]); choose another profile name", ErrConflict, s.name, k, from[k])
			}
		}
		e := newEditor(f)
		setOptions(e, s, kvs, &ch)
		setAddressingStyle(e, s, kvs[len(kvs)-1].value, &ch)
		if !ch.Changed() {
			return slices.Clone(data), ch, nil
		}
		out = e.render()
	}
	sort.Strings(ch.Set)
	if err := verifyConfig(out, name, kvs); err != nil {
		return nil, Change{}, err
	}
	return out, ch, nil
}

// setAddressingStyle sets addressing_style in the nested s3 block of s.
func setAddressingStyle(e *editor, s *section, style string, ch *Change) {
	want := kv{keyS3, style}
	o := s.get(keyS3)
	if o == nil {
		e.insert[s.end()] = append(e.insert[s.end()], optionLines(want)...)
		ch.Set = append(ch.Set, keyS3)
		return
	}
	if !strings.HasPrefix(o.value, "\n") {
		// A plain value is not a block; the AWS CLI cannot use it.
		e.set(o, optionLines(want))
		ch.Set = append(ch.Set, keyS3)
		return
	}
	if m, _ := nested(o.value); m[addressingStyle] == style {
		return
	}
	ch.Set = append(ch.Set, keyS3)
	var at []int // the block's addressing_style lines
	for _, i := range o.cont {
		k, _, _ := strings.Cut(e.f.lines[i].text, "=")
		if strings.TrimFunc(k, pyIsSpace) == addressingStyle {
			at = append(at, i)
		}
	}
	if len(at) == 0 {
		first := e.f.lines[o.cont[0]].text
		indent := first[:len(first)-len(strings.TrimLeftFunc(first, pyIsSpace))]
		e.nested[o.last] = append(e.nested[o.last], indent+addressingStyle+" = "+style)
		return
	}
	for _, i := range at[:len(at)-1] {
		e.drop[i] = true
	}
	last := e.f.lines[at[len(at)-1]].text
	indent := last[:len(last)-len(strings.TrimLeftFunc(last, pyIsSpace))]
	e.replace[at[len(at)-1]] = []string{indent + addressingStyle + " = " + style}
}

// effective returns the options the AWS CLI sees in section s: its own
// and those of [DEFAULT] it does not override, with the section each
// comes from.
func effective(f *file, s *section) (values, from map[string]string) {
	values, from = map[string]string{}, map[string]string{}
	if d := f.defaults(); d != nil && d != s {
		for _, o := range d.options {
			values[o.key], from[o.key] = o.value, d.name
		}
	}
	for _, o := range s.options {
		values[o.key], from[o.key] = o.value, s.name
	}
	return values, from
}

// verifyCredentials reads out as the AWS CLI does and checks the profile.
func verifyCredentials(out []byte, name string, kvs []kv) error {
	f, err := parse("credentials", out)
	if err != nil {
		return fmt.Errorf("awscli: the merged credentials file does not read back (%v); not written", err)
	}
	s := f.lookup(name)
	if s == nil {
		return fmt.Errorf("awscli: the merged credentials file has no [%s]; not written", name)
	}
	eff, from := effective(f, s)
	for _, p := range kvs {
		if eff[p.key] != p.value {
			return fmt.Errorf("awscli: %s of profile %s would not read back as written; not written", p.key, name)
		}
	}
	for _, k := range staleCredentials {
		if _, ok := eff[k]; ok {
			return fmt.Errorf("awscli: [%s] of the credentials file sets %s, which the AWS CLI would send with the new key pair of profile %s; not written", from[k], k, name)
		}
	}
	return nil
}

// verifyConfig reads out as the AWS CLI does and checks the profile.
func verifyConfig(out []byte, name string, kvs []kv) error {
	f, err := parse("config", out)
	if err != nil {
		return fmt.Errorf("awscli: the merged config file does not read back (%v); not written", err)
	}
	var s *section
	for _, sec := range f.sections {
		if n, ok := profileOf(sec.name); ok && n == name {
			s = sec
		}
	}
	if s == nil {
		return fmt.Errorf("awscli: the merged config file has no profile %s; not written", name)
	}
	eff, from := effective(f, s)
	for _, p := range kvs {
		got := eff[p.key]
		if p.key == keyS3 {
			m, _ := nested(got)
			got = m[addressingStyle]
		}
		if got != p.value {
			return fmt.Errorf("awscli: %s of profile %s would not read back as written; not written", p.key, name)
		}
	}
	for k := range eff {
		if isConflict(k) {
			return fmt.Errorf("%w: [%s] of the config file sets %s for profile %s; not written", ErrConflict, from[k], k, name)
		}
	}
	return nil
}
