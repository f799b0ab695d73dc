package s3cfg_test

import (
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/s3cfg/awscli"
	"github.com/vstorage-sdk/vngcloud/s3cfg/rclone"
)

// TestTypicalEnvForeignPaths (issue 13): the paths of another system are
// shown for a placeholder user, with that system's separators only, and
// never fail for want of this system's variables.
func TestTypicalEnvForeignPaths(t *testing.T) {
	want := map[string][]string{
		"windows": {`C:\Users\<User>\AppData\Roaming\s3cmd.ini`, `C:\Users\<User>\AppData\Roaming\rclone\rclone.conf`,
			`C:\Users\<User>\.aws\credentials`, `C:\Users\<User>\.aws\config`},
		"linux": {"/home/<User>/.s3cfg", "/home/<User>/.config/rclone/rclone.conf",
			"/home/<User>/.aws/credentials", "/home/<User>/.aws/config"},
		"darwin": {"/Users/<User>/.s3cfg", "/Users/<User>/.config/rclone/rclone.conf",
			"/Users/<User>/.aws/credentials", "/Users/<User>/.aws/config"},
	}
	for goos, w := range want {
		env := s3cfg.TypicalEnv(goos)
		s, err := s3cfg.DestinationFor(goos, env)
		if err != nil {
			t.Fatalf("%s: s3cmd: %v", goos, err)
		}
		r, err := rclone.DestinationFor(goos, env, nil)
		if err != nil {
			t.Fatalf("%s: rclone: %v", goos, err)
		}
		a, err := awscli.DestinationsFor(goos, env)
		if err != nil {
			t.Fatalf("%s: aws: %v", goos, err)
		}
		got := []string{s.Path, r.Path, a.Credentials.Path, a.Config.Path}
		for i := range got {
			if got[i] != w[i] {
				t.Errorf("%s: got %s, want %s", goos, got[i], w[i])
			}
			if goos == "windows" && strings.Contains(got[i], "/") || goos != "windows" && strings.Contains(got[i], `\`) {
				t.Errorf("%s: mixed separators in %s", goos, got[i])
			}
		}
	}
}

func TestEnvFor(t *testing.T) {
	linux := s3cfg.EnvMap(map[string]string{"HOME": "/root"})
	win := s3cfg.EnvMap(map[string]string{"USERPROFILE": `C:\Users\An`, "HOME": "/c/Users/An"})
	for _, tc := range []struct {
		goos   string
		lookup func(string) (string, bool)
		want   string
	}{
		{"windows", linux, `C:\Users\<User>\AppData\Roaming\s3cmd.ini`},
		{"windows", win, `C:\Users\An\Application Data\s3cmd.ini`},
		{"windows", s3cfg.EnvMap(map[string]string{"USERPROFILE": "/root"}), `C:\Users\<User>\AppData\Roaming\s3cmd.ini`},
		{"linux", linux, "/root/.s3cfg"},
		{"linux", win, "/c/Users/An/.s3cfg"},
		{"linux", s3cfg.EnvMap(map[string]string{"HOME": `C:\Users\An`}), "/home/<User>/.s3cfg"},
		{"darwin", nil, "/Users/<User>/.s3cfg"},
	} {
		d, err := s3cfg.DestinationFor(tc.goos, s3cfg.EnvFor(tc.goos, tc.lookup))
		if err != nil || d.Path != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.goos, d.Path, err, tc.want)
		}
	}
}
