package viamtest

import "time"

// Option configures a [Server] built by [NewServer].
type Option func(*config)

type config struct {
	latency time.Duration
}

// WithLatency delays every answer of the server, token requests
// included, by d, as a distant service would (0, the default, answers at
// once). The delay comes before any [Fault] and honours the request's
// context: a client that gives up (deadline, cancellation, closed
// connection) stops waiting at once and gets no answer, and the call is
// recorded with Status 0. Use it to measure a client's per-call cost
// against a round trip, or to test deadlines.
func WithLatency(d time.Duration) Option {
	return func(c *config) { c.latency = max(d, 0) }
}
