package awscli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

// DefaultProfile is the profile's name when [Profile].Name is empty: use
// it with "--profile vstorage" or AWS_PROFILE=vstorage.
const DefaultProfile = "vstorage"

// Checksum settings the vStorage documentation asks for with AWS CLI
// 2.23 and later (and the SDKs of that generation), whose default is to
// add a CRC64NVME checksum to every upload, which vStorage does not
// support (it supports CRC32, CRC32C, SHA1 and SHA256).
const (
	// RequestChecksumCalculation is the value written for
	// request_checksum_calculation: checksums only where the operation
	// requires one.
	RequestChecksumCalculation = "when_required"
	// ResponseChecksumValidation is the value written for
	// response_checksum_validation.
	ResponseChecksumValidation = "when_required"
)

// Profile is an AWS CLI named profile for vStorage: a section of the
// shared credentials file ("[name]") and one of the config file
// ("[profile name]", or "[default]" for the profile called default). The
// zero value is not valid: VStorage needs an access key, a secret key and
// a region.
type Profile struct {
	// Name is the profile's name; empty means [DefaultProfile]. It may
	// hold letters, digits, "_", "-", ".", "+" and "@" (see [CheckName]).
	Name string
	// VStorage holds the key pair, the region, an optional endpoint and
	// the addressing style: the same values that build an s3cmd config.
	VStorage s3cfg.VStorage
}

// kv is one key and its value as the AWS CLI reads it; for "s3" the value
// is the nested "addressing_style" setting.
type kv struct{ key, value string }

// Keys of the files. The nested s3 block holds addressingStyle.
const (
	keyAccessKey    = "aws_access_key_id"
	keySecretKey    = "aws_secret_access_key"
	keyRegion       = "region"
	keyEndpoint     = "endpoint_url"
	keyRequestSum   = "request_checksum_calculation"
	keyResponseSum  = "response_checksum_validation"
	keyS3           = "s3"
	addressingStyle = "addressing_style"
)

// staleCredentials are keys of an existing credentials section that
// belong to the credentials being replaced: botocore would send the old
// session token with the new key pair. They are removed.
var staleCredentials = []string{"aws_session_token", "aws_security_token"}

// isConflict reports whether a key of the config profile makes the AWS
// CLI take credentials from elsewhere than the credentials file (an
// assumed role, a process, SSO), or, for "services", an S3 endpoint from
// a [services ...] section that would win over endpoint_url. Such a
// profile is not updated.
func isConflict(key string) bool {
	switch key {
	case "role_arn", "source_profile", "credential_source", "credential_process", "web_identity_token_file", "services":
		return true
	}
	return strings.HasPrefix(key, "sso_")
}

// ValueError reports a name or value that cannot be written so that the
// AWS CLI reads it back as given. It names the key and the reason, never
// the value, which may be a secret.
type ValueError struct {
	// Key is the key the value was for ("profile" for the profile's name).
	Key string
	// Reason says why the value cannot be written.
	Reason string
}

// Error implements error.
func (e *ValueError) Error() string {
	return fmt.Sprintf("awscli: cannot write %s: %s", e.Key, e.Reason)
}

// ErrUnexpressible is matched by errors.Is for every *[ValueError].
var ErrUnexpressible = errors.New("awscli: value cannot be expressed in the AWS CLI's files")

// Is reports whether target is ErrUnexpressible.
func (e *ValueError) Is(target error) bool { return target == ErrUnexpressible }

// CheckName reports whether name can be a profile's name here: one or more
// ASCII letters, digits, "_", "-", ".", "+" or "@", and not "DEFAULT"
// (Python's configparser makes [DEFAULT] the defaults of every section).
// Spaces and quotes, which botocore's reading of "[profile NAME]" with
// shlex would mangle, are refused.
func CheckName(name string) error {
	if name == "" {
		return &ValueError{Key: "profile", Reason: "the profile's name is empty"}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '-' || c == '.' || c == '+' || c == '@'
		if !ok {
			return &ValueError{Key: "profile", Reason: fmt.Sprintf("the profile's name %q may hold only letters, digits, \"_\", \"-\", \".\", \"+\" and \"@\"", name)}
		}
	}
	if name == "DEFAULT" {
		return &ValueError{Key: "profile", Reason: "[DEFAULT] holds the defaults of every section, not a profile"}
	}
	return nil
}

// CheckValue reports whether "key = value" in the credentials or config
// file makes the AWS CLI (botocore's configparser) read exactly value. It
// returns a *[ValueError] naming key, never the value, when value is
// empty, has a character other than printable ASCII (a line break ends
// the value, and Python reads the files in the locale's encoding, which
// is not UTF-8 on Windows), or starts or ends with a space (configparser
// strips it). Everything else is kept as it is: configparser has no
// inline comments, no escapes, no quotes and (RawConfigParser) no "%"
// interpolation, so "#", ";", "=", ":", "%", "$", quotes, backquotes and
// backslashes are plain characters (TestAWSReadsTrickyValues).
func CheckValue(key, value string) error {
	bad := func(reason string) error { return &ValueError{Key: key, Reason: reason} }
	if value == "" {
		return bad("empty")
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; c < 0x20 || c > 0x7e {
			return bad("the value holds a character other than printable ASCII (a control character, a line break or a non-ASCII letter)")
		}
	}
	if value[0] == ' ' || value[len(value)-1] == ' ' {
		return bad("the value starts or ends with a space, which the AWS CLI strips")
	}
	return nil
}

// name returns the profile's name after checking it.
func (p Profile) name() (string, error) {
	n := p.Name
	if n == "" {
		n = DefaultProfile
	}
	return n, CheckName(n)
}

// credentials returns the keys of the credentials section.
func (p Profile) credentials() ([]kv, error) {
	v := p.VStorage
	if v.AccessKey == "" {
		return nil, &ValueError{Key: keyAccessKey, Reason: "empty"}
	}
	if v.SecretKey.IsZero() {
		return nil, &ValueError{Key: keySecretKey, Reason: "empty"}
	}
	kvs := []kv{{keyAccessKey, v.AccessKey}, {keySecretKey, v.SecretKey.Reveal()}}
	for _, p := range kvs {
		if err := CheckValue(p.key, p.value); err != nil {
			return nil, err
		}
	}
	return kvs, nil
}

// config returns the keys of the config profile, the s3 block last.
func (p Profile) config() ([]kv, error) {
	region, endpoint, err := p.VStorage.S3Endpoint()
	if err != nil {
		var ve *s3cfg.ValueError
		if errors.As(err, &ve) {
			key := keyEndpoint
			if ve.Key == "bucket_location" {
				key = keyRegion
			}
			return nil, &ValueError{Key: key, Reason: ve.Reason}
		}
		return nil, err
	}
	style := "virtual"
	if p.VStorage.PathStyle {
		style = "path"
	}
	kvs := []kv{
		{keyRegion, region},
		{keyEndpoint, endpoint},
		{keyRequestSum, RequestChecksumCalculation},
		{keyResponseSum, ResponseChecksumValidation},
		{keyS3, style},
	}
	for _, p := range kvs {
		if err := CheckValue(p.key, p.value); err != nil {
			return nil, err
		}
	}
	return kvs, nil
}

// configHeader is the config file's section for a profile.
func configHeader(name string) string {
	if name == "default" {
		return "default"
	}
	return "profile " + name
}

// CredentialsSection returns the profile's section of the shared
// credentials file alone: "[name]", aws_access_key_id and
// aws_secret_access_key, LF line ends. Use [Profile.MergeCredentials] to
// put it into an existing file.
func (p Profile) CredentialsSection() ([]byte, error) {
	name, err := p.name()
	if err != nil {
		return nil, err
	}
	kvs, err := p.credentials()
	if err != nil {
		return nil, err
	}
	return []byte(sectionText(name, kvs, "\n")), nil
}

// ConfigSection returns the profile's section of the config file alone:
// "[profile name]" ("[default]" for the profile called default) with
// region, endpoint_url, request_checksum_calculation,
// response_checksum_validation and the nested block
// "s3 =" / "    addressing_style = path" (or "virtual"), LF line ends.
// Use [Profile.MergeConfig] to put it into an existing file.
func (p Profile) ConfigSection() ([]byte, error) {
	name, err := p.name()
	if err != nil {
		return nil, err
	}
	kvs, err := p.config()
	if err != nil {
		return nil, err
	}
	return []byte(sectionText(configHeader(name), kvs, "\n")), nil
}

// nestedIndent indents the lines of a nested block this package writes.
const nestedIndent = "    "

// optionLines returns the lines of one option as written.
func optionLines(p kv) []string {
	if p.key == keyS3 {
		return []string{keyS3 + " =", nestedIndent + addressingStyle + " = " + p.value}
	}
	return []string{p.key + " = " + p.value}
}

func sectionText(header string, kvs []kv, nl string) string {
	var b strings.Builder
	b.WriteString("[" + header + "]" + nl)
	for _, p := range kvs {
		for _, l := range optionLines(p) {
			b.WriteString(l + nl)
		}
	}
	return b.String()
}
