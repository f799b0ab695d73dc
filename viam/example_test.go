package viam_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
)

// fakeIAM is a minimal in-process vIAM: the token endpoint, the service
// account list and create, the policy list and get, and the attach call,
// with the shapes of the files under testdata/.
func fakeIAM() *httptest.Server {
	const token = "example-token"
	var mu sync.Mutex
	accounts := []map[string]any{
		{"id": "sa-1", "clientId": "client-1", "name": "backup-uploader", "accessTokenLifeSpan": 1800, "enabled": true},
		{"id": "sa-2", "clientId": "client-2", "name": "ci.deploy_bot", "accessTokenLifeSpan": 3600, "enabled": true},
		{"id": "sa-3", "clientId": "client-3", "name": "log reader", "accessTokenLifeSpan": 1800, "enabled": false},
	}
	policies := []map[string]any{
		{"id": "pol-full", "name": "vStorageFullAccess", "description": "Provides full access to vStorage", "manager": "VNG CLOUD",
			"statements": []any{map[string]any{"effect": "allow", "actions": []string{"vstorage:*"}, "resources": []string{"*"}}}},
		{"id": "pol-ro", "name": "vStorageReadOnlyAccess", "manager": "VNG CLOUD"},
	}
	attached := map[string]bool{}
	writeJSON := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	page := func(w http.ResponseWriter, r *http.Request, rows []map[string]any) {
		n, _ := strconv.Atoi(r.URL.Query().Get("pageNumber"))
		size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		if n < 0 || size <= 0 {
			writeJSON(w, 400, map[string]any{"errors": []any{nil}})
			return
		}
		from, to := min(n*size, len(rows)), min((n+1)*size, len(rows))
		writeJSON(w, 200, map[string]any{"data": rows[from:to], "pageNumber": n, "pageSize": size,
			"totalItems": len(rows), "totalPages": (len(rows) + size - 1) / size})
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /accounts-api/v2/auth/token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != "example-client" || secret != "example-secret" || r.FormValue("grant_type") != "client_credentials" {
			writeJSON(w, 401, map[string]any{"errors": []any{map[string]string{"code": "AUTHENTICATION_FAILED", "message": "Authentication failed"}}})
			return
		}
		writeJSON(w, 200, map[string]any{"token_type": "Bearer", "access_token": token, "expires_in": 1800, "refresh_expires_in": 0})
	})
	mux.HandleFunc("GET /accounts-api/v1/service-accounts", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		page(w, r, accounts)
	})
	mux.HandleFunc("POST /accounts-api/v1/service-accounts", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Name, Description string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		mu.Lock()
		defer mu.Unlock()
		sa := map[string]any{"id": "sa-" + strconv.Itoa(len(accounts)+1), "clientId": "client-new", "name": in.Name,
			"description": in.Description, "accessTokenLifeSpan": 1800, "enabled": true}
		accounts = append(accounts, sa)
		out := map[string]any{"clientSecret": "generated-secret"}
		for k, v := range sa {
			out[k] = v
		}
		writeJSON(w, 201, out)
	})
	mux.HandleFunc("GET /policies-api/v1/policies", func(w http.ResponseWriter, r *http.Request) {
		var rows []map[string]any
		for _, p := range policies {
			if strings.Contains(strings.ToLower(p["name"].(string)), strings.ToLower(r.URL.Query().Get("name"))) {
				rows = append(rows, map[string]any{"id": p["id"], "name": p["name"]})
			}
		}
		page(w, r, rows)
	})
	mux.HandleFunc("GET /policies-api/v1/policies/{id}", func(w http.ResponseWriter, r *http.Request) {
		for _, p := range policies {
			if p["id"] == r.PathValue("id") {
				writeJSON(w, 200, p)
				return
			}
		}
		writeJSON(w, 404, map[string]any{"errors": []any{map[string]string{"code": "NOT_FOUND", "message": "Policy not found"}}})
	})
	mux.HandleFunc("POST /policies-api/v1/policies/{policy}/service-accounts/{sa}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		key := r.PathValue("policy") + "/" + r.PathValue("sa")
		if attached[key] {
			writeJSON(w, 409, map[string]any{"errors": []any{map[string]string{"code": "CONFLICT", "message": "Policy is already attached"}}})
			return
		}
		attached[key] = true
		w.WriteHeader(http.StatusNoContent)
	})
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/accounts-api/v2/auth/token" && r.Header.Get("Authorization") != "Bearer "+token {
			writeJSON(w, 401, map[string]any{"errors": []any{map[string]string{"code": "UNAUTHORIZED", "message": "missing or bad token"}}})
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

// newExampleClient builds a client for the fake server the way a program
// builds one for the real service, minus the endpoint.
func newExampleClient(srv *httptest.Server) *viam.Client {
	cc, err := viam.NewClientCredentials("example-client", vngcloud.Secret("example-secret"), vngcloud.WithEndpoint(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	c, err := viam.NewClient(vngcloud.WithEndpoint(srv.URL), vngcloud.WithTokenSource(cc))
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func ExampleNewClientCredentials() {
	srv := fakeIAM() // a stand-in for https://iamapis.vngcloud.vn/
	defer srv.Close()
	ctx := context.Background()

	// In a program: os.Getenv("VNGCLOUD_CLIENT_ID"), os.Getenv("VNGCLOUD_CLIENT_SECRET"),
	// and no WithEndpoint.
	cc, err := viam.NewClientCredentials("example-client", vngcloud.Secret("example-secret"),
		vngcloud.WithEndpoint(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := cc.Token(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("token:", tok) // a Secret prints redacted
	fmt.Println("client ID:", cc.ClientID(), "variant:", cc.Variant())

	// The same source serves a viam client (and a vstorage client).
	c, err := viam.NewClient(vngcloud.WithEndpoint(srv.URL), vngcloud.WithTokenSource(cc))
	if err != nil {
		log.Fatal(err)
	}
	page, err := c.ListServiceAccounts(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("service accounts:", page.TotalItems)

	// A wrong secret is an ErrUnauthorized that says what to check.
	bad, _ := viam.NewClientCredentials("example-client", vngcloud.Secret("wrong"), vngcloud.WithEndpoint(srv.URL))
	_, err = bad.Token(ctx)
	fmt.Println(errors.Is(err, vngcloud.ErrUnauthorized))
	var ae *vngcloud.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.Code)
		fmt.Println(ae.Hint)
	}
	// Output:
	// token: [REDACTED]
	// client ID: example-client variant: v2
	// service accounts: 3
	// true
	// AUTHENTICATION_FAILED
	// check VNGCLOUD_CLIENT_ID (client ID "example-client") and the client secret (VNGCLOUD_CLIENT_SECRET)
}

func ExampleClient_CreateServiceAccount() {
	srv := fakeIAM()
	defer srv.Close()
	c := newExampleClient(srv)

	sa, err := c.CreateServiceAccount(context.Background(), viam.CreateServiceAccountRequest{
		Name:        "uploader",
		Description: "writes nightly backups",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sa.ID, sa.Name, sa.ClientID)
	fmt.Println("secret:", sa.ClientSecret) // redacted when printed
	// Store it now: it is never shown again. Reveal gives the value.
	fmt.Println("secret length:", len(sa.ClientSecret.Reveal()))

	// Names are checked before anything is sent.
	_, err = c.CreateServiceAccount(context.Background(), viam.CreateServiceAccountRequest{Name: "uploader/1"})
	fmt.Println(err)
	// Output:
	// sa-4 uploader client-new
	// secret: [REDACTED]
	// secret length: 16
	// vngcloud: viam.CreateServiceAccount: Name: '/' at position 9 is not allowed; use letters, digits, '.', '_', '-' or spaces
}

func ExampleClient_AllServiceAccounts() {
	srv := fakeIAM()
	defer srv.Close()
	c := newExampleClient(srv)

	// Pages of two: the iterator fetches page 0, then page 1, as the loop
	// needs them.
	for sa, err := range c.AllServiceAccounts(context.Background(), &viam.ListOptions{PageSize: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s (enabled: %t)\n", sa.Name, sa.Enabled)
	}
	// Output:
	// backup-uploader (enabled: true)
	// ci.deploy_bot (enabled: true)
	// log reader (enabled: false)
}

func ExampleClient_EnsurePolicyAttached() {
	srv := fakeIAM()
	defer srv.Close()
	c := newExampleClient(srv)
	ctx := context.Background()

	p, err := c.FindPolicyByName(ctx, viam.PolicyVStorageFullAccess)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.ID, p.Managed(), p.Document.Statements[0].Actions)

	// Safe to repeat: an existing attachment (409) counts as success.
	for range 2 {
		if err := c.EnsurePolicyAttached(ctx, p.ID, "sa-1"); err != nil {
			log.Fatal(err)
		}
		fmt.Println("attached")
	}
	// AttachPolicy reports the repeat as a conflict.
	err = c.AttachPolicy(ctx, p.ID, "sa-1")
	fmt.Println(errors.Is(err, vngcloud.ErrConflict))

	_, err = c.FindPolicyByName(ctx, "vStorageNoSuchPolicy")
	fmt.Println(errors.Is(err, vngcloud.ErrNotFound))
	// Output:
	// pol-full true [vstorage:*]
	// attached
	// attached
	// true
	// true
}

func ExampleParsePolicyDocument() {
	doc, err := viam.ParsePolicyDocument([]byte(`{"statements":[
		{"effect":"allow","actions":["vstorage:List*","vstorage:Get*"],"resources":["*"]}]}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(doc.Statements[0].Effect, doc.Statements[0].Actions)

	// An S3 bucket policy is not a vIAM policy.
	_, err = viam.ParsePolicyDocument([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`))
	fmt.Println(err)
	// Output:
	// allow [vstorage:List* vstorage:Get*]
	// vngcloud: viam.ParsePolicyDocument: document: has the key "Statement": this is an AWS/S3 bucket-policy document; vIAM expects lower-case statements/effect/actions/resources — for bucket access use vstorage bucket policies
}

func ExampleVStorageReadOnly() {
	b, _ := json.Marshal(viam.VStorageReadOnly())
	fmt.Println(string(b))
	// Output:
	// {"statements":[{"effect":"allow","actions":["vstorage:List*","vstorage:Get*"],"resources":["*"]}]}
}
