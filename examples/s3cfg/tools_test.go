package main

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud/internal/testsupport/realtools"
)

const toolSecret = `tool#Secret;with="quotes'` + "`and%more"

func TestRcloneSubcommand(t *testing.T) {
	home := t.TempDir()
	conf := filepath.Join(home, ".config", "rclone", "rclone.conf")
	old := "# mine\n[disk]\ntype = local\n"
	os.MkdirAll(filepath.Dir(conf), 0o700)
	os.WriteFile(conf, []byte(old), 0o600)
	vars := map[string]string{"HOME": home, "VSTORAGE_SECRET_KEY": toolSecret}

	r := runTool(t, vars, "", "rclone", "--access-key", "AK1", "--region", "hcm04")
	if r.code != 0 || !strings.Contains(r.stderr, "added remote vstorage to "+conf+" (previous version: "+conf+".bak)") ||
		!strings.Contains(r.stderr, "use it: rclone lsd vstorage:") {
		t.Fatalf("%+v", r)
	}
	data, _ := os.ReadFile(conf)
	if !strings.HasPrefix(string(data), old) || !strings.Contains(string(data), "\nsecret_access_key = \"\"\""+toolSecret+"\"\"\"\n") {
		t.Fatalf("%s", data)
	}
	if strings.Contains(r.stdout+r.stderr, toolSecret) {
		t.Error("the secret was printed")
	}
	// The secret from stdin; only what differs changes.
	r = runTool(t, map[string]string{"HOME": home}, "other-secret\n", "rclone", "--access-key", "AK1", "--region", "hcm04", "--no-backup")
	if r.code != 0 || !strings.Contains(r.stderr, "updated secret_access_key of remote vstorage in "+conf+"\n") || strings.Contains(r.stderr, "other-secret") {
		t.Fatalf("%+v", r)
	}
	r = runTool(t, map[string]string{"HOME": home}, "other-secret\n", "rclone", "--access-key", "AK1", "--region", "hcm04")
	if r.code != 0 || !strings.Contains(r.stderr, "is up to date") {
		t.Fatalf("%+v", r)
	}
	// --out: any file; - prints the section.
	out := filepath.Join(t.TempDir(), "x.conf")
	r = runTool(t, vars, "", "rclone", "--access-key", "AK", "--region", "HAN02", "--remote", "han", "--path-style", "--out", out)
	if r.code != 0 || !strings.Contains(r.stderr, "rclone --config "+out+" lsd han:") {
		t.Fatalf("%+v", r)
	}
	r = runTool(t, vars, "", "rclone", "--access-key", "AK", "--region", "HAN02", "--out", "-")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "[vstorage]\ntype = s3\n") || !strings.Contains(r.stdout, "endpoint = https://han02.vstorage.vngcloud.vn\n") {
		t.Fatalf("%+v", r)
	}
	// Refusals: a bad value, a remote of another type, another system.
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--access-key", "AK", "--region", "HCM04", "--remote", "a b"}, 1, "remote's name"},
		{[]string{"--access-key", "AK", "--region", "HCM04", "--remote", "disk"}, 1, "not an s3 remote"},
		{[]string{"--access-key", "AK", "--region", "HCM04", "--goos", otherGOOS()}, 2, "nothing is written there"},
	} {
		r = runTool(t, vars, "", append([]string{"rclone"}, tt.args...)...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%q: %+v", tt.args, r)
		}
	}
	if r = runTool(t, map[string]string{"HOME": home}, "  padded  \n", "rclone", "--access-key", "AK", "--region", "HCM04"); r.code != 1 || !strings.Contains(r.stderr, "secret_access_key") || strings.Contains(r.stderr, "padded") {
		t.Errorf("padded secret: %+v", r)
	}
}

func otherGOOS() string {
	if runtime.GOOS == "windows" {
		return "linux"
	}
	return "windows"
}

func TestAWSSubcommand(t *testing.T) {
	home := t.TempDir()
	cred, conf := filepath.Join(home, ".aws", "credentials"), filepath.Join(home, ".aws", "config")
	oldCred := "[default]\naws_access_key_id = MINE\naws_secret_access_key = mine\n"
	os.MkdirAll(filepath.Dir(cred), 0o700)
	os.WriteFile(cred, []byte(oldCred), 0o600)
	vars := map[string]string{"HOME": home, "VSTORAGE_SECRET_KEY": toolSecret}

	r := runTool(t, vars, "", "aws", "--access-key", "AK1", "--region", "HCM04", "--path-style")
	if r.code != 0 || !strings.Contains(r.stderr, "added profile vstorage to "+cred+" (previous version: ") ||
		!strings.Contains(r.stderr, "added profile vstorage to "+conf+"\n") ||
		!strings.Contains(r.stderr, "use it: aws --profile vstorage s3 ls") || !strings.Contains(r.stderr, "--endpoint-url https://hcm04.vstorage.vngcloud.vn") {
		t.Fatalf("%+v", r)
	}
	if strings.Contains(r.stdout+r.stderr, toolSecret) {
		t.Error("the secret was printed")
	}
	data, _ := os.ReadFile(cred)
	if !strings.HasPrefix(string(data), oldCred+"\n[vstorage]\n") || !strings.Contains(string(data), "aws_secret_access_key = "+toolSecret+"\n") {
		t.Fatalf("%s", data)
	}
	data, _ = os.ReadFile(conf)
	if !strings.HasPrefix(string(data), "[profile vstorage]\nregion = HCM04\n") || !strings.HasSuffix(string(data), "s3 =\n    addressing_style = path\n") {
		t.Fatalf("%s", data)
	}
	// Environment variables choose the files; --print prints.
	dir := t.TempDir()
	envVars := map[string]string{"HOME": home, "VSTORAGE_SECRET_KEY": "s", "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "c"), "AWS_CONFIG_FILE": filepath.Join(dir, "k")}
	r = runTool(t, envVars, "", "aws", "--access-key", "AK", "--region", "HAN02", "--profile", "default")
	if r.code != 0 {
		t.Fatal(r)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "k")); !strings.HasPrefix(string(data), "[default]\nregion = HAN02\n") {
		t.Errorf("%s", data)
	}
	r = runTool(t, envVars, "", "aws", "--access-key", "AK", "--region", "HAN02", "--print")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "# credentials file\n[vstorage]\n") || !strings.Contains(r.stdout, "# config file\n[profile vstorage]\n") {
		t.Fatalf("%+v", r)
	}
	// where --tool.
	r = runTool(t, map[string]string{"HOME": home}, "", "where", "--tool", "aws")
	if r.code != 0 || r.stdout != cred+"\n"+conf+"\n" {
		t.Errorf("%+v", r)
	}
	r = runTool(t, map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "xdg")}, "", "where", "--tool", "rclone", "-v")
	if r.code != 0 || r.stdout != filepath.Join(home, "xdg", "rclone", "rclone.conf")+"\nrule: $XDG_CONFIG_HOME\nexists: false\n" {
		t.Errorf("%+v", r)
	}
	if r = runTool(t, nil, "", "where", "--tool", "s5cmd"); r.code != 2 {
		t.Errorf("%+v", r)
	}
}

// TestToolsAgainstRealS3: the files the rclone and aws subcommands write,
// at the tools' own locations under HOME, work with the real rclone and
// AWS CLI against a signature-checking S3 server on loopback.
func TestToolsAgainstRealS3(t *testing.T) {
	t.Parallel()
	realtools.Rclone(t)
	realtools.AWS(t)
	s3 := realtools.StartS3Server(t, "HCM04")
	ak := "AKTOOLTEST000001"
	if err := s3.AddUser(ak, toolSecret); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	vars := map[string]string{"HOME": home, "VSTORAGE_SECRET_KEY": toolSecret}
	args := []string{"--access-key", ak, "--region", "HCM04", "--endpoint", s3.Endpoint, "--path-style"}
	if r := runTool(t, vars, "", append([]string{"rclone"}, args...)...); r.code != 0 {
		t.Fatal(r)
	}
	if r := runTool(t, vars, "", append([]string{"aws"}, args...)...); r.code != 0 {
		t.Fatal(r)
	}
	payload := make([]byte, 50_000)
	rand.Read(payload)
	src := realtools.WriteFile(t, t.TempDir(), "p.bin", string(payload))

	conf := filepath.Join(home, ".config", "rclone", "rclone.conf")
	rc := func(a ...string) string {
		so, se, code := realtools.RunRclone(t, home, conf, append([]string{"--retries", "1", "--low-level-retries", "1"}, a...)...)
		if code != 0 {
			t.Fatalf("rclone %q: exit %d: %s", a, code, se)
		}
		return so
	}
	rc("mkdir", "vstorage:from-rclone")
	rc("copyto", src, "vstorage:from-rclone/p.bin")

	cred, cfg := filepath.Join(home, ".aws", "credentials"), filepath.Join(home, ".aws", "config")
	aws := func(a ...string) string {
		so, se, code := realtools.Cmd{Home: home, Timeout: 3 * time.Minute}.RunAWS(t, cred, cfg, s3.Endpoint, append([]string{"--profile", "vstorage"}, a...)...)
		if code != 0 {
			t.Fatalf("aws %q: exit %d: %s", a, code, se)
		}
		return so
	}
	// Each tool reads what the other wrote.
	dst := filepath.Join(t.TempDir(), "back.bin")
	aws("s3", "cp", "s3://from-rclone/p.bin", dst)
	if back, _ := os.ReadFile(dst); !bytes.Equal(back, payload) {
		t.Fatal("aws downloaded other bytes")
	}
	aws("s3", "mb", "s3://from-aws")
	aws("s3", "cp", src, "s3://from-aws/p.bin")
	if out := rc("cat", "vstorage:from-aws/p.bin"); out != string(payload) {
		t.Fatal("rclone read other bytes")
	}
	if out := rc("lsd", "vstorage:"); !strings.Contains(out, "from-aws") || !strings.Contains(out, "from-rclone") {
		t.Errorf("rclone lsd:\n%s", out)
	}
}
