package awscli

import (
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"

	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

// File names and variables.
const (
	// CredentialsName and ConfigName are the files' names in ~/.aws.
	CredentialsName = "credentials"
	ConfigName      = "config"
	// EnvCredentials and EnvConfig name the files when set.
	EnvCredentials = "AWS_SHARED_CREDENTIALS_FILE"
	EnvConfig      = "AWS_CONFIG_FILE"
)

// ErrNoFile is wrapped by the error of [DestinationsFor] when
// AWS_SHARED_CREDENTIALS_FILE or AWS_CONFIG_FILE is set but empty: the AWS
// CLI then reads no such file. Unset the variable or name a file.
var ErrNoFile = errors.New("awscli: the variable is set but empty, so the AWS CLI reads no such file")

// Destinations are the two files a profile lives in.
type Destinations struct {
	// Credentials is the shared credentials file (the key pair).
	Credentials s3cfg.Destination
	// Config is the config file (region, endpoint, checksums, s3 block).
	Config s3cfg.Destination
}

// DestinationsFor returns the files the AWS CLI (v1 and v2, and botocore
// generally) reads on goos, given the environment. It is a pure function
// of its arguments and computes Windows paths with Windows rules on any
// system.
//
//   - AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE, when set, name the
//     files; like botocore, "$NAME" and "${NAME}" (and "%NAME%" on
//     Windows) are expanded and a leading "~" is the home folder. Set but
//     empty, the AWS CLI reads no such file: [ErrNoFile].
//   - Otherwise they are ~/.aws/credentials and ~/.aws/config.
//
// "~" is $HOME on Unix and %USERPROFILE% (else %HOMEDRIVE%%HOMEPATH%) on
// Windows, as Python's os.path.expanduser has it; an unset, empty or
// relative home gives an error wrapping [s3cfg.ErrNoHome] ([DefaultDestinations]
// falls back to the passwd database on Unix, as Python does).
func DestinationsFor(goos string, lookup func(string) (string, bool)) (Destinations, error) {
	var ds Destinations
	var err error
	if ds.Credentials, err = destination(goos, lookup, EnvCredentials, CredentialsName); err != nil {
		return ds, err
	}
	ds.Config, err = destination(goos, lookup, EnvConfig, ConfigName)
	return ds, err
}

func destination(goos string, lookup func(string) (string, bool), env, name string) (s3cfg.Destination, error) {
	d := s3cfg.Destination{GOOS: goos}
	if p, ok := lookup(env); ok {
		if p == "" {
			return d, fmt.Errorf("%w: %s", ErrNoFile, env)
		}
		p = expandVars(goos, p, lookup)
		if strings.HasPrefix(p, "~") {
			i := strings.IndexAny(p, seps(goos))
			if i < 0 {
				i = len(p)
			}
			if i != 1 {
				return d, fmt.Errorf("awscli: %s starts with ~user, which is not expanded here", env)
			}
			home, err := homeDir(goos, lookup)
			if err != nil {
				return d, err
			}
			p = home + p[1:]
		}
		d.Path, d.Rule = p, env
	} else {
		home, err := homeDir(goos, lookup)
		if err != nil {
			return d, err
		}
		d.Path, d.Rule = s3cfg.JoinPath(goos, home, ".aws", name), "~/.aws"
	}
	d.Dir, d.Name = s3cfg.SplitPath(goos, d.Path)
	return d, nil
}

func seps(goos string) string {
	if goos == "windows" {
		return `\/`
	}
	return "/"
}

// homeDir returns "~" as Python's expanduser finds it on goos.
func homeDir(goos string, lookup func(string) (string, bool)) (string, error) {
	var h, what string
	if goos == "windows" {
		if up, ok := lookup("USERPROFILE"); ok {
			h, what = up, "USERPROFILE"
		} else if hp, ok := lookup("HOMEPATH"); ok {
			drive, _ := lookup("HOMEDRIVE")
			h, what = s3cfg.JoinPath(goos, drive, hp), "HOMEDRIVE and HOMEPATH"
		} else {
			return "", fmt.Errorf("%w: USERPROFILE and HOMEPATH are unset", s3cfg.ErrNoHome)
		}
	} else {
		v, ok := lookup("HOME")
		if !ok {
			return "", fmt.Errorf("%w: HOME is unset, so the AWS CLI would use the home folder of the passwd database", s3cfg.ErrNoHome)
		}
		h, what = v, "HOME"
	}
	if h == "" {
		return "", fmt.Errorf("%w: %s is empty", s3cfg.ErrNoHome, what)
	}
	if !s3cfg.IsAbsPath(goos, h) {
		return "", fmt.Errorf("%w: %s is not an absolute path", s3cfg.ErrNoHome, what)
	}
	if goos != "windows" && len(h) > 1 {
		h = strings.TrimRight(h, "/")
	}
	return h, nil
}

var (
	posixVar = regexp.MustCompile(`\$([A-Za-z0-9_]+|\{[^}]*\})`)
	ntVar    = regexp.MustCompile(`%([^%]+)%|\$([A-Za-z0-9_]+|\{[^}]*\})`)
)

// expandVars is Python's os.path.expandvars: "$NAME" and "${NAME}"
// (and, on Windows, "%NAME%") are replaced by set variables; others are
// left as they are. (ntpath's single-quote escaping is not reproduced.)
func expandVars(goos, s string, lookup func(string) (string, bool)) string {
	re := posixVar
	if goos == "windows" {
		re = ntVar
	}
	return re.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.Trim(m, "%$")
		name = strings.TrimSuffix(strings.TrimPrefix(name, "{"), "}")
		if v, ok := lookup(name); ok {
			return v
		}
		return m
	})
}

// DefaultDestinations returns [DestinationsFor] the running system and the
// process environment; on Unix with HOME unset it uses the home folder of
// the passwd database, as Python does.
func DefaultDestinations() (Destinations, error) {
	return DestinationsFor(runtime.GOOS, s3cfg.ProcessEnv(false))
}
