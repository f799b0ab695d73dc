package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/internal/demo"
	"github.com/vstorage-sdk/vngcloud/internal/realtools"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

type result struct {
	code           int
	stdout, stderr string
}

func rotate(t *testing.T, getenv func(string) string, args ...string) result {
	t.Helper()
	var so, se bytes.Buffer
	code := runWith(t.Context(), args, getenv, &so, &se, demo.Options{})
	return result{code, so.String(), se.String()}
}

func startFakes(t *testing.T, o demo.FakeOptions) (*demo.Fakes, *demo.Env) {
	t.Helper()
	f, err := demo.StartFakes(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	env, err := demo.Connect(t.Context(), io.Discard, f.CloudEnv(nil), demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f, env
}

// writeConfig creates a key and writes a config for it that a person has
// edited: comments, an extra option, CRLF line ends, keys in an unusual
// order. It returns the key and the file's bytes.
func writeConfig(t *testing.T, env *demo.Env, path, endpoint string) (vstorage.S3Key, []byte) {
	t.Helper()
	k, err := env.Storage.CreateS3Key(t.Context(), env.AskedProject())
	if err != nil {
		t.Fatal(err)
	}
	short, err := s3cfg.VStorage{AccessKey: k.AccessKey, SecretKey: k.SecretKey, Region: "HCM04", Endpoint: endpoint, PathStyle: true}.Short()
	if err != nil {
		t.Fatal(err)
	}
	data := "# team config, do not lose this comment\n" + string(short) + "multipart_chunk_size_mb = 50\n# trailing note\n"
	data = strings.ReplaceAll(data, "\n", "\r\n")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return k, []byte(data)
}

// expect returns what the file must become: the same bytes with only the
// access_key and secret_key values changed.
func expect(t *testing.T, old []byte, ak, secret string) []byte {
	t.Helper()
	lines := strings.SplitAfter(string(old), "\r\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "access_key = "):
			lines[i] = "access_key = " + ak + "\r\n"
		case strings.HasPrefix(l, "secret_key = "):
			lines[i] = "secret_key = " + secret + "\r\n"
		}
	}
	return []byte(strings.Join(lines, ""))
}

func noSecrets(t *testing.T, r result, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s == "" || strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("a secret (or an empty one) appears in the output:\n%s\n%s", r.stdout, r.stderr)
		}
	}
}

// TestRotateThenS3cmd rotates the key of an edited config file: the file
// changes in its two key lines only, the previous version is kept, the old
// key is deleted from vStorage and from the data plane (versitygw), and
// the real s3cmd works with the new file and is refused with the old one.
func TestRotateThenS3cmd(t *testing.T) {
	t.Parallel()
	realtools.S3cmd(t)
	s3 := realtools.StartS3Server(t, "HCM04")
	f, env := startFakes(t, demo.FakeOptions{DataPlane: s3, S3Endpoint: s3.Endpoint})
	home := t.TempDir()
	path := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	old, before := writeConfig(t, env, path, s3.Endpoint)
	if _, se, code := realtools.RunS3cmd(t, home, path, "mb", "s3://rotated"); code != 0 {
		t.Fatalf("s3cmd mb with the old key: exit %d: %s", code, se)
	}

	r := rotate(t, f.CloudEnv(nil), "--config", path)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"[1/6] token: ok", "[2/6] project: demo-project",
		"[3/6] current key: " + old.AccessKey + " (key ID " + old.ID + ") from " + path + ", unrestricted",
		"[4/6] new key: created ", "unrestricted like the old key",
		"[5/6] update config: wrote the new access_key and secret_key to " + path + ", every other line unchanged; previous version kept as " + path + ".bak",
		"[6/6] old key: deleted " + old.AccessKey} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}

	after, _ := os.ReadFile(path)
	cfg, err := s3cfg.Parse(after)
	if err != nil {
		t.Fatal(err)
	}
	ak, _ := cfg.Get("access_key")
	secret, _ := cfg.Get("secret_key")
	if ak == old.AccessKey || secret == old.SecretKey.Reveal() {
		t.Fatal("the key was not replaced")
	}
	if want := expect(t, before, ak, secret); !bytes.Equal(after, want) {
		t.Errorf("the file changed beyond its key lines:\n%q\nwant\n%q", after, want)
	}
	if bak, _ := os.ReadFile(path + ".bak"); !bytes.Equal(bak, before) {
		t.Error("the backup is not the previous file")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	noSecrets(t, r, secret, old.SecretKey.Reveal(), f.ClientSecret.Reveal())

	keys, err := env.Storage.ListS3Keys(t.Context(), f.ProjectID)
	if err != nil || len(keys) != 1 || keys[0].AccessKey != ak {
		t.Errorf("keys after the rotation: %+v, %v", keys, err)
	}
	// versitygw gives each key its own user and buckets, so the new key
	// lists buckets and makes one of its own; the old key is refused.
	if so, se, code := realtools.RunS3cmd(t, home, path, "mb", "s3://after-rotation"); code != 0 {
		t.Errorf("s3cmd mb with the new key: exit %d: %s%s", code, so, se)
	}
	if so, se, code := realtools.RunS3cmd(t, home, path, "ls"); code != 0 || !strings.Contains(so, "s3://after-rotation") {
		t.Errorf("s3cmd ls with the new key: exit %d: %s%s", code, so, se)
	}
	if _, se, code := realtools.RunS3cmd(t, home, path+".bak", "ls"); code != 77 || !strings.Contains(se, "InvalidAccessKeyId") {
		t.Errorf("s3cmd ls with the old, deleted key: exit %d, want 77 (InvalidAccessKeyId): %s", code, se)
	}
}

// TestRotateRestrictedKey: a key restricted by vIAM is replaced by a key
// linked to the same service account, never by an unrestricted one.
func TestRotateRestrictedKey(t *testing.T) {
	t.Parallel()
	f, env := startFakes(t, demo.FakeOptions{})
	ctx := t.Context()
	sa, err := env.IAM.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "backup-job"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "job.s3cfg")
	old, _ := writeConfig(t, env, path, "")
	if err := env.Storage.LinkS3Key(ctx, f.ProjectID, old.ID, sa.ID); err != nil {
		t.Fatal(err)
	}
	r := rotate(t, f.CloudEnv(nil), "--config", path, "--keep-old")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "restricted by vIAM: acts as service account backup-job") ||
		!strings.Contains(r.stdout, "linked to service account backup-job like the old key") ||
		!strings.Contains(r.stdout, "[6/6] old key: kept "+old.AccessKey+" (--keep-old)") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	data, _ := os.ReadFile(path)
	cfg, _ := s3cfg.Parse(data)
	ak, _ := cfg.Get("access_key")
	fresh, err := demo.FindKey(ctx, env.Storage, f.ProjectID, ak)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.ServiceAccountName() != "backup-job" {
		t.Errorf("new key acts as %q", fresh.ServiceAccountName())
	}
	if _, err := demo.FindKey(ctx, env.Storage, f.ProjectID, old.ID); err != nil {
		t.Errorf("--keep-old deleted the old key: %v", err)
	}
}

// TestUnknownKey: a file whose key is not in the project is refused before
// anything is created, and left alone.
func TestUnknownKey(t *testing.T) {
	t.Parallel()
	f, env := startFakes(t, demo.FakeOptions{})
	path := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	data := "[default]\naccess_key = NOSUCHKEY0000000000\nsecret_key = whatever\n"
	os.WriteFile(path, []byte(data), 0o600)
	r := rotate(t, f.CloudEnv(nil), "--config", path)
	if r.code != 1 || !strings.Contains(r.stderr, "rotatekey: step 3/6 (current key) failed: project "+f.ProjectID+" has no S3 key with access key or ID NOSUCHKEY0000000000") ||
		!strings.Contains(r.stderr, "Nothing was created.") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got, _ := os.ReadFile(path); string(got) != data {
		t.Error("the file changed")
	}
	if keys, _ := env.Storage.ListS3Keys(t.Context(), f.ProjectID); len(keys) != 0 {
		t.Errorf("keys: %v", keys)
	}

	// A missing file, against the cloud, is an error too (no seeding).
	r = rotate(t, f.CloudEnv(nil), "--config", filepath.Join(t.TempDir(), "none.s3cfg"))
	if r.code != 1 || !strings.Contains(r.stderr, "no such file or directory") {
		t.Errorf("missing file: exit %d\n%s", r.code, r.stderr)
	}
}

// TestDeleteFails: when the old key cannot be deleted, the file already
// holds the new key; the message says so and names the old key to delete.
func TestDeleteFails(t *testing.T) {
	t.Parallel()
	f, env := startFakes(t, demo.FakeOptions{})
	path := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	old, _ := writeConfig(t, env, path, "")
	f.Storage.Inject(vstoragetest.Fault{Method: "DELETE", Path: "/users/s3_keys/", Status: 500})
	r := rotate(t, f.CloudEnv(nil), "--config", path)
	data, _ := os.ReadFile(path)
	cfg, _ := s3cfg.Parse(data)
	ak, _ := cfg.Get("access_key")
	if r.code != 1 || ak == old.AccessKey ||
		!strings.Contains(r.stderr, "step 6/6 (old key) failed: vngcloud: vstorage.DeleteS3Key: HTTP 500") ||
		!strings.Contains(r.stderr, path+" holds the new key "+ak+" already; the old key "+old.AccessKey+" still exists") ||
		!strings.Contains(r.stderr, "Nothing was created.") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestCreateFails: when the new key cannot be created the file is left
// alone.
func TestCreateFails(t *testing.T) {
	t.Parallel()
	f, env := startFakes(t, demo.FakeOptions{})
	path := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	_, before := writeConfig(t, env, path, "")
	f.Storage.Inject(vstoragetest.Fault{Method: "POST", Path: "/users/s3_keys", Status: 502})
	r := rotate(t, f.CloudEnv(nil), "--config", path)
	if r.code != 1 || !strings.Contains(r.stderr, "step 4/6 (new key) failed") || !strings.Contains(r.stderr, "perhaps a new S3 key in project") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Error("the file changed")
	}
	if _, err := os.Stat(path + ".bak"); !errors.Is(err, os.ErrNotExist) {
		t.Error("a backup was made")
	}
}

// TestDemo: with no credentials and no file, the demo writes a config as
// the quickstart would, then rotates it.
func TestDemo(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "demo.s3cfg")
	var so, se bytes.Buffer
	code := run(t.Context(), []string{"--config", path}, demo.Getenv(nil), &so, &se)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, so.String(), se.String())
	}
	for _, want := range []string{"demo: VNGCLOUD_CLIENT_ID", "demo: " + path + " did not exist; created S3 key", "[6/6] old key: deleted"} {
		if !strings.Contains(so.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, so.String())
		}
	}
	data, _ := os.ReadFile(path)
	bak, _ := os.ReadFile(path + ".bak")
	if len(data) == 0 || len(bak) == 0 || bytes.Equal(data, bak) {
		t.Error("no rotation on disk")
	}
	cfg, _ := s3cfg.Parse(data)
	secret, _ := cfg.Get("secret_key")
	noSecrets(t, result{code, so.String(), se.String()}, secret)

	// A file from an earlier demo names a key this run's demo never had.
	so.Reset()
	se.Reset()
	code = run(t.Context(), []string{"--config", path}, demo.Getenv(nil), &so, &se)
	if code != 1 || !strings.Contains(se.String(), "the in-memory demo starts empty on every run") {
		t.Errorf("second run: exit %d\n%s", code, se.String())
	}
}

// TestBadInvocation: flags and environment.
func TestBadInvocation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"--nope"}, "usage: rotatekey"},
		{nil, []string{"--config", ""}, "usage: rotatekey"},
		{nil, []string{"file"}, "usage: rotatekey"},
		{map[string]string{"VNGCLOUD_CLIENT_SECRET": "x"}, nil, "VNGCLOUD_CLIENT_SECRET is set but VNGCLOUD_CLIENT_ID is not"},
	} {
		r := rotate(t, demo.Getenv(c.env), c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v %q: exit %d\n%s", c.env, c.args, r.code, r.stderr)
		}
	}
}
