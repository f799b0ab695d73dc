package s3cfg

import (
	"strings"
	"testing"
	"time"
)

// TestLongIntegersLinear: Resolve stays linear on huge integer values
// (issue: 1 MB of digits took 4 s and 4 MB 37-40 s, from big.Int
// conversions). s3cmd 2.3.0 on Python 3.11 refuses more than 4,300 digits
// (int()'s limit), so Resolve stops counting there; the corpus files
// *4300-digits* and *4301-digits* check the messages against s3cmd.
func TestLongIntegersLinear(t *testing.T) {
	digits := strings.Repeat("7", 4<<20)
	for _, line := range []string{
		"socket_timeout = " + digits,
		"multipart_chunk_size_mb = " + digits,
		"limitrate = " + digits,
		"limitrate = " + digits + "k",
		"verbosity = " + digits,
		"proxy_port = " + strings.Repeat("1_", 2<<20) + "1",
	} {
		f, err := Parse([]byte("[default]\naccess_key = A\nsecret_key = S\n" + line + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		c := f.Resolve(Runtime{LookupEnv: EnvMap(nil)})
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%.30s...: Resolve took %v for %d bytes", line, d, len(line))
		}
		if c.Err() == nil {
			t.Errorf("%.30s...: no error for more than 4300 digits", line)
		}
	}
}
