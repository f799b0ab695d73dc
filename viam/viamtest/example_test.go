package viamtest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

// A program logs in as a seeded service account and manages vIAM through
// the test server exactly as it would through the real one.
func ExampleNewServer() {
	iam := viamtest.NewServer()
	defer iam.Close()
	_, clientID, secret := iam.AddServiceAccount("ci-bot")

	cc, err := viam.NewClientCredentials(clientID, secret, vngcloud.WithEndpoint(iam.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c, err := viam.NewClient(vngcloud.WithTokenSource(cc), vngcloud.WithEndpoint(iam.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	sa, err := c.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "media-uploader"})
	if err != nil {
		log.Fatal(err)
	}
	full, err := c.FindPolicyByName(ctx, viam.PolicyVStorageFullAccess)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("attach:", c.AttachPolicy(ctx, full.ID, sa.ID))
	err = c.AttachPolicy(ctx, full.ID, sa.ID)
	fmt.Println("again is a conflict:", errors.Is(err, vngcloud.ErrConflict))
	fmt.Println("policies:", iam.ServiceAccountPolicies(sa.ID))
	fmt.Println("tokens issued:", iam.TokensIssued())
	// Output:
	// attach: <nil>
	// again is a conflict: true
	// policies: [vStorageFullAccess]
	// tokens issued: 1
}

// Faults make the next calls fail; Calls shows what the client sent.
func ExampleServer_Inject() {
	iam := viamtest.NewServer()
	defer iam.Close()
	_, clientID, secret := iam.AddServiceAccount("ci-bot")
	cc, _ := viam.NewClientCredentials(clientID, secret, vngcloud.WithEndpoint(iam.URL()))
	c, _ := viam.NewClient(vngcloud.WithTokenSource(cc), vngcloud.WithEndpoint(iam.URL()),
		vngcloud.WithRetryWait(0, 0))
	ctx := context.Background()

	// A read is retried past a 503.
	iam.Inject(viamtest.Fault{Method: "GET", Path: "/policies", Status: 503})
	_, err := c.ListPolicies(ctx, nil)
	fmt.Println("list:", err)

	// A create whose answer is lost may have happened: the client says so.
	iam.Inject(viamtest.Fault{Method: "POST", Path: "/service-accounts", Drop: viamtest.DropAfterAct})
	_, err = c.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "lost-answer"})
	fmt.Println("maybe applied:", errors.Is(err, vngcloud.ErrMaybeApplied))
	p, _ := c.ListServiceAccounts(ctx, &viam.ListOptions{Name: "lost-answer"})
	fmt.Println("it exists:", p.TotalItems == 1)

	for _, call := range iam.Calls() {
		fmt.Printf("%s %s %d %q\n", call.Method, call.Path, call.Status, call.Fault)
	}
	// Output:
	// list: <nil>
	// maybe applied: true
	// it exists: true
	// POST /accounts-api/v2/auth/token 200 ""
	// GET /policies-api/v1/policies 503 "status 503"
	// GET /policies-api/v1/policies 200 ""
	// POST /accounts-api/v1/service-accounts 0 "drop after acting"
	// GET /accounts-api/v1/service-accounts 200 ""
}
