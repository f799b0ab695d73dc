package viamtest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

// get sends GET path with ctx and returns the status, or the error.
func get(ctx context.Context, url string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestLatencyDelaysEveryAnswer: token requests and API calls alike come
// back no sooner than the latency.
func TestLatencyDelaysEveryAnswer(t *testing.T) {
	t.Parallel()
	const d = 80 * time.Millisecond
	s := viamtest.NewServer(viamtest.WithLatency(d))
	t.Cleanup(s.Close)
	_, cid, secret := s.AddServiceAccount("admin")
	start := time.Now()
	tok := token(t, s, cid, secret)
	if el := time.Since(start); el < d {
		t.Errorf("the token came after %v, before the latency %v", el, d)
	}
	start = time.Now()
	if code, _ := raw(t, s, "GET", "policies-api/v1/policies", tok, ""); code != 200 {
		t.Fatalf("HTTP %d", code)
	}
	if el := time.Since(start); el < d {
		t.Errorf("the answer came after %v, before the latency %v", el, d)
	}
}

// TestLatencyHonoursTheContext: with an hour of latency, a request with a
// short deadline ends at its deadline, and is recorded with no status.
func TestLatencyHonoursTheContext(t *testing.T) {
	t.Parallel()
	s := viamtest.NewServer(viamtest.WithLatency(time.Hour))
	t.Cleanup(s.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := get(ctx, s.URL()+"policies-api/v1/policies"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the deadline", err)
	}
	// The server notices the closed connection and records the call.
	for deadline := time.Now().Add(10 * time.Second); s.CallCount("GET", "/policies") == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the abandoned call was never recorded: the server still waits")
		}
	}
	if c := s.Calls()[0]; c.Status != 0 || c.Fault != "" {
		t.Errorf("%+v: want status 0 and no fault", c)
	}
}

// TestLatencyEndsOnClose: Close does not wait out the latency.
func TestLatencyEndsOnClose(t *testing.T) {
	t.Parallel()
	s := viamtest.NewServer(viamtest.WithLatency(time.Hour))
	done := make(chan error, 1)
	go func() {
		_, err := get(context.Background(), s.URL()+"policies-api/v1/policies")
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the call reach the server (if not, it is refused: the test still holds)
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for the latency")
	}
	if err := <-done; err == nil {
		t.Fatal("the call got an answer from a closed server")
	}
}
