package s3cfg

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"runtime"
	"strings"
)

// File names.
const (
	// DownloadName is the name of the file the vStorage portal's
	// "Integration → S3cmd → Download configuration file" button saves.
	// s3cmd does not look for it; it must be moved to [Destination].
	DownloadName = "s3cnf.s3cfg"
	// WindowsName is the file s3cmd reads on Windows, in %APPDATA%.
	WindowsName = "s3cmd.ini"
	// UnixName is the file s3cmd reads elsewhere, in $HOME.
	UnixName = ".s3cfg"
	// EnvConfig is the environment variable that, when set and not empty,
	// names s3cmd's config file on every system.
	EnvConfig = "S3CMD_CONFIG"
)

// ErrNoHome is wrapped by the errors of the destination functions of this
// package and of s3cfg/rclone and s3cfg/awscli when the environment names
// no usable home folder: the tool would read a file relative to where it
// runs, or one this package does not compute. Set HOME (USERPROFILE on
// Windows), or name the file with the tool's own variable.
var ErrNoHome = errors.New("s3cfg: no home folder to put the config file in")

// Destination is where a tool looks for its configuration file when it is
// run without naming one: s3cmd ([DestinationFor]), rclone
// (rclone.DestinationFor) and the AWS CLI (awscli.DestinationsFor).
type Destination struct {
	// Path is the file's full path.
	Path string
	// Dir and Name split Path, with the system's own separator rules.
	Dir, Name string
	// Rule says which of the tool's rules chose the path, for example
	// "S3CMD_CONFIG", "%APPDATA%", "%USERPROFILE%\Application Data",
	// "%HOMEDRIVE%%HOMEPATH%" or "$HOME" for s3cmd; "RCLONE_CONFIG",
	// "$XDG_CONFIG_HOME", "~/.config" or "~/.rclone.conf" for rclone;
	// "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE" or "~/.aws" for the
	// AWS CLI.
	Rule string
	// Exists reports that the file was found where the tool looks first
	// (rclone reads the first of several files that exists). It is false
	// for the destinations that are computed without looking at files.
	Exists bool
	// GOOS is the system the path is for.
	GOOS string
}

// String returns Path.
func (d Destination) String() string { return d.Path }

// NewlineFor returns the line terminator s3cmd itself writes on goos:
// CRLF on Windows (Python's text mode), LF elsewhere. s3cmd reads both
// everywhere.
func NewlineFor(goos string) string {
	if goos == "windows" {
		return CRLF
	}
	return LF
}

// DestinationFor returns where s3cmd (2.3.0 and later) looks for its
// config file on goos, given the environment. It is a pure function of its
// arguments and computes Windows paths with Windows rules on any system.
//
//   - S3CMD_CONFIG, when set and not empty, is used as it is, on every
//     system.
//   - Windows: %APPDATA%\s3cmd.ini, or %USERPROFILE%\Application
//     Data\s3cmd.ini when APPDATA is unset or empty, as long as
//     USERPROFILE is set and not empty (Python's ntpath.join(USERPROFILE,
//     APPDATA, "s3cmd.ini"), so a relative APPDATA goes under USERPROFILE).
//     Without USERPROFILE, s3cmd uses ~\.s3cfg expanded from
//     %HOMEDRIVE%%HOMEPATH%.
//   - Elsewhere: $HOME/.s3cfg, with "/.s3cfg" for an empty HOME (Python's
//     expanduser).
//
// Where s3cmd would fall back to a path relative to the current folder
// (Windows with neither USERPROFILE nor HOMEPATH, a relative HOME) or to
// the passwd database (HOME unset), DestinationFor returns an error
// wrapping [ErrNoHome]; [DefaultDestination] handles the passwd case.
func DestinationFor(goos string, lookup func(string) (string, bool)) (Destination, error) {
	get := func(k string) string { v, _ := lookup(k); return v }
	d := Destination{GOOS: goos}
	win := goos == "windows"
	switch {
	case get(EnvConfig) != "":
		d.Path, d.Rule = get(EnvConfig), EnvConfig
	case win && get("USERPROFILE") != "":
		app, rule := get("APPDATA"), "%APPDATA%"
		if app == "" {
			app, rule = "Application Data", `%USERPROFILE%\Application Data`
		} else if !ntIsAbs(app) {
			rule = `%USERPROFILE%\%APPDATA%`
		}
		d.Path, d.Rule = ntJoin(get("USERPROFILE"), app, WindowsName), rule
	case win:
		// ntpath.expanduser("~") with USERPROFILE empty or unset.
		if _, set := lookup("USERPROFILE"); set {
			return d, fmt.Errorf("%w: USERPROFILE is empty, so s3cmd would read .s3cfg in the current folder", ErrNoHome)
		}
		hp, ok := lookup("HOMEPATH")
		if !ok {
			return d, fmt.Errorf("%w: USERPROFILE and HOMEPATH are unset, so s3cmd would read ~\\.s3cfg in the current folder", ErrNoHome)
		}
		d.Path, d.Rule = ntJoin(ntJoin(get("HOMEDRIVE"), hp), UnixName), "%HOMEDRIVE%%HOMEPATH%"
		if !ntIsAbs(d.Path) {
			return d, fmt.Errorf("%w: %%HOMEDRIVE%%%%HOMEPATH%% is not an absolute path", ErrNoHome)
		}
	default:
		home, ok := lookup("HOME")
		if !ok {
			return d, fmt.Errorf("%w: HOME is unset, so s3cmd would use the home folder of the passwd database", ErrNoHome)
		}
		home = strings.TrimRight(home, "/")
		if home == "" {
			home = "/"
		}
		if !strings.HasPrefix(home, "/") {
			return d, fmt.Errorf("%w: HOME is not an absolute path", ErrNoHome)
		}
		d.Path, d.Rule = posixJoin(home, UnixName), "$HOME"
	}
	if win {
		d.Dir, d.Name = ntSplit(d.Path)
	} else {
		d.Dir, d.Name = posixSplit(d.Path)
	}
	return d, nil
}

// DefaultDestination returns [DestinationFor] the running system and
// process environment. On Unix with HOME unset it uses the home folder of
// the passwd database, as s3cmd does.
func DefaultDestination() (Destination, error) {
	return DestinationFor(runtime.GOOS, ProcessEnv(false))
}

// PlaceholderUser is the user name in the paths of [TypicalEnv].
const PlaceholderUser = "<User>"

// TypicalEnv returns the environment of a typical user, named
// [PlaceholderUser], on goos, for showing where a tool would look on
// another system than this one: the process environment describes this
// system only (HOME=/root on Linux would make a Windows path of
// "/root\.config\rclone\rclone.conf"). On Windows, USERPROFILE is
// C:\Users\<User>, APPDATA C:\Users\<User>\AppData\Roaming,
// LOCALAPPDATA C:\Users\<User>\AppData\Local, HOMEDRIVE C: and HOMEPATH
// \Users\<User>; on macOS ("darwin"), HOME is /Users/<User>; elsewhere
// HOME is /home/<User>. Every other variable is unset. Pass it to
// [DestinationFor], rclone.DestinationFor or awscli.DestinationsFor.
func TypicalEnv(goos string) func(string) (string, bool) {
	var env map[string]string
	switch goos {
	case "windows":
		home := `C:\Users\` + PlaceholderUser
		env = map[string]string{"USERPROFILE": home, "APPDATA": home + `\AppData\Roaming`,
			"LOCALAPPDATA": home + `\AppData\Local`, "HOMEDRIVE": "C:", "HOMEPATH": `\Users\` + PlaceholderUser}
	case "darwin", "ios":
		env = map[string]string{"HOME": "/Users/" + PlaceholderUser}
	default:
		env = map[string]string{"HOME": "/home/" + PlaceholderUser}
	}
	return EnvMap(env)
}

// EnvFor returns lookup when it describes a user of goos, and
// [TypicalEnv](goos) when it does not, so that an environment of this
// system is not read as one of another: for Windows, lookup must set
// USERPROFILE to an absolute Windows path ("C:\..." or "\\server\...");
// elsewhere, HOME to a path starting with "/". Use it to show where a tool
// looks on goos when goos is not the running system.
func EnvFor(goos string, lookup func(string) (string, bool)) func(string) (string, bool) {
	if lookup != nil {
		if goos == "windows" {
			if v, _ := lookup("USERPROFILE"); ntIsAbs(v) && !strings.HasPrefix(v, "/") {
				return lookup
			}
		} else if v, _ := lookup("HOME"); strings.HasPrefix(v, "/") {
			return lookup
		}
	}
	return TypicalEnv(goos)
}

// ProcessEnv returns a lookup of the process environment for the
// DestinationFor functions of this package and of s3cfg/rclone and
// s3cfg/awscli. On Unix, a HOME that is unset reads as the home folder of
// the passwd database, as Python (s3cmd, the AWS CLI) and rclone do; with
// emptyHome, so does an empty HOME (rclone's rule; Python then uses "/").
func ProcessEnv(emptyHome bool) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := os.LookupEnv(k)
		if k != "HOME" || runtime.GOOS == "windows" || (ok && (v != "" || !emptyHome)) {
			return v, ok
		}
		if u, err := user.Current(); err == nil && u.HomeDir != "" {
			return u.HomeDir, true
		}
		return v, ok
	}
}

// posixJoin is Python's posixpath.join for two parts.
func posixJoin(a, b string) string {
	if strings.HasPrefix(b, "/") {
		return b
	}
	if a == "" || strings.HasSuffix(a, "/") {
		return a + b
	}
	return a + "/" + b
}

// posixSplit is Python's posixpath.split.
func posixSplit(p string) (dir, name string) {
	i := strings.LastIndexByte(p, '/') + 1
	head, tail := p[:i], p[i:]
	if head != "" && strings.Trim(head, "/") != "" {
		head = strings.TrimRight(head, "/")
	}
	return head, tail
}

const ntSeps = `\/`

func isNTSep(c byte) bool { return c == '\\' || c == '/' }

// ntSplitDrive is ntpath.splitdrive of Python 3.11 (Debian 12's
// 3.11.2): a drive letter "C:" or a UNC prefix "\\server\share" (also
// "\\?\UNC\server\share").
func ntSplitDrive(p string) (drive, rest string) {
	if len(p) >= 2 {
		norm := strings.ReplaceAll(p, "/", `\`)
		if norm[:2] == `\\` {
			start := 2
			if len(norm) >= 8 && strings.ToUpper(norm[:8]) == `\\?\UNC\` {
				start = 8
			}
			i := strings.IndexByte(norm[start:], '\\')
			if i < 0 {
				return p, ""
			}
			i += start
			j := strings.IndexByte(norm[i+1:], '\\')
			if j < 0 {
				return p, ""
			}
			j += i + 1
			return p[:j], p[j:]
		}
		if norm[1] == ':' {
			return p[:2], p[2:]
		}
	}
	return "", p
}

// ntIsAbs is Python 3.11's ntpath.isabs (which calls "\\x" absolute).
func ntIsAbs(p string) bool {
	s := p
	if len(s) > 3 {
		s = s[:3]
	}
	s = strings.ReplaceAll(s, "/", `\`)
	return strings.HasPrefix(s, `\`) || len(s) >= 3 && s[1:3] == `:\`
}

// ntJoin is Python 3.11's ntpath.join.
func ntJoin(path string, paths ...string) string {
	resultDrive, resultPath := ntSplitDrive(path)
	for _, p := range paths {
		pDrive, pPath := ntSplitDrive(p)
		if pPath != "" && isNTSep(pPath[0]) {
			// The second path is absolute.
			if pDrive != "" || resultDrive == "" {
				resultDrive = pDrive
			}
			resultPath = pPath
			continue
		} else if pDrive != "" && pDrive != resultDrive {
			if !strings.EqualFold(pDrive, resultDrive) {
				// A different drive: ignore the first path entirely.
				resultDrive, resultPath = pDrive, pPath
				continue
			}
			resultDrive = pDrive
		}
		if resultPath != "" && !isNTSep(resultPath[len(resultPath)-1]) {
			resultPath += `\`
		}
		resultPath += pPath
	}
	if resultPath != "" && !isNTSep(resultPath[0]) && resultDrive != "" && !strings.HasSuffix(resultDrive, ":") {
		return resultDrive + `\` + resultPath
	}
	return resultDrive + resultPath
}

// ntSplit is Python's ntpath.split.
func ntSplit(p string) (dir, name string) {
	d, rest := ntSplitDrive(p)
	i := len(rest)
	for i > 0 && !isNTSep(rest[i-1]) {
		i--
	}
	head, tail := rest[:i], rest[i:]
	if h := strings.TrimRight(head, ntSeps); h != "" {
		head = h
	}
	return d + head, tail
}
