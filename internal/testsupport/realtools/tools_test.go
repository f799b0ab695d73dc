package realtools

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// payload returns n deterministic pseudo-random bytes.
func payload(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func mustContain(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: %q does not contain %q", what, got, w)
		}
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestS3cmd(t *testing.T) {
	t.Parallel()
	S3cmd(t)
	srv := StartS3Server(t, "HCM04")
	ak, sk := srv.NewUser(t)
	home := t.TempDir()
	cfg := WriteFile(t, home, "s3cfg", srv.S3cmdConfig(ak, sk))
	data := payload(300_000, 1)
	in := filepath.Join(home, "in.bin")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}

	// step runs one s3cmd command that must succeed and returns its stdout.
	step := func(args ...string) string {
		t.Helper()
		stdout, stderr, code := RunS3cmd(t, home, cfg, args...)
		if code != 0 {
			t.Fatalf("s3cmd %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
		}
		return stdout
	}
	mustContain(t, "mb", step("mb", "s3://rt-s3cmd"), "Bucket 's3://rt-s3cmd/' created")
	mustContain(t, "put", step("put", in, "s3://rt-s3cmd/dir/in.bin"), "upload:", "300000 bytes")
	if got := mustReadFile(t, filepath.Join(srv.DataDir(), "rt-s3cmd", "dir", "in.bin")); !bytes.Equal(got, data) {
		t.Fatalf("the object on the server's disk differs from what was uploaded")
	}
	mustContain(t, "ls", step("ls", "s3://rt-s3cmd/dir/"), "300000", "s3://rt-s3cmd/dir/in.bin")
	mustContain(t, "ls buckets", step("ls"), "s3://rt-s3cmd")
	out := filepath.Join(home, "out.bin")
	mustContain(t, "get", step("get", "s3://rt-s3cmd/dir/in.bin", out), "download:")
	if got := mustReadFile(t, out); !bytes.Equal(got, data) {
		t.Fatalf("downloaded object differs: %d bytes, want %d", len(got), len(data))
	}
	mustContain(t, "del", step("del", "s3://rt-s3cmd/dir/in.bin"), "delete: 's3://rt-s3cmd/dir/in.bin'")
	if got := step("ls", "-r", "s3://rt-s3cmd"); strings.Contains(got, "in.bin") {
		t.Errorf("object still listed after del: %q", got)
	}
	mustContain(t, "rb", step("rb", "s3://rt-s3cmd"), "Bucket 's3://rt-s3cmd/' removed")
	if got := step("ls"); strings.Contains(got, "rt-s3cmd") {
		t.Errorf("bucket still listed after rb: %q", got)
	}

	t.Run("wrong secret", func(t *testing.T) {
		bad := WriteFile(t, home, "bad-secret.s3cfg", srv.S3cmdConfig(ak, sk+"x"))
		_, stderr, code := RunS3cmd(t, home, bad, "ls")
		if code != 77 {
			t.Errorf("exit %d, want 77 (access denied)", code)
		}
		mustContain(t, "stderr", stderr, "403", "SignatureDoesNotMatch")
	})
	t.Run("unknown key", func(t *testing.T) {
		bad := WriteFile(t, home, "bad-key.s3cfg", srv.S3cmdConfig("NOSUCHKEY", sk))
		_, stderr, code := RunS3cmd(t, home, bad, "ls")
		if code != 77 {
			t.Errorf("exit %d, want 77 (access denied)", code)
		}
		mustContain(t, "stderr", stderr, "403", "InvalidAccessKeyId")
	})
	t.Run("other region", func(t *testing.T) {
		other := WriteFile(t, home, "han02.s3cfg", strings.Replace(srv.S3cmdConfig(ak, sk), "bucket_location = HCM04", "bucket_location = HAN02", 1))
		_, stderr, code := RunS3cmd(t, home, other, "mb", "s3://rt-han02")
		if code != 11 {
			t.Errorf("exit %d, want 11 (bad request)", code)
		}
		mustContain(t, "stderr", stderr, "400", "InvalidLocationConstraint")
	})
	t.Run("removed user", func(t *testing.T) {
		if err := srv.RemoveUser(ak); err != nil {
			t.Fatal(err)
		}
		_, stderr, code := RunS3cmd(t, home, cfg, "ls")
		if code != 77 {
			t.Errorf("exit %d, want 77", code)
		}
		mustContain(t, "stderr", stderr, "403", "InvalidAccessKeyId")
	})
	t.Run("stopped server", func(t *testing.T) {
		srv.Stop()
		_, stderr, code := RunS3cmd(t, home, cfg, "ls")
		if code != 111 {
			t.Errorf("exit %d, want 111 (connection refused); stderr %q", code, stderr)
		}
		if err := srv.AddUser("AK2", "SK2"); err == nil {
			t.Errorf("AddUser on a stopped server succeeded")
		}
	})
}

func TestAddUserConcurrent(t *testing.T) {
	t.Parallel()
	S3cmd(t)
	srv := StartS3Server(t, "")
	if srv.Region != "us-east-1" {
		t.Errorf("default region %q, want us-east-1", srv.Region)
	}
	if srv.Endpoint != "http://"+srv.HostPort || !strings.HasPrefix(srv.HostPort, "127.0.0.1:") {
		t.Errorf("Endpoint %q, HostPort %q", srv.Endpoint, srv.HostPort)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	keys := make([]string, n)
	for i := range n {
		keys[i] = "CONC" + randomString(12, upperAlnum)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = srv.AddUser(keys[i], "secret-"+keys[i])
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("AddUser %d: %v", i, err)
		}
	}
	home := t.TempDir()
	for _, k := range []string{keys[0], keys[n-1]} {
		cfg := WriteFile(t, home, k+".s3cfg", srv.S3cmdConfig(k, "secret-"+k))
		if _, stderr, code := RunS3cmd(t, home, cfg, "ls"); code != 0 {
			t.Errorf("user %s: ls exit %d: %s", k, code, stderr)
		}
	}
	// The root key works too, and the admin API rejects a bad role call.
	root := WriteFile(t, home, "root.s3cfg", srv.S3cmdConfig(srv.RootAccessKey, srv.RootSecretKey))
	if _, stderr, code := RunS3cmd(t, home, root, "ls"); code != 0 {
		t.Errorf("root: ls exit %d: %s", code, stderr)
	}
	if err := srv.AddUser("", "x"); err == nil {
		t.Errorf("AddUser with an empty key succeeded")
	}
}

func TestRclone(t *testing.T) {
	t.Parallel()
	Rclone(t)
	srv := StartS3Server(t, "HCM04")
	ak, sk := srv.NewUser(t)
	home := t.TempDir()
	conf := WriteFile(t, home, "rclone.conf", srv.RcloneConfig("t", ak, sk))
	data := payload(200_000, 2)
	in := filepath.Join(home, "in.bin")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	step := func(args ...string) string {
		t.Helper()
		stdout, stderr, code := RunRclone(t, home, conf, args...)
		if code != 0 {
			t.Fatalf("rclone %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
		}
		return stdout
	}
	step("mkdir", "t:rt-rclone")
	step("copyto", in, "t:rt-rclone/a/in.bin")
	mustContain(t, "lsf", step("lsf", "-R", "t:rt-rclone"), "a/in.bin")
	mustContain(t, "lsd", step("lsd", "t:"), "rt-rclone")
	mustContain(t, "size", step("size", "t:rt-rclone"), "Total objects: 1", "(200000 Byte)")
	out := filepath.Join(home, "out.bin")
	step("copyto", "t:rt-rclone/a/in.bin", out)
	if got := mustReadFile(t, out); !bytes.Equal(got, data) {
		t.Fatalf("downloaded object differs: %d bytes, want %d", len(got), len(data))
	}
	step("deletefile", "t:rt-rclone/a/in.bin")
	if got := step("lsf", "-R", "t:rt-rclone"); strings.Contains(got, "in.bin") {
		t.Errorf("object still listed after deletefile: %q", got)
	}
	step("rmdir", "t:rt-rclone")
	if got := step("lsd", "t:"); strings.Contains(got, "rt-rclone") {
		t.Errorf("bucket still listed after rmdir: %q", got)
	}

	bad := WriteFile(t, home, "bad.conf", srv.RcloneConfig("t", ak, sk+"x"))
	_, stderr, code := RunRclone(t, home, bad, "lsd", "t:", "--retries", "1", "--low-level-retries", "1")
	if code == 0 {
		t.Errorf("wrong secret: rclone succeeded")
	}
	mustContain(t, "wrong secret stderr", stderr, "SignatureDoesNotMatch", "403")
}

func TestAWSCLI(t *testing.T) {
	t.Parallel()
	AWS(t)
	srv := StartS3Server(t, "HCM04")
	ak, sk := srv.NewUser(t)
	home := t.TempDir()
	creds, conf := srv.AWSFiles(t, home, ak, sk)
	data := payload(9_000_000, 3) // above the CLI's 8 MiB multipart threshold
	in := filepath.Join(home, "in.bin")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	step := func(args ...string) string {
		t.Helper()
		stdout, stderr, code := RunAWS(t, home, creds, conf, srv.Endpoint, args...)
		if code != 0 {
			t.Fatalf("aws %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
		}
		return stdout
	}
	mustContain(t, "mb", step("s3", "mb", "s3://rt-aws"), "make_bucket: rt-aws")
	mustContain(t, "cp up", step("s3", "cp", "--only-show-errors", in, "s3://rt-aws/k/in.bin"))
	mustContain(t, "ls", step("s3", "ls", "s3://rt-aws/k/"), "9000000 in.bin")
	var listing struct {
		Contents []struct {
			Key  string
			Size int64
		}
	}
	if err := json.Unmarshal([]byte(step("s3api", "list-objects-v2", "--bucket", "rt-aws")), &listing); err != nil {
		t.Fatalf("list-objects-v2 output: %v", err)
	}
	if len(listing.Contents) != 1 || listing.Contents[0].Key != "k/in.bin" || listing.Contents[0].Size != int64(len(data)) {
		t.Errorf("list-objects-v2 = %+v, want one k/in.bin of %d bytes", listing.Contents, len(data))
	}
	out := filepath.Join(home, "out.bin")
	step("s3", "cp", "--only-show-errors", "s3://rt-aws/k/in.bin", out)
	if got := mustReadFile(t, out); !bytes.Equal(got, data) {
		t.Fatalf("downloaded object differs: %d bytes, want %d", len(got), len(data))
	}
	mustContain(t, "rm", step("s3", "rm", "s3://rt-aws/k/in.bin"), "delete: s3://rt-aws/k/in.bin")
	mustContain(t, "rb", step("s3", "rb", "s3://rt-aws"), "remove_bucket: rt-aws")

	badCreds, _ := srv.AWSFiles(t, t.TempDir(), ak, sk+"x")
	_, stderr, code := RunAWS(t, home, badCreds, conf, srv.Endpoint, "s3", "ls")
	if code != 254 {
		t.Errorf("wrong secret: exit %d, want 254", code)
	}
	mustContain(t, "wrong secret stderr", stderr, "SignatureDoesNotMatch")
}

func TestDumpConfig(t *testing.T) {
	t.Parallel()
	S3cmd(t)
	dir := t.TempDir()
	// A vStorage-like config: DumpConfig needs no server and sends no request.
	cfg := WriteFile(t, dir, "vstorage.s3cfg", "[default]\naccess_key = AK\nsecret_key = SK\nhost_base = https://hcm04.vstorage.vngcloud.vn\nhost_bucket = %(bucket)s.hcm04.vstorage.vngcloud.vn\nbucket_location = HCM04\n")
	dump := DumpConfig(t, cfg)
	if !strings.HasPrefix(dump, "[default]\n") {
		t.Errorf("dump does not start with [default]: %q", dump[:min(len(dump), 40)])
	}
	mustContain(t, "dump", dump,
		"\naccess_key = AK\n", "\nhost_base = hcm04.vstorage.vngcloud.vn\n", "\nbucket_location = HCM04\n",
		"\nhost_bucket = %(bucket)s.hcm04.vstorage.vngcloud.vn\n", "\nprogress_meter = False\n", "\nencoding = UTF-8\n")

	// s3cmd's own errors come back through RunDumpConfig.
	badBool := WriteFile(t, dir, "bad-bool.s3cfg", "[default]\naccess_key = AK\nsecret_key = SK\nuse_https = maybe\n")
	_, stderr, code := RunDumpConfig(t, badBool)
	if code != 64 {
		t.Errorf("bad bool: exit %d, want 64", code)
	}
	mustContain(t, "bad bool stderr", stderr, "must be Yes or No")

	t.Run("empty keys inside unshare", func(t *testing.T) {
		RequireNetNS(t)
		// Outside a network namespace s3cmd would now ask 169.254.169.254.
		empty := WriteFile(t, dir, "empty.s3cfg", "[default]\naccess_key =\nsecret_key =\n")
		_, stderr, code := RunDumpConfig(t, empty)
		if code != 78 {
			t.Errorf("exit %d, want 78", code)
		}
		mustContain(t, "stderr", stderr, "Network is unreachable")
	})
}

// TestS3cmdVirtualHost checks the proxy_host trick: a vStorage-style
// virtual-host config whose only changes are the endpoint lines reaches the
// loopback server, and the bucket really is taken from the Host header.
func TestS3cmdVirtualHost(t *testing.T) {
	t.Parallel()
	S3cmd(t)
	const domain = "hcm04.vstorage.vngcloud.vn"
	srv := StartS3ServerWith(t, S3ServerOptions{Region: "HCM04", VirtualDomain: domain})
	ak, sk := srv.NewUser(t)
	home := t.TempDir()
	text := srv.VirtualHostS3cmdConfig(ak, sk)
	mustContain(t, "config", text, "host_bucket = %(bucket)s."+domain+"\n", "proxy_host = 127.0.0.1\n")
	cfg := WriteFile(t, home, "vh.s3cfg", text)
	data := payload(50_000, 4)
	in := filepath.Join(home, "in.bin")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	step := func(args ...string) string {
		t.Helper()
		stdout, stderr, code := RunS3cmd(t, home, cfg, args...)
		if code != 0 {
			t.Fatalf("s3cmd %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
		}
		return stdout
	}
	step("mb", "s3://rt-vhost")
	step("put", in, "s3://rt-vhost/k/in.bin")
	if got := mustReadFile(t, filepath.Join(srv.DataDir(), "rt-vhost", "k", "in.bin")); !bytes.Equal(got, data) {
		t.Fatalf("the object on the server's disk differs from what was uploaded")
	}
	mustContain(t, "ls", step("ls", "s3://rt-vhost/k/"), "s3://rt-vhost/k/in.bin")
	out := filepath.Join(home, "out.bin")
	step("get", "s3://rt-vhost/k/in.bin", out)
	if got := mustReadFile(t, out); !bytes.Equal(got, data) {
		t.Fatalf("downloaded object differs")
	}
	step("del", "s3://rt-vhost/k/in.bin")
	step("rb", "s3://rt-vhost")
}
