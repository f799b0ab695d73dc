package vstoragetest

import "time"

// Option configures a [Server] built by [NewServer].
type Option func(*config)

type config struct {
	dataPlane   DataPlane
	s3Endpoints map[string]string
	accountUser string
	latency     time.Duration
	redirect    string
	emptyOK     bool
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

// WithRedirect makes the server answer every call with 301 Moved
// Permanently to location followed by the request's path (relative to the
// API's base) and query, as a host that moved would. location is a base
// URL ending in "/", such as "http://vstorage.greennode.test:8080/api/v1/":
// use a name that maps to loopback or nowhere, never a real host.
func WithRedirect(location string) Option {
	return func(c *config) { c.redirect = location }
}

// WithEmptyAnswers makes every call that carries a valid token answer
// HTTP 200 with an empty body, as the documented vStorage API answers a
// token of the wrong kind (an IAM user's console token, docs/api.md
// §2.1): the answer a client or a probe must not take for "nothing
// there". A missing or expired token still gets 401.
func WithEmptyAnswers() Option {
	return func(c *config) { c.emptyOK = true }
}
