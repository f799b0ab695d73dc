package viamtest

import "time"

// Option configures a [Server] built by [NewServer].
type Option func(*config)

type config struct {
	latency  time.Duration
	redirect string
	scope    string
	v1Only   bool
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

// WithRedirect makes the server answer every call, token requests
// included, with 301 Moved Permanently to location followed by the
// request's path and query, as a host that moved would (docs/api.md §1.5:
// the legacy console hosts redirect to greennode.ai ones). location is a
// root ending in "/", such as "http://iam.greennode.test:8080/": use a
// name that maps to loopback or nowhere, never a real host. A client that
// follows the redirect to another host drops its Authorization header.
func WithRedirect(location string) Option {
	return func(c *config) { c.redirect = location }
}

// WithScopeRequired makes the v2 token endpoint refuse, with 400
// {"errors":[{"code":"INVALID_SCOPE",...}]}, a request whose scope (form
// or JSON field "scope", space-separated) does not include scope, as a
// server that wants the scope the production clients send (scope=email)
// would. The v1 endpoint is unchanged.
func WithScopeRequired(scope string) Option {
	return func(c *config) { c.scope = scope }
}

// WithTokenV1Only makes the server speak only the v1 token request
// (grantType, camelCase answer): the v2 endpoint answers 404 as an
// unknown route.
func WithTokenV1Only() Option {
	return func(c *config) { c.v1Only = true }
}
