//go:build vngcloud_debuglog

package httpcore

import (
	"log/slog"
	"os"
)

// With -tags vngcloud_debuglog, every client built without WithLogger logs
// at debug level to stderr, so that the whole test suite can run with the
// SDK's debug log on and its output be searched for secrets (see
// docs/RELIABILITY.md). Never set in a normal build.
func init() {
	suiteLogger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
