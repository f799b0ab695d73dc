package realtools

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// S3Server is a versitygw process serving S3 on 127.0.0.1:PORT with the
// posix backend over a temporary directory (metadata in a --sidecar
// directory, not in xattrs), a root key pair made up at start, the given
// --region, and the admin API on the same loopback port, so that users can be
// added while it runs ([S3Server.AddUser]). See the package doc for the exact
// command line.
type S3Server struct {
	// Endpoint is "http://127.0.0.1:PORT".
	Endpoint string
	// HostPort is "127.0.0.1:PORT", as s3cmd's host_base wants it.
	HostPort string
	// Region is the server's --region: signatures must use it (us-east-1 is
	// also accepted for ListBuckets) and buckets may only be created with
	// it as LocationConstraint (or none).
	Region string
	// RootAccessKey and RootSecretKey are the root user's key pair (random,
	// fixed for the server's lifetime). The root user may do anything,
	// including the admin API.
	RootAccessKey string
	RootSecretKey string
	// VirtualDomain is the --virtual-domain the server was started with
	// ([S3ServerOptions]), or "".
	VirtualDomain string

	bin     string
	dir     string // root of the server's files: data, sidecar, iam, home, log
	logPath string
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has been reaped
	waitErr error         // set before done is closed

	adminMu  sync.Mutex // serializes admin CLI calls
	stopOnce sync.Once
	stopping chan struct{} // closed when Stop begins
}

// StartS3Server starts versitygw on a free loopback port and returns once
// it answers HTTP. The server is stopped (SIGTERM, then SIGKILL after 5 s)
// and reaped in t.Cleanup, before its temporary directory is removed. It
// skips the test when versitygw is not installed (see [VersityGW]) and fails
// it when the server does not start. An empty region means us-east-1.
func StartS3Server(t testing.TB, region string) *S3Server {
	t.Helper()
	return StartS3ServerWith(t, S3ServerOptions{Region: region})
}

// S3ServerOptions are the settings of [StartS3ServerWith].
type S3ServerOptions struct {
	// Region is the server's --region; empty means us-east-1.
	Region string
	// VirtualDomain, when set, is passed as --virtual-domain: a request
	// whose Host is BUCKET.VirtualDomain addresses BUCKET (virtual-host
	// style). Path-style requests to 127.0.0.1:PORT keep working. See
	// [S3Server.VirtualHostS3cmdConfig] for how s3cmd can use it without
	// DNS.
	VirtualDomain string
}

// StartS3ServerWith is [StartS3Server] with more settings.
func StartS3ServerWith(t testing.TB, opts S3ServerOptions) *S3Server {
	t.Helper()
	region := opts.Region
	if region == "" {
		region = "us-east-1"
	}
	bin := VersityGW(t)
	dir := t.TempDir()
	for _, sub := range []string{"data", "sidecar", "iam", "home"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatalf("realtools: %v", err)
		}
	}
	const attempts = 5
	var lastErr error
	for i := 0; i < attempts; i++ {
		s := &S3Server{
			Region:        region,
			VirtualDomain: opts.VirtualDomain,
			RootAccessKey: "ROOT" + randomString(16, upperAlnum),
			RootSecretKey: randomString(40, alnum),
			bin:           bin,
			dir:           dir,
			logPath:       filepath.Join(dir, fmt.Sprintf("versitygw-%d.log", i)),
			stopping:      make(chan struct{}),
		}
		err := s.start()
		if err == nil {
			t.Cleanup(func() {
				if s.exitedEarly() {
					t.Errorf("realtools: versitygw on %s exited during the test (%v); its log:\n%s", s.HostPort, s.waitErr, s.Log())
				}
				s.Stop()
			})
			return s
		}
		lastErr = err
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	t.Fatalf("realtools: starting versitygw: %v", lastErr)
	return nil
}

var errPortTaken = errors.New("port taken")

// start runs the process on a fresh free port and waits until it is ready.
func (s *S3Server) start() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.HostPort = fmt.Sprintf("127.0.0.1:%d", port)
	s.Endpoint = "http://" + s.HostPort
	health := "/realtools-health-" + randomString(16, lowerAlnum)
	logf, err := os.Create(s.logPath)
	if err != nil {
		return err
	}
	defer logf.Close() // the child has its own copy
	args := []string{
		"--port", s.HostPort,
		"--access", s.RootAccessKey,
		"--secret", s.RootSecretKey,
		"--region", s.Region,
		"--iam-dir", filepath.Join(s.dir, "iam"),
		"--iam-cache-disable",
		"--health", health,
		"--quiet",
	}
	if s.VirtualDomain != "" {
		args = append(args, "--virtual-domain", s.VirtualDomain)
	}
	args = append(args, "posix", "--sidecar", filepath.Join(s.dir, "sidecar"), filepath.Join(s.dir, "data"))
	s.cmd = exec.Command(s.bin, args...)
	s.cmd.Env = Env(filepath.Join(s.dir, "home"))
	s.cmd.Dir = filepath.Join(s.dir, "home")
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	configureChild(s.cmd)
	s.cmd.Cancel = nil // never used: the command has no context
	if err := s.cmd.Start(); err != nil {
		return err
	}
	s.done = make(chan struct{})
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()

	client := &http.Client{
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
		Timeout:   2 * time.Second,
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(s.Endpoint + health)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			log := s.Log()
			if strings.Contains(log, "address already in use") {
				return fmt.Errorf("%w: %s", errPortTaken, s.HostPort)
			}
			return fmt.Errorf("versitygw exited at start (%v); its log:\n%s", s.waitErr, log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return fmt.Errorf("versitygw did not answer on %s within 30s; its log:\n%s", s.HostPort, s.Log())
		}
	}
}

// Stop stops the server (SIGTERM, then SIGKILL after 5 s) and waits for the
// process to be reaped. It is safe to call more than once; t.Cleanup calls
// it anyway. Tests may call it early to see how a tool reports an
// unreachable server (connection refused: s3cmd exit 111).
func (s *S3Server) Stop() {
	s.stopOnce.Do(func() {
		close(s.stopping)
		select {
		case <-s.done:
			return
		default:
		}
		_ = terminate(s.cmd)
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// exitedEarly reports whether the process ended before Stop was called.
func (s *S3Server) exitedEarly() bool {
	select {
	case <-s.stopping:
		return false
	default:
	}
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// Log returns what versitygw has printed so far (stdout and stderr).
func (s *S3Server) Log() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", s.logPath, err)
	}
	return string(b)
}

// DataDir is the posix backend's root: bucket B is the directory
// DataDir()/B and object K in it the file DataDir()/B/K.
func (s *S3Server) DataDir() string { return filepath.Join(s.dir, "data") }

// AddUser makes accessKey/secretKey a valid key pair on the server, for a
// user with role "userplus" (may create buckets and read and write objects
// in them). It runs `versitygw admin ... create-user` against the admin API
// on the server's port, signed with the root key. The key works as soon as
// AddUser returns. It is safe for concurrent use, and takes no testing.TB
// so that non-test code (a fake service wired by a test) can call it.
func (s *S3Server) AddUser(accessKey, secretKey string) error {
	if accessKey == "" || secretKey == "" {
		return errors.New("realtools: AddUser: empty access key or secret")
	}
	return s.admin("create-user", "--access", accessKey, "--secret", secretKey, "--role", "userplus")
}

// RemoveUser deletes the user with accessKey (`versitygw admin ...
// delete-user`); requests signed with it get 403 InvalidAccessKeyId as
// soon as RemoveUser returns. Safe for concurrent use, and, like AddUser,
// callable from non-test code.
func (s *S3Server) RemoveUser(accessKey string) error {
	if accessKey == "" {
		return errors.New("realtools: RemoveUser: empty access key")
	}
	return s.admin("delete-user", "--access", accessKey)
}

// NewUser adds a user with a fresh random key pair and returns it; it fails
// the test on error.
func (s *S3Server) NewUser(t testing.TB) (accessKey, secretKey string) {
	t.Helper()
	accessKey, secretKey = "AK"+randomString(18, upperAlnum), randomString(40, alnum)
	if err := s.AddUser(accessKey, secretKey); err != nil {
		t.Fatalf("%v", err)
	}
	return accessKey, secretKey
}

// admin runs one admin CLI command against the server.
func (s *S3Server) admin(args ...string) error {
	s.adminMu.Lock()
	defer s.adminMu.Unlock()
	select {
	case <-s.done:
		return fmt.Errorf("realtools: versitygw admin %s: the server has stopped", args[0])
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	full := append([]string{"admin",
		"--access", s.RootAccessKey,
		"--secret", s.RootSecretKey,
		"--region", s.Region,
		"--endpoint-url", s.Endpoint,
	}, args...)
	cmd := exec.CommandContext(ctx, s.bin, full...)
	cmd.Env = Env(filepath.Join(s.dir, "home"))
	cmd.Dir = filepath.Join(s.dir, "home")
	configureChild(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("realtools: versitygw admin %s: %v: %s", args[0], err, strings.TrimSpace(string(out)))
	}
	return nil
}

// S3cmdConfig returns an s3cmd config for this server and the given key
// pair: path style (host_base = host_bucket = 127.0.0.1:PORT), plain HTTP,
// bucket_location = the server's region, SigV4. It passes [CheckS3cmdConfig].
func (s *S3Server) S3cmdConfig(accessKey, secretKey string) string {
	return fmt.Sprintf(`[default]
access_key = %s
secret_key = %s
host_base = %s
host_bucket = %s
use_https = False
bucket_location = %s
signature_v2 = False
`, accessKey, secretKey, s.HostPort, s.HostPort, s.Region)
}

// VirtualHostS3cmdConfig returns an s3cmd config that uses virtual-host
// addressing against a server started with a VirtualDomain, without any DNS
// lookup: host_base = VirtualDomain, host_bucket = %(bucket)s.VirtualDomain,
// use_https = False, and proxy_host = 127.0.0.1, proxy_port = PORT. s3cmd
// then connects only to the "proxy" (this server on loopback) and sends
// absolute URIs whose Host header carries the bucket, which versitygw
// resolves with --virtual-domain. This is the way to test a real vStorage
// config (host_bucket = %(bucket)s.hcm04.vstorage.vngcloud.vn) unchanged
// except for its endpoint lines: start the server with VirtualDomain =
// "hcm04.vstorage.vngcloud.vn" and replace host_base, host_bucket,
// use_https and the proxy lines. use_https must be False: with True, s3cmd
// asks the proxy for a CONNECT tunnel, which versitygw does not offer, and
// s3cmd retries with 15-second waits. It passes [CheckS3cmdConfig]. It
// panics when the server has no VirtualDomain.
func (s *S3Server) VirtualHostS3cmdConfig(accessKey, secretKey string) string {
	if s.VirtualDomain == "" {
		panic("realtools: VirtualHostS3cmdConfig needs a server started with S3ServerOptions.VirtualDomain")
	}
	_, port, _ := net.SplitHostPort(s.HostPort)
	return fmt.Sprintf(`[default]
access_key = %s
secret_key = %s
host_base = %s
host_bucket = %%(bucket)s.%s
use_https = False
bucket_location = %s
signature_v2 = False
proxy_host = 127.0.0.1
proxy_port = %s
`, accessKey, secretKey, s.VirtualDomain, s.VirtualDomain, s.Region, port)
}

// RcloneConfig returns an rclone config with one remote called remote, of
// type s3, provider Other, for this server and the given key pair, with
// path-style addressing.
func (s *S3Server) RcloneConfig(remote, accessKey, secretKey string) string {
	return fmt.Sprintf(`[%s]
type = s3
provider = Other
endpoint = %s
access_key_id = %s
secret_access_key = %s
region = %s
force_path_style = true
`, remote, s.Endpoint, accessKey, secretKey, s.Region)
}

// AWSFiles writes an AWS CLI credentials file and config file (profile
// default: the key pair, the server's region, JSON output) into dir and
// returns their paths, for [RunAWS]. It fails the test on error.
func (s *S3Server) AWSFiles(t testing.TB, dir, accessKey, secretKey string) (credentialsFile, configFile string) {
	t.Helper()
	credentialsFile = WriteFile(t, dir, "aws-credentials", fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", accessKey, secretKey))
	configFile = WriteFile(t, dir, "aws-config", fmt.Sprintf("[default]\nregion = %s\noutput = json\n", s.Region))
	return credentialsFile, configFile
}

// freePort asks the kernel for a free TCP port on 127.0.0.1. Another
// process may take it before versitygw binds it; StartS3Server retries then.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// randomString returns n characters from charset, chosen with crypto/rand.
// Keys contain no $ (s3cmd would read it as a variable reference), no
// quotes and no spaces, so they survive every config format unchanged.
func randomString(n int, charset string) string {
	b := make([]byte, n)
	r := make([]byte, n)
	_, _ = rand.Read(r) // never fails (crypto/rand panics instead)
	for i := range b {
		b[i] = charset[int(r[i])%len(charset)]
	}
	return string(b)
}
