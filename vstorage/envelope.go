package vstorage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// envelope is the wrapper of every vStorage response (docs/api.md §2.2):
// {success, code, errorMsg, action, data | datas, isNext}.
type envelope struct {
	Success *bool           `json:"success"`
	Code    json.RawMessage `json:"code"`
	Data    json.RawMessage `json:"data"`
	Datas   json.RawMessage `json:"datas"`
	IsNext  flexBool        `json:"isNext"`
}

// code returns the envelope's code as a string, whether JSON had a number
// or a string.
func (e *envelope) code() string { return rawCode(e.Code) }

func rawCode(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
	}
	return string(raw)
}

// ok reports a successful envelope: success:true, or (for bodies that
// leave success out) code 200.
func (e *envelope) ok() bool {
	if e.Success != nil {
		return *e.Success
	}
	return e.code() == "200"
}

// service is the vStorage part of the call path: the envelope and the
// codes (httpcore.Service).
type service struct {
	region string // the region's name (or UUID), for hints
}

const emptyBody = "the response body is empty where a vStorage envelope was expected"

// Unwrap checks the envelope of a successful answer and returns its
// payload: datas, or else data (nil when neither is set).
func (s service) Unwrap(r *httpcore.Request, a *httpcore.Answer) ([]byte, *httpcore.Failure) {
	body := bytes.TrimSpace(a.Body)
	switch {
	case len(body) == 0 && a.StatusCode == http.StatusNoContent:
		return nil, nil // a 204 carries no envelope; nothing failed
	case len(body) == 0:
		// A write that says how to check it (IfUnsure) and gets no answer
		// has an unknown outcome, even when it is retried.
		return nil, &httpcore.Failure{Message: emptyBody, Err: httpcore.ErrEmptyBody, Unknown: r.Method != http.MethodGet && r.IfUnsure != "",
			Hint: "the vStorage API answers an empty 200 to a token it does not accept (an IAM-user token on the service-account API, or the reverse) and, on some routes, for a missing resource"}
	case body[0] == '[': // a bare array, like the IAM gateway's refusals, is never a success
		return nil, s.refusal(body, "")
	}
	var env envelope
	if err := httpcore.Decode(body, &env); err != nil {
		return nil, &httpcore.Failure{Message: err.Error(), Err: err}
	}
	switch {
	case env.ok() && bool(env.IsNext):
		limit := ""
		if q, ok := r.Query.(url.Values); ok {
			limit = q.Get("limit")
		}
		return nil, &httpcore.Failure{Message: fmt.Sprintf("the list is incomplete: the service flagged more results (isNext) beyond the %s asked for; no partial list is returned", limit),
			Hint: "no way to page this list is known; report this to the SDK maintainers"}
	case env.ok() && !isNull(env.Datas):
		return env.Datas, nil
	case env.ok() && !isNull(env.Data):
		return env.Data, nil
	case env.ok():
		return nil, nil
	case env.Success == nil && env.code() == "":
		return nil, &httpcore.Failure{Message: "the response is not a vStorage envelope (it has neither success nor code)"}
	}
	return nil, s.refusal(body, env.code())
}

// refusal describes a body with success:false (or a bare error array).
func (s service) refusal(body []byte, code string) *httpcore.Failure {
	pc, msg := httpcore.ParseErrorBody(body)
	if code == "" {
		code = pc
	}
	if msg == "" {
		msg = "the service answered success:false without a message"
	}
	kind, hint := s.kindFor(code, msg)
	return &httpcore.Failure{Code: code, Message: msg, Body: bytes.Clone(body[:min(len(body), httpcore.MaxErrorBody)]),
		Kind: kind, Hint: hint, Refused: !ambiguousCode(code)}
}

// Classify maps the vStorage code or message of an HTTP error response
// to a sentinel more precise than its status.
func (s service) Classify(status int, code, msg string) (hint string, kind error) {
	kind, hint = s.kindFor(code, msg)
	if status >= 500 {
		kind = nil
	}
	if hint == "" && (kind == vngcloud.ErrForbidden || kind == nil && status == http.StatusForbidden) {
		hint = fmt.Sprintf("the identity's vIAM policies do not allow this vStorage action, or the project is not in region %s (the region headers were sent)", s.region)
	}
	return hint, kind
}

// ambiguousCode reports envelope codes that leave a change's outcome
// unknown: -1 ("Unknown error") and 5xx.
func ambiguousCode(code string) bool {
	if code == "-1" {
		return true
	}
	n, err := strconv.Atoi(code)
	return err == nil && n >= 500 && n <= 599
}

// call sends r with the region headers and decodes the envelope's
// payload into a T.
func call[T any](ctx context.Context, c *Client, r *httpcore.Request) (T, error) {
	var zero T
	if ctx == nil {
		return zero, &vngcloud.ValidationError{Operation: r.Op, Field: "ctx", Reason: "nil context"}
	}
	if err := c.core.Check(r); err != nil {
		return zero, err
	}
	id, err := c.resolveRegion(ctx, r.Op)
	if err != nil {
		return zero, err
	}
	r.Header = http.Header{"region": {id}, "region_id": {id}}
	return httpcore.Do[T](ctx, c.core, r)
}

// setting is call on a bucket settings route (ceph/projects/{projectID}/
// buckets/{bucket}/...), where an empty 200 means the bucket is missing
// (docs/api.md §2.2): the bucket is then read once to tell. Such an answer
// leaves the outcome of a change unknown.
func setting[T any](ctx context.Context, c *Client, r *httpcore.Request) (T, error) {
	v, err := call[T](ctx, c, r)
	if !errors.Is(err, httpcore.ErrEmptyBody) {
		return v, err
	}
	project, bucket := r.Args[0], r.Args[1]
	_, gerr := c.GetBucket(ctx, project, bucket)
	f := httpcore.Failure{Message: emptyBody, Err: httpcore.ErrEmptyBody, Unknown: r.Method != http.MethodGet}
	switch {
	case errors.Is(gerr, vngcloud.ErrNotFound):
		f = httpcore.Failure{Kind: vngcloud.ErrNotFound, Err: gerr, Refused: true,
			Message: fmt.Sprintf("bucket %q does not exist in project %s (the route answered an empty body and the bucket's details answered not found)", bucket, project)}
	case gerr == nil:
		f.Message += "; the bucket exists"
		f.Hint = "the API also answers an empty body on this route when the bucket policy has a statement without a Principal; such a policy can only be removed with an S3 DeleteBucketPolicy"
	}
	return v, c.core.Fail(r, f)
}

// kindFor maps a vStorage code and message to a sentinel and a hint
// (docs/api.md §2.2 "Envelope codes seen live").
//
//lint:ignore ST1008 the first result is a sentinel to match, not a failure of kindFor
func (s service) kindFor(code, msg string) (error, string) {
	has := func(s string) bool { return strings.Contains(strings.ToLower(msg), strings.ToLower(s)) }
	switch code {
	case "112":
		return vngcloud.ErrInvalidInput, ""
	case "IAM_PERMISSION_DENIED":
		return vngcloud.ErrForbidden, fmt.Sprintf("the identity's vIAM policies do not allow this vStorage action, or the project is not in region %s", s.region)
	case "-1":
		return nil, "the service reported an unknown error; it is seen while a bucket is being deleted: wait a moment and look again"
	case "114", "":
		switch {
		case has("already attached with this service account"):
			return vngcloud.ErrConflict, "the key is already attached to this service account (if an earlier attempt failed ambiguously, it took effect)"
		case has("already attached"):
			return vngcloud.ErrConflict, "the key is attached to another service account: detach it first"
		case has("not attached to any service account"):
			return vngcloud.ErrConflict, "the key is not attached, so there is nothing to detach (if an earlier attempt failed ambiguously, it took effect)"
		case has("key number is reached to maximum"):
			return vngcloud.ErrConflict, "the S3 key limit (10) is reached: delete a key you no longer use first"
		case has("s3 key not found"):
			return vngcloud.ErrNotFound, "no such S3 key: list the project's keys to check its ID"
		case has("statuscode=404"):
			return vngcloud.ErrNotFound, "the service account was not found: pass its vIAM ID (without the sa- prefix)"
		case has("invalidaccesskeyid"):
			return vngcloud.ErrNotFound, "the key does not exist (already deleted?)"
		case has("no project authentication found"):
			return vngcloud.ErrForbidden, fmt.Sprintf("the project is not visible to these credentials in region %s: check the project ID and vngcloud.WithRegion", s.region)
		case has("bucketalreadyexists"):
			return vngcloud.ErrConflict, "the bucket name is taken by another account: choose another name"
		case has("error occurred in adding storage user"):
			return nil, "the account needs a vStorage project in this region before storage users can be made"
		}
		return nil, ""
	}
	if n, err := strconv.Atoi(code); err == nil && n >= 400 && n <= 599 {
		return httpcore.KindForStatus(n), ""
	}
	return nil, ""
}
