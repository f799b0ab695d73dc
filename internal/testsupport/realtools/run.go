package realtools

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultTimeout is how long a tool may run when [Cmd.Timeout] is zero.
const DefaultTimeout = 60 * time.Second

// Cmd holds the options of one tool run. The zero value is ready to use:
// [Run], [RunS3cmd], [RunRclone] and [RunAWS] are shorthands for Cmd{Home:
// home, Extra: extra}.Run..., so use a Cmd to change the timeout or the
// working directory, or to add environment entries for RunS3cmd, RunRclone
// or RunAWS.
//
// Every run has a clean environment ([Env]), stdin connected to /dev/null
// (reads see EOF at once), stdout and stderr captured through pipes (so
// tools see no terminal: s3cmd prints progress_meter = False, the AWS CLI
// starts no pager), and a timeout after which the tool (its whole process
// group, on Linux) is killed. On Linux the tool is also killed if the test
// binary dies.
type Cmd struct {
	// Home is the tool's HOME. Empty means a fresh t.TempDir().
	Home string
	// Extra is appended to [Env](Home). Proxy variables are refused.
	Extra []string
	// Dir is the working directory. Empty means Home, so relative paths in
	// the tool's arguments land in the temporary home, never in the package
	// directory.
	Dir string
	// Timeout bounds the run. Zero means [DefaultTimeout]. It is cut down to
	// fit before the test's deadline (go test -timeout) when t has one.
	Timeout time.Duration
}

// Run runs a tool with [Env](home, extra...), a timeout of [DefaultTimeout],
// stdin closed and the working directory set to home, and returns its
// stdout, stderr and exit code. It never fails the test because of the
// tool's result: the caller asserts. A tool killed by a signal gives code
// -1; when it was killed by the timeout or could not be started, stderr
// also ends with a line starting with "realtools:" that says so.
//
// Run does fail the test (t.Fatalf) when asked to do something unsafe: when
// extra holds a proxy variable, or when name is s3cmd, aws or rclone with
// arguments other than a version or help query (and, for rclone, the
// offline obscure and reveal commands). Use [RunS3cmd], [RunAWS],
// [RunRclone] and [DumpConfig] for those, which check that the run stays on
// loopback.
//
// An empty home means a fresh t.TempDir().
func Run(t testing.TB, home string, extra []string, name string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return Cmd{Home: home, Extra: extra}.Run(t, name, args...)
}

// Run runs name with args; see the package-level [Run].
func (c Cmd) Run(t testing.TB, name string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	if err := checkPlainRun(name, args); err != nil {
		t.Fatalf("realtools: refusing to run %s: %v", name, err)
	}
	c = c.withHome(t)
	return c.exec(t, c.env(t, nil), name, args...)
}

// RunS3cmd runs `s3cmd -c cfgPath args...` with [Env](home) after checking
// that neither the file nor the arguments can make s3cmd leave loopback. It
// fails the test (t.Fatalf, naming the reason) when the file is missing or
// unreadable, is not UTF-8, has an empty access_key or secret_key or a
// non-empty access_token, points host_base at a non-loopback host, or uses a
// virtual-host host_bucket without proxy_host = 127.0.0.1; and when args
// hold -c/--config, --access_key, --secret_key, --access_token, --host,
// --host-bucket, --configure, a --cf-* option or a cf* command (unless
// cloudfront_host is loopback too). [CheckS3cmdConfig] documents how the
// file is read. A relative cfgPath is taken relative to the test's working
// directory (the package directory), not to home. An empty home means a
// fresh t.TempDir().
func RunS3cmd(t testing.TB, home, cfgPath string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return Cmd{Home: home}.RunS3cmd(t, cfgPath, args...)
}

// RunS3cmd runs s3cmd with the options of c; see the package-level [RunS3cmd].
// c.Extra must not hold AWS_* variables or S3CMD_CONFIG.
func (c Cmd) RunS3cmd(t testing.TB, cfgPath string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	c = c.withHome(t)
	env := c.env(t, func(k string) bool { return strings.HasPrefix(k, "AWS_") || k == "S3CMD_CONFIG" })
	abs, err := filepath.Abs(cfgPath)
	if err != nil {
		t.Fatalf("realtools: refusing to run s3cmd: config path %q: %v", cfgPath, err)
	}
	cfg, err := loadS3cmdConfig(abs)
	if err == nil {
		err = cfg.check(env)
	}
	if err == nil {
		err = checkS3cmdArgs(args, cfg, env)
	}
	if err != nil {
		t.Fatalf("realtools: refusing to run s3cmd with %s: %v", cfgPath, err)
	}
	bin := S3cmd(t)
	return c.exec(t, env, bin, append([]string{"-c", abs}, args...)...)
}

// RunRclone runs `rclone args...` with [Env](home) and RCLONE_CONFIG=confPath,
// after checking that it stays on loopback: every remote in the file must be
// of a local kind (s3 with a loopback endpoint and no env_auth, or local,
// alias, crypt, union, combine, chunker, hasher, compress), and args must
// not hold on-the-fly remotes (":s3:...", "name,endpoint=...:...") or
// --config, --s3-endpoint, --s3-env-auth, --s3-provider. It fails the test
// (t.Fatalf) otherwise. An empty home means a fresh t.TempDir().
func RunRclone(t testing.TB, home, confPath string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return Cmd{Home: home}.RunRclone(t, confPath, args...)
}

// RunRclone runs rclone with the options of c; see the package-level
// [RunRclone]. c.Extra must not hold RCLONE_* variables.
func (c Cmd) RunRclone(t testing.TB, confPath string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	c = c.withHome(t)
	abs, err := filepath.Abs(confPath)
	if err == nil {
		var data []byte
		if data, err = os.ReadFile(abs); err == nil {
			err = checkRcloneConfig(data)
		}
	}
	if err == nil {
		err = checkRcloneArgs(args)
	}
	if err != nil {
		t.Fatalf("realtools: refusing to run rclone with %s: %v", confPath, err)
	}
	env := c.env(t, func(k string) bool { return strings.HasPrefix(k, "RCLONE_") })
	env = append(env, "RCLONE_CONFIG="+abs)
	bin := Rclone(t)
	return c.exec(t, env, bin, args...)
}

// RunAWS runs `aws --endpoint-url endpoint args...` with [Env](home) plus
// AWS_SHARED_CREDENTIALS_FILE=credentialsFile, AWS_CONFIG_FILE=configFile,
// AWS_EC2_METADATA_DISABLED=true and AWS_PAGER="". It fails the test
// (t.Fatalf) when endpoint is not an http(s) URL of a loopback host, when
// args hold --endpoint-url (or an abbreviation of it: the CLI accepts
// --endpoint) or the sso command, or when either file is unreadable or names
// a setting that makes the CLI call STS or SSO (role_arn, source_profile,
// credential_source, credential_process, web_identity_token_file, sso_*).
// An empty home means a fresh t.TempDir().
func RunAWS(t testing.TB, home, credentialsFile, configFile, endpoint string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return Cmd{Home: home}.RunAWS(t, credentialsFile, configFile, endpoint, args...)
}

// RunAWS runs the AWS CLI with the options of c; see the package-level
// [RunAWS]. c.Extra may set AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION,
// AWS_DEFAULT_OUTPUT, AWS_MAX_ATTEMPTS, AWS_RETRY_MODE and the
// AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN triple; other
// AWS_* variables are refused.
func (c Cmd) RunAWS(t testing.TB, credentialsFile, configFile, endpoint string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	c = c.withHome(t)
	env := c.env(t, func(k string) bool { return strings.HasPrefix(k, "AWS_") && !allowedAWSVar[k] })
	files := make([]string, 2)
	err := checkLoopbackURL(endpoint)
	for i, f := range []string{credentialsFile, configFile} {
		if err != nil {
			break
		}
		if f == "" {
			err = errors.New("the credentials and config file paths must be given")
			break
		}
		if files[i], err = filepath.Abs(f); err != nil {
			break
		}
		var data []byte
		if data, err = os.ReadFile(files[i]); err == nil {
			err = checkAWSFile(files[i], data)
		}
	}
	if err == nil {
		err = checkAWSArgs(args)
	}
	if err != nil {
		t.Fatalf("realtools: refusing to run aws: %v", err)
	}
	env = append(env,
		"AWS_SHARED_CREDENTIALS_FILE="+files[0],
		"AWS_CONFIG_FILE="+files[1],
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	)
	bin := AWS(t)
	return c.exec(t, env, bin, append([]string{"--endpoint-url", endpoint}, args...)...)
}

// allowedAWSVar lists the AWS_* variables that Cmd.RunAWS accepts in Extra.
var allowedAWSVar = map[string]bool{
	"AWS_PROFILE": true, "AWS_REGION": true, "AWS_DEFAULT_REGION": true, "AWS_DEFAULT_OUTPUT": true,
	"AWS_MAX_ATTEMPTS": true, "AWS_RETRY_MODE": true,
	"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true,
}

// DumpConfig returns the output of `s3cmd -c cfgPath --dump-config`, run
// with LANG=LC_ALL=C.UTF-8 (so the dump says encoding = UTF-8), stdout a
// pipe (progress_meter = False) and a fresh temporary HOME. It fails the
// test when s3cmd exits non-zero; use [RunDumpConfig] to look at failures.
//
// The dump of a file is otherwise the same on every machine, except
// gpg_command, which is where gpg is found on PATH (or None).
func DumpConfig(t testing.TB, cfgPath string) string {
	t.Helper()
	stdout, stderr, code := RunDumpConfig(t, cfgPath)
	if code != 0 {
		t.Fatalf("realtools: s3cmd -c %s --dump-config: exit %d\nstderr:\n%s", cfgPath, code, stderr)
	}
	return stdout
}

// RunDumpConfig runs `s3cmd -c cfgPath --dump-config` like [DumpConfig] and
// returns stdout, stderr and the exit code, for tests of s3cmd's own errors
// (exit 64 for a bad value, 78 for a config it cannot use).
//
// Where `unshare -n` (or, unprivileged, `unshare -rn`) works, s3cmd runs in
// a new network namespace, so the file may contain anything: even an empty
// access_key only leads to "Network is unreachable". Elsewhere the file must
// pass the credential checks of [RunS3cmd] (readable, UTF-8, non-empty keys,
// no access_token), or the test is skipped (failed when CI is set). The
// host checks do not apply: a dump sends no request.
func RunDumpConfig(t testing.TB, cfgPath string) (stdout, stderr string, code int) {
	t.Helper()
	return Cmd{}.RunDumpConfig(t, cfgPath)
}

// RunDumpConfig is [RunDumpConfig] with c's options, for example Extra
// variables that "$NAME" values in the file refer to.
func (c Cmd) RunDumpConfig(t testing.TB, cfgPath string) (stdout, stderr string, code int) {
	t.Helper()
	c = c.withHome(t)
	env := c.env(t, nil)
	abs, err := filepath.Abs(cfgPath)
	if err != nil {
		t.Fatalf("realtools: s3cmd --dump-config: config path %q: %v", cfgPath, err)
	}
	bin := S3cmd(t)
	args := []string{"-c", abs, "--dump-config"}
	if prefix := unshareNet(); prefix != nil {
		return c.exec(t, env, prefix[0], append(append(prefix[1:], bin), args...)...)
	}
	cfg, err := loadS3cmdConfig(abs)
	if err == nil {
		err = cfg.checkCredentials(env)
	}
	if err != nil {
		skipOrFatal(t, "s3cmd --dump-config of %s would not be safe without a network namespace (unshare -n is not usable here): %v", cfgPath, err)
	}
	return c.exec(t, env, bin, args...)
}

// WriteFile writes content to dir/name with mode 0600 and returns the path.
// It fails the test on error.
func WriteFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatalf("realtools: %v", err)
	}
	return p
}

// withHome fills in the defaults of c.
func (c Cmd) withHome(t testing.TB) Cmd {
	t.Helper()
	if c.Home == "" {
		c.Home = t.TempDir()
	}
	if c.Dir == "" {
		c.Dir = c.Home
	}
	return c
}

// env returns Env(c.Home, c.Extra...) after refusing malformed entries,
// proxy variables and the variables for which refuse returns true.
func (c Cmd) env(t testing.TB, refuse func(key string) bool) []string {
	t.Helper()
	for _, kv := range c.Extra {
		k, _, ok := strings.Cut(kv, "=")
		switch {
		case !ok || k == "":
			t.Fatalf("realtools: extra environment entry %q is not KEY=VALUE", kv)
		case isProxyVar(k):
			t.Fatalf("realtools: refusing proxy variable %s: tools must talk to loopback directly", k)
		case refuse != nil && refuse(k):
			t.Fatalf("realtools: refusing environment variable %s for this tool (see the package doc)", k)
		}
	}
	return Env(c.Home, c.Extra...)
}

// timeout returns c.Timeout or DefaultTimeout, cut to end 2 s before the
// test's deadline when t has one.
func (c Cmd) timeout(t testing.TB) time.Duration {
	d := c.Timeout
	if d <= 0 {
		d = DefaultTimeout
	}
	if dt, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if deadline, ok := dt.Deadline(); ok {
			if left := time.Until(deadline) - 2*time.Second; left < d {
				d = max(left, time.Second)
			}
		}
	}
	return d
}

// exec runs name with args and env under c's options; it never fails the test.
func (c Cmd) exec(t testing.TB, env []string, name string, args ...string) (string, string, int) {
	t.Helper()
	timeout := c.timeout(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Dir = c.Dir
	cmd.Stdin = nil // /dev/null
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	configureChild(cmd)
	start := time.Now()
	err := cmd.Run()
	code := -1
	if cmd.ProcessState != nil {
		code = cmd.ProcessState.ExitCode()
	}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		code = -1
		fmt.Fprintf(&stderr, "\nrealtools: %s killed after the %v timeout", filepath.Base(name), timeout)
	case err != nil && !errors.As(err, &exitErr):
		code = -1
		fmt.Fprintf(&stderr, "\nrealtools: %v", err)
	}
	t.Logf("realtools: %s %s: exit %d in %v", filepath.Base(name), strings.Join(args, " "), code, time.Since(start).Round(time.Millisecond))
	return stdout.String(), stderr.String(), code
}

// checkPlainRun refuses to run the S3 tools through Run, except for version
// and help queries, which need no network.
func checkPlainRun(name string, args []string) error {
	only := func(allowed ...string) bool {
		if len(args) == 0 {
			return false
		}
		for _, a := range args {
			ok := false
			for _, b := range allowed {
				ok = ok || a == b
			}
			if !ok {
				return false
			}
		}
		return true
	}
	switch filepath.Base(name) {
	case "s3cmd":
		if !only("--version", "--help", "-h") {
			return errors.New("use RunS3cmd or DumpConfig, which check that s3cmd stays on loopback")
		}
	case "aws":
		if !only("--version") {
			return errors.New("use RunAWS, which checks that the AWS CLI stays on loopback")
		}
	case "rclone":
		ok := len(args) == 1 && (args[0] == "version" || args[0] == "--version") ||
			len(args) > 0 && (args[0] == "obscure" || args[0] == "reveal" || args[0] == "help")
		if !ok {
			return errors.New("use RunRclone, which checks that rclone stays on loopback (Run allows only version, obscure, reveal and help)")
		}
	}
	return nil
}

var (
	unshareOnce   sync.Once
	unsharePrefix []string
)

// NetNS returns the command prefix that runs a program in a new network
// namespace, or nil where that is not possible here; see unshareNet.
func NetNS() []string { return unshareNet() }

// RequireNetNS returns NetNS's prefix for a test that must not run its tool
// with network access; where none works it skips the test, or fails it
// when CI is set, as a missing tool does.
func RequireNetNS(t testing.TB) []string {
	t.Helper()
	p := unshareNet()
	if p == nil {
		skipOrFatal(t, "no network namespace: neither `unshare -n` nor `unshare -rn` works here "+
			"(unshare is in util-linux; unprivileged use needs user namespaces, for example sysctl "+
			"kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu 24.04, or run the tests as root)")
	}
	return p
}

// unshareNet returns the command prefix that runs a program in a new network
// namespace (["/usr/bin/unshare", "-n"], or with -r when that is needed to
// be allowed), or nil when neither works here. The probe runs once.
func unshareNet() []string {
	unshareOnce.Do(func() {
		bin, err := exec.LookPath("unshare")
		if err != nil {
			return
		}
		for _, flags := range [][]string{{"-n"}, {"-r", "-n"}} {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			cmd := exec.CommandContext(ctx, bin, append(flags, "true")...)
			cmd.Env = Env(os.TempDir())
			err := cmd.Run()
			cancel()
			if err == nil {
				unsharePrefix = append([]string{bin}, flags...)
				return
			}
		}
	})
	return unsharePrefix
}
