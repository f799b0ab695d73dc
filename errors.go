package vngcloud

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sentinel errors. Every error the SDK returns for a failed call matches at
// most one of the first six with [errors.Is]; [ErrMaybeApplied] can match in
// addition to them.
var (
	// ErrNotFound: the resource does not exist (HTTP 404 or the service's
	// own "not found" answer).
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: the credentials or token were refused (HTTP 401).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: the caller is authenticated but not allowed (HTTP 403,
	// IAM_PERMISSION_DENIED).
	ErrForbidden = errors.New("forbidden")
	// ErrConflict: the change conflicts with the current state, for example
	// attaching a policy that is already attached (HTTP 409).
	ErrConflict = errors.New("conflict")
	// ErrRateLimited: the service asked the caller to slow down (HTTP 429).
	ErrRateLimited = errors.New("rate limited")
	// ErrInvalidInput: the request was refused as malformed, by the SDK
	// before sending or by the service (HTTP 400, vStorage code 112).
	ErrInvalidInput = errors.New("invalid input")
	// ErrMaybeApplied: a call that changes something failed in a way that
	// leaves its outcome unknown (a 5xx, a lost connection, a timeout after
	// the request was sent). The change may have happened: look before
	// trying again. Such calls are never retried automatically.
	ErrMaybeApplied = errors.New("the change may have happened")
)

// APIError describes a call that failed after the SDK tried to send it:
// the service answered with an error, the answer could not be read, or the
// connection failed. Get it with [errors.As]; test its kind with
// [errors.Is] against the sentinels above.
//
// APIError never holds a secret: request bodies, headers and successful
// response bodies are not kept. Body is the (capped) body of an error
// response, for diagnosis.
type APIError struct {
	// Operation names the call, for example "vstorage.CreateS3Key".
	Operation string
	// Method and Path are the HTTP method and the path requested.
	Method, Path string
	// StatusCode is the HTTP status, or 0 when no response arrived.
	StatusCode int
	// Code is the service's error code as a string, even when the service
	// sent a number ("114", "IAM_PERMISSION_DENIED").
	Code string
	// Message is the service's message, or a short description of what was
	// wrong with the response.
	Message string
	// RequestID is the request ID the service returned, if any.
	RequestID string
	// RetryAfter is the wait the service asked for (429/503), if any.
	RetryAfter time.Duration
	// MaybeApplied reports that the call changes something and failed in a
	// way that leaves its outcome unknown; errors.Is(err, ErrMaybeApplied)
	// reports the same.
	MaybeApplied bool
	// Hint says what to do about the error, when the SDK knows.
	Hint string
	// Kind is the sentinel this error matches (ErrNotFound, ...), or nil.
	Kind error
	// Body is the raw body of an error response, at most 1 MiB. It is nil
	// for successful responses that could not be decoded.
	Body []byte
	// Err is the underlying cause: a transport error, the context's error,
	// or a decoding error. It may be nil.
	Err error
}

// Error returns one line: operation, status, code, message, request ID,
// and the hint when there is one.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("vngcloud: ")
	if e.Operation != "" {
		b.WriteString(e.Operation)
	} else {
		b.WriteString(e.Method + " " + e.Path)
	}
	b.WriteString(": ")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
		if e.Code != "" {
			fmt.Fprintf(&b, " (code %s)", e.Code)
		}
		b.WriteString(": ")
	} else if e.Code != "" {
		fmt.Fprintf(&b, "code %s: ", e.Code)
	}
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	b.WriteString(msg)
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request %s]", e.RequestID)
	}
	if e.MaybeApplied {
		b.WriteString("; the change may have happened")
	}
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
	}
	return b.String()
}

// GoString keeps %#v short and free of the body.
func (e *APIError) GoString() string { return fmt.Sprintf("&vngcloud.APIError{%q}", e.Error()) }

// Is reports whether target is this error's Kind, or ErrMaybeApplied when
// MaybeApplied is set.
func (e *APIError) Is(target error) bool {
	if target == nil {
		return false
	}
	return target == e.Kind || (target == ErrMaybeApplied && e.MaybeApplied)
}

// Unwrap returns the underlying cause, so errors.Is(err, context.Canceled)
// works after a cancelled call.
func (e *APIError) Unwrap() error { return e.Err }

// ValidationError is input the SDK refused before sending anything: an
// empty or malformed ID, a bucket name S3 would refuse, an option out of
// range. It matches [ErrInvalidInput]. It never contains a secret value.
type ValidationError struct {
	// Operation names the call or constructor that refused the input.
	Operation string
	// Field names the argument, option or key.
	Field string
	// Reason says what is wrong and what is expected.
	Reason string
}

// Error returns "vngcloud: <operation>: <field>: <reason>".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("vngcloud: ")
	if e.Operation != "" {
		b.WriteString(e.Operation + ": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Is reports whether target is ErrInvalidInput.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidInput }
