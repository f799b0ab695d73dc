package vstoragetest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// A program creates a key for a service account against the test
// servers exactly as it would against vIAM and vStorage.
func ExampleNewServer() {
	iam := viamtest.NewServer()
	defer iam.Close()
	st := vstoragetest.NewServer(iam)
	defer st.Close()
	project := st.AddProject("HCM04", "media")
	saID, clientID, secret := iam.AddServiceAccount("media-uploader")

	cc, err := viam.NewClientCredentials(clientID, secret, vngcloud.WithEndpoint(iam.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c, err := vstorage.NewClient(vngcloud.WithTokenSource(cc), vngcloud.WithEndpoint(st.URL()),
		vstorage.WithRegion("HCM04"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	if _, err := c.CreateBucket(ctx, project, "media-assets"); err != nil {
		log.Fatal(err)
	}
	key, err := c.CreateS3Key(ctx, project)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("secret shown once:", !key.SecretKey.IsZero(), key.SecretKey)
	if err := c.LinkS3Key(ctx, project, key.ID, saID); err != nil {
		log.Fatal(err)
	}
	p, err := c.EnsureServiceAccountPrincipal(ctx, project, saID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("principal:", p.ARN)
	if err := c.PutBucketPolicy(ctx, project, "media-assets", vstorage.ReadWriteBucketPolicy("media-assets", p.ARN)); err != nil {
		log.Fatal(err)
	}
	for _, k := range st.Keys(project) {
		fmt.Println("restricted:", k.Restricted(), k.SubUserID)
	}
	fmt.Println("buckets:", st.Buckets(project))
	// Output:
	// secret shown once: true [REDACTED]
	// principal: arn:aws:iam:::user/7d3b9e1f5a2c4d6e8b0a1c3e5f7d9b2a:sa-media-uploader
	// restricted: true 7d3b9e1f5a2c4d6e8b0a1c3e5f7d9b2a:sa-media-uploader
	// buckets: [media-assets]
}

// The documented refusals come back as the SDK's errors: the eleventh key,
// and calls that lack the region headers.
func ExampleServer_limits() {
	iam := viamtest.NewServer()
	defer iam.Close()
	st := vstoragetest.NewServer(iam)
	defer st.Close()
	project := st.AddProject("HCM04", "media")
	_, clientID, secret := iam.AddServiceAccount("ci-bot")
	cc, _ := viam.NewClientCredentials(clientID, secret, vngcloud.WithEndpoint(iam.URL()))
	c, _ := vstorage.NewClient(vngcloud.WithTokenSource(cc), vngcloud.WithEndpoint(st.URL()), vstorage.WithRegion("HCM04"))
	ctx := context.Background()

	for range vstoragetest.MaxKeys {
		if _, err := c.CreateS3Key(ctx, project); err != nil {
			log.Fatal(err)
		}
	}
	_, err := c.CreateS3Key(ctx, project)
	var ae *vngcloud.APIError
	errors.As(err, &ae)
	fmt.Println("11th key:", ae.Code, ae.Message, errors.Is(err, vngcloud.ErrConflict))

	// A client of another region sees no project there.
	han, _ := vstorage.NewClient(vngcloud.WithTokenSource(cc), vngcloud.WithEndpoint(st.URL()), vstorage.WithRegion("HAN02"))
	_, err = han.ListBuckets(ctx, project)
	fmt.Println("HAN02 client:", errors.Is(err, vngcloud.ErrForbidden))
	// Output:
	// 11th key: 114 Key number is reached to maximum value 10 true
	// HAN02 client: true
}

// A create whose answer is lost: the key exists, the client knows it may.
func ExampleServer_Inject() {
	iam := viamtest.NewServer()
	defer iam.Close()
	st := vstoragetest.NewServer(iam)
	defer st.Close()
	project := st.AddProject("HCM04", "media")
	_, clientID, secret := iam.AddServiceAccount("ci-bot")
	cc, _ := viam.NewClientCredentials(clientID, secret, vngcloud.WithEndpoint(iam.URL()))
	c, _ := vstorage.NewClient(vngcloud.WithTokenSource(cc), vngcloud.WithEndpoint(st.URL()), vstorage.WithRegion("HCM04"))

	st.Inject(vstoragetest.Fault{Method: "POST", Path: "users/s3_keys", Drop: vstoragetest.DropAfterAct})
	_, err := c.CreateS3Key(context.Background(), project)
	fmt.Println("maybe applied:", errors.Is(err, vngcloud.ErrMaybeApplied))
	fmt.Println("keys on the server:", len(st.Keys(project)))
	for _, call := range st.Calls() {
		fmt.Printf("%s %s %q region=%s\n", call.Method, call.Path, call.Fault, call.Header.Get("region"))
	}
	// Output:
	// maybe applied: true
	// keys on the server: 1
	// GET /api/v1/regions "" region=
	// POST /api/v1/users/s3_keys "drop after acting" region=3c6f4a52-8f1e-4b2a-9d0c-7e5b1a2f6d84
}
