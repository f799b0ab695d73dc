package viamtest

import (
	"net/http"
	"time"

	"github.com/vstorage-sdk/vngcloud/internal/fakeserver"
)

// Fault describes what to do to the next matching calls of a test server
// (this package's, or vstoragetest's, which uses the same type): answer a
// status, wait, drop the connection before or after the server acted,
// truncate or pad the answer. Queue it with [Server.Inject]. The zero
// values of the optional fields mean "leave alone"; a Fault with only
// Method and Path set lets the call through unchanged (and marks it in
// [Server.Calls]).
type Fault struct {
	// Method matches the HTTP method, in any case; empty matches any.
	Method string
	// Path matches when the request's URL path contains it; empty matches
	// any.
	Path string
	// Times is how many matching calls the fault affects (default 1).
	Times int

	// Status, when set, answers with this status and Body instead of
	// calling the service (the change does not happen). An empty Body on a
	// status of 400 or more gets the service's usual error body for that
	// status.
	Status int
	// Body is written verbatim with Status.
	Body string
	// RetryAfter, when set, is sent as the Retry-After header with Status.
	RetryAfter string
	// Delay waits this long before handling the call, or until the client
	// gives up (its context ends), whichever comes first.
	Delay time.Duration
	// Drop closes the connection before or after the server acted.
	Drop Drop
	// Truncate lets the server act and sends only the first half of its
	// answer before closing the connection.
	Truncate bool
	// Oversize lets the server act and pads its JSON answer with this many
	// bytes of spaces (to test response size caps).
	Oversize int
}

// Drop says whether and when a [Fault] closes the connection without an
// answer: [NoDrop], [DropBeforeAct] or [DropAfterAct].
type Drop = fakeserver.Drop

// Values of [Fault].Drop.
const (
	// NoDrop answers normally.
	NoDrop = fakeserver.NoDrop
	// DropBeforeAct closes the connection before the server does anything:
	// the change did not happen.
	DropBeforeAct = fakeserver.DropBeforeAct
	// DropAfterAct lets the server act, then closes the connection without
	// answering: the change happened but the caller cannot know.
	DropAfterAct = fakeserver.DropAfterAct
)

// Call is one request a test server received, as [Server.Calls] reports
// it (vstoragetest's servers report the same type).
type Call struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path, unescaped.
	Path string
	// Query is the raw query string, without the "?".
	Query string
	// Header is the request's headers, without Authorization: a test log
	// never holds a token or a client secret.
	Header http.Header
	// Body is the request body (the services' request bodies carry no
	// secrets; credentials travel in the Authorization header).
	Body []byte
	// Status is the status the server answered; 0 when it answered
	// nothing (a dropped connection, or a client that gave up while the
	// server waited).
	Status int
	// Fault describes the fault applied ("status 503", "delay 1s",
	// "drop after acting", ...); empty when none was.
	Fault string
}

// publicCalls converts the machinery's call log; the two types have the
// same fields, which the conversion checks at compile time.
func publicCalls(in []fakeserver.Call) []Call {
	out := make([]Call, len(in))
	for i, c := range in {
		out[i] = Call(c)
	}
	return out
}
