package demo

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/vstorage-sdk/vngcloud/viam"
)

// Names of what Sample creates.
const (
	SampleBucket         = "demo-photos"
	SampleServiceAccount = "demo-app"
	SamplePolicy         = "demo-app-vstorage"
)

// Sample fills the in-memory account with what a small account holds, so
// that a demo has something to show: a bucket, a service account with a
// vStorage policy and read/write on the bucket, an S3 key linked to that
// service account, and an unrestricted key. It goes through the public
// API, like any program would, and prints one line saying what it made.
// It refuses to run against the cloud.
func (e *Env) Sample(ctx context.Context, w io.Writer) error {
	if !e.Demo {
		return errors.New("demo: Sample only seeds the in-memory services")
	}
	p, err := e.Project(ctx)
	if err != nil {
		return err
	}
	if _, err := e.Storage.CreateBucket(ctx, p.ID, SampleBucket); err != nil {
		return err
	}
	sa, err := e.IAM.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: SampleServiceAccount, Description: "demo application"})
	if err != nil {
		return err
	}
	pid, err := e.IAM.CreatePolicy(ctx, viam.PolicyRequest{Name: SamplePolicy, Document: viam.VStorageFullAccess()})
	if err != nil {
		return err
	}
	if err := e.IAM.AttachPolicy(ctx, pid, sa.ID); err != nil {
		return err
	}
	pr, err := e.Storage.EnsureServiceAccountPrincipal(ctx, p.ID, sa.ID)
	if err != nil {
		return err
	}
	if _, _, err := GrantReadWrite(ctx, e.Storage, p.ID, SampleBucket, pr.ARN); err != nil {
		return err
	}
	linked, err := e.Storage.CreateS3Key(ctx, p.ID)
	if err != nil {
		return err
	}
	if err := e.Storage.LinkS3Key(ctx, p.ID, linked.ID, sa.ID); err != nil {
		return err
	}
	free, err := e.Storage.CreateS3Key(ctx, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "demo: seeded bucket %s, service account %s (policy %s, read/write on the bucket), S3 key %s linked to it, and unrestricted S3 key %s\n",
		SampleBucket, SampleServiceAccount, SamplePolicy, linked.AccessKey, free.AccessKey)
	return nil
}
