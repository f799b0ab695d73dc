package reliability

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

// The checks of the harness would prove nothing if they could not fail:
// these tests make each of them fire.

func TestHarnessSeesLeakedGoroutines(t *testing.T) {
	release := make(chan struct{})
	var srv *httptest.Server
	runLabelled("selftest-leak", func() {
		srv = httptest.NewServer(http.NotFoundHandler())
		go func() { <-release }()
	})
	left := leakedGoroutines("selftest-leak", 300*time.Millisecond)
	if len(left) == 0 {
		t.Fatal("a blocked goroutine and a running server were not seen")
	}
	if !strings.Contains(strings.Join(left, "\n"), "httptest") {
		t.Errorf("the report does not show the server's stack:\n%s", strings.Join(left, "\n\n"))
	}
	close(release)
	srv.Close()
	if left := leakedGoroutines("selftest-leak", 5*time.Second); len(left) > 0 {
		t.Fatalf("still reported after the goroutines ended:\n%s", strings.Join(left, "\n\n"))
	}
}

func TestHarnessRecoversPanics(t *testing.T) {
	p, stack := runLabelled("selftest-panic", func() { panic("boom") })
	if p != "boom" || !strings.Contains(string(stack), "selftest_test.go") {
		t.Fatalf("panic %v, stack:\n%s", p, stack)
	}
}

// TestHarnessHarvestsSecrets: the recorder learns a token from the token
// answer and the Authorization headers, and the search finds it.
func TestHarnessHarvestsSecrets(t *testing.T) {
	iam := viamtest.NewServer()
	defer iam.Close()
	_, id, secret := iam.AddServiceAccount("selftest")
	tr := newTransport()
	defer tr.CloseIdleConnections()
	rec := newRecorder(tr)
	cc, err := viam.NewClientCredentials(id, secret, vngcloud.WithEndpoint(iam.URL()), vngcloud.WithHTTPClient(&http.Client{Transport: rec}))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	secrets := rec.Secrets()
	for _, want := range []string{tok.Reveal(), secret.Reveal(), basic(id, secret)} {
		if len(leaks("x "+want+" y", secrets)) == 0 {
			t.Errorf("the recorder did not learn %.6s…", want)
		}
	}
	if l := leaks("log: token="+tok.Reveal()[4:]+"\n", secrets); len(l) != 1 || strings.Contains(l[0], tok.Reveal()) {
		t.Errorf("the search should find the token's random part and not print it: %q", l)
	}
}

// TestRecorderNeverDialsOut: a request to a host that is not loopback is
// refused by the recorder and recorded as a violation.
func TestRecorderNeverDialsOut(t *testing.T) {
	rec := newRecorder(http.DefaultTransport)
	req, _ := http.NewRequest("GET", "http://192.0.2.1/x", nil)
	req.Header.Set("Authorization", "Bearer not-a-real-token")
	if _, err := rec.RoundTrip(req); err == nil {
		t.Fatal("sent")
	}
	if v := rec.Violations(); len(v) != 1 || !strings.Contains(v[0], "credentials: true") {
		t.Fatalf("violations %q", v)
	}
}
