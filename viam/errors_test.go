package viam

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/reliability"
)

// callCase is one public method, the route it calls first, and what it
// answers on success.
type callCase struct {
	name     string
	method   string
	path     string // relative to root, without the query
	once     bool   // never retried
	okStatus int
	okBody   string
	decodes  bool             // reads a JSON body on success
	extra    func(h *harness) // routes the success path also needs
	call     func(context.Context, *Client) error
}

// first returns the first error of an iterator.
func first[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func callCases(t *testing.T) []callCase {
	spID := saID
	return []callCase{
		{name: "ListServiceAccounts", method: "GET", path: saPath, okStatus: 200, okBody: fixture(t, "service_accounts_list.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error { _, err := c.ListServiceAccounts(ctx, nil); return err }},
		{name: "AllServiceAccounts", method: "GET", path: saPath, okStatus: 200, okBody: onePageOfServiceAccounts, decodes: true,
			call: func(ctx context.Context, c *Client) error { return first(c.AllServiceAccounts(ctx, nil)) }},
		{name: "GetServiceAccount", method: "GET", path: saPath + "/" + spID, okStatus: 200, okBody: fixture(t, "service_account_get.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error { _, err := c.GetServiceAccount(ctx, spID); return err }},
		{name: "CreateServiceAccount", method: "POST", path: saPath, once: true, okStatus: 201, okBody: fixture(t, "service_account_create.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateServiceAccount(ctx, CreateServiceAccountRequest{Name: "backup-uploader"})
				return err
			}},
		{name: "UpdateServiceAccount", method: "PATCH", path: saPath + "/" + spID, okStatus: 200, okBody: fixture(t, "service_account_get.json"),
			call: func(ctx context.Context, c *Client) error {
				return c.UpdateServiceAccount(ctx, spID, UpdateServiceAccountRequest{AccessTokenLifeSpan: vngcloud.Ptr(3600)})
			}},
		{name: "DeleteServiceAccount", method: "DELETE", path: saPath + "/" + spID, okStatus: 204,
			call: func(ctx context.Context, c *Client) error { return c.DeleteServiceAccount(ctx, spID) }},
		{name: "ResetServiceAccountSecret", method: "POST", path: saPath + "/" + spID + "/reset-secret", once: true, okStatus: 200,
			okBody: fixture(t, "service_account_reset_secret.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.ResetServiceAccountSecret(ctx, spID)
				return err
			}},
		{name: "ListPolicies", method: "GET", path: polPath, okStatus: 200, okBody: fixture(t, "policies_list_by_name.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error { _, err := c.ListPolicies(ctx, nil); return err }},
		{name: "AllPolicies", method: "GET", path: polPath, okStatus: 200, okBody: fixture(t, "policies_list_by_name.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error { return first(c.AllPolicies(ctx, nil)) }},
		{name: "GetPolicy", method: "GET", path: polPath + "/" + fullAccessID, okStatus: 200, okBody: fixture(t, "policy_get.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error { _, err := c.GetPolicy(ctx, fullAccessID); return err }},
		{name: "FindPolicyByName", method: "GET", path: polPath, okStatus: 200, okBody: fixture(t, "policies_list_by_name.json"), decodes: true,
			extra: func(h *harness) { h.on("GET", polPath+"/"+fullAccessID, reply(200, fixture(t, "policy_get.json"))) },
			call: func(ctx context.Context, c *Client) error {
				_, err := c.FindPolicyByName(ctx, PolicyVStorageFullAccess)
				return err
			}},
		{name: "CreatePolicy", method: "POST", path: polPath, once: true, okStatus: 201, okBody: fixture(t, "policy_create.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreatePolicy(ctx, PolicyRequest{Name: "p", Document: VStorageReadOnly()})
				return err
			}},
		{name: "UpdatePolicy", method: "PUT", path: polPath + "/" + userPolicyID, okStatus: 204,
			call: func(ctx context.Context, c *Client) error {
				return c.UpdatePolicy(ctx, userPolicyID, PolicyRequest{Name: "p", Document: VStorageReadOnly()})
			}},
		{name: "DeletePolicy", method: "DELETE", path: polPath + "/" + userPolicyID, okStatus: 204,
			call: func(ctx context.Context, c *Client) error { return c.DeletePolicy(ctx, userPolicyID) }},
		{name: "AttachPolicy", method: "POST", path: attachPath, once: true, okStatus: 204,
			call: func(ctx context.Context, c *Client) error { return c.AttachPolicy(ctx, fullAccessID, saID) }},
		{name: "EnsurePolicyAttached", method: "POST", path: attachPath, once: true, okStatus: 204,
			call: func(ctx context.Context, c *Client) error { return c.EnsurePolicyAttached(ctx, fullAccessID, saID) }},
		{name: "DetachPolicy", method: "DELETE", path: attachPath, okStatus: 204,
			call: func(ctx context.Context, c *Client) error { return c.DetachPolicy(ctx, fullAccessID, saID) }},
		{name: "ListServiceAccountPolicies", method: "GET", path: saPolPath, okStatus: 200, okBody: fixture(t, "service_account_policies_list.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.ListServiceAccountPolicies(ctx, saID, nil)
				return err
			}},
		{name: "GetUserInfo", method: "GET", path: userInfoPath, okStatus: 200, okBody: fixture(t, "userinfo.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error { _, err := c.GetUserInfo(ctx); return err }},
		{name: "ListActions", method: "GET", path: actionsPath, okStatus: 200, okBody: fixture(t, "actions_vstorage.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error { _, err := c.ListActions(ctx, ProductVStorage); return err }},
		{name: "ListPolicyServiceAccounts", method: "GET", path: polAccPath, okStatus: 200, okBody: fixture(t, "policy_service_accounts.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.ListPolicyServiceAccounts(ctx, userPolicyID)
				return err
			}},
		{name: "AllServiceAccountPolicies", method: "GET", path: saPolPath, okStatus: 200, okBody: fixture(t, "service_account_policies_list.json"), decodes: true,
			call: func(ctx context.Context, c *Client) error { return first(c.AllServiceAccountPolicies(ctx, saID, nil)) }},
	}
}

const testRetries = 2

// onePageOfServiceAccounts is a complete list in one page.
const onePageOfServiceAccounts = `{"data":[{"id":"a1","clientId":"c1","name":"only"}],"pageNumber":0,"pageSize":100,"totalItems":1,"totalPages":1}`

// TestFailurePaths runs every method against every failure the issue
// lists, through the mock transport, and checks the error kind, code,
// operation, attempt count and (for calls that are not retried) the
// "maybe applied" marking.
func TestFailurePaths(t *testing.T) {
	t.Parallel()
	for _, cc := range callCases(t) {
		t.Run(cc.name, func(t *testing.T) {
			t.Parallel()
			ensure := cc.name == "EnsurePolicyAttached"
			ok := reply(cc.okStatus, cc.okBody)

			// run calls the method against the scripted steps and returns
			// the error and the recorder.
			run := func(t *testing.T, steps ...step) (*recorder, *harness, error) {
				h := newHarness(t, vngcloud.WithRetries(testRetries))
				r := h.on(cc.method, cc.path, steps...)
				if cc.extra != nil {
					cc.extra(h)
				}
				return r, h, cc.call(t.Context(), h.c)
			}
			// apiErr checks the common fields of an APIError.
			apiErr := func(t *testing.T, err error, kind error, status int, code string) *vngcloud.APIError {
				t.Helper()
				var ae *vngcloud.APIError
				if !errors.As(err, &ae) {
					t.Fatalf("err = %v, want *vngcloud.APIError", err)
				}
				if kind != nil && !errors.Is(err, kind) || kind == nil && ae.Kind != nil {
					t.Errorf("kind = %v, want %v (err %v)", ae.Kind, kind, err)
				}
				want(t, "status", ae.StatusCode, status)
				want(t, "code", ae.Code, code)
				want(t, "operation", ae.Operation, "viam."+cc.name)
				want(t, "path", ae.Path, "/"+cc.path)
				return ae
			}

			t.Run("400 errors envelope", func(t *testing.T) {
				t.Parallel()
				r, _, err := run(t, reply(400, fixture(t, "error_invalid_policy.json")))
				ae := apiErr(t, err, vngcloud.ErrInvalidInput, 400, "POLICY_PRODUCT_NOTFOUND")
				want(t, "message", ae.Message, "Product not found")
				want(t, "attempts", r.count(), 1)
			})
			t.Run(`400 {"errors":[null]}`, func(t *testing.T) {
				t.Parallel()
				_, _, err := run(t, reply(400, fixture(t, "error_null.json")))
				ae := apiErr(t, err, vngcloud.ErrInvalidInput, 400, "")
				want(t, "message", ae.Message, "Bad Request")
			})
			t.Run("400 empty body", func(t *testing.T) {
				t.Parallel()
				_, _, err := run(t, reply(400, ``))
				ae := apiErr(t, err, vngcloud.ErrInvalidInput, 400, "")
				want(t, "message", ae.Message, "Bad Request")
			})
			t.Run("401 then refresh", func(t *testing.T) {
				t.Parallel()
				r, h, err := run(t, reply(401, fixture(t, "error_unauthorized.json")), ok)
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				reqs := r.all()
				if len(reqs) != 2 {
					t.Fatalf("requests %+v", reqs)
				}
				want(t, "first token", reqs[0].Auth, "Bearer "+tokenN(1))
				want(t, "refreshed token", reqs[1].Auth, "Bearer "+tokenN(2))
				want(t, "token requests", h.tokenCalls.Load(), int32(2))
				if reqs[0].Body != reqs[1].Body {
					t.Errorf("the resent body differs: %q vs %q", reqs[0].Body, reqs[1].Body)
				}
			})
			t.Run("401 after refresh", func(t *testing.T) {
				t.Parallel()
				r, h, err := run(t, reply(401, fixture(t, "error_unauthorized.json")))
				ae := apiErr(t, err, vngcloud.ErrUnauthorized, 401, "UNAUTHORIZED")
				if ae.Hint == "" {
					t.Error("no hint")
				}
				want(t, "attempts", r.count(), 2)
				want(t, "token requests", h.tokenCalls.Load(), int32(2))
			})
			t.Run("403 bare array", func(t *testing.T) {
				t.Parallel()
				r, _, err := run(t, reply(403, fixture(t, "error_permission_denied.json")))
				ae := apiErr(t, err, vngcloud.ErrForbidden, 403, "IAM_PERMISSION_DENIED")
				want(t, "message", ae.Message, "IAM denied action")
				want(t, "attempts", r.count(), 1)
			})
			t.Run("404", func(t *testing.T) {
				t.Parallel()
				r, _, err := run(t, reply(404, fixture(t, "error_not_found.json")))
				apiErr(t, err, vngcloud.ErrNotFound, 404, "NOT_FOUND")
				want(t, "attempts", r.count(), 1)
			})
			t.Run("409", func(t *testing.T) {
				t.Parallel()
				r, _, err := run(t, reply(409, fixture(t, "error_conflict.json")))
				want(t, "attempts", r.count(), 1)
				if ensure {
					if err != nil {
						t.Fatalf("EnsurePolicyAttached: a 409 is success, got %v", err)
					}
					return
				}
				apiErr(t, err, vngcloud.ErrConflict, 409, "CONFLICT")
				if errors.Is(err, vngcloud.ErrMaybeApplied) {
					t.Error("a 409 is not 'maybe applied'")
				}
			})
			t.Run("500", func(t *testing.T) {
				t.Parallel()
				r, _, err := run(t, reply(500, fixture(t, "error_empty_list.json")))
				ae := apiErr(t, err, nil, 500, "")
				switch {
				case ensure:
					want(t, "attempts (one more after an unknown outcome)", r.count(), 2)
				case cc.once:
					want(t, "attempts", r.count(), 1)
				default:
					want(t, "attempts", r.count(), 1+testRetries)
				}
				want(t, "maybe applied", errors.Is(err, vngcloud.ErrMaybeApplied), cc.once)
				if cc.once && ae.Hint == "" {
					t.Error("a call that is not retried needs a hint on what to check")
				}
			})
			t.Run("502 HTML", func(t *testing.T) {
				t.Parallel()
				_, _, err := run(t, reply(502, fixture(t, "error_502.html")))
				ae := apiErr(t, err, nil, 502, "")
				want(t, "message", strings.TrimSuffix(ae.Message, " (after 3 attempts)"), "HTML error page: 502 Bad Gateway")
			})
			t.Run("2xx empty body", func(t *testing.T) {
				t.Parallel()
				_, _, err := run(t, reply(cc.okStatus, ``))
				if !cc.decodes {
					if err != nil {
						t.Fatalf("no body is expected here, got %v", err)
					}
					return
				}
				ae := apiErr(t, err, nil, cc.okStatus, "")
				if !strings.Contains(ae.Message, "empty") {
					t.Errorf("message %q", ae.Message)
				}
				want(t, "maybe applied", errors.Is(err, vngcloud.ErrMaybeApplied), cc.once)
			})
			t.Run("success", func(t *testing.T) {
				t.Parallel()
				r, _, err := run(t, ok)
				if err != nil {
					t.Fatal(err)
				}
				want(t, "attempts", r.count(), 1)
			})
			t.Run("cancelled context", func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				r := h.on(cc.method, cc.path, ok)
				if _, err := h.cc.Token(t.Context()); err != nil { // a cached token: the call itself sees the cancellation
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				cancel()
				err := cc.call(ctx, h.c)
				if !errors.Is(err, context.Canceled) || errors.Is(err, vngcloud.ErrMaybeApplied) {
					t.Fatalf("err = %v", err)
				}
				want(t, "requests", r.count(), 0)
			})
		})
	}
}

// TestRequestsCarryBearerAndJSON: every API request of the matrix carries
// the bearer token and asks for JSON; none carries the Basic credential.
func TestRequestsCarryBearerAndJSON(t *testing.T) {
	t.Parallel()
	for _, cc := range callCases(t) {
		h := newHarness(t)
		var got *http.Request
		h.mt.RegisterResponder(cc.method, root+cc.path, func(r *http.Request) (*http.Response, error) {
			got = r
			rec := &recorder{steps: []step{reply(cc.okStatus, cc.okBody)}}
			return rec.respond(r)
		})
		if cc.extra != nil {
			cc.extra(h)
		}
		if err := cc.call(t.Context(), h.c); err != nil {
			t.Fatalf("%s: %v", cc.name, err)
		}
		if got == nil {
			t.Fatalf("%s: no request", cc.name)
		}
		want(t, cc.name+" Authorization", got.Header.Get("Authorization"), "Bearer "+tokenN(1))
		want(t, cc.name+" Accept", got.Header.Get("Accept"), "application/json")
		if !strings.HasPrefix(got.Header.Get("User-Agent"), "vngcloud-go/") {
			t.Errorf("%s: User-Agent %q", cc.name, got.Header.Get("User-Agent"))
		}
	}
}

// TestInvalidInputSendsNothing: every method refuses a bad ID or bad
// paging options with a ValidationError naming itself, before any request
// (token requests included).
func TestInvalidInputSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{}`))
	doc := VStorageReadOnly()
	bad := &ListOptions{PageSize: -1}
	for name, call := range map[string]func(context.Context, *Client) error{
		"ListServiceAccounts": func(ctx context.Context, c *Client) error { _, err := c.ListServiceAccounts(ctx, bad); return err },
		"AllServiceAccounts":  func(ctx context.Context, c *Client) error { return first(c.AllServiceAccounts(ctx, bad)) },
		"GetServiceAccount":   func(ctx context.Context, c *Client) error { _, err := c.GetServiceAccount(ctx, ""); return err },
		"CreateServiceAccount": func(ctx context.Context, c *Client) error {
			_, err := c.CreateServiceAccount(ctx, CreateServiceAccountRequest{})
			return err
		},
		"UpdateServiceAccount": func(ctx context.Context, c *Client) error {
			return c.UpdateServiceAccount(ctx, "a/b", UpdateServiceAccountRequest{Description: vngcloud.Ptr("")})
		},
		"DeleteServiceAccount":      func(ctx context.Context, c *Client) error { return c.DeleteServiceAccount(ctx, "..") },
		"ResetServiceAccountSecret": func(ctx context.Context, c *Client) error { _, err := c.ResetServiceAccountSecret(ctx, ""); return err },
		"ListPolicies":              func(ctx context.Context, c *Client) error { _, err := c.ListPolicies(ctx, bad); return err },
		"AllPolicies":               func(ctx context.Context, c *Client) error { return first(c.AllPolicies(ctx, bad)) },
		"GetPolicy":                 func(ctx context.Context, c *Client) error { _, err := c.GetPolicy(ctx, "a b"); return err },
		"FindPolicyByName":          func(ctx context.Context, c *Client) error { _, err := c.FindPolicyByName(ctx, ""); return err },
		"CreatePolicy": func(ctx context.Context, c *Client) error {
			_, err := c.CreatePolicy(ctx, PolicyRequest{Name: "\x00", Document: doc})
			return err
		},
		"UpdatePolicy": func(ctx context.Context, c *Client) error {
			return c.UpdatePolicy(ctx, "", PolicyRequest{Name: "p", Document: doc})
		},
		"DeletePolicy":         func(ctx context.Context, c *Client) error { return c.DeletePolicy(ctx, "") },
		"AttachPolicy":         func(ctx context.Context, c *Client) error { return c.AttachPolicy(ctx, "", saID) },
		"EnsurePolicyAttached": func(ctx context.Context, c *Client) error { return c.EnsurePolicyAttached(ctx, fullAccessID, "") },
		"DetachPolicy":         func(ctx context.Context, c *Client) error { return c.DetachPolicy(ctx, "..", saID) },
		"ListServiceAccountPolicies": func(ctx context.Context, c *Client) error {
			_, err := c.ListServiceAccountPolicies(ctx, saID, &PageOptions{PageNumber: -1})
			return err
		},
		"AllServiceAccountPolicies": func(ctx context.Context, c *Client) error {
			return first(c.AllServiceAccountPolicies(ctx, saID, &PageOptions{PageSize: -2}))
		},
	} {
		err := call(t.Context(), h.c)
		var ve *vngcloud.ValidationError
		if !errors.As(err, &ve) || ve.Operation != "viam."+name {
			t.Errorf("%s: err = %#v", name, err)
		}
	}
	want(t, "requests", h.mt.GetTotalCallCount(), 0)
}

// TestCallCasesCoverEveryMethod: every exported method of Client that
// takes a context (found by reflection) has a case in callCases, so a new
// endpoint cannot be left out of the failure paths. See CONTRIBUTING.md.
func TestCallCasesCoverEveryMethod(t *testing.T) {
	t.Parallel()
	have := map[string]bool{}
	for _, cc := range callCases(t) {
		have[cc.name] = true
	}
	for _, m := range reliability.NetworkMethods(reflect.TypeFor[*Client]()) {
		if !have[m] {
			t.Errorf("viam.Client.%s has no case in callCases (errors_test.go): add one with its fixture", m)
		}
	}
}
