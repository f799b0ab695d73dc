package realtools

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckS3cmdConfig reports why running s3cmd with the config file data, in
// the environment env ("K=V" entries, as passed to the child), could make it
// leave loopback; it returns nil when the file is safe for [RunS3cmd].
//
// It reads the file the way s3cmd 2.3.0's ConfigParser and update_option do:
// the file must be UTF-8; \n, \r\n and \r end lines; whole-line # comments,
// blank lines and [section] lines are skipped; every section is read, and
// the last occurrence of a key anywhere in the file wins; a value in double
// quotes loses them; values are stripped; a value starting with $ is
// replaced by that variable from env, and an unset variable leaves the
// option at its default (e.g. host_base = s3.amazonaws.com).
//
// It then requires non-empty access_key and secret_key and an empty
// access_token (otherwise s3cmd asks the metadata service at
// 169.254.169.254), and either a loopback proxy_host (then s3cmd connects
// only to the proxy) or a loopback host_base (127.0.0.0/8, localhost or
// [::1], with an optional numeric port, after s3cmd drops a leading
// http:// or https://) together with a path-style host_bucket (one without
// %(bucket)s).
func CheckS3cmdConfig(data []byte, env []string) error {
	cfg, err := parseS3cmdConfig(data)
	if err != nil {
		return err
	}
	return cfg.check(env)
}

// s3cmdConfig is what s3cmd's ConfigParser keeps of a file: the last value
// of each key, after quote removal and stripping.
type s3cmdConfig struct {
	values map[string]string
}

func loadS3cmdConfig(path string) (*s3cmdConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the config file (s3cmd would then take keys from AWS_* variables or 169.254.169.254): %w", err)
	}
	return parseS3cmdConfig(data)
}

func parseS3cmdConfig(data []byte) (*s3cmdConfig, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("the config file is not valid UTF-8 (s3cmd always reads it as UTF-8)")
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	cfg := &s3cmdConfig{values: map[string]string{}}
	for _, line := range strings.Split(text, "\n") {
		if key, value, ok := parseS3cmdLine(line); ok {
			cfg.values[key] = value
		}
	}
	return cfg, nil
}

// parseS3cmdLine applies s3cmd's regular expressions to one line (without
// its line ending): r_comment, r_empty, r_section, then
// r_data = ^\s*(?P<key>\w+)\s*=\s*(?P<value>.*) and r_quotes = ^"(.*)"\s*$,
// with Python's Unicode meaning of \s and \w, followed by .strip().
func parseS3cmdLine(line string) (key, value string, ok bool) {
	s := strings.TrimLeftFunc(line, isPySpace)
	if s == "" || s[0] == '#' || line[0] == '[' {
		return "", "", false // empty, comment, section or invalid line
	}
	end := strings.IndexFunc(s, func(r rune) bool { return !isPyWord(r) })
	if end <= 0 {
		return "", "", false
	}
	key = s[:end]
	rest := strings.TrimLeftFunc(s[end:], isPySpace)
	if !strings.HasPrefix(rest, "=") {
		return "", "", false
	}
	value = strings.TrimLeftFunc(rest[1:], isPySpace)
	if t := strings.TrimRightFunc(value, isPySpace); len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' {
		// s3cmd cuts the first and last character of the untrimmed value,
		// so `"abc"  ` becomes `abc" ` (a known s3cmd bug, kept here).
		r := []rune(value)
		value = string(r[1 : len(r)-1])
	}
	return key, strings.TrimFunc(value, isPySpace), true
}

// isPySpace is Python's str.isspace (and re's \s for str patterns).
func isPySpace(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }

// isPyWord is re's \w for str patterns: alphanumeric or underscore.
func isPyWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) }

// effective returns the value s3cmd ends up with for key: def when the file
// does not set it, the file's value otherwise, with $NAME references
// resolved against env as update_option does (recursively; an unset
// variable leaves the default).
func (c *s3cmdConfig) effective(key, def string, env []string) (string, error) {
	v, ok := c.values[key]
	if !ok {
		return def, nil
	}
	for depth := 0; strings.HasPrefix(v, "$"); depth++ {
		if depth == 20 {
			return "", fmt.Errorf("%s: $ references nest too deeply", key)
		}
		ev, ok := lookupEnv(env, v[1:])
		if !ok {
			return def, nil
		}
		v = ev
	}
	return v, nil
}

// checkCredentials refuses empty keys and a set access_token.
func (c *s3cmdConfig) checkCredentials(env []string) error {
	for _, key := range []string{"access_key", "secret_key"} {
		v, err := c.effective(key, "", env)
		if err != nil {
			return err
		}
		if v == "" {
			return fmt.Errorf("%s is empty (or an unset $VARIABLE): s3cmd would then take keys from AWS_* variables or ask the metadata service at 169.254.169.254", key)
		}
	}
	v, err := c.effective("access_token", "", env)
	if err != nil {
		return err
	}
	if v != "" {
		return errors.New("access_token is set: s3cmd would refresh it from the metadata service at 169.254.169.254 before every request")
	}
	return nil
}

// check applies all of CheckS3cmdConfig's rules.
func (c *s3cmdConfig) check(env []string) error {
	if err := c.checkCredentials(env); err != nil {
		return err
	}
	proxy, err := c.effective("proxy_host", "", env)
	if err != nil {
		return err
	}
	if proxy != "" {
		if !isLoopbackHost(proxy) {
			return fmt.Errorf("proxy_host = %q is not a loopback address: s3cmd sends every request to the proxy", proxy)
		}
		return nil // every connection goes to the loopback proxy
	}
	base, err := c.effective("host_base", "s3.amazonaws.com", env)
	if err != nil {
		return err
	}
	if base = stripScheme(base); !isLoopbackHostPort(base) {
		return fmt.Errorf("host_base = %q is not a loopback host (127.0.0.0/8, localhost or [::1], optionally with :PORT); set proxy_host = 127.0.0.1 to test a config with another host", base)
	}
	bucket, err := c.effective("host_bucket", "%(bucket)s.s3.amazonaws.com", env)
	if err != nil {
		return err
	}
	if bucket = stripScheme(bucket); strings.Contains(bucket, "%(bucket)s") {
		return fmt.Errorf("host_bucket = %q is virtual-host style: s3cmd would resolve BUCKET.<host> through DNS; use host_bucket = host_base (path style), or proxy_host = 127.0.0.1 and proxy_port = PORT", bucket)
	}
	return nil
}

// stripScheme drops a leading lowercase http:// or https:// as s3cmd does
// for host_base, host_bucket and cloudfront_host.
func stripScheme(s string) string {
	if t, ok := strings.CutPrefix(s, "http://"); ok {
		return t
	}
	if t, ok := strings.CutPrefix(s, "https://"); ok {
		return t
	}
	return s
}

// s3cmdOverrides are the long options that would override what the checked
// config file says. optparse accepts any unambiguous prefix, so a prefix of
// one of these is refused too.
var s3cmdOverrides = []string{"--config", "--configure", "--access_key", "--secret_key", "--access_token", "--host", "--host-bucket"}

// s3cmdCloudFrontCommands talk to cloudfront_host.
var s3cmdCloudFrontCommands = map[string]bool{
	"cflist": true, "cfinfo": true, "cfcreate": true, "cfdelete": true,
	"cfmodify": true, "cfinval": true, "cfinvalinfo": true,
}

// checkS3cmdArgs refuses arguments that override the config file or make
// s3cmd call CloudFront (unless cloudfront_host is loopback too).
func checkS3cmdArgs(args []string, cfg *s3cmdConfig, env []string) error {
	cf, err := cfg.effective("cloudfront_host", "cloudfront.amazonaws.com", env)
	if err != nil {
		return err
	}
	cfLoopback := isLoopbackHostPort(stripScheme(cf))
	for _, a := range args {
		if a == "--" {
			break // the rest is positional for optparse
		}
		switch {
		case strings.HasPrefix(a, "--"):
			name, _, _ := strings.Cut(a, "=")
			for _, o := range s3cmdOverrides {
				if strings.HasPrefix(o, name) {
					return fmt.Errorf("option %s (%s) would override the checked config file; put the setting in the file", name, o)
				}
			}
			if strings.HasPrefix(name, "--cf") && !cfLoopback {
				return fmt.Errorf("option %s makes s3cmd call CloudFront at cloudfront_host = %q", name, cf)
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for _, r := range a[1:] {
				if r == 'c' {
					return fmt.Errorf("option -c in %q: RunS3cmd passes -c itself", a)
				}
				if r == 'D' || r == 'm' {
					break // the rest of the cluster is this option's value
				}
			}
		default:
			if s3cmdCloudFrontCommands[a] && !cfLoopback {
				return fmt.Errorf("command %s talks to CloudFront at cloudfront_host = %q", a, cf)
			}
		}
	}
	return nil
}

// isLoopbackHost reports whether h (no port) is localhost, an IPv4 address
// in 127.0.0.0/8 or ::1 (with or without brackets).
func isLoopbackHost(h string) bool {
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	}
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// isLoopbackHostPort reports whether hp is HOST or HOST:PORT with HOST
// localhost, 127.0.0.0/8 or [::1] and PORT decimal digits. Anything else
// (user info, paths, unbracketed IPv6, names, short forms like 127.1) is not.
func isLoopbackHostPort(hp string) bool {
	host, port, hasPort := hp, "", false
	if strings.HasPrefix(hp, "[") {
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return false
		}
		host, rest := hp[1:end], hp[end+1:]
		if rest != "" {
			if rest[0] != ':' || !isPort(rest[1:]) {
				return false
			}
		}
		ip := net.ParseIP(host)
		return ip != nil && ip.To4() == nil && ip.IsLoopback()
	}
	if i := strings.LastIndexByte(hp, ':'); i >= 0 {
		host, port, hasPort = hp[:i], hp[i+1:], true
	}
	if hasPort && !isPort(port) {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.To4() != nil && ip.IsLoopback() && !strings.Contains(host, ":")
}

func isPort(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// checkLoopbackURL requires an http or https URL of a loopback host,
// without user info.
func checkLoopbackURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("endpoint %q is not an http(s) URL of a loopback host: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.User != nil || !isLoopbackHostPort(u.Host) {
		return fmt.Errorf("endpoint %q is not an http(s) URL of a loopback host (127.0.0.0/8, localhost or [::1])", s)
	}
	return nil
}

// iniSection is one [name] section of an INI-like file, with the last
// value of each key (keys lowercased).
type iniSection struct {
	name   string
	values map[string]string
}

// parseINI reads the simple INI dialect of rclone.conf and the AWS files:
// [section] headers, key = value lines, # and ; comment lines. Values lose
// one pair of surrounding quotes. Indented lines (AWS nested settings) are
// read as keys of the current section.
func parseINI(data []byte) []*iniSection {
	pre := &iniSection{values: map[string]string{}} // keys before any header
	sections := []*iniSection{pre}
	byName := map[string]*iniSection{}
	cur := pre
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	for _, line := range strings.Split(text, "\n") {
		s := strings.TrimSpace(line)
		switch {
		case s == "" || s[0] == '#' || s[0] == ';':
		case s[0] == '[' && strings.HasSuffix(s, "]"):
			name := strings.TrimSpace(s[1 : len(s)-1])
			if byName[name] == nil {
				byName[name] = &iniSection{name: name, values: map[string]string{}}
				sections = append(sections, byName[name])
			}
			cur = byName[name]
		default:
			k, v, ok := strings.Cut(s, "=")
			if !ok {
				k, v, ok = strings.Cut(s, ":")
			}
			if ok {
				v = strings.TrimSpace(v)
				if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
					v = v[1 : len(v)-1]
				}
				cur.values[strings.ToLower(strings.TrimSpace(k))] = v
			}
		}
	}
	if len(pre.values) == 0 {
		sections = sections[1:]
	}
	return sections
}

// rcloneLocalTypes are rclone backends that reach no network by themselves
// (the wrappers only reach what the remotes they wrap reach, and those are
// checked as sections of the same file).
var rcloneLocalTypes = map[string]bool{
	"local": true, "alias": true, "crypt": true, "union": true, "combine": true,
	"chunker": true, "hasher": true, "compress": true,
}

// checkRcloneConfig requires every remote to be s3 with a loopback endpoint
// and without env_auth, or of a local kind.
func checkRcloneConfig(data []byte) error {
	if strings.Contains(string(data), "RCLONE_ENCRYPT_V0:") {
		return errors.New("encrypted rclone configs cannot be checked")
	}
	for _, s := range parseINI(data) {
		switch typ := s.values["type"]; {
		case typ == "s3":
			ep := s.values["endpoint"]
			if ep == "" {
				return fmt.Errorf("remote [%s]: an s3 remote without endpoint talks to AWS", s.name)
			}
			if err := checkLoopbackURL(ep); err != nil {
				return fmt.Errorf("remote [%s]: %w", s.name, err)
			}
			if v := strings.ToLower(s.values["env_auth"]); v == "true" || v == "1" || v == "yes" {
				return fmt.Errorf("remote [%s]: env_auth may ask the metadata service at 169.254.169.254", s.name)
			}
		case rcloneLocalTypes[typ]:
		default:
			return fmt.Errorf("remote [%s]: type %q is not allowed here (only s3 on loopback and local kinds)", s.name, typ)
		}
	}
	return nil
}

// rcloneRefusedFlags would replace the checked endpoint, credentials source
// or config file.
var rcloneRefusedFlags = map[string]bool{"--config": true, "--s3-endpoint": true, "--s3-env-auth": true, "--s3-provider": true}

// rcloneConfigReadOnly are the `rclone config` subcommands that only read.
var rcloneConfigReadOnly = map[string]bool{"show": true, "dump": true, "file": true, "paths": true, "providers": true, "redacted": true, "touch": true}

// checkRcloneArgs refuses on-the-fly remotes, connection-string overrides,
// endpoint flags and commands that reach the internet by design.
func checkRcloneArgs(args []string) error {
	var positional []string
	flags := true
	for _, a := range args {
		if flags && a == "--" {
			flags = false
			continue
		}
		if flags && strings.HasPrefix(a, "-") && len(a) > 1 {
			name, _, _ := strings.Cut(a, "=")
			if rcloneRefusedFlags[name] {
				return fmt.Errorf("flag %s would bypass the checked config", name)
			}
			continue
		}
		positional = append(positional, a)
	}
	for i, a := range positional {
		remote, _, isRemote := strings.Cut(a, ":")
		switch {
		case strings.HasPrefix(a, ":") && !strings.HasPrefix(a, ":local"):
			return fmt.Errorf("on-the-fly remote %q is not checked; define it in the config file", a)
		case isRemote && !strings.Contains(remote, "/") && strings.Contains(remote, ","):
			return fmt.Errorf("connection-string remote %q would override the checked config", a)
		case a == "authorize" || a == "selfupdate":
			return fmt.Errorf("rclone %s talks to the internet", a)
		case a == "config" && (i+1 >= len(positional) || !rcloneConfigReadOnly[positional[i+1]]):
			return errors.New("only read-only `rclone config` subcommands are allowed (show, dump, file, paths, providers, redacted, touch)")
		}
	}
	return nil
}

// checkAWSFile refuses AWS config or credentials files whose settings make
// the CLI call STS or SSO.
func checkAWSFile(path string, data []byte) error {
	for _, s := range parseINI(data) {
		if strings.HasPrefix(s.name, "sso-session") {
			return fmt.Errorf("%s: [%s]: SSO sessions talk to AWS", path, s.name)
		}
		for k := range s.values {
			switch {
			case k == "role_arn", k == "source_profile", k == "credential_source",
				k == "credential_process", k == "web_identity_token_file", strings.HasPrefix(k, "sso_"):
				return fmt.Errorf("%s: [%s] sets %s, which makes the AWS CLI fetch credentials elsewhere", path, s.name, k)
			}
		}
	}
	return nil
}

// checkAWSArgs refuses --endpoint-url (and its abbreviations, which the CLI
// accepts) and the sso command.
func checkAWSArgs(args []string) error {
	for _, a := range args {
		if name, _, _ := strings.Cut(a, "="); len(name) >= 3 && strings.HasPrefix("--endpoint-url", name) {
			return fmt.Errorf("option %s: RunAWS passes --endpoint-url itself", name)
		}
		if a == "sso" {
			return errors.New("aws sso talks to AWS")
		}
	}
	return nil
}
