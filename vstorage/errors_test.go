package vstorage

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
)

// errCase serves one error body on one route and checks the error.
type errCase struct {
	name    string
	status  int
	fixture string // or body
	body    string
	method  string
	path    string
	call    func(ctx context.Context, c *Client) error
	code    string
	msg     string  // part of the message
	hint    string  // part of the hint ("" = no check)
	want    []error // exactly these sentinels
}

func keyCall(f func(ctx context.Context, c *Client) error) func(ctx context.Context, c *Client) error {
	return f
}

var (
	callCreateKey = keyCall(func(ctx context.Context, c *Client) error { _, err := c.CreateS3Key(ctx, projID); return err })
	callDeleteKey = keyCall(func(ctx context.Context, c *Client) error { return c.DeleteS3Key(ctx, projID, keyID) })
	callAttach    = keyCall(func(ctx context.Context, c *Client) error { return c.LinkS3Key(ctx, projID, keyID, saID) })
	callDetach    = keyCall(func(ctx context.Context, c *Client) error { return c.UnlinkS3Key(ctx, projID, keyID) })
	callListKeys  = keyCall(func(ctx context.Context, c *Client) error { _, err := c.ListS3Keys(ctx, projID); return err })
	callGetBucket = keyCall(func(ctx context.Context, c *Client) error { _, err := c.GetBucket(ctx, projID, bucket); return err })
	callList      = keyCall(func(ctx context.Context, c *Client) error { _, err := c.ListBuckets(ctx, projID); return err })
	callCreateB   = keyCall(func(ctx context.Context, c *Client) error { _, err := c.CreateBucket(ctx, projID, bucket); return err })
	callDeleteB   = keyCall(func(ctx context.Context, c *Client) error { return c.DeleteBucket(ctx, projID, bucket) })
	callPrincipal = keyCall(func(ctx context.Context, c *Client) error {
		_, err := c.EnsureServiceAccountPrincipal(ctx, projID, saID)
		return err
	})
)

const (
	pKeys    = "users/s3_keys"
	pKey     = "users/s3_keys/" + keyID
	pAttach  = pKey + "/attach"
	pDetach  = pKey + "/detach"
	pDetails = "ceph/projects/" + projID + "/" + bucket + "/details"
	pBucket  = "ceph/projects/" + projID + "/buckets/" + bucket
	pList    = "ceph/projects/" + projID
)

// TestErrorMappings: every mapping of the issue, on the route where the
// service sends it. Envelope failures come as HTTP 200.
func TestErrorMappings(t *testing.T) {
	t.Parallel()
	for _, tc := range []errCase{
		{name: "112 invalid input", fixture: "error_112.json", method: "POST", path: pBucket, call: callCreateB,
			code: "112", msg: "Bucket name must be all lowercase", want: []error{vngcloud.ErrInvalidInput}},
		{name: "112 as a string", fixture: "error_112_string_code.json", method: "GET", path: pKeys, call: callListKeys,
			code: "112", msg: "projectId is required", want: []error{vngcloud.ErrInvalidInput}},
		{name: "114 no project authentication", fixture: "error_114_no_project_auth.json", method: "GET", path: pList, call: callList,
			code: "114", msg: "No project authentication found", hint: "region HCM04", want: []error{vngcloud.ErrForbidden}},
		{name: "114 key limit", fixture: "error_114_key_limit.json", method: "POST", path: pKeys, call: callCreateKey,
			code: "114", msg: "maximum value 10", hint: "delete a key", want: []error{vngcloud.ErrConflict}},
		{name: "114 repeat delete", fixture: "error_114_repeat_delete.json", method: "DELETE", path: pKey, call: callDeleteKey,
			code: "114", msg: "InvalidAccessKeyId", want: []error{vngcloud.ErrNotFound}},
		{name: "114 attached to this account", fixture: "error_114_attached_same.json", method: "PUT", path: pAttach, call: callAttach,
			code: "114", msg: "already attached with this service account", hint: "took effect", want: []error{vngcloud.ErrConflict}},
		{name: "114 attached to another account", fixture: "error_114_attached_other.json", method: "PUT", path: pAttach, call: callAttach,
			code: "114", msg: "another service account", hint: "detach it first", want: []error{vngcloud.ErrConflict}},
		{name: "114 unknown service account", fixture: "error_114_sa_not_found.json", method: "PUT", path: pAttach, call: callAttach,
			code: "114", msg: "StatusCode=404", hint: "service account was not found", want: []error{vngcloud.ErrNotFound}},
		{name: "114 unknown key", fixture: "error_114_key_not_found.json", method: "PUT", path: pDetach, call: callDetach,
			code: "114", msg: "S3 key not found", want: []error{vngcloud.ErrNotFound}},
		{name: "114 not attached", fixture: "error_114_not_attached.json", method: "PUT", path: pDetach, call: callDetach,
			code: "114", msg: "not attached to any service account", hint: "nothing to detach", want: []error{vngcloud.ErrConflict}},
		{name: "114 account without project", fixture: "error_114_storage_user.json", method: "GET", path: "users/details", call: callPrincipal,
			code: "114", msg: "adding storage user", hint: "needs a vStorage project", want: nil},
		{name: "114 unknown message", body: `{"success":false,"code":114,"errorMsg":"Something else"}`, method: "GET", path: pList, call: callList,
			code: "114", msg: "Something else", want: nil},
		{name: "envelope 404", fixture: "error_404.json", method: "GET", path: pDetails, call: callGetBucket,
			code: "404", msg: "Bucket not found", want: []error{vngcloud.ErrNotFound}},
		{name: "envelope 404 on delete", fixture: "error_404.json", method: "DELETE", path: pBucket, call: callDeleteB,
			code: "404", want: []error{vngcloud.ErrNotFound}},
		{name: "envelope 403", fixture: "error_403.json", method: "PUT", path: pBucket + "/encryption",
			call: func(ctx context.Context, c *Client) error { return c.PutBucketEncryption(ctx, projID, bucket, true) },
			code: "403", want: []error{vngcloud.ErrForbidden}},
		{name: "envelope 400", fixture: "error_400_policy.json", method: "PUT", path: pBucket + "/policy",
			call: func(ctx context.Context, c *Client) error {
				return c.PutBucketPolicy(ctx, projID, bucket, ReadWriteBucketPolicy(bucket, "arn:aws:iam:::user/u:sa-x"))
			},
			code: "400", msg: "MalformedPolicy", want: []error{vngcloud.ErrInvalidInput}},
		{name: "-1 on a read", fixture: "error_minus1.json", method: "GET", path: pDetails, call: callGetBucket,
			code: "-1", msg: "Unknown error", hint: "wait a moment", want: nil},
		{name: "-1 on a call sent once", fixture: "error_minus1.json", method: "PUT", path: pAttach, call: callAttach,
			code: "-1", hint: "subUserId", want: []error{vngcloud.ErrMaybeApplied}},
		{name: "envelope 500 on a call sent once", body: `{"success":false,"code":500,"errorMsg":"Internal"}`, method: "POST", path: pKeys, call: callCreateKey,
			code: "500", hint: "delete it", want: []error{vngcloud.ErrMaybeApplied}},
		{name: "HTTP 403 IAM_PERMISSION_DENIED array", status: 403, fixture: "error_iam_denied.json", method: "GET", path: pKeys, call: callListKeys,
			code: "IAM_PERMISSION_DENIED", msg: "IAM denied action", hint: "vIAM policies", want: []error{vngcloud.ErrForbidden}},
		{name: "HTTP 200 IAM_PERMISSION_DENIED array", fixture: "error_iam_denied.json", method: "GET", path: pKeys, call: callListKeys,
			code: "IAM_PERMISSION_DENIED", want: []error{vngcloud.ErrForbidden}},
		{name: "HTTP 404 with a 114 body", status: 404, fixture: "error_114_key_not_found.json", method: "PUT", path: pDetach, call: callDetach,
			code: "114", want: []error{vngcloud.ErrNotFound}},
		{name: "HTTP 400", status: 400, body: `{"success":false,"code":400,"errorMsg":"MalformedXML"}`, method: "PUT", path: pBucket + "/cors",
			call: func(ctx context.Context, c *Client) error {
				return c.PutBucketCORS(ctx, projID, bucket, []CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}}})
			},
			code: "400", msg: "MalformedXML", want: []error{vngcloud.ErrInvalidInput}},
		{name: "HTTP 401", status: 401, body: `{"success":false,"code":401,"errorMsg":"Unauthorized"}`, method: "GET", path: pList, call: callList,
			code: "401", want: []error{vngcloud.ErrUnauthorized}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, vngcloud.WithRetries(0))
			body := tc.body
			if tc.fixture != "" {
				body = fixture(t, tc.fixture)
			}
			status := tc.status
			if status == 0 {
				status = 200
			}
			e.on(tc.method, tc.path, status, body)
			err := tc.call(t.Context(), e.c)
			ae := apiError(t, err)
			if ae.StatusCode != status {
				t.Errorf("StatusCode = %d, want %d", ae.StatusCode, status)
			}
			if ae.Code != tc.code {
				t.Errorf("Code = %q, want %q", ae.Code, tc.code)
			}
			if !strings.Contains(ae.Message, tc.msg) {
				t.Errorf("Message = %q, want it to contain %q", ae.Message, tc.msg)
			}
			if tc.hint != "" && !strings.Contains(ae.Hint, tc.hint) {
				t.Errorf("Hint = %q, want it to contain %q", ae.Hint, tc.hint)
			}
			if !strings.HasPrefix(ae.Operation, "vstorage.") || ae.Path != "/api/v1/"+tc.path || ae.Method != tc.method {
				t.Errorf("Operation/Method/Path = %q %q %q", ae.Operation, ae.Method, ae.Path)
			}
			if len(ae.Body) == 0 {
				t.Error("the error body is not kept")
			}
			matchesOnly(t, err, tc.want...)
			if n := len(e.rec.to(tc.method, tc.path)); n != 1 {
				t.Errorf("%d requests to the route, want 1", n)
			}
		})
	}
}

// TestEmptyBodyWhereDataWasExpected: an empty 200 is an error that says
// so, never a success or an empty list.
func TestEmptyBodyWhereDataWasExpected(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		method, path string
		call         func(ctx context.Context, c *Client) error
		maybe        bool
	}{
		"ListProjects": {"GET", "projects", func(ctx context.Context, c *Client) error { _, err := c.ListProjects(ctx); return err }, false},
		"ListBuckets":  {"GET", pList, callList, false},
		"GetBucket":    {"GET", pDetails, callGetBucket, false},
		"DeleteBucket": {"DELETE", pBucket, callDeleteB, false},
		"Encryption": {"GET", pBucket + "/encryption", func(ctx context.Context, c *Client) error {
			_, err := c.GetBucketEncryption(ctx, projID, bucket)
			return err
		}, false},
		"CreateS3Key": {"POST", pKeys, callCreateKey, true},
		"LinkS3Key":   {"PUT", pAttach, callAttach, true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.on(tc.method, tc.path, 200, "")
			err := tc.call(t.Context(), e.c)
			ae := apiError(t, err)
			if !strings.Contains(ae.Message, "empty") {
				t.Fatalf("message %q does not say the body is empty", ae.Message)
			}
			if tc.maybe {
				matchesOnly(t, err, vngcloud.ErrMaybeApplied)
				if !strings.Contains(ae.Hint, "ListS3Keys") {
					t.Fatalf("hint %q does not say how to check", ae.Hint)
				}
			} else {
				matchesOnly(t, err)
				if !strings.Contains(ae.Hint, "token") {
					t.Fatalf("hint %q", ae.Hint)
				}
			}
		})
	}
}

// TestNoContentIsSuccessWhereNoDataIsExpected: a 204 carries no envelope
// and reports success for calls that expect no data; for a read it is
// still "no data".
func TestNoContentIsSuccessWhereNoDataIsExpected(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.on("DELETE", pBucket, http.StatusNoContent, "")
	e.on("GET", pDetails, http.StatusNoContent, "")
	if err := e.c.DeleteBucket(t.Context(), projID, bucket); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.GetBucket(t.Context(), projID, bucket)
	if ae := apiError(t, err); !strings.Contains(ae.Message, "no data") {
		t.Fatalf("err = %v", err)
	}
}

// TestBodiesThatAreNotEnvelopes: a 2xx body that is not a success
// envelope is an error, never a success.
func TestBodiesThatAreNotEnvelopes(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{}`:                       "not a vStorage envelope",
		`{"data":{"name":"x"}}`:    "not a vStorage envelope",
		`<html>login</html>`:       "HTML",
		`{"success":true,"data":`:  "truncated",
		`{"success":"yes"}`:        "unexpected shape",
		`{"success":true}`:         "no data",
		`{"code":200,"data":null}`: "no data",
	} {
		e := newEnv(t)
		e.on("GET", pDetails, 200, body)
		_, err := e.c.GetBucket(t.Context(), projID, bucket)
		if ae := apiError(t, err); !strings.Contains(ae.Message, want) || ae.StatusCode != 200 {
			t.Errorf("body %s: err = %v, want %q", body, err, want)
		}
	}
	// A body without success but with code 200 is a success.
	e := newEnv(t)
	e.on("DELETE", pBucket, 200, `{"code":200}`)
	if err := e.c.DeleteBucket(t.Context(), projID, bucket); err != nil {
		t.Fatal(err)
	}
}

// TestSettingsRoutesMissingBucket: on the policy, versioning and CORS
// routes an empty 200 leads to exactly one bucket read; a missing bucket
// gives ErrNotFound, an existing one the empty-body error (which says the
// change may have happened for a write).
func TestSettingsRoutesMissingBucket(t *testing.T) {
	t.Parallel()
	routes := []struct {
		name, method, what string
		write              bool
		call               func(ctx context.Context, c *Client) error
	}{
		{"GetBucketPolicy", "GET", "policy", false, func(ctx context.Context, c *Client) error {
			_, err := c.GetBucketPolicy(ctx, projID, bucket)
			return err
		}},
		{"PutBucketPolicy", "PUT", "policy", true, func(ctx context.Context, c *Client) error {
			return c.PutBucketPolicy(ctx, projID, bucket, ReadWriteBucketPolicy(bucket, "arn:aws:iam:::user/u:sa-x"))
		}},
		{"DeleteBucketPolicy", "DELETE", "policy", true, func(ctx context.Context, c *Client) error {
			return c.DeleteBucketPolicy(ctx, projID, bucket)
		}},
		{"GetBucketVersioning", "GET", "versioning", false, func(ctx context.Context, c *Client) error {
			_, err := c.GetBucketVersioning(ctx, projID, bucket)
			return err
		}},
		{"PutBucketVersioning", "PUT", "versioning", true, func(ctx context.Context, c *Client) error {
			return c.PutBucketVersioning(ctx, projID, bucket, VersioningSuspended)
		}},
		{"GetBucketCORS", "GET", "cors", false, func(ctx context.Context, c *Client) error {
			_, err := c.GetBucketCORS(ctx, projID, bucket)
			return err
		}},
		{"PutBucketCORS", "PUT", "cors", true, func(ctx context.Context, c *Client) error {
			return c.PutBucketCORS(ctx, projID, bucket, []CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}}})
		}},
		{"DeleteBucketCORS", "DELETE", "cors", true, func(ctx context.Context, c *Client) error {
			return c.DeleteBucketCORS(ctx, projID, bucket)
		}},
	}
	for _, rt := range routes {
		t.Run(rt.name+"/gone", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.on(rt.method, pBucket+"/"+rt.what, 200, "")
			e.on("GET", pDetails, 200, fixture(t, "error_404.json"))
			err := rt.call(t.Context(), e.c)
			matchesOnly(t, err, vngcloud.ErrNotFound)
			if ae := apiError(t, err); !strings.Contains(ae.Message, `bucket "media-assets" does not exist`) || ae.Operation != "vstorage."+rt.name {
				t.Fatalf("err = %v", err)
			}
			if n := len(e.rec.to("GET", pDetails)); n != 1 {
				t.Fatalf("%d bucket reads, want 1", n)
			}
		})
		t.Run(rt.name+"/exists", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.on(rt.method, pBucket+"/"+rt.what, 200, "")
			e.on("GET", pDetails, 200, fixture(t, "bucket_details.json"))
			err := rt.call(t.Context(), e.c)
			ae := apiError(t, err)
			if !strings.Contains(ae.Message, "empty") || !strings.Contains(ae.Message, "the bucket exists") {
				t.Fatalf("err = %v", err)
			}
			if rt.write {
				matchesOnly(t, err, vngcloud.ErrMaybeApplied)
				if !strings.Contains(ae.Hint, "back with Get") {
					t.Fatalf("hint %q", ae.Hint)
				}
			} else {
				matchesOnly(t, err)
				if !strings.Contains(ae.Hint, "without a Principal") {
					t.Fatalf("hint %q", ae.Hint)
				}
			}
			if n := len(e.rec.to("GET", pDetails)); n != 1 {
				t.Fatalf("%d bucket reads, want 1", n)
			}
		})
	}
}

// TestListBucketsIsNext: a list flagged incomplete is an error, never a
// partial list.
func TestListBucketsIsNext(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.on("GET", pList, 200, fixture(t, "buckets_isnext.json"))
	buckets, err := e.c.ListBuckets(t.Context(), projID)
	if buckets != nil {
		t.Fatalf("a partial list was returned: %+v", buckets)
	}
	ae := apiError(t, err)
	if !strings.Contains(ae.Message, "incomplete") || !strings.Contains(ae.Message, "isNext") || !strings.Contains(ae.Message, "1000") {
		t.Fatalf("message %q", ae.Message)
	}
	matchesOnly(t, err)
	// isNext:false (buckets.json) and an absent isNext are complete lists.
	e.on("GET", pList, 200, `{"success":true,"code":200,"datas":[{"name":"a-b"}]}`)
	if bs, err := e.c.ListBuckets(t.Context(), projID); err != nil || len(bs) != 1 {
		t.Fatalf("buckets = %v, err = %v", bs, err)
	}
}

// TestEmptyLists: no datas means nothing to list.
func TestEmptyLists(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.on("GET", "projects", 200, fixture(t, "projects_empty.json"))
	e.on("GET", pKeys, 200, fixture(t, "s3keys_empty.json"))
	ps, err := e.c.ListProjects(t.Context())
	if err != nil || ps == nil || len(ps) != 0 {
		t.Fatalf("projects = %#v, err = %v", ps, err)
	}
	ks, err := e.c.ListS3Keys(t.Context(), projID)
	if err != nil || ks == nil || len(ks) != 0 {
		t.Fatalf("keys = %#v, err = %v", ks, err)
	}
	_, err = e.c.GetProject(t.Context(), projID)
	matchesOnly(t, err, vngcloud.ErrNotFound)
	_, err = e.c.GetS3Key(t.Context(), projID, keyID)
	matchesOnly(t, err, vngcloud.ErrNotFound)
}

// TestDeleteBucketGoneAfterRetry: a first attempt whose answer is lost may
// delete the bucket; the retry's "not found" says so.
func TestDeleteBucketGoneAfterRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := true
	e.mt.RegisterResponder("DELETE", testBase+pBucket, func(req *http.Request) (*http.Response, error) {
		e.rec.add(req)
		if first {
			first = false
			return reply(req, 503, ``), nil
		}
		return reply(req, 200, `{"success":false,"code":404,"errorMsg":"Bucket not found"}`), nil
	})
	err := e.c.DeleteBucket(t.Context(), projID, bucket)
	if !errors.Is(err, vngcloud.ErrNotFound) || !strings.Contains(err.Error(), "gone either way") {
		t.Fatalf("err = %v", err)
	}
	if n := len(e.rec.to("DELETE", pBucket)); n != 2 {
		t.Fatalf("DELETE sent %d times, want 2", n)
	}
}
