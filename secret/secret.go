// Package secret holds [Secret], the string type for credentials that
// never prints its value. It imports only fmt and log/slog, so that
// packages that handle credentials without any HTTP code (the config-file
// package s3cfg) can use it. The root package vngcloud names the same type
// as vngcloud.Secret.
package secret

import (
	"fmt"
	"log/slog"
)

// Redacted is what a non-empty [Secret] shows instead of its value.
const Redacted = "[REDACTED]"

// Secret holds a credential: an S3 secret key, a client secret or an access
// token. It prints, formats, logs and marshals to JSON as [Redacted] so that
// it cannot leak through fmt, log/slog or encoding/json by accident. Call
// [Secret.Reveal] to get the real value, at the one place that needs it.
//
// A Secret decodes from JSON as an ordinary string, so response fields such
// as the secret of a new S3 key are read into it directly. An empty Secret
// prints as the empty string, so that "not set" stays visible.
type Secret string

// Reveal returns the real value. Use it only to hand the value to the
// place that needs it (an HTTP header, a config file); never log it.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

func (s Secret) redacted() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// String returns [Redacted], or "" for an empty secret.
func (s Secret) String() string { return s.redacted() }

// GoString returns the redaction for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("vngcloud.Secret(%q)", s.redacted()) }

// Format implements [fmt.Formatter] so that every verb (%v, %s, %q, %x, %d,
// ...) prints the redaction, never the value.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.redacted())
	case 'v':
		if f.Flag('#') {
			fmt.Fprint(f, s.GoString())
			return
		}
		fmt.Fprint(f, s.redacted())
	default:
		fmt.Fprint(f, s.redacted())
	}
}

// LogValue implements [slog.LogValuer]: loggers see the redaction.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.redacted()) }

// MarshalText writes the redaction, so that encoders built on
// encoding.TextMarshaler (encoding/xml, YAML and TOML libraries) never see
// the value either.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.redacted()), nil }

// MarshalJSON writes the redaction. A Secret never reaches JSON output; to
// send a secret in a request body, put s.Reveal() in a string field.
func (s Secret) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf("%q", s.redacted())), nil
}
