package s3cfg

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vstorage-sdk/vngcloud/secret"
	"github.com/vstorage-sdk/vngcloud/vstorage/region"
)

// VStorage describes an s3cmd configuration for VNG Cloud vStorage: the
// values the portal's "Integration → S3cmd → Download configuration file"
// produces. The zero value is not valid: AccessKey, SecretKey and Region
// are required.
type VStorage struct {
	// AccessKey is the S3 access key.
	AccessKey string
	// SecretKey is the S3 secret key.
	SecretKey secret.Secret
	// Region is the storage region, written as bucket_location (the SigV4
	// signing region): HCM04, HAN02 or HCM03, in any case. With Endpoint
	// it may be any other name except "US" (which makes s3cmd send an
	// extra GetBucketLocation request before bucket operations).
	Region string
	// Endpoint overrides the region's host: "https://host[:port]",
	// "http://host[:port]" or "host[:port]" (HTTPS). The scheme decides
	// use_https; host_base is written without it.
	Endpoint string
	// PathStyle writes host_bucket = host_base (path-style requests)
	// instead of the virtual-host template %(bucket)s.<host>.
	PathStyle bool
}

// kv is one key and its value as written.
type kv struct{ key, value string }

// values returns the keys the configuration sets, in the order of the
// short form, after checking that s3cmd reads each one back as given.
func (v VStorage) values() ([]kv, error) {
	if v.AccessKey == "" {
		return nil, &ValueError{Key: "access_key", Reason: "empty; s3cmd would look for credentials in AWS_* variables and the EC2 metadata service"}
	}
	if v.SecretKey.IsZero() {
		return nil, &ValueError{Key: "secret_key", Reason: "empty"}
	}
	name := strings.TrimSpace(v.Region)
	if name == "" {
		return nil, &ValueError{Key: "bucket_location", Reason: "no region given; use one of " + region.Names()}
	}
	r, known := region.ByName(name)
	host := r.S3Endpoint
	if known {
		name = r.Name
	}
	https := true
	switch {
	case v.Endpoint != "":
		h, s, err := parseEndpoint(v.Endpoint)
		if err != nil {
			return nil, err
		}
		host, https = h, s
	case !known:
		return nil, &ValueError{Key: "bucket_location", Reason: fmt.Sprintf("unknown vStorage region %q; use one of %s, or give an Endpoint", name, region.Names())}
	}
	if strings.EqualFold(name, "US") {
		return nil, &ValueError{Key: "bucket_location", Reason: "\"US\" makes s3cmd ask every bucket for its location first; use the storage region"}
	}
	bucketHost := "%(bucket)s." + host
	if v.PathStyle {
		bucketHost = host
	}
	kvs := []kv{
		{"access_key", v.AccessKey},
		{"secret_key", v.SecretKey.Reveal()},
		{"host_base", host},
		{"host_bucket", bucketHost},
		{"bucket_location", name},
		{"use_https", pyBool(https)},
		{"signature_v2", "False"},
	}
	for _, p := range kvs {
		if err := CheckValue(p.key, p.value); err != nil {
			return nil, err
		}
	}
	return kvs, nil
}

// parseEndpoint splits an endpoint into host[:port] and whether it uses
// HTTPS.
func parseEndpoint(ep string) (host string, https bool, err error) {
	s, https := strings.TrimSpace(ep), true
	if scheme, rest, ok := strings.Cut(s, "://"); ok {
		switch strings.ToLower(scheme) {
		case "https":
		case "http":
			https = false
		default:
			return "", false, &ValueError{Key: "host_base", Reason: fmt.Sprintf("endpoint %q: the scheme must be http or https", ep)}
		}
		s = rest
	}
	s = strings.TrimSuffix(s, "/")
	if s == "" || strings.ContainsAny(s, "/?#@%\\ \t\r\n\"$") {
		return "", false, &ValueError{Key: "host_base", Reason: fmt.Sprintf("endpoint %q: want host[:port], with no path, query or user", ep)}
	}
	return s, https, nil
}

// Short returns a short configuration file: "[default]" and the seven
// keys s3cmd needs for vStorage (access_key, secret_key, host_base,
// host_bucket, bucket_location, use_https, signature_v2), LF line ends.
// Every other option keeps s3cmd's default.
func (v VStorage) Short() ([]byte, error) {
	kvs, err := v.values()
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("[default]\n")
	for _, p := range kvs {
		b.WriteString(p.key + " = " + p.value + "\n")
	}
	return []byte(b.String()), nil
}

// Machine holds the four lines of a full file that depend on where and
// how s3cmd ran. See [ConfigureMachine] and [DumpConfigMachine].
type Machine struct {
	// GPGCommand is gpg_command. "s3cmd --configure" writes the path that
	// which("gpg") finds ("None" when it finds none); "--dump-config"
	// prints the empty default.
	GPGCommand string
	// ProxyPort is proxy_port. "--configure" writes 0 when no proxy host
	// is given; the default is 3128.
	ProxyPort int
	// ProgressMeter is progress_meter: whether stdout was a terminal.
	ProgressMeter bool
	// Encoding is the locale's encoding: "UTF-8" under a UTF-8 locale.
	Encoding string
}

// ConfigureMachine returns what "s3cmd --configure" 2.3.0 writes on Debian
// or Ubuntu with gnupg installed, run on a terminal under a UTF-8 locale,
// with no proxy: gpg_command = /usr/bin/gpg, proxy_port = 0,
// progress_meter = True, encoding = UTF-8. These are the values of the
// saved sample testdata/s3cmd-vstorage-hcm04.s3cfg. On Windows s3cmd
// writes differently: CRLF line ends (see [NewlineFor]), the ANSI code
// page's name as encoding, gpg_command = None without gpg, and
// preserve_attrs = False and progress_meter = False, which it forces there;
// Full does not reproduce the preserve_attrs line.
func ConfigureMachine() *Machine {
	return &Machine{GPGCommand: "/usr/bin/gpg", ProxyPort: 0, ProgressMeter: true, Encoding: "UTF-8"}
}

// DumpConfigMachine returns what "s3cmd --dump-config" prints for options
// no file sets, with stdout not a terminal and LANG=C.UTF-8:
// gpg_command empty, proxy_port = 3128, progress_meter = False,
// encoding = UTF-8.
func DumpConfigMachine() *Machine {
	return &Machine{GPGCommand: "", ProxyPort: 3128, ProgressMeter: false, Encoding: "UTF-8"}
}

// Full returns a full configuration file, byte for byte what
// "s3cmd --configure" 2.3.0 writes for the same answers: "[default]" and
// all 87 options, sorted, "key = value", LF, an empty value followed by
// the space of " = ". m gives the machine-dependent lines; nil means
// [ConfigureMachine].
func (v VStorage) Full(m *Machine) ([]byte, error) {
	kvs, err := v.values()
	if err != nil {
		return nil, err
	}
	if m == nil {
		m = ConfigureMachine()
	}
	if m.GPGCommand != "" {
		if err := CheckValue("gpg_command", m.GPGCommand); err != nil {
			return nil, err
		}
	}
	if err := CheckValue("encoding", m.Encoding); err != nil || m.Encoding == "" {
		return nil, &ValueError{Key: "encoding", Reason: "the Machine's encoding is empty or cannot be written"}
	}
	c := defaultConfig(Runtime{Terminal: m.ProgressMeter, Encoding: m.Encoding})
	c.opt("gpg_command").text = m.GPGCommand
	c.opt("proxy_port").text = fmt.Sprint(m.ProxyPort)
	for _, p := range kvs {
		c.opt(p.key).text = p.value
	}
	return c.Dump(), nil
}

// Apply updates an existing file so that s3cmd reads this configuration
// from it, changing only what differs: a key whose value s3cmd already
// reads the same way (use_https = yes for True, host_base with "https://")
// is left alone, a differing key is rewritten in place (its last line),
// and a missing key is added (see [File.Set]). A non-empty access_token,
// which s3cmd would send with the new keys, is removed. Comments, unknown
// keys, other options, order and line ends are kept. It returns the keys
// it changed, sorted.
func (v VStorage) Apply(f *File) ([]string, error) {
	kvs, err := v.values()
	if err != nil {
		return nil, err
	}
	var changed []string
	for _, p := range kvs {
		if cur, ok := f.Get(p.key); ok && sameValue(p.key, cur, p.value) {
			continue
		}
		if err := f.Set(p.key, p.value); err != nil {
			return changed, err
		}
		changed = append(changed, p.key)
	}
	if tok, ok := f.Get("access_token"); ok && tok != "" {
		f.Delete("access_token")
		changed = append(changed, "access_token")
	}
	sort.Strings(changed)
	return changed, nil
}

// sameValue reports whether s3cmd reads cur (a value from the file) as
// want, without consulting the environment.
func sameValue(key, cur, want string) bool {
	if strings.HasPrefix(cur, "$") {
		return false
	}
	o, ok := LookupOption(key)
	if !ok {
		return cur == want
	}
	a, err1 := convert(key, o.Kind, cur)
	b, err2 := convert(key, o.Kind, want)
	return err1 == nil && err2 == nil && a == b
}
