package viam_test

import (
	"context"
	"fmt"
	"log"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

// A preflight: who the credentials belong to, which vStorage actions a
// least-privilege policy can name, and who already holds a policy. Run
// against the in-memory vIAM of viamtest.
func ExampleClient_GetUserInfo() {
	iam := viamtest.NewServer()
	defer iam.Close()
	id, clientID, secret := iam.AddServiceAccount("ci-bot")
	cc, err := viam.NewClientCredentials(clientID, secret, vngcloud.WithEndpoint(iam.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c, err := viam.NewClient(vngcloud.WithTokenSource(cc), vngcloud.WithEndpoint(iam.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	me, err := c.GetUserInfo(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("caller:", me.Username, me.UserType, "in account", me.AccountID)

	actions, err := c.ListActions(ctx, viam.ProductVStorage)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("first action:", actions[0].Qualified(viam.ProductVStorage), actions[0].Label)

	pol, _ := iam.PolicyID(viam.PolicyVStorageReadOnlyAccess)
	if err := c.AttachPolicy(ctx, pol, id); err != nil {
		log.Fatal(err)
	}
	holders, err := c.ListPolicyServiceAccounts(ctx, pol)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("held by the caller:", len(holders) == 1 && holders[0] == me.UserID)
	// Output:
	// caller: ci-bot user-sa in account 53461
	// first action: vstorage:ListRegions List
	// held by the caller: true
}
