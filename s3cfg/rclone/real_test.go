package rclone_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/testsupport/realtools"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/s3cfg/rclone"
)

// trickySecret holds every character that INI readers like to treat
// specially: comment starts, delimiters, quotes of three kinds, "%", "$"
// and a backslash.
const trickySecret = `Tr1cky#Secret;with=all"the'quotes` + "`and%more$\\:x"

// dump runs "rclone config dump" on the file and returns what rclone read.
func dump(t *testing.T, home, conf string) map[string]map[string]string {
	t.Helper()
	so, se, code := realtools.RunRclone(t, home, conf, "config", "dump")
	if code != 0 {
		t.Fatalf("rclone config dump: exit %d: %s", code, se)
	}
	var m map[string]map[string]string
	if err := json.Unmarshal([]byte(so), &m); err != nil {
		t.Fatalf("rclone config dump: %v\n%s", err, so)
	}
	return m
}

// rcloneRoundTrip makes a bucket with the real rclone and the remote,
// uploads an object, lists it, and downloads it twice (copyto and cat):
// the same bytes come back.
func rcloneRoundTrip(t *testing.T, home, conf, remote, bucket string) {
	t.Helper()
	run := func(args ...string) string {
		t.Helper()
		so, se, code := realtools.RunRclone(t, home, conf, append([]string{"--retries", "1", "--low-level-retries", "1"}, args...)...)
		if code != 0 {
			t.Fatalf("rclone %s: exit %d\n%s%s", strings.Join(args, " "), code, so, se)
		}
		return so
	}
	payload := make([]byte, 300_000)
	rand.Read(payload)
	src := realtools.WriteFile(t, t.TempDir(), "payload.bin", string(payload))
	run("mkdir", remote+":"+bucket)
	run("copyto", src, remote+":"+bucket+"/dir/payload.bin")
	if out := run("lsd", remote+":"); !strings.Contains(out, " "+bucket+"\n") {
		t.Errorf("rclone lsd does not list %s:\n%s", bucket, out)
	}
	if out := run("ls", remote+":"+bucket); !strings.Contains(out, "300000 dir/payload.bin") {
		t.Errorf("rclone ls:\n%s", out)
	}
	dst := filepath.Join(t.TempDir(), "back.bin")
	run("copyto", remote+":"+bucket+"/dir/payload.bin", dst)
	if back, err := os.ReadFile(dst); err != nil || !bytes.Equal(back, payload) {
		t.Fatalf("rclone copyto (download) gave %d bytes that differ from the %d uploaded (%v)", len(back), len(payload), err)
	}
	if out := run("cat", remote+":"+bucket+"/dir/payload.bin"); out != string(payload) {
		t.Fatalf("rclone cat gave %d bytes that differ", len(out))
	}
}

// TestRealRcloneTrickySecret: the real rclone, with the remote merged into
// an existing rclone.conf that holds other remotes and comments, lists,
// uploads and downloads against a signature-checking S3 server
// (versitygw, region HCM04) with a secret full of INI specials. The old
// file is a byte-for-byte prefix of the new one, rclone reads the other
// remotes unchanged, and when rclone saves the file itself ("rclone
// config touch") the remote's lines stay byte-identical.
func TestRealRcloneTrickySecret(t *testing.T) {
	t.Parallel()
	realtools.Rclone(t)
	s3 := realtools.StartS3Server(t, "HCM04")
	const ak = "AKTRICKYRCLONE01"
	if err := s3.AddUser(ak, trickySecret); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	conf := filepath.Join(home, "rclone.conf")
	old := "# my remotes\n[disk]\ntype = local\n\n; pictures, through an alias\n[pics]\ntype = alias\nremote = disk:/srv/pics # kept as it is\n"
	if err := os.WriteFile(conf, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	r := rclone.Remote{Name: "vst", VStorage: s3cfg.VStorage{
		AccessKey: ak, SecretKey: vngcloud.Secret(trickySecret), Region: "HCM04", Endpoint: s3.Endpoint, PathStyle: true,
	}}
	res, err := r.WriteFile(conf, s3cfg.WriteOptions{IfExists: s3cfg.Backup})
	if err != nil || !res.Added || res.Backup == "" {
		t.Fatalf("%+v %v", res, err)
	}
	data, _ := os.ReadFile(conf)
	if !bytes.HasPrefix(data, []byte(old)) {
		t.Fatalf("the old file is not kept byte for byte:\n%s", data)
	}
	if st, _ := os.Stat(conf); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}

	m := dump(t, home, conf)
	want := map[string]string{
		"type": "s3", "provider": "Other", "access_key_id": ak, "secret_access_key": trickySecret,
		"endpoint": s3.Endpoint, "region": "HCM04", "force_path_style": "true",
	}
	for k, v := range want {
		if m["vst"][k] != v {
			t.Errorf("rclone reads %s of [vst] differently", k)
		}
	}
	if m["disk"]["type"] != "local" || m["pics"]["remote"] != "disk:/srv/pics # kept as it is" || len(m) != 3 {
		t.Errorf("rclone reads the other remotes as %v", m)
	}

	rcloneRoundTrip(t, home, conf, "vst", "tricky-bucket")

	// rclone rewrites the whole file when it saves it; the remote's lines
	// are already in its format.
	section := data[bytes.Index(data, []byte("[vst]\n")):]
	if _, se, code := realtools.RunRclone(t, home, conf, "config", "touch"); code != 0 {
		t.Fatalf("rclone config touch: %s", se)
	}
	after, _ := os.ReadFile(conf)
	if !bytes.HasSuffix(after, section) {
		t.Errorf("rclone rewrote the remote:\nbefore\n%s\nafter\n%s", section, after)
	}
	if dump(t, home, conf)["vst"]["secret_access_key"] != trickySecret {
		t.Error("after rclone saved the file, the secret reads differently")
	}
	rcloneRoundTrip(t, home, conf, "vst", "after-touch")
}

// TestRealRcloneNewFile: a new rclone.conf at rclone's own location for
// HOME (~/.config/rclone/rclone.conf, found by DestinationFor), path
// style, a plain key pair; rclone saving it changes no byte.
func TestRealRcloneNewFile(t *testing.T) {
	t.Parallel()
	realtools.Rclone(t)
	s3 := realtools.StartS3Server(t, "HCM04")
	ak, sk := s3.NewUser(t)
	home := t.TempDir()
	d, err := rclone.DestinationFor("linux", s3cfg.EnvMap(map[string]string{"HOME": home}), nil)
	if err != nil || d.Path != filepath.Join(home, ".config", "rclone", "rclone.conf") {
		t.Fatalf("%+v %v", d, err)
	}
	r := rclone.Remote{VStorage: s3cfg.VStorage{AccessKey: ak, SecretKey: vngcloud.Secret(sk), Region: "hcm04", Endpoint: s3.Endpoint, PathStyle: true}}
	if _, err := r.WriteFile(d.Path, s3cfg.WriteOptions{MkdirAll: true}); err != nil {
		t.Fatal(err)
	}
	rcloneRoundTrip(t, home, d.Path, rclone.DefaultRemote, "new-file")
	before, _ := os.ReadFile(d.Path)
	if _, se, code := realtools.RunRclone(t, home, d.Path, "config", "touch"); code != 0 {
		t.Fatal(se)
	}
	if after, _ := os.ReadFile(d.Path); !bytes.Equal(after, before) {
		t.Errorf("rclone saves the file differently:\nours\n%s\nrclone's\n%s", before, after)
	}

	// A wrong secret is refused by the server: the test would notice a
	// config that does not sign with the key.
	bad := rclone.Remote{Name: "bad", VStorage: r.VStorage}
	bad.VStorage.SecretKey = "not-the-secret"
	badConf := filepath.Join(t.TempDir(), "bad.conf")
	if _, err := bad.WriteFile(badConf, s3cfg.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, _, code := realtools.RunRclone(t, home, badConf, "--retries", "1", "--low-level-retries", "1", "lsd", "bad:"); code == 0 {
		t.Error("rclone listed buckets with a wrong secret")
	}
}

// TestRcloneReadsTrickyValues shows with the real rclone why CheckValue
// refuses what it refuses: each line is what a naive writer would put in
// the file, and rclone reads (or, after saving the file, reads) another
// value. The values CheckValue accepts read back exactly.
func TestRcloneReadsTrickyValues(t *testing.T) {
	t.Parallel()
	realtools.Rclone(t)
	home := t.TempDir()
	accepted := []string{trickySecret, `"quoted"`, `'single'`, "a`b\"c", "x # y ; z", "100%", "$HOME", `C:\dir\`, "ünïcode", "a:b=c"}
	var b strings.Builder
	for i, v := range accepted {
		r := rclone.Remote{Name: "ok" + string(rune('a'+i)), VStorage: s3cfg.VStorage{AccessKey: "AK", SecretKey: vngcloud.Secret(v), Region: "HCM04", Endpoint: "http://127.0.0.1:9"}}
		sec, err := r.Section()
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		b.Write(sec)
	}
	refused := []struct{ raw, reads string }{
		{"` padded `", " padded "},                 // readable, but rclone's next save writes it bare: trimmed
		{"  lead", "lead"},                         // trimmed
		{`"""triple"""`, "triple"},                 // unquoted
		{"a%(endpoint)sb", "ahttp://127.0.0.1:9b"}, // substituted from the section
		{"a%(type)sb", "as3b"},                     // substituted from the section
		{"x%(nope)sy", "xy"},                       // substituted with nothing
		{"`a`b`", "a`b"},                           // readable, but see the save below
		{`"""a"b"""`, `a"b`},                       // the form rclone writes
		{"`tick`", "tick"},                         // backquotes are quotes
		{"v # not a comment", "v # not a comment"},
	}
	for i, c := range refused {
		name := "raw" + string(rune('a'+i))
		b.WriteString("[" + name + "]\ntype = s3\nendpoint = http://127.0.0.1:9\nsecret_access_key = " + c.raw + "\n\n")
	}
	conf := realtools.WriteFile(t, home, "rclone.conf", b.String())
	m := dump(t, home, conf)
	for i, v := range accepted {
		if got := m["ok"+string(rune('a'+i))]["secret_access_key"]; got != v {
			t.Errorf("accepted %q reads as %q", v, got)
		}
	}
	for i, c := range refused {
		if got := m["raw"+string(rune('a'+i))]["secret_access_key"]; got != c.reads {
			t.Errorf("line %q reads as %q, want %q", c.raw, got, c.reads)
		}
	}
	// After rclone saves the file: a value with a backquote and no double
	// quote gains quotes, leading spaces are gone; accepted values stay.
	if _, se, code := realtools.RunRclone(t, home, conf, "config", "touch"); code != 0 {
		t.Fatal(se)
	}
	m = dump(t, home, conf)
	for i, v := range accepted {
		if got := m["ok"+string(rune('a'+i))]["secret_access_key"]; got != v {
			t.Errorf("accepted %q reads as %q after rclone saved the file", v, got)
		}
	}
	for name, want := range map[string]string{"rawa": "padded", "rawg": "\"a`b\""} {
		if got := m[name]["secret_access_key"]; got != want {
			t.Errorf("[%s] reads as %q after the save, want %q", name, got, want)
		}
	}
}

// TestDestinationMatchesRclone compares DestinationFor on Linux with what
// the real rclone says it reads ("rclone config file"), for the rules that
// matter: XDG_CONFIG_HOME, ~/.config, the legacy ~/.rclone.conf, an
// existing file winning over a new one's place, and RCLONE_CONFIG.
// "rclone config file" reads only the environment and the file system;
// it runs inside a network namespace of its own (realtools.NetNS) all the
// same, since realtools.RunRclone would set RCLONE_CONFIG itself.
func TestDestinationMatchesRclone(t *testing.T) {
	t.Parallel()
	bin := realtools.Rclone(t)
	netns := realtools.RequireNetNS(t) // rclone runs without a config file
	if runtime.GOOS != "linux" {
		t.Skip("the rules compared are Linux's")
	}
	for _, tt := range []struct {
		name     string
		env      map[string]string // HOME is added
		existing []string          // relative to HOME
	}{
		{"new file", nil, nil},
		{"new file, XDG", map[string]string{"XDG_CONFIG_HOME": "xdg"}, nil},
		{"XDG file", map[string]string{"XDG_CONFIG_HOME": "xdg"}, []string{"xdg/rclone/rclone.conf", ".config/rclone/rclone.conf"}},
		{"XDG set, ~/.config file", map[string]string{"XDG_CONFIG_HOME": "xdg"}, []string{".config/rclone/rclone.conf"}},
		{"legacy", nil, []string{".rclone.conf"}},
		{"~/.config over legacy", nil, []string{".rclone.conf", ".config/rclone/rclone.conf"}},
		{"RCLONE_CONFIG", map[string]string{"RCLONE_CONFIG": "elsewhere/r.conf"}, []string{".rclone.conf"}},
	} {
		home := t.TempDir()
		env := map[string]string{"HOME": home}
		extra := []string{}
		for k, v := range tt.env {
			env[k] = filepath.Join(home, v)
			extra = append(extra, k+"="+env[k])
		}
		for _, p := range tt.existing {
			realtools.WriteFile(t, mkdir(t, filepath.Join(home, filepath.Dir(p))), filepath.Base(p), "")
		}
		d, err := rclone.DestinationFor("linux", s3cfg.EnvMap(env), func(p string) bool { _, err := os.Stat(p); return err == nil })
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		args := append(append([]string{}, netns[1:]...), bin, "config", "file")
		so, se, code := realtools.Cmd{Home: home, Extra: extra}.Run(t, netns[0], args...)
		lines := strings.Split(strings.TrimSpace(so), "\n")
		if code != 0 || lines[len(lines)-1] != d.Path {
			t.Errorf("%s: DestinationFor says %s, rclone (exit %d):\n%s%s", tt.name, d.Path, code, so, se)
		}
	}
}

func mkdir(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}
