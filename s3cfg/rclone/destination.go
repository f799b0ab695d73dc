package rclone

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

// File names and variables.
const (
	// FileName is rclone's config file name.
	FileName = "rclone.conf"
	// LegacyFileName is the config file rclone used before it looked in
	// ~/.config, in the home folder. rclone still reads it when no newer
	// file exists.
	LegacyFileName = ".rclone.conf"
	// EnvConfig names rclone's config file when set, on every system; set
	// but empty (or "/dev/null", "NUL" on Windows) it means no file.
	EnvConfig = "RCLONE_CONFIG"
)

// ErrInMemory is wrapped by the error of [DestinationFor] when
// RCLONE_CONFIG tells rclone to keep its config in memory only, so no file
// would be read. Unset RCLONE_CONFIG or point it at a file.
var ErrInMemory = errors.New("rclone: RCLONE_CONFIG says rclone keeps no config file")

// DestinationFor returns the config file rclone (1.60 and later) reads on
// goos, given the environment and a function that reports whether a file
// exists (nil means none exists). It is a pure function of its arguments
// and computes Windows paths with Windows rules on any system.
//
//   - RCLONE_CONFIG, when set, is used as it is. Set to "" or "/dev/null"
//     ("NUL" on Windows) it means no file: [ErrInMemory].
//   - Otherwise rclone reads the first of these that exists:
//     %APPDATA%\rclone\rclone.conf (Windows only),
//     $XDG_CONFIG_HOME/rclone/rclone.conf (when XDG_CONFIG_HOME is not
//     empty), ~/.config/rclone/rclone.conf and ~/.rclone.conf.
//   - When none exists, a new file goes to %APPDATA%\rclone\rclone.conf
//     on Windows (when APPDATA is set), else to
//     $XDG_CONFIG_HOME/rclone/rclone.conf, else to
//     ~/.config/rclone/rclone.conf.
//
// The home folder "~" is $HOME on Unix; on Windows it is %HOME%, else
// %USERPROFILE%, else %HOMEDRIVE%%HOMEPATH% (rclone's go-homedir). A
// missing or relative home, or a relative APPDATA or XDG_CONFIG_HOME
// (which rclone would take relative to where it runs), gives an error
// wrapping [s3cfg.ErrNoHome];
// [DefaultDestination] falls back to the passwd database on Unix, as
// rclone does. An rclone.conf next to the rclone executable, which a
// portable rclone reads first, is not looked for.
//
// Writing to a file rclone does not read first would hide the user's other
// remotes from rclone, which is why existing files are looked for: merge
// into the returned file.
func DestinationFor(goos string, lookup func(string) (string, bool), exists func(string) bool) (s3cfg.Destination, error) {
	get := func(k string) string { v, _ := lookup(k); return v }
	if exists == nil {
		exists = func(string) bool { return false }
	}
	win := goos == "windows"
	d := s3cfg.Destination{GOOS: goos}
	finish := func() (s3cfg.Destination, error) {
		d.Dir, d.Name = s3cfg.SplitPath(goos, d.Path)
		return d, nil
	}
	if p, ok := lookup(EnvConfig); ok {
		if p == "" || p == "/dev/null" || win && strings.EqualFold(p, "NUL") {
			return d, fmt.Errorf("%w (RCLONE_CONFIG=%q)", ErrInMemory, p)
		}
		d.Path, d.Rule, d.Exists = p, EnvConfig, exists(p)
		return finish()
	}
	type candidate struct{ path, rule string }
	var cands []candidate
	for _, v := range []struct{ name, rule string }{{"APPDATA", "%APPDATA%"}, {"XDG_CONFIG_HOME", "$XDG_CONFIG_HOME"}} {
		dir := get(v.name)
		if dir == "" || v.name == "APPDATA" && !win {
			continue
		}
		if !s3cfg.IsAbsPath(goos, dir) {
			return d, fmt.Errorf("%w: %s is not an absolute path, so rclone would use a folder relative to where it runs", s3cfg.ErrNoHome, v.name)
		}
		cands = append(cands, candidate{s3cfg.JoinPath(goos, dir, "rclone", FileName), v.rule})
	}
	home, homeErr := homeDir(goos, lookup)
	if homeErr == nil {
		cands = append(cands,
			candidate{s3cfg.JoinPath(goos, home, ".config", "rclone", FileName), "~/.config"},
			candidate{s3cfg.JoinPath(goos, home, LegacyFileName), "~/" + LegacyFileName})
	}
	for _, c := range cands {
		if exists(c.path) {
			d.Path, d.Rule, d.Exists = c.path, c.rule, true
			return finish()
		}
	}
	// A new file: the first candidate, never the legacy name.
	if len(cands) == 0 || cands[0].rule == "~/"+LegacyFileName {
		return d, homeErr
	}
	d.Path, d.Rule = cands[0].path, cands[0].rule
	return finish()
}

// homeDir returns "~" for rclone on goos.
func homeDir(goos string, lookup func(string) (string, bool)) (string, error) {
	get := func(k string) string { v, _ := lookup(k); return v }
	if goos != "windows" {
		h, ok := lookup("HOME")
		switch {
		case !ok || h == "":
			return "", fmt.Errorf("%w: HOME is unset or empty, so rclone would use the home folder of the passwd database", s3cfg.ErrNoHome)
		case !s3cfg.IsAbsPath(goos, h):
			return "", fmt.Errorf("%w: HOME is not an absolute path", s3cfg.ErrNoHome)
		}
		return h, nil
	}
	h, rule := get("HOME"), "HOME"
	if h == "" {
		h, rule = get("USERPROFILE"), "USERPROFILE"
	}
	if h == "" {
		drive, path := get("HOMEDRIVE"), get("HOMEPATH")
		if drive == "" || path == "" {
			return "", fmt.Errorf("%w: HOME, USERPROFILE and HOMEDRIVE/HOMEPATH are unset", s3cfg.ErrNoHome)
		}
		h, rule = drive+path, "HOMEDRIVE and HOMEPATH"
	}
	if !s3cfg.IsAbsPath("windows", h) {
		return "", fmt.Errorf("%w: %s is not an absolute path", s3cfg.ErrNoHome, rule)
	}
	return h, nil
}

// DefaultDestination returns [DestinationFor] the running system, the
// process environment and the files that exist now. On Unix with HOME
// unset or empty it uses the home folder of the passwd database, as
// rclone does.
func DefaultDestination() (s3cfg.Destination, error) {
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	return DestinationFor(runtime.GOOS, s3cfg.ProcessEnv(true), exists)
}
