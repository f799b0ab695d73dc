package vstorage_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// fakeVStorage is a tiny in-memory vStorage management API with the
// payload shapes of testdata/ (a project "p1" in HCM04 holding the bucket
// "media-assets"), enough for the examples.
func fakeVStorage() *httptest.Server {
	const regionID = "3c6f4a52-8f1e-4b2a-9d0c-7e5b1a2f6d84"
	var mu sync.Mutex
	buckets := []string{"media-assets"}
	type key struct{ id, access, sub string }
	var keys []key
	policies := map[string]string{}
	// The account's one service account: its vIAM ID and its name. The
	// storage sub-user is named after the NAME; the calls take the ID.
	serviceAccounts := map[string]string{exampleSAID: "media-uploader"}
	n := 0

	ok := func(w http.ResponseWriter, field string, v any) {
		body := map[string]any{"success": true, "code": 200}
		if field != "" {
			body[field] = v
		}
		json.NewEncoder(w).Encode(body)
	}
	fail := func(w http.ResponseWriter, code int, msg string) {
		json.NewEncoder(w).Encode(map[string]any{"success": false, "code": code, "errorMsg": msg})
	}
	keyJSON := func(k key) map[string]any {
		var sub any
		if k.sub != "" {
			sub = k.sub
		}
		return map[string]any{"userKeyId": k.id, "accessKey": k.access, "subUserId": sub, "projectId": "p1",
			"regionId": regionID, "secretKey": nil, "createdDate": "12/10/2026 09:00", "status": 1}
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		path := strings.TrimPrefix(r.URL.Path, "/api/v1/")
		if path != "regions" && r.Header.Get("region") != regionID {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `[{"code":"IAM_PERMISSION_DENIED","message":"IAM denied action"}]`)
			return
		}
		seg := strings.Split(path, "/")
		switch {
		case path == "regions":
			ok(w, "datas", []map[string]any{{"regionId": regionID, "regionName": "HCM04", "status": 1}})
		case path == "ceph/projects/p1" && r.Method == "GET":
			var out []map[string]any
			for _, b := range buckets {
				out = append(out, map[string]any{"name": b, "count": 0, "size": 0, "createdDate": "09/10/2026 21:30"})
			}
			json.NewEncoder(w).Encode(map[string]any{"success": true, "code": 200, "isNext": false, "datas": out})
		case len(seg) == 5 && seg[2] == "p1" && seg[3] == "buckets":
			b := seg[4]
			switch r.Method {
			case "POST":
				if !slices.Contains(buckets, b) {
					buckets = append(buckets, b)
				}
				ok(w, "data", map[string]any{"name": b, "count": 0})
			case "DELETE":
				if !slices.Contains(buckets, b) {
					fail(w, 404, "Bucket not found")
					return
				}
				buckets = slices.DeleteFunc(buckets, func(s string) bool { return s == b })
				ok(w, "", nil)
			}
		case len(seg) == 6 && seg[5] == "policy":
			switch r.Method {
			case "PUT":
				var body struct{ Policy string }
				json.NewDecoder(r.Body).Decode(&body)
				policies[seg[4]] = body.Policy
				ok(w, "", nil)
			case "GET":
				if p, found := policies[seg[4]]; found {
					ok(w, "data", p)
				} else {
					ok(w, "data", nil)
				}
			}
		case path == "users/details":
			name, known := serviceAccounts[strings.TrimPrefix(r.URL.Query().Get("iam_account_id"), "sa-")]
			if !known {
				fail(w, 114, "StatusCode=404 service account not found")
				return
			}
			ok(w, "data", map[string]any{"subUserId": "ops-53001234:sa-" + name})
		case path == "users/s3_keys" && r.Method == "GET":
			out := []map[string]any{}
			for _, k := range keys {
				out = append(out, keyJSON(k))
			}
			ok(w, "datas", out)
		case path == "users/s3_keys" && r.Method == "POST":
			n++
			k := key{id: fmt.Sprintf("key-%d", n), access: fmt.Sprintf("AKEXAMPLE%04d", n)}
			keys = append(keys, k)
			ok(w, "data", map[string]any{"userKeyId": k.id, "accessKey": k.access, "secretKey": "example-secret-value"})
		case len(seg) == 4 && seg[1] == "s3_keys" && r.Method == "PUT":
			i := slices.IndexFunc(keys, func(k key) bool { return k.id == seg[2] })
			if i < 0 {
				fail(w, 114, "S3 key not found")
				return
			}
			var body struct{ ServiceAccountID string }
			json.NewDecoder(r.Body).Decode(&body)
			name, known := serviceAccounts[body.ServiceAccountID]
			switch {
			case seg[3] == "attach" && !known:
				fail(w, 114, "StatusCode=404 service account not found")
			case seg[3] == "attach" && keys[i].sub != "":
				fail(w, 114, "This S3 key is already attached with this service account")
			case seg[3] == "attach":
				keys[i].sub = "ops-53001234:sa-" + name
				ok(w, "", nil)
			case keys[i].sub == "":
				fail(w, 114, "This S3 key is not attached to any service account.")
			default:
				keys[i].sub = ""
				ok(w, "", nil)
			}
		case len(seg) == 3 && seg[1] == "s3_keys" && r.Method == "DELETE":
			i := slices.IndexFunc(keys, func(k key) bool { return k.id == seg[2] })
			if i < 0 {
				fail(w, 114, "Could not delete s3 keys. InvalidAccessKeyId")
				return
			}
			keys = slices.Delete(keys, i, i+1)
			ok(w, "", nil)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
}

// newExampleClient points a client at the fake server.
func newExampleClient(srv *httptest.Server) *vstorage.Client {
	c, err := vstorage.NewClient(
		vngcloud.WithEndpoint(srv.URL+"/api/v1/"),
		vngcloud.WithTokenSource(vngcloud.StaticToken("example-token")),
		vstorage.WithRegion("HCM04"),
	)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func ExampleNewClient() {
	// The documented API for service-account tokens, in HCM04 by default.
	c, err := vstorage.NewClient(vngcloud.WithTokenSource(vngcloud.StaticToken("token")))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Endpoint(), c.Region())

	// A management region name picks the storage region and its API.
	c, _ = vstorage.NewClient(vstorage.WithRegion("han-1"))
	fmt.Println(c.Endpoint(), c.Region())

	// The console API (IAM-user tokens), without code changes.
	c, _ = vstorage.NewClient(vngcloud.WithEndpoint(vstorage.ConsoleEndpoint), vstorage.WithRegion("HCM04"))
	fmt.Println(c.Endpoint(), c.Region())
	// Output:
	// https://hcm04-api.vstorage.vngcloud.vn/api/v1/ HCM04
	// https://han02-api.vstorage.vngcloud.vn/api/v1/ HAN02
	// https://vstorage.console.greennode.ai/internal/v1/ HCM04
}

func ExampleValidateBucketName() {
	for _, name := range []string{"media-assets", "Media_Assets", "10.0.0.1"} {
		fmt.Println(name, errors.Is(vstorage.ValidateBucketName(name), vngcloud.ErrInvalidInput))
	}
	fmt.Println(vstorage.ValidateBucketName("a..b"))
	// Output:
	// media-assets false
	// Media_Assets true
	// 10.0.0.1 true
	// vngcloud: vstorage.ValidateBucketName: bucket: breaks the S3 bucket naming rules: "a..b" must not contain two adjacent dots
}

func ExampleReadWriteBucketPolicy() {
	p := vstorage.ReadWriteBucketPolicy("media-assets", vstorage.PrincipalARN("ops-53001234:sa-media-uploader"))
	for _, s := range p.Statement {
		fmt.Println(s.Sid, s.Principal.AWS, s.Resource)
		fmt.Println("  ", strings.Join(s.Action, " "))
	}
	// Output:
	// ReadWriteBucket [arn:aws:iam:::user/ops-53001234:sa-media-uploader] [arn:aws:s3:::media-assets]
	//    s3:ListBucket s3:GetBucketLocation s3:ListBucketMultipartUploads
	// ReadWriteObjects [arn:aws:iam:::user/ops-53001234:sa-media-uploader] [arn:aws:s3:::media-assets/*]
	//    s3:GetObject s3:PutObject s3:DeleteObject s3:AbortMultipartUpload s3:ListMultipartUploadParts
}

func ExampleClient_ListBuckets() {
	srv := fakeVStorage()
	defer srv.Close()
	c := newExampleClient(srv)
	ctx := context.Background()

	if _, err := c.CreateBucket(ctx, "p1", "media-logs"); err != nil {
		log.Fatal(err)
	}
	buckets, err := c.ListBuckets(ctx, "p1")
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range buckets {
		fmt.Println(b.Name, b.CreatedAt.Format("2006-01-02 15:04 -0700"))
	}
	// Output:
	// media-assets 2026-10-09 21:30 +0700
	// media-logs 2026-10-09 21:30 +0700
}

func ExampleClient_DeleteBucket() {
	srv := fakeVStorage()
	defer srv.Close()
	c := newExampleClient(srv)
	ctx := context.Background()

	// WARNING: this deletes the bucket even if it holds objects.
	fmt.Println(c.DeleteBucket(ctx, "p1", "media-assets"))
	err := c.DeleteBucket(ctx, "p1", "media-assets")
	fmt.Println(errors.Is(err, vngcloud.ErrNotFound))
	// Output:
	// <nil>
	// true
}

func ExampleClient_CreateS3Key() {
	srv := fakeVStorage()
	defer srv.Close()
	c := newExampleClient(srv)

	k, err := c.CreateS3Key(context.Background(), "p1")
	if err != nil {
		// errors.Is(err, vngcloud.ErrMaybeApplied): list the keys and
		// delete any you do not know.
		log.Fatal(err)
	}
	fmt.Printf("%s %s secret=%v restricted=%v\n", k.ID, k.AccessKey, k.SecretKey, k.Restricted())
	fmt.Println(len(k.SecretKey.Reveal()) > 0) // hand Reveal() to the S3 client only
	// Output:
	// key-1 AKEXAMPLE0001 secret=[REDACTED] restricted=false
	// true
}

// exampleSAID is the vIAM ID of the examples' service account
// "media-uploader", as viam.ServiceAccount.ID gives it.
const exampleSAID = "8f2c1e04-5b7a-4d2e-9c61-3a0f7e9b1d25"

// The recipe of a key that can read and write one bucket only (the
// console's "link a key to a service account"): the service account's
// principal in the bucket policy, and a key linked to the service account.
// Both calls take the service account's vIAM ID, not its name.
func ExampleClient_LinkS3Key() {
	srv := fakeVStorage()
	defer srv.Close()
	c := newExampleClient(srv)
	ctx := context.Background()
	const project, sa = "p1", exampleSAID

	p, err := c.EnsureServiceAccountPrincipal(ctx, project, sa)
	if err != nil {
		log.Fatal(err)
	}
	if err := c.PutBucketPolicy(ctx, project, "media-assets", vstorage.ReadWriteBucketPolicy("media-assets", p.ARN)); err != nil {
		log.Fatal(err)
	}
	k, err := c.CreateS3Key(ctx, project)
	if err != nil {
		log.Fatal(err)
	}
	if err := c.LinkS3Key(ctx, project, k.ID, sa); err != nil {
		// Do not keep an unrestricted key around: delete it.
		_ = c.DeleteS3Key(ctx, project, k.ID)
		log.Fatal(err)
	}
	got, _ := c.GetS3Key(ctx, project, k.ID)
	fmt.Println("principal:", p.ARN)
	fmt.Println("restricted:", got.Restricted(), "as", got.ServiceAccountName())

	err = c.LinkS3Key(ctx, project, k.ID, sa)
	fmt.Println("repeat link is a conflict:", errors.Is(err, vngcloud.ErrConflict))

	if err := c.UnlinkS3Key(ctx, project, k.ID); err != nil {
		log.Fatal(err)
	}
	got, _ = c.GetS3Key(ctx, project, k.ID)
	fmt.Println("restricted after unlink:", got.Restricted())
	fmt.Println(c.DeleteS3Key(ctx, project, k.ID))
	// Output:
	// principal: arn:aws:iam:::user/ops-53001234:sa-media-uploader
	// restricted: true as media-uploader
	// repeat link is a conflict: true
	// restricted after unlink: false
	// <nil>
}

func ExampleClient_GetBucketPolicy() {
	srv := fakeVStorage()
	defer srv.Close()
	c := newExampleClient(srv)
	ctx := context.Background()

	p, err := c.GetBucketPolicy(ctx, "p1", "media-assets")
	fmt.Println(len(p.Statement), err) // no policy yet: no statement, no error

	policy := vstorage.ReadWriteBucketPolicy("media-assets", vstorage.PrincipalARN("ops-53001234:sa-app"))
	policy.Statement = append(policy.Statement, vstorage.PolicyStatement{
		Sid: "PublicRead", Effect: vstorage.EffectAllow, Principal: vstorage.AnyonePrincipal(),
		Action: vstorage.StringList{"s3:GetObject"}, Resource: vstorage.StringList{"arn:aws:s3:::media-assets/public/*"},
	})
	if err := c.PutBucketPolicy(ctx, "p1", "media-assets", policy); err != nil {
		log.Fatal(err)
	}
	p, err = c.GetBucketPolicy(ctx, "p1", "media-assets")
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range p.Statement {
		fmt.Println(s.Sid, s.Principal.Anyone)
	}
	// Output:
	// 0 <nil>
	// ReadWriteBucket false
	// ReadWriteObjects false
	// PublicRead true
}
