// Package vngcloud is the shared vocabulary of a Go SDK for VNG Cloud's
// object storage (vStorage) and its identity service (vIAM): the options
// every client takes, the errors every call returns, and the [Secret] type
// that keeps credentials out of logs.
//
// The SDK does from Go what the vStorage console does by hand before it
// hands out an s3cmd configuration: create an S3 key, optionally restrict it
// to a vIAM service account (create the service account, attach a vIAM
// policy to it, link the key to it, grant it a bucket with a bucket
// policy), then write the s3cmd config file where s3cmd looks for it.
// vstorage.Setup does all of it in one call, checking everything before it
// changes anything and undoing what it created when a later step fails; the
// README's Quick start shows it in one short program (examples/minimal).
// docs/api.md in the repository says what the SDK relies on about the two
// APIs, with its sources; the package docs cite it as "docs/api.md §N".
//
//   - package viam: service-account tokens, service accounts, policies and
//     their attachments.
//   - package vstorage: regions, projects, buckets and their settings, S3
//     keys and linking them to service accounts, usage statistics.
//   - package s3cfg: s3cmd configuration files, read and written exactly as
//     s3cmd 2.3.0 does, and where s3cmd looks for them on each platform.
//   - packages viam/viamtest and vstorage/vstoragetest: in-memory services
//     for tests and demos, in the spirit of net/http/httptest.
//
// # Authentication
//
// Both management APIs take a bearer token from vIAM. A service account's
// client ID and secret give one through [viam.NewClientCredentials], a
// [TokenSource] that caches the token until shortly before it expires
// ([DefaultTokenSkew]), lets one goroutine renew it while the others wait,
// and drops it when a service answers 401, after which the request is sent
// once more. Pass the same source to both clients with [WithTokenSource].
// [StaticToken] wraps a token you obtained elsewhere; it is never renewed.
//
// The SDK refuses to send credentials over plain http to a host that is not
// on this machine, and refuses redirects that would carry them to another
// host.
//
// # Options
//
// Every constructor takes options. Those of this package ([Option]: the
// endpoint, HTTP client, timeout, retries, logger, user agent, token
// source, response cap, console hosts) fit every client. An option that
// only one client reads lives in that client's package and only its
// constructor accepts it: vstorage.WithRegion for vstorage.NewClient;
// viam.WithTokenURL, viam.WithTokenVariant and viam.WithTokenScope for
// viam.NewClientCredentials. Giving one to another constructor does not
// compile. To share one list of options between constructors, bundle it
// with [Options].
//
// # Errors
//
// A call that fails after it was sent returns a *[APIError]: the operation,
// HTTP status, the service's code (always a string), its message, the
// request ID, and a hint when the SDK knows what to do. Input refused before
// sending is a *[ValidationError]. Test the kind with errors.Is against
// [ErrNotFound], [ErrUnauthorized], [ErrForbidden], [ErrConflict],
// [ErrRateLimited] and [ErrInvalidInput]:
//
//	if errors.Is(err, vngcloud.ErrNotFound) { ... }
//	var ae *vngcloud.APIError
//	if errors.As(err, &ae) { log.Print(ae.Code, ae.RequestID) }
//
// vStorage often reports failures as HTTP 200 with "success": false; those
// are errors too, mapped to the same sentinels.
//
// # Retries
//
// Idempotent requests (GET, PUT, DELETE, and the token request) are retried
// after a connection error, a 429 or a 5xx other than 501, up to
// [WithRetries] times (default 3) with jittered exponential backoff
// ([WithRetryWait], default 500ms to 20s) that honours Retry-After. The
// context bounds the whole call: cancelling it stops the wait at once, and
// a Retry-After longer than the deadline or the backoff cap is returned
// instead of waited for.
//
// Calls that create, link or attach something (creating an S3 key or a
// service account, resetting a secret, linking a key, attaching a policy)
// are sent exactly once. When such a call fails in a way that leaves its
// outcome unknown (a 5xx, a lost connection), the error matches
// [ErrMaybeApplied] and its hint says how to check before trying again.
//
// # Pagination
//
// vIAM lists come in 0-based pages. Each has a one-page method
// (viam.Client.ListServiceAccounts) and an iterator that fetches pages as you
// range over it (viam.Client.AllServiceAccounts):
//
//	for sa, err := range client.AllServiceAccounts(ctx, nil) {
//		if err != nil { return err }
//		fmt.Println(sa.Name)
//	}
//
// vStorage lists are not paged; the SDK fails rather than return a partial
// list when the service says there is more.
//
// # Logging
//
// The SDK is silent unless you pass [WithLogger]. It then logs one debug
// line per response and per retry: operation, method, path, status,
// attempts and time. It never logs headers, bodies, tokens or secrets, and
// [Secret] values print as [Redacted] wherever they go.
//
// # Testing
//
// Point a client at a test server with [WithEndpoint] (plain http is allowed
// to loopback hosts) and [WithRetryWait](0, 0). The viamtest and vstoragetest
// packages serve the same paths, envelopes and errors as the real services,
// in memory, with knobs to inject failures. For unit tests of your own HTTP
// mocks, inject a transport with [WithHTTPClient]; httpmock's global
// activation does not see the SDK's transport, so use a MockTransport.
//
// Clients are safe for concurrent use.
package vngcloud
