package vstorage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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

// sendOpts says how a call is sent and checked.
type sendOpts struct {
	// noRegion leaves the region headers out (GET regions only).
	noRegion bool
	// settings marks the bucket settings routes (policy, versioning, CORS),
	// where an empty 200 means the bucket is missing: project and bucket
	// are then checked with GetBucket.
	settings        bool
	project, bucket string
	// write marks a call that changes something, for the empty-body case.
	write bool
	// readBack says how to check a settings write after an empty answer.
	readBack string
}

// listEnvelope is envelope with datas decoded in the same pass: Datas
// holds a pointer to the caller's slice.
type listEnvelope struct {
	Success *bool           `json:"success"`
	Code    json.RawMessage `json:"code"`
	Data    json.RawMessage `json:"data"`
	Datas   any             `json:"datas"`
	IsNext  flexBool        `json:"isNext"`
}

// send sends r with the region headers and returns the successful
// envelope. Every failure is a *vngcloud.APIError (or a
// *vngcloud.ValidationError for input refused before sending).
func (c *Client) send(ctx context.Context, r *httpcore.Request, o sendOpts) (*envelope, error) {
	env, _, err := c.sendList(ctx, r, o, nil)
	return env, err
}

// sendList is send that, when datas is a pointer to a slice, decodes a
// successful envelope's datas into it in the same pass and reports listed
// (the envelope's Datas is then left empty). Anything else (a failure, a
// datas of another shape) takes the two-pass path of send, with listed
// false and whatever was decoded into datas to be ignored, so the errors
// are the same.
func (c *Client) sendList(ctx context.Context, r *httpcore.Request, o sendOpts, datas any) (_ *envelope, listed bool, _ error) {
	if ctx == nil {
		return nil, false, &vngcloud.ValidationError{Operation: r.Op, Field: "ctx", Reason: "nil context"}
	}
	if !o.noRegion {
		id, err := c.resolveRegion(ctx, r.Op)
		if err != nil {
			return nil, false, err
		}
		r.Header = http.Header{"region": {id}, "region_id": {id}}
	}
	var raw httpcore.Raw
	if err := c.core.Do(ctx, r, &raw); err != nil {
		return nil, false, c.classify(r, err)
	}
	trimmed := bytes.TrimSpace(raw.Body)
	if len(trimmed) == 0 {
		if raw.StatusCode == http.StatusNoContent {
			return &envelope{}, false, nil // a 204 carries no envelope; nothing failed
		}
		ae := raw.Error(r)
		ae.Message = "the response body is empty where a vStorage envelope was expected"
		ae.Err = httpcore.ErrEmptyBody
		switch {
		case r.Once:
			ae.MaybeApplied = true
			ae.Hint = r.IfUnsure
		case o.write && !o.settings:
			// A retried write whose answer says nothing: its outcome is
			// unknown (settings routes first look for the bucket).
			ae.MaybeApplied = true
			ae.Hint = o.readBack
		}
		if o.settings {
			return nil, false, c.missingBucket(ctx, r, ae, o)
		}
		if !ae.MaybeApplied {
			ae.Hint = "the vStorage API answers an empty 200 to a token it does not accept (an IAM-user token on the service-account API, or the reverse) and, on some routes, for a missing resource"
		}
		return nil, false, ae
	}
	if trimmed[0] == '[' {
		// A bare array, like the IAM gateway's refusals, is never a success.
		return nil, false, c.envelopeError(r, &raw, trimmed, "")
	}
	if datas != nil {
		le := listEnvelope{Datas: datas}
		if json.Unmarshal(trimmed, &le) == nil {
			env := &envelope{Success: le.Success, Code: le.Code, Data: le.Data, IsNext: le.IsNext}
			if env.ok() {
				return env, true, nil
			}
		}
	}
	var env envelope
	if err := httpcore.Decode(trimmed, &env); err != nil {
		ae := c.shapeError(r, err.Error(), err)
		ae.StatusCode, ae.RequestID = raw.StatusCode, raw.RequestID
		return nil, false, ae
	}
	if env.ok() {
		return &env, false, nil
	}
	if env.Success == nil && env.code() == "" {
		ae := c.shapeError(r, "the response is not a vStorage envelope (it has neither success nor code)", nil)
		ae.StatusCode, ae.RequestID = raw.StatusCode, raw.RequestID
		return nil, false, ae
	}
	return nil, false, c.envelopeError(r, &raw, trimmed, env.code())
}

// getData sends r and decodes the envelope's data into a T. A success
// without data is an error.
func getData[T any](ctx context.Context, c *Client, r *httpcore.Request, o sendOpts) (T, error) {
	var out T
	env, err := c.send(ctx, r, o)
	if err != nil {
		return out, err
	}
	if isNull(env.Data) {
		return out, c.shapeError(r, "the response reports success but carries no data", nil)
	}
	if err := httpcore.Decode(env.Data, &out); err != nil {
		return out, c.shapeError(r, "data: "+err.Error(), err)
	}
	return out, nil
}

// getList sends r and decodes the envelope's datas (or, failing that, its
// data) into a []T. A success without either is an empty list: the API
// answers so when there is nothing to list.
func getList[T any](ctx context.Context, c *Client, r *httpcore.Request, o sendOpts) ([]T, error) {
	items, _, err := getListEnv[T](ctx, c, r, o)
	return items, err
}

func getListEnv[T any](ctx context.Context, c *Client, r *httpcore.Request, o sendOpts) ([]T, *envelope, error) {
	return getListWire(ctx, c, r, o, func(items []T) []T { return items })
}

// getListWire is getListEnv for a model T read through a wire type W: a
// successful envelope's datas is decoded into []W in the same pass as the
// envelope, and conv makes the []T. Any other answer (datas missing, null
// or of another shape, a failure) is decoded the two-pass way into []T,
// so that errors name T.
func getListWire[W, T any](ctx context.Context, c *Client, r *httpcore.Request, o sendOpts, conv func([]W) []T) ([]T, *envelope, error) {
	var wires []W
	env, listed, err := c.sendList(ctx, r, o, &wires)
	if err != nil {
		return nil, nil, err
	}
	if listed && wires != nil { // datas decoded with the envelope
		return conv(wires), env, nil
	}
	raw := env.Datas
	if isNull(raw) {
		raw = env.Data
	}
	out := []T{}
	if isNull(raw) {
		return out, env, nil
	}
	if err := httpcore.Decode(raw, &out); err != nil {
		return nil, env, c.shapeError(r, "datas: "+err.Error(), err)
	}
	return out, env, nil
}

// exec sends r for its effect only: any successful envelope will do.
func exec(ctx context.Context, c *Client, r *httpcore.Request, o sendOpts) error {
	_, err := c.send(ctx, r, o)
	return err
}

// path returns the request's path as the core sends it (unescaped).
func (c *Client) path(r *httpcore.Request) string {
	p := r.Path
	for _, a := range r.Args {
		p = strings.Replace(p, "{}", a, 1)
	}
	return c.basePath + p
}

// newError starts an APIError for a 2xx response the SDK could not accept.
// The core does not hand out the status of a successful response, so it
// is recorded as 200: the API sends its refusals as HTTP 200.
func (c *Client) newError(r *httpcore.Request) *vngcloud.APIError {
	return &vngcloud.APIError{Operation: r.Op, Method: r.Method, Path: c.path(r), StatusCode: http.StatusOK}
}

// shapeError reports a 2xx body that is not what the call expects. After
// a call that is sent once, the change may have happened.
func (c *Client) shapeError(r *httpcore.Request, msg string, err error) *vngcloud.APIError {
	ae := c.newError(r)
	ae.Message, ae.Err = msg, err
	if r.Once {
		ae.MaybeApplied = true
		ae.Hint = r.IfUnsure
	}
	return ae
}

// envelopeError builds the error for a body with success:false (or a bare
// error array) and maps its code and message to a sentinel.
func (c *Client) envelopeError(r *httpcore.Request, raw *httpcore.Raw, body []byte, code string) *vngcloud.APIError {
	ae := raw.Error(r)
	pc, msg := httpcore.ParseErrorBody(body)
	if code == "" {
		code = pc
	}
	ae.Code, ae.Message = code, msg
	if ae.Message == "" {
		ae.Message = "the service answered success:false without a message"
	}
	if len(body) > httpcore.MaxErrorBody {
		body = body[:httpcore.MaxErrorBody]
	}
	ae.Body = bytes.Clone(body)
	ae.Kind, ae.Hint = c.kindFor(ae.Code, ae.Message)
	if h := httpcore.GoneHint(r, raw.Attempts, ae.Kind); h != "" {
		ae.Hint = h
	}
	if r.Once && ambiguousCode(ae.Code) {
		ae.MaybeApplied = true
		ae.Hint = r.IfUnsure
	}
	return ae
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

// classify refines an error from the core: a vStorage code or message in
// an error response maps to a more precise sentinel than its HTTP status.
func (c *Client) classify(r *httpcore.Request, err error) error {
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) || ae.StatusCode == 0 {
		return err
	}
	if ae.StatusCode >= 200 && ae.StatusCode <= 299 {
		return err // a 2xx body that could not be read; the core said why
	}
	kind, hint := c.kindFor(ae.Code, ae.Message)
	if kind != nil && ae.StatusCode < 500 {
		ae.Kind = kind
	}
	switch {
	case ae.MaybeApplied:
		// keep the core's hint: how to check whether the change happened
	case hint != "":
		ae.Hint = hint
	case ae.Kind == vngcloud.ErrForbidden:
		ae.Hint = fmt.Sprintf("the identity's vIAM policies do not allow this vStorage action, or the project is not in region %s (the region headers were sent)", c.regionLabel())
	}
	return ae
}

func (c *Client) regionLabel() string {
	if c.region.Name != "" {
		return c.region.Name
	}
	return c.fixedID
}

// kindFor maps a vStorage code and message to a sentinel and a hint
// (docs/api.md §2.2 "Envelope codes seen live").
//
//lint:ignore ST1008 the first result is a sentinel to match, not a failure of kindFor
func (c *Client) kindFor(code, msg string) (error, string) {
	has := func(s string) bool { return strings.Contains(strings.ToLower(msg), strings.ToLower(s)) }
	switch code {
	case "112":
		return vngcloud.ErrInvalidInput, ""
	case "IAM_PERMISSION_DENIED":
		return vngcloud.ErrForbidden, fmt.Sprintf("the identity's vIAM policies do not allow this vStorage action, or the project is not in region %s", c.regionLabel())
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
			return vngcloud.ErrForbidden, fmt.Sprintf("the project is not visible to these credentials in region %s: check the project ID and vngcloud.WithRegion", c.regionLabel())
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

// missingBucket handles an empty 200 on a settings route: the API answers
// so when the bucket is missing (docs/api.md §2.2). The bucket is read once;
// if it is gone the call fails with ErrNotFound, otherwise with the
// empty-body error.
func (c *Client) missingBucket(ctx context.Context, r *httpcore.Request, ae *vngcloud.APIError, o sendOpts) error {
	_, gerr := c.GetBucket(ctx, o.project, o.bucket)
	if errors.Is(gerr, vngcloud.ErrNotFound) {
		nf := c.newError(r)
		nf.StatusCode = ae.StatusCode
		nf.Message = fmt.Sprintf("bucket %q does not exist in project %s (the route answered an empty body and the bucket's details answered not found)", o.bucket, o.project)
		nf.Kind = vngcloud.ErrNotFound
		nf.Err = gerr
		return nf
	}
	if gerr == nil {
		ae.Message += "; the bucket exists"
		ae.Hint = "the API also answers an empty body on this route when the bucket policy has a statement without a Principal; such a policy can only be removed with an S3 DeleteBucketPolicy"
	}
	if o.write {
		ae.MaybeApplied = true
		if o.readBack != "" {
			ae.Hint = o.readBack
		}
	}
	return ae
}
