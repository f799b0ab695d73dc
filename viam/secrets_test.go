package viam

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/vstorage-sdk/vngcloud"
)

// TestSecretsNeverLeak runs a flow that handles every kind of secret (the
// client secret and its Basic form, tokens, a new service account's
// secret, a reset secret) with a debug-level JSON logger attached, then
// searches the logs, every error and every formatted result for them.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	h := newHarness(t, vngcloud.WithRetries(1))
	const (
		saSecret    = "sa-sekrit-Xq7mP2vR9s"
		resetSecret = "reset-sekrit-Nw4eR6tY"
	)
	h.on(http.MethodPost, saPath,
		reply(201, fmt.Sprintf(`{"id":"s1","clientId":"c1","name":"n","clientSecret":%q}`, saSecret)),
		reply(503, `upstream error`))
	h.on(http.MethodPost, saPath+"/s1/reset-secret", reply(200, fmt.Sprintf(`{"clientSecret":%q}`, resetSecret)))
	h.on(http.MethodGet, saPath+"/s1", reply(401, fixture(t, "error_unauthorized.json")), reply(200, fixture(t, "service_account_get.json")))
	h.on(http.MethodGet, saPath+"/gone", reply(404, fixture(t, "error_not_found.json")))
	h.on(http.MethodPost, attachPath, reply(500, `{"errors":[]}`))

	var shown []string // everything a user could print
	show := func(vs ...any) {
		for _, v := range vs {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				shown = append(shown, fmt.Sprintf(verb, v))
			}
			if b, err := json.Marshal(v); err == nil {
				shown = append(shown, string(b))
			}
		}
	}
	showErr := func(err error) {
		if err == nil {
			t.Fatal("expected an error")
		}
		shown = append(shown, err.Error())
		show(err)
		var ae *vngcloud.APIError
		if errors.As(err, &ae) {
			shown = append(shown, ae.Message, ae.Hint, string(ae.Body))
		}
	}

	created, err := h.c.CreateServiceAccount(t.Context(), CreateServiceAccountRequest{Name: "n"})
	if err != nil {
		t.Fatal(err)
	}
	if created.ClientSecret.Reveal() != saSecret {
		t.Fatalf("secret %q", created.ClientSecret.Reveal())
	}
	show(&created, created, created.ClientSecret)
	reset, err := h.c.ResetServiceAccountSecret(t.Context(), "s1")
	if err != nil || reset.Reveal() != resetSecret {
		t.Fatalf("reset: %q, %v", reset.Reveal(), err)
	}
	show(reset)
	sa, err := h.c.GetServiceAccount(t.Context(), "s1") // 401, token refresh, 200
	if err != nil {
		t.Fatal(err)
	}
	show(sa)
	_, err = h.c.GetServiceAccount(t.Context(), "gone")
	showErr(err)
	_, err = h.c.CreateServiceAccount(t.Context(), CreateServiceAccountRequest{Name: "n"}) // 503, maybe applied
	showErr(err)
	showErr(h.c.AttachPolicy(t.Context(), fullAccessID, saID))
	tok, err := h.cc.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	show(tok, h.cc, *h.cc, h.c)
	slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})).Debug("user log", "cc", h.cc, "created", created, "tok", tok)

	// A refused client secret: its token error, through the client.
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, root+TokenPathV2, httpmock.NewStringResponder(401, fixture(t, "token_error_authentication_failed.json")))
	logger := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts := []vngcloud.Option{vngcloud.WithEndpoint(root), vngcloud.WithHTTPClient(&http.Client{Transport: mt}), vngcloud.WithLogger(logger)}
	bad, err := NewClientCredentials(testClientID, vngcloud.Secret("wrong-sekrit-secret"), vngcloud.Options(opts...))
	if err != nil {
		t.Fatal(err)
	}
	badClient, err := NewClient(append(opts, vngcloud.WithTokenSource(bad))...)
	if err != nil {
		t.Fatal(err)
	}
	_, err = badClient.ListPolicies(t.Context(), nil)
	showErr(err)
	if !errors.Is(err, vngcloud.ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}

	logs := h.logs.String()
	for _, must := range []string{`"level":"DEBUG"`, `"op":"viam.Token"`, `"op":"viam.CreateServiceAccount"`, `"status":401`, "user log"} {
		if !strings.Contains(logs, must) {
			t.Fatalf("the debug log lacks %s; the test would prove nothing:\n%s", must, logs)
		}
	}
	secrets := []string{"sekrit", testClientSecret, testBasic, saSecret, resetSecret, tokenN(1), tokenN(2),
		"Xq7mP2vR9sT4wY6zB8nC1dF3gH5jK0Lf"}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("%q is in the logs:\n%s", s, logs)
		}
		for _, out := range shown {
			if strings.Contains(out, s) {
				t.Errorf("%q is in the output %q", s, out)
			}
		}
	}
	if len(shown) < 40 {
		t.Fatalf("only %d outputs were checked", len(shown))
	}
}
