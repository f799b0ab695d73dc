package realtools

import (
	"os"
	"strings"
)

// defaultPATH is used when the test process itself has no PATH.
const defaultPATH = "/usr/local/bin:/usr/bin:/bin"

// Env returns a clean environment for running a tool: HOME=home,
// LANG=C.UTF-8, LC_ALL=C.UTF-8 and the parent's PATH, and nothing else from
// the parent. In particular no AWS_* variable, no proxy variable
// (http_proxy, https_proxy, HTTP_PROXY, HTTPS_PROXY, all_proxy, no_proxy),
// no S3CMD_CONFIG, no RCLONE_* and no XDG_* variable is passed on. The extra
// entries ("K=V") are appended as given; os/exec lets the last entry for a
// key win, so extra can override LANG, for example.
//
// home should be a temporary directory (t.TempDir()): s3cmd reads
// $HOME/.s3cfg when given no -c, rclone and the AWS CLI look for their
// config files under it, and an empty HOME makes s3cmd read /.s3cfg.
func Env(home string, extra ...string) []string {
	path := os.Getenv("PATH")
	if path == "" {
		path = defaultPATH
	}
	env := make([]string, 0, 4+len(extra))
	env = append(env, "HOME="+home, "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "PATH="+path)
	return append(env, extra...)
}

// lookupEnv returns the value of key in env ("K=V" entries), honouring the
// last-one-wins rule of os/exec. Entries without "=" are ignored.
func lookupEnv(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		k, v, ok := strings.Cut(env[i], "=")
		if ok && k == key {
			return v, true
		}
	}
	return "", false
}

// isProxyVar reports whether name is an environment variable that makes HTTP
// clients (Python's urllib and requests, Go, curl, ...) use a proxy.
func isProxyVar(name string) bool {
	switch strings.ToLower(name) {
	case "http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy":
		return true
	}
	return false
}
