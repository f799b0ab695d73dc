package rclone

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

func TestDestinationFor(t *testing.T) {
	win := map[string]string{"USERPROFILE": `C:\Users\An`, "APPDATA": `C:\Users\An\AppData\Roaming`}
	tests := []struct {
		name     string
		goos     string
		env      map[string]string
		existing []string
		path     string
		rule     string
		exists   bool
		err      error
	}{
		{"linux new", "linux", map[string]string{"HOME": "/home/an"}, nil,
			"/home/an/.config/rclone/rclone.conf", "~/.config", false, nil},
		{"linux xdg new", "linux", map[string]string{"HOME": "/home/an", "XDG_CONFIG_HOME": "/x/cfg/"}, nil,
			"/x/cfg/rclone/rclone.conf", "$XDG_CONFIG_HOME", false, nil},
		{"linux xdg set, ~/.config exists", "linux", map[string]string{"HOME": "/home/an", "XDG_CONFIG_HOME": "/x"},
			[]string{"/home/an/.config/rclone/rclone.conf"}, "/home/an/.config/rclone/rclone.conf", "~/.config", true, nil},
		{"linux legacy", "linux", map[string]string{"HOME": "/home/an"}, []string{"/home/an/.rclone.conf"},
			"/home/an/.rclone.conf", "~/.rclone.conf", true, nil},
		{"linux both: ~/.config first", "linux", map[string]string{"HOME": "/home/an"},
			[]string{"/home/an/.rclone.conf", "/home/an/.config/rclone/rclone.conf"}, "/home/an/.config/rclone/rclone.conf", "~/.config", true, nil},
		{"RCLONE_CONFIG wins", "linux", map[string]string{"HOME": "/home/an", "RCLONE_CONFIG": "/etc/rc.conf"},
			[]string{"/home/an/.rclone.conf"}, "/etc/rc.conf", "RCLONE_CONFIG", false, nil},
		{"RCLONE_CONFIG empty", "linux", map[string]string{"HOME": "/home/an", "RCLONE_CONFIG": ""}, nil, "", "", false, ErrInMemory},
		{"RCLONE_CONFIG /dev/null", "darwin", map[string]string{"HOME": "/Users/an", "RCLONE_CONFIG": "/dev/null"}, nil, "", "", false, ErrInMemory},
		{"no HOME", "linux", map[string]string{}, nil, "", "", false, s3cfg.ErrNoHome},
		{"relative HOME", "linux", map[string]string{"HOME": "home"}, nil, "", "", false, s3cfg.ErrNoHome},
		{"relative XDG", "linux", map[string]string{"HOME": "/h", "XDG_CONFIG_HOME": "cfg"}, nil, "", "", false, s3cfg.ErrNoHome},
		{"no HOME but XDG", "linux", map[string]string{"XDG_CONFIG_HOME": "/x"}, nil, "/x/rclone/rclone.conf", "$XDG_CONFIG_HOME", false, nil},
		{"windows new", "windows", win, nil, `C:\Users\An\AppData\Roaming\rclone\rclone.conf`, "%APPDATA%", false, nil},
		{"windows ~/.config exists", "windows", win, []string{`C:\Users\An\.config\rclone\rclone.conf`},
			`C:\Users\An\.config\rclone\rclone.conf`, "~/.config", true, nil},
		{"windows legacy", "windows", win, []string{`C:\Users\An\.rclone.conf`}, `C:\Users\An\.rclone.conf`, "~/.rclone.conf", true, nil},
		{"windows appdata wins", "windows", win, []string{`C:\Users\An\.rclone.conf`, `C:\Users\An\AppData\Roaming\rclone\rclone.conf`},
			`C:\Users\An\AppData\Roaming\rclone\rclone.conf`, "%APPDATA%", true, nil},
		{"windows HOME first", "windows", map[string]string{"HOME": `D:\home`, "USERPROFILE": `C:\Users\An`}, nil,
			`D:\home\.config\rclone\rclone.conf`, "~/.config", false, nil},
		{"windows HOMEDRIVE", "windows", map[string]string{"HOMEDRIVE": "C:", "HOMEPATH": `\Users\An`}, []string{`C:\Users\An\.rclone.conf`},
			`C:\Users\An\.rclone.conf`, "~/.rclone.conf", true, nil},
		{"windows NUL", "windows", map[string]string{"RCLONE_CONFIG": "nul"}, nil, "", "", false, ErrInMemory},
		{"windows nothing", "windows", map[string]string{}, nil, "", "", false, s3cfg.ErrNoHome},
	}
	for _, tt := range tests {
		exists := func(p string) bool {
			for _, e := range tt.existing {
				if e == p {
					return true
				}
			}
			return false
		}
		d, err := DestinationFor(tt.goos, s3cfg.EnvMap(tt.env), exists)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%s: %v, want %v", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || d.Path != tt.path || d.Rule != tt.rule || d.Exists != tt.exists || d.GOOS != tt.goos {
			t.Errorf("%s: %+v %v", tt.name, d, err)
		}
		if dir, name := s3cfg.SplitPath(tt.goos, d.Path); d.Dir != dir || d.Name != name {
			t.Errorf("%s: dir %q name %q", tt.name, d.Dir, d.Name)
		}
	}
}

// unsetenv unsets a variable for the test and restores it afterwards.
func unsetenv(t *testing.T, k string) {
	t.Setenv(k, "")
	os.Unsetenv(k)
}

func TestDefaultDestination(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix rules")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, k := range []string{"XDG_CONFIG_HOME", "RCLONE_CONFIG", "APPDATA"} {
		unsetenv(t, k)
	}
	d, err := DefaultDestination()
	if err != nil || d.Path != filepath.Join(home, ".config", "rclone", "rclone.conf") || d.Exists {
		t.Fatalf("%+v %v", d, err)
	}
	os.WriteFile(filepath.Join(home, ".rclone.conf"), nil, 0o600)
	if d, err = DefaultDestination(); err != nil || d.Path != filepath.Join(home, ".rclone.conf") || !d.Exists {
		t.Fatalf("%+v %v", d, err)
	}
	// HOME unset: the passwd database's home, as rclone does.
	unsetenv(t, "HOME")
	if d, err = DefaultDestination(); err != nil || !filepath.IsAbs(d.Path) {
		t.Errorf("%+v %v", d, err)
	}
}
