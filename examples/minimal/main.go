// Command minimal is the README's Quick start: it creates an S3 key in a
// vStorage project and writes an s3cmd config file for it, s3cnf.s3cfg.
// Given a bucket name, it first restricts the key by vIAM to that bucket:
// the key is linked to a new service account, which a bucket policy lets use
// that one bucket.
//
//	go run ./examples/minimal            # a plain key
//	go run ./examples/minimal my-bucket  # a key restricted to my-bucket
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
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
	if _, err := os.Stat("s3cnf.s3cfg"); err == nil {
		return errors.New("s3cnf.s3cfg exists: move it away first") // before a key is made
	}
	project := os.Getenv("VNGCLOUD_PROJECT_ID")
	tokens, err := viam.NewClientCredentials(os.Getenv("VNGCLOUD_CLIENT_ID"),
		vngcloud.Secret(os.Getenv("VNGCLOUD_CLIENT_SECRET")), endpoint("VNGCLOUD_IAM_ENDPOINT")...)
	if err != nil {
		return err
	}
	storage, err := vstorage.NewClient(append(endpoint("VNGCLOUD_VSTORAGE_ENDPOINT"),
		vngcloud.WithTokenSource(tokens), vngcloud.WithRegion("HCM04"))...)
	if err != nil {
		return err
	}

	var account viam.CreatedServiceAccount
	if len(args) > 0 { // restricted flow: service account, bucket, bucket policy
		bucket := args[0]
		iam, err := viam.NewClient(append(endpoint("VNGCLOUD_IAM_ENDPOINT"), vngcloud.WithTokenSource(tokens))...)
		if err != nil {
			return err
		}
		account, err = iam.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "app-" + bucket})
		if err != nil {
			return err
		}
		principal, err := storage.EnsureServiceAccountPrincipal(ctx, project, account.ID)
		if err != nil {
			return err
		}
		if _, err := storage.CreateBucket(ctx, project, bucket); err != nil {
			return err
		}
		policy := vstorage.ReadWriteBucketPolicy(bucket, principal.ARN)
		if err := storage.PutBucketPolicy(ctx, project, bucket, policy); err != nil {
			return err
		}
		fmt.Println("service account", account.Name, "may use bucket", bucket)
	}

	key, err := storage.CreateS3Key(ctx, project) // sent once; on ErrMaybeApplied, list the keys first
	if err != nil {
		return err
	}
	fmt.Println("created S3 key", key.AccessKey)
	if account.ID != "" {
		if err := storage.LinkS3Key(ctx, project, key.ID, account.ID); err != nil {
			return fmt.Errorf("the key %s exists but is not restricted: %w", key.AccessKey, err)
		}
		fmt.Println("linked the key to", account.Name)
	}

	conf, err := s3cfg.VStorage{AccessKey: key.AccessKey, SecretKey: key.SecretKey, Region: "HCM04"}.Short()
	if err != nil {
		return err
	}
	if _, err := s3cfg.WriteFile("s3cnf.s3cfg", conf, s3cfg.WriteOptions{}); err != nil { // 0600; never overwrites
		return fmt.Errorf("the key %s exists, but its secret was not saved: %w", key.AccessKey, err)
	}
	fmt.Println("wrote s3cnf.s3cfg; try: s3cmd -c s3cnf.s3cfg ls")
	return nil
}

// endpoint returns the option to use the URL in an environment variable
// instead of the default endpoint, if it is set (the tests set it to local
// test servers).
func endpoint(variable string) []vngcloud.Option {
	if url := os.Getenv(variable); url != "" {
		return []vngcloud.Option{vngcloud.WithEndpoint(url)}
	}
	return nil
}
