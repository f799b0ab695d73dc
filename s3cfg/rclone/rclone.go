package rclone

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

// DefaultRemote is the remote's name when [Remote].Name is empty: files
// are then addressed as "vstorage:bucket/key".
const DefaultRemote = "vstorage"

// Remote is an rclone remote for vStorage: one "[name]" section of
// rclone.conf of type s3, provider Other. The zero value is not valid:
// VStorage needs an access key, a secret key and a region.
type Remote struct {
	// Name is the remote's name, the section header; empty means
	// [DefaultRemote]. It may hold letters, digits, "_", "-", "+" and
	// "@", and must not start with "-" (see [CheckName]).
	Name string
	// VStorage holds the key pair, the region, an optional endpoint and
	// the addressing style: the same values that build an s3cmd config.
	VStorage s3cfg.VStorage
}

// removed are keys of an existing remote that belong to the credentials
// being replaced and are deleted when the remote is updated.
var removed = []string{"session_token"}

// kv is one key and its value as rclone reads it.
type kv struct{ key, value string }

// ValueError reports a name or value that cannot be written so that
// rclone reads it back as given, now and after rclone saves its config
// again. It names the key and the reason, never the value, which may be
// a secret.
type ValueError struct {
	// Key is the key the value was for ("name" for the remote's name).
	Key string
	// Reason says why the value cannot be written.
	Reason string
}

// Error implements error.
func (e *ValueError) Error() string {
	return fmt.Sprintf("rclone: cannot write %s: %s", e.Key, e.Reason)
}

// ErrUnexpressible is matched by errors.Is for every *[ValueError].
var ErrUnexpressible = errors.New("rclone: value cannot be expressed in rclone.conf")

// Is reports whether target is ErrUnexpressible.
func (e *ValueError) Is(target error) bool { return target == ErrUnexpressible }

// name returns the remote's name after checking it.
func (r Remote) name() (string, error) {
	n := r.Name
	if n == "" {
		n = DefaultRemote
	}
	if err := CheckName(n); err != nil {
		return "", err
	}
	return n, nil
}

// CheckName reports whether name can be a remote's name: one or more
// ASCII letters, digits, "_", "-", "+" or "@", not starting with "-", and
// not "DEFAULT" (the section of keys before any header). rclone itself
// also allows "." and spaces. A space is refused here because the name
// would need quoting on a command line, and "." because rclone's config
// reader lets remote "a.b" inherit every key it lacks from remote "a" (a
// session_token, for example).
func CheckName(name string) error {
	if name == "" {
		return &ValueError{Key: "name", Reason: "the remote's name is empty"}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '-' || c == '+' || c == '@'
		if !ok {
			return &ValueError{Key: "name", Reason: fmt.Sprintf("the remote's name %q may hold only letters, digits, \"_\", \"-\", \"+\" and \"@\"", name)}
		}
	}
	if name[0] == '-' {
		return &ValueError{Key: "name", Reason: fmt.Sprintf("the remote's name %q starts with \"-\"", name)}
	}
	if name == "DEFAULT" {
		return &ValueError{Key: "name", Reason: "DEFAULT is the section of keys before any remote, not a remote"}
	}
	return nil
}

// values returns the keys and values of the remote's section, checked.
func (r Remote) values() ([]kv, error) {
	v := r.VStorage
	if v.AccessKey == "" {
		return nil, &ValueError{Key: "access_key_id", Reason: "empty"}
	}
	if v.SecretKey.IsZero() {
		return nil, &ValueError{Key: "secret_access_key", Reason: "empty"}
	}
	region, endpoint, err := v.S3Endpoint()
	if err != nil {
		var ve *s3cfg.ValueError
		if errors.As(err, &ve) {
			key := "endpoint"
			if ve.Key == "bucket_location" {
				key = "region"
			}
			return nil, &ValueError{Key: key, Reason: ve.Reason}
		}
		return nil, err
	}
	kvs := []kv{
		{"type", "s3"},
		{"provider", "Other"},
		{"access_key_id", v.AccessKey},
		{"secret_access_key", v.SecretKey.Reveal()},
		{"endpoint", endpoint},
		{"region", region},
		{"force_path_style", fmt.Sprint(v.PathStyle)},
	}
	for _, p := range kvs {
		if err := CheckValue(p.key, p.value); err != nil {
			return nil, err
		}
	}
	return kvs, nil
}

// CheckValue reports whether "key = value" in rclone.conf makes rclone
// (1.60, whose config reader is github.com/Unknwon/goconfig) read exactly
// value, both from the file written here and after rclone saves its
// config again (which it does after "rclone config" edits and token
// refreshes of any remote, rewriting every value its own way). It returns
// a *[ValueError] naming key, never the value, when value:
//   - is empty, or not valid UTF-8;
//   - holds a control character (a line break would end the line);
//   - starts or ends with whitespace, which rclone trims;
//   - starts with `"""`, which rclone takes as quotes around the value;
//   - holds a backquote but no double quote: rclone reads such a value
//     (written raw or in backquotes) correctly, but saves it as "value"
//     and then reads the double quotes as part of it;
//   - holds "%(name)s": rclone replaces it with the value of key name of
//     section DEFAULT or of the same section (an empty string when there
//     is none).
//
// Everything else, "#", ";", "=", ":", "$", other "%", quotes and
// backslashes included, is kept: rclone has no inline comments, escapes
// or environment variables in values.
func CheckValue(key, value string) error {
	bad := func(reason string) error { return &ValueError{Key: key, Reason: reason} }
	switch {
	case value == "":
		return bad("empty")
	case !utf8.ValidString(value):
		return bad("not valid UTF-8")
	case strings.IndexFunc(value, unicode.IsControl) >= 0:
		return bad("the value holds a control character (a line break, a tab); rclone.conf has one value per line")
	case strings.TrimSpace(value) != value:
		return bad("the value starts or ends with whitespace, which rclone trims")
	case strings.HasPrefix(value, `"""`):
		return bad(`the value starts with """, which rclone reads as quotes around the value`)
	case strings.Contains(value, "`") && !strings.Contains(value, `"`):
		return bad("the value holds a backquote but no double quote: rclone saves such a value in double quotes and then reads them as part of it")
	case varRef.MatchString(value):
		return bad(`the value holds "%(name)s", which rclone replaces with the value of another key`)
	}
	if got, ok := readValue(quote(value)); !ok || got != value {
		return bad("rclone would not read it back as given")
	}
	return nil
}

// varRef is goconfig's variable reference: "%(name)s".
var varRef = regexp.MustCompile(`%\(([^\)]+)\)s`)

// quote returns value as rclone's writer (goconfig's SaveConfigData)
// writes it: in triple double quotes when it holds a backquote (and so,
// after CheckValue, a double quote too), as it is otherwise.
func quote(value string) string {
	if strings.Contains(value, "`") {
		return `"""` + value + `"""`
	}
	return value
}

// readValue is goconfig's reading of the text after "key =" on a line: it
// is trimmed; text in backquotes (at least 2 characters) or in triple
// double quotes (at least 6) loses them, up to the last closing quote; a
// missing closing quote is an error (ok false).
func readValue(s string) (string, bool) {
	s = strings.TrimSpace(s)
	q := ""
	switch {
	case len(s) >= 2 && s[0] == '`':
		q = "`"
	case len(s) >= 6 && strings.HasPrefix(s, `"""`):
		q = `"""`
	}
	if q == "" {
		return s, true
	}
	i := strings.LastIndex(s[len(q):], q)
	if i < 0 {
		return "", false
	}
	return s[len(q) : len(q)+i], true
}

// Section returns the remote's section alone, as rclone itself writes it:
// "[name]" and the keys type, provider, access_key_id, secret_access_key,
// endpoint, region and force_path_style, one "key = value" line each, LF
// line ends. Use [Remote.Merge] to put it into an existing file.
func (r Remote) Section() ([]byte, error) {
	name, err := r.name()
	if err != nil {
		return nil, err
	}
	kvs, err := r.values()
	if err != nil {
		return nil, err
	}
	return []byte(sectionText(name, kvs, "\n")), nil
}

func sectionText(name string, kvs []kv, nl string) string {
	var b strings.Builder
	b.WriteString("[" + name + "]" + nl)
	for _, p := range kvs {
		b.WriteString(keyLine(p) + nl)
	}
	return b.String()
}

func keyLine(p kv) string { return p.key + " = " + quote(p.value) }
