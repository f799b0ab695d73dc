package vstoragetest

import "time"

// Option configures a [Server] built by [NewServer].
type Option func(*config)

type config struct {
	dataPlane   DataPlane
	s3Endpoints map[string]string
	accountUser string
	latency     time.Duration
}

// WithDataPlane tells dp about every key the server creates and deletes
// (see [DataPlane]).
func WithDataPlane(dp DataPlane) Option {
	return func(c *config) { c.dataPlane = dp }
}

// WithS3Endpoints overrides the s3Host that GET regions reports per
// region name, for example {"HCM04": "http://127.0.0.1:9000"}. By default
// the real hosts are reported (https://hcm04.vstorage.vngcloud.vn, ...).
// The map is copied.
func WithS3Endpoints(hosts map[string]string) Option {
	return func(c *config) {
		c.s3Endpoints = map[string]string{}
		for k, v := range hosts {
			c.s3Endpoints[k] = v
		}
	}
}

// WithAccountUser sets the storage account's user, the part before the
// colon of sub-user IDs ("<user>:sa-<name>"); [DefaultAccountUser] when
// not given or empty.
func WithAccountUser(user string) Option {
	return func(c *config) { c.accountUser = user }
}

// WithLatency delays every answer of the server by d, as a distant
// service would (0, the default, answers at once). The delay comes before
// any [Fault] and honours the request's context: a client that gives up
// (deadline, cancellation, closed connection) stops waiting at once and
// gets no answer, and the call is recorded with Status 0. The vIAM server
// has its own ([viamtest.WithLatency]).
func WithLatency(d time.Duration) Option {
	return func(c *config) { c.latency = max(d, 0) }
}
