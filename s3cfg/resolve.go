package s3cfg

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"strconv"
	"strings"

	"github.com/vstorage-sdk/vngcloud/secret"
)

// Runtime is what s3cmd's reading of a file depends on besides the file:
// the environment variables that "$NAME" values refer to, whether stdout
// is a terminal and the locale's encoding.
type Runtime struct {
	// LookupEnv looks up the variable of a "$NAME" value. Nil means
	// os.LookupEnv. Names that s3cmd could not find (empty, or containing
	// "=" or NUL) are never looked up.
	LookupEnv func(name string) (string, bool)
	// Terminal is whether s3cmd's stdout is a terminal. It is the default
	// of progress_meter.
	Terminal bool
	// Encoding is Python's locale.getpreferredencoding(), the default of
	// encoding: "UTF-8" under C.UTF-8 or an installed UTF-8 locale, "utf-8"
	// under LANG=C or an uninstalled locale. Empty means "UTF-8".
	Encoding string
}

// EnvMap returns a LookupEnv function over a fixed map, for tests and
// reproducible results.
func EnvMap(m map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

// OptionError is an error that s3cmd 2.3.0 stops on while it reads a
// file. Msg is s3cmd's own text, for example
//
//	Config: value of option 'use_https' must be Yes or No, not 'maybe'
//
// It can quote the value of a bool or int option, never of a string option
// such as secret_key.
type OptionError struct {
	// Key is the option; empty for errors about the whole file.
	Key string
	// Msg is s3cmd's message.
	Msg string
	// ExitCode is s3cmd's exit status: 64 for "ERROR: Parameter problem:
	// <Msg>", 78 for a configuration error, 1 where s3cmd crashes with an
	// "unexpected error" report.
	ExitCode int
}

// Error returns Msg, s3cmd's own text.
func (e *OptionError) Error() string { return e.Msg }

// Exit codes s3cmd uses for the errors of a config file.
const (
	ExitGeneral = 1  // EX_GENERAL: an unexpected error (a Python exception)
	ExitUsage   = 64 // EX_USAGE: "ERROR: Parameter problem: ..."
	ExitConfig  = 78 // EX_CONFIG
)

// ErrNotSet is returned by the typed accessors of [Config] for an option
// that has no value: acl_public when no file sets it.
var ErrNotSet = errors.New("s3cfg: option not set")

// Config is what s3cmd 2.3.0 makes of a file: the value of each of its
// options after every section is merged (the last line wins), quotes are
// removed, values are stripped, "$NAME" is read from the environment,
// "http://" and "https://" are dropped from the host keys and bool and int
// options are typed. Unknown keys are not applied; [File.Diagnostics]
// reports them.
//
// A Config holds secrets; its String and Format methods never print
// values.
type Config struct {
	// vals holds the options in options' order, then acl_public.
	vals []resolved
	// acl says whether acl_public was set (or failed to be).
	acl bool
	err error
}

// aclIndex is acl_public's index in Config.vals.
var aclIndex = len(options)

// opt returns the value of key, or nil for an unknown key or an unset
// acl_public.
func (c *Config) opt(key string) *resolved {
	if i, ok := optionIndex[key]; ok {
		return &c.vals[i]
	}
	if key == keyACLPublic && c.acl {
		return &c.vals[aclIndex]
	}
	return nil
}

// resolved is one option's value.
type resolved struct {
	kind Kind
	text string // as s3cmd dumps it
	line int    // 1-based line it came from, 0 for the default
	env  string // the environment variable it was read from
	err  *OptionError
}

var boolTrue = map[string]bool{"true": true, "yes": true, "on": true, "1": true}
var boolFalse = map[string]bool{"false": true, "no": true, "off": true, "0": true}

// logging's level names: name → level, and level → the name dumped.
var levelByName = map[string]string{
	"CRITICAL": "50", "FATAL": "50", "ERROR": "40", "WARN": "30",
	"WARNING": "30", "INFO": "20", "DEBUG": "10", "NOTSET": "0",
}
var nameByLevel = map[string]string{
	"50": "CRITICAL", "40": "ERROR", "30": "WARNING", "20": "INFO", "10": "DEBUG", "0": "NOTSET",
}

// lookupEnv is os.getenv as s3cmd calls it.
func (rt Runtime) lookup(name string) (string, bool) {
	if name == "" || strings.ContainsAny(name, "=\x00") {
		return "", false
	}
	if rt.LookupEnv == nil {
		return os.LookupEnv(name)
	}
	return rt.LookupEnv(name)
}

// Resolve returns the configuration s3cmd 2.3.0 reads from the file. It
// always returns a Config; [Config.Err] reports whether s3cmd would stop on
// the file instead of using it.
func (f *File) Resolve(rt Runtime) *Config {
	c := defaultConfig(rt)
	if err := f.decodeErr(); err != nil {
		var de *DecodeError
		errors.As(err, &de)
		c.err = &OptionError{Msg: de.Python, ExitCode: ExitUsage}
		return c
	}
	// s3cmd's ConfigParser.cfg, for the keys it applies: the last line
	// of each, in one pass.
	type found struct {
		line int // 1-based; 0: no line sets the key
		raw  string
	}
	occ := make([]found, len(options)+1)
	for i := range f.lines {
		p := f.classify(i)
		if p.kind != kindData || p.hidden {
			continue
		}
		j, ok := optionIndex[p.key]
		if !ok {
			if p.key != keyACLPublic {
				continue
			}
			j = aclIndex
		}
		occ[j] = found{line: i + 1, raw: quoted(f.lines[i].text[p.valueAt:])}
	}
	var first error
	fail := func(e *OptionError) {
		if first == nil {
			first = e
		}
	}
	// read_config_file: options in option_list() order, stripped.
	for j, o := range options {
		oc := occ[j]
		if oc.line == 0 {
			continue
		}
		r := &c.vals[j]
		r.line = oc.line
		text, env, set, err := update(o.Key, o.Kind, pyStrip(oc.raw), rt)
		switch {
		case err != nil:
			r.err = err
			fail(err)
		case set:
			r.text, r.env = text, env
		default:
			r.line = 0
		}
	}
	// acl_public: applied unstripped if non-empty; dumped once set.
	if oc := occ[aclIndex]; oc.line != 0 && oc.raw != "" {
		text, env, set, err := update(keyACLPublic, 0, oc.raw, rt)
		r := &c.vals[aclIndex]
		switch {
		case err != nil:
			*r = resolved{kind: KindString, line: oc.line, err: err}
			c.acl = true
			fail(err)
		case set:
			k := KindString
			if text == "True" || text == "False" {
				k = KindBool
			}
			*r = resolved{kind: k, text: text, env: env, line: oc.line}
			c.acl = true
		}
	}
	// add_headers: the raw value is split on "," and each part on the
	// first ":".
	if oc := occ[optionIndex[keyAddHeaders]]; oc.raw != "" {
		for _, h := range strings.Split(oc.raw, ",") {
			if !strings.Contains(h, ":") {
				e := &OptionError{Key: keyAddHeaders, Msg: "not enough values to unpack (expected 2, got 1)", ExitCode: ExitUsage}
				if r := c.opt(keyAddHeaders); r.err == nil {
					r.err = e
				}
				fail(e)
				break
			}
		}
	}
	if first == nil {
		first = c.postChecks()
	}
	c.err = first
	return c
}

// defaultConfig holds s3cmd's defaults for rt.
func defaultConfig(rt Runtime) *Config {
	c := &Config{vals: make([]resolved, len(options)+1)}
	for i, o := range options {
		c.vals[i] = resolved{kind: o.Kind, text: o.Default}
	}
	c.opt("progress_meter").text = pyBool(rt.Terminal)
	if rt.Encoding != "" {
		c.opt("encoding").text = rt.Encoding
	}
	return c
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// update is s3cmd's Config.update_option for one value. set is false when
// the value is a "$NAME" whose variable is unset: the option keeps its
// default. kind 0 is acl_public, whose default is None.
func update(key string, kind Kind, value string, rt Runtime) (text, env string, set bool, err *OptionError) {
	var seen map[string]bool
	for strings.HasPrefix(value, "$") {
		name := value[1:]
		if seen == nil {
			seen = map[string]bool{}
		}
		if seen[name] {
			return "", "", false, &OptionError{Key: key, Msg: "maximum recursion depth exceeded", ExitCode: ExitGeneral}
		}
		seen[name] = true
		v, ok := rt.lookup(name)
		if !ok {
			return "", "", false, nil
		}
		env, value = name, v
	}
	text, err = convert(key, kind, value)
	return text, env, err == nil, err
}

// convert types value as update_option does after the "$" step.
func convert(key string, kind Kind, value string) (string, *OptionError) {
	switch {
	case key == "verbosity":
		if n, ok := pyInt(value); ok {
			if name, ok := nameByLevel[n]; ok {
				return name, nil
			}
			return n, nil
		}
		if lvl, ok := levelByName[value]; ok {
			return nameByLevel[lvl], nil
		}
		return "", &OptionError{Key: key, Msg: fmt.Sprintf("Config: verbosity level '%s' is not valid", value), ExitCode: ExitUsage}
	case key == "limitrate":
		shift := uint(0)
		if strings.HasSuffix(value, "k") || strings.HasSuffix(value, "K") {
			shift = 10
		} else if strings.HasSuffix(value, "m") || strings.HasSuffix(value, "M") {
			shift = 20
		}
		// value = shift and int(value[:-1]) << shift or int(value)
		if shift > 0 {
			if n, ok := pyInt(value[:len(value)-1]); ok {
				b, _ := new(big.Int).SetString(n, 10)
				b.Lsh(b, shift)
				if b.Sign() != 0 {
					return b.String(), nil
				}
			} else {
				return "", limitrateError(value)
			}
		}
		if n, ok := pyInt(value); ok {
			return n, nil
		}
		return "", limitrateError(value)
	case kind == KindBool || kind == 0 && isPyBool(value):
		v := pyLower(value)
		switch {
		case boolTrue[v]:
			return "True", nil
		case boolFalse[v]:
			return "False", nil
		}
		return "", &OptionError{Key: key, Msg: fmt.Sprintf("Config: value of option '%s' must be Yes or No, not '%s'", key, value), ExitCode: ExitUsage}
	case kind == KindInt:
		if n, ok := pyInt(value); ok {
			return n, nil
		}
		return "", &OptionError{Key: key, Msg: fmt.Sprintf("Config: value of option '%s' must be an integer, not '%s'", key, value), ExitCode: ExitUsage}
	case key == "host_base" || key == "host_bucket" || key == "cloudfront_host":
		if s, ok := strings.CutPrefix(value, "http://"); ok {
			return s, nil
		}
		if s, ok := strings.CutPrefix(value, "https://"); ok {
			return s, nil
		}
	}
	return value, nil
}

func isPyBool(v string) bool {
	v = pyLower(v)
	return boolTrue[v] || boolFalse[v]
}

func limitrateError(value string) *OptionError {
	return &OptionError{Key: "limitrate", Msg: fmt.Sprintf("Config: value of option limitrate must have suffix m, k, or nothing, not '%s'", value), ExitCode: ExitUsage}
}

// postChecks are the checks s3cmd makes after reading the file, in its
// order (Config.__init__, then main()).
func (c *Config) postChecks() error {
	if c.opt("kms_key").text != "" && c.opt("signature_v2").text == "True" {
		return &OptionError{Key: "kms_key", Msg: "KMS encryption requires signature v4. Please set signature_v2 to False", ExitCode: ExitGeneral}
	}
	chunk, _ := new(big.Int).SetString(c.opt("multipart_chunk_size_mb").text, 10)
	if chunk.Cmp(big.NewInt(5)) < 0 {
		return &OptionError{Key: "multipart_chunk_size_mb", Msg: fmt.Sprintf("Chunk size %s MB is too small, must be >= 5 MB. Please adjust --multipart-chunk-size-mb", chunk), ExitCode: ExitUsage}
	}
	if chunk.Cmp(big.NewInt(5120)) > 0 {
		return &OptionError{Key: "multipart_chunk_size_mb", Msg: fmt.Sprintf("Chunk size %s MB is too large, must be <= 5120 MB. Please adjust --multipart-chunk-size-mb", chunk), ExitCode: ExitUsage}
	}
	// socket.setdefaulttimeout: negative → ValueError, beyond what
	// CPython's nanosecond clock holds → OverflowError.
	to, _ := new(big.Int).SetString(c.opt("socket_timeout").text, 10)
	if to.Sign() < 0 {
		return &OptionError{Key: "socket_timeout", Msg: "Timeout value out of range", ExitCode: ExitGeneral}
	}
	if to.Cmp(big.NewInt(9223372036)) > 0 {
		return &OptionError{Key: "socket_timeout", Msg: "timestamp too large to convert to C _PyTime_t", ExitCode: ExitGeneral}
	}
	if c.opt("encrypt").text == "True" && c.opt("gpg_passphrase").text == "" {
		return &OptionError{Key: "encrypt", Msg: "Encryption requested but no passphrase set in config file. Please re-run 's3cmd --configure' and supply it.", ExitCode: ExitConfig}
	}
	return nil
}

// Err returns the error s3cmd 2.3.0 stops on when it reads the file, or
// nil: an *OptionError for a file it cannot decode, the first invalid
// value in its order, or a failed check after reading. It does not report
// an empty access_key (s3cmd then looks for credentials elsewhere; see
// [Config.AccessKey]).
func (c *Config) Err() error { return c.err }

// Keys returns the options s3cmd dumps, in its order: the 87 options and
// acl_public once it is set.
func (c *Config) Keys() []string {
	ks := make([]string, 0, len(options)+1)
	for _, o := range options {
		if c.acl && c.vals[aclIndex].err == nil && o.Key > keyACLPublic && (len(ks) == 0 || ks[len(ks)-1] < keyACLPublic) {
			ks = append(ks, keyACLPublic)
		}
		ks = append(ks, o.Key)
	}
	return ks
}

// Value returns the option's value as s3cmd dumps it: bools as True or
// False, ints in decimal, verbosity by its level name. ok is false for an
// unknown key or an unset acl_public.
func (c *Config) Value(key string) (value string, ok bool) {
	r := c.opt(key)
	if r == nil || r.err != nil && key == keyACLPublic {
		return "", false
	}
	return r.text, true
}

// Line returns the 1-based line of the file that set key, or 0 when the
// option has its default. For a "$NAME" value it is the line holding the
// reference.
func (c *Config) Line(key string) int {
	if r := c.opt(key); r != nil {
		return r.line
	}
	return 0
}

// EnvVar returns the environment variable key's value was read from, or
// "".
func (c *Config) EnvVar(key string) string {
	if r := c.opt(key); r != nil {
		return r.env
	}
	return ""
}

// Bool returns a bool option. For a value s3cmd rejects it returns s3cmd's
// own error (an *OptionError: "Config: value of option 'X' must be Yes or
// No, not '...'"). acl_public counts as a bool when its value is one.
func (c *Config) Bool(key string) (bool, error) {
	r := c.opt(key)
	if r == nil {
		if key == keyACLPublic {
			return false, ErrNotSet
		}
		return false, fmt.Errorf("s3cfg: %q is not an option of s3cmd 2.3.0", key)
	}
	if r.err != nil {
		return false, r.err
	}
	if r.kind != KindBool {
		return false, fmt.Errorf("s3cfg: option %q is a %s, not a bool", key, r.kind)
	}
	return r.text == "True", nil
}

// Int returns an int option: verbosity as its logging level (WARNING is
// 30) and limitrate in bytes per second ("10k" is 10240). For a value
// s3cmd rejects it returns s3cmd's own error (an *OptionError). Python
// ints have no size limit; a value outside int64 is an error here.
func (c *Config) Int(key string) (int64, error) {
	r := c.opt(key)
	if r == nil {
		return 0, fmt.Errorf("s3cfg: %q is not an option of s3cmd 2.3.0", key)
	}
	if r.err != nil {
		return 0, r.err
	}
	if r.kind != KindInt {
		return 0, fmt.Errorf("s3cfg: option %q is a %s, not an int", key, r.kind)
	}
	t := r.text
	if lvl, ok := levelByName[t]; ok && key == "verbosity" {
		t = lvl
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("s3cfg: option %q: %s does not fit in an int64", key, t)
	}
	return n, nil
}

// AccessKey returns access_key. When it is empty, s3cmd takes credentials
// from AWS_ACCESS_KEY/AWS_ACCESS_KEY_ID and AWS_SECRET_KEY/
// AWS_SECRET_ACCESS_KEY, or else asks the EC2 metadata service at
// 169.254.169.254.
func (c *Config) AccessKey() string { return c.opt("access_key").text }

// SecretKey returns secret_key.
func (c *Config) SecretKey() secret.Secret { return secret.Secret(c.opt("secret_key").text) }

// Dump returns what "s3cmd -c FILE --dump-config" prints for the file:
// "[default]", then "key = value" for each of [Config.Keys], LF-terminated,
// an empty value followed by the space of " = ". s3cmd prints nothing when
// [Config.Err] is not nil; Dump then still returns the values it has.
// s3cmd encodes its output in the "encoding" option; Dump returns UTF-8.
func (c *Config) Dump() []byte {
	var b strings.Builder
	b.WriteString("[default]\n")
	for _, k := range c.Keys() {
		b.WriteString(k)
		b.WriteString(" = ")
		b.WriteString(c.opt(k).text)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// String describes the config without its values. It has a value
// receiver, so a Config prints the same way by value, through a pointer or
// as a field of another struct.
func (c Config) String() string {
	s := fmt.Sprintf("s3cfg.Config{options: %d", len(c.Keys()))
	if c.err != nil {
		s += ", invalid"
	}
	return s + "}"
}

// Format prints [Config.String] for every verb.
func (c Config) Format(s fmt.State, verb rune) { io.WriteString(s, c.String()) }

// LogValue implements [slog.LogValuer]: loggers see [Config.String].
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }
