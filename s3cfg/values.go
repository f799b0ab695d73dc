package s3cfg

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ValueError reports a key or value that cannot be written so that s3cmd
// reads it back as given. It names the key and the reason, never the
// value, which may be a secret.
type ValueError struct {
	// Key is the key the value was for.
	Key string
	// Reason says why s3cmd would not read the value back as given.
	Reason string
	// Err is an underlying *OptionError for a bool or int option, or nil.
	Err error
}

// Error implements error.
func (e *ValueError) Error() string {
	return fmt.Sprintf("s3cfg: cannot write %s: %s", e.Key, e.Reason)
}

// Unwrap returns Err.
func (e *ValueError) Unwrap() error { return e.Err }

// ErrUnexpressible is matched by errors.Is for every *ValueError about a
// value that no s3cmd file can hold.
var ErrUnexpressible = errors.New("s3cfg: value cannot be expressed in an s3cmd file")

// Is reports whether target is ErrUnexpressible and the value itself, not
// its type, is the problem.
func (e *ValueError) Is(target error) bool { return target == ErrUnexpressible && e.Err == nil }

// checkKey reports whether s3cmd reads key as a key: one or more Unicode
// word characters.
func checkKey(key string) error {
	if !isPyWordString(key) {
		return &ValueError{Key: fmt.Sprintf("%q", key), Reason: "not a valid key: s3cmd keys are letters, digits and \"_\" only"}
	}
	return nil
}

// CheckValue reports whether "key = value" makes s3cmd read exactly value.
// It returns a *ValueError (matching [ErrUnexpressible]) that names key and
// the reason, never the value, when:
//   - value is not valid UTF-8 (s3cmd could not read the file at all);
//   - value contains a line break (CR or LF): s3cmd has no continuation
//     lines, so the rest becomes another line;
//   - value has leading or trailing whitespace (Python's definition, which
//     includes NBSP and U+001C..U+001F): s3cmd strips it, even inside
//     quotes;
//   - value starts with "$": s3cmd replaces it with an environment
//     variable (see [File.SetEnvRef]);
//   - value starts and ends with a double quote: s3cmd removes the pair.
//     (Wrapping it in one more pair would survive s3cmd's reader, but not
//     its writer: "s3cmd --configure" would save it without the extra pair
//     and the next read would lose the quotes.)
//
// It does not check types; [File.Set] does.
func CheckValue(key, value string) error {
	reason := ""
	switch {
	case !utf8.ValidString(value):
		reason = "the value is not valid UTF-8, and s3cmd reads only UTF-8"
	case strings.ContainsAny(value, "\r\n"):
		reason = "the value contains a line break; s3cmd has no continuation lines"
	case value != pyStrip(value):
		reason = "the value has leading or trailing whitespace, which s3cmd strips"
	case strings.HasPrefix(value, "$"):
		reason = "the value starts with \"$\", which s3cmd replaces with an environment variable"
	case len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"':
		reason = "the value is wrapped in double quotes, which s3cmd removes"
	default:
		return nil
	}
	return &ValueError{Key: key, Reason: reason}
}

// checkTyped checks a value for a known option the way s3cmd will when it
// reads it: bool and int syntax, verbosity and limitrate, add_headers and
// the multipart chunk size.
func checkTyped(key, value string) error {
	if key == keyAddHeaders && value != "" {
		for _, h := range strings.Split(value, ",") {
			if !strings.Contains(h, ":") {
				return &ValueError{Key: key, Reason: "every comma-separated header needs a \"Name: value\" colon", Err: &OptionError{Key: key, Msg: "not enough values to unpack (expected 2, got 1)", ExitCode: ExitUsage}}
			}
		}
		return nil
	}
	o, ok := LookupOption(key)
	if !ok || o.Kind == KindString {
		return nil
	}
	text, err := convert(key, o.Kind, value)
	if err != nil {
		return &ValueError{Key: key, Reason: err.Msg, Err: err}
	}
	if key == "multipart_chunk_size_mb" {
		c := defaultConfig(Runtime{})
		c.opt(key).text = text
		if err := c.postChecks(); err != nil {
			var oe *OptionError
			errors.As(err, &oe)
			return &ValueError{Key: key, Reason: oe.Msg, Err: oe}
		}
	}
	if key == "socket_timeout" {
		c := defaultConfig(Runtime{})
		c.opt(key).text = text
		if err := c.postChecks(); err != nil {
			var oe *OptionError
			errors.As(err, &oe)
			return &ValueError{Key: key, Reason: oe.Msg, Err: oe}
		}
	}
	return nil
}
