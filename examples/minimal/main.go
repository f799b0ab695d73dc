// Command minimal is the README's Quick start: it creates an S3 key in a
// vStorage project and writes an s3cmd config file for it, s3cnf.s3cfg.
// Given a bucket name, it restricts the key by vIAM to that bucket: the key
// is linked to a service account, which a bucket policy lets use that one
// bucket.
//
//	go run ./examples/minimal            # a plain key
//	go run ./examples/minimal my-bucket  # a key restricted to my-bucket
package main

import (
	"cmp"
	"context"
	"fmt"
	"os"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	// The endpoints can be moved (the tests point them at local servers).
	iamURL := cmp.Or(os.Getenv("VNGCLOUD_IAM_ENDPOINT"), viam.DefaultEndpoint)
	storageURL := cmp.Or(os.Getenv("VNGCLOUD_VSTORAGE_ENDPOINT"), vstorage.DefaultEndpoint)
	tokens, err := viam.NewClientCredentials(os.Getenv("VNGCLOUD_CLIENT_ID"),
		vngcloud.Secret(os.Getenv("VNGCLOUD_CLIENT_SECRET")), vngcloud.WithEndpoint(iamURL))
	if err != nil {
		return err
	}
	iam, err := viam.NewClient(vngcloud.WithTokenSource(tokens), vngcloud.WithEndpoint(iamURL))
	if err != nil {
		return err
	}
	storage, err := vstorage.NewClient(vngcloud.WithTokenSource(tokens), vngcloud.WithEndpoint(storageURL),
		vstorage.WithRegion("HCM04"))
	if err != nil {
		return err
	}

	req := vstorage.SetupRequest{
		Storage:   storage,
		IAM:       iam,
		ProjectID: os.Getenv("VNGCLOUD_PROJECT_ID"),         // empty: the region's first project
		Config:    &vstorage.S3cmdFile{Path: "s3cnf.s3cfg"}, // mode 0600; never overwritten
	}
	if len(args) > 0 { // restricted: the key acts as a service account that may use one bucket
		req.Bucket = args[0]
		req.Restrict = &vstorage.Restriction{ServiceAccount: "app-" + args[0]}
	}
	// Setup checks everything before it changes anything; if a step fails
	// later, it undoes what it created and the error says what became of it.
	res, err := vstorage.Setup(ctx, req)
	if err != nil {
		return err
	}
	fmt.Println("created S3 key", res.Key.AccessKey, "in project", res.Project.Name)
	if res.ServiceAccount != nil {
		fmt.Println("linked it to service account", res.ServiceAccount.Name, "which may use bucket", req.Bucket)
	}
	fmt.Println("wrote", res.ConfigWritten, "- try: s3cmd -c s3cnf.s3cfg ls")
	return nil
}
