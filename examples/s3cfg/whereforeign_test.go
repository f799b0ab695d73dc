package main

import (
	"bytes"
	"testing"
)

// TestWhereForeignSystem (issue 13): on Linux, with only Linux's
// variables, "where --goos windows" shows the Windows paths of a
// placeholder user, with Windows separators, for every tool.
func TestWhereForeignSystem(t *testing.T) {
	linuxEnv := map[string]string{"HOME": "/root", "PATH": "/usr/bin"}
	for _, tc := range []struct{ tool, goos, want string }{
		{"s3cmd", "windows", `C:\Users\<User>\AppData\Roaming\s3cmd.ini` + "\n"},
		{"rclone", "windows", `C:\Users\<User>\AppData\Roaming\rclone\rclone.conf` + "\n"},
		{"aws", "windows", `C:\Users\<User>\.aws\credentials` + "\n" + `C:\Users\<User>\.aws\config` + "\n"},
		{"s3cmd", "darwin", "/root/.s3cfg\n"}, // HOME describes a macOS user too
	} {
		var so, se bytes.Buffer
		code := run([]string{"where", "--goos", tc.goos, "--tool", tc.tool}, env{
			lookup: func(k string) (string, bool) { v, ok := linuxEnv[k]; return v, ok },
			stdout: &so, stderr: &se, goos: "linux",
		})
		if code != 0 || so.String() != tc.want {
			t.Errorf("%s on %s: exit %d, stdout %q, stderr %q; want %q", tc.tool, tc.goos, code, so.String(), se.String(), tc.want)
		}
	}
}
