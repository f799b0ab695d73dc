package vstorage

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud/internal/reliability"
)

// routeCase is one method of the client: how to call it, the one request
// it must send, and the fixture it decodes.
type routeCase struct {
	name   string
	call   func(ctx context.Context, c *Client) (any, error)
	method string
	path   string // relative to the base URL
	query  string // raw query, exactly
	body   string // request body, exactly ("" for none)
	resp   string // fixture served with 200
	check  func(t *testing.T, out any)
}

var (
	day1 = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	day2 = time.Date(2026, 10, 2, 23, 0, 0, 0, time.UTC)
)

func routeCases() []routeCase {
	bp := "ceph/projects/" + projID + "/buckets/" + bucket
	return []routeCase{
		{name: "ListProjects", method: "GET", path: "projects", resp: "projects.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListProjects(ctx) },
			check: func(t *testing.T, out any) {
				ps := out.([]Project)
				if len(ps) != 1 || ps[0].ID != projID || ps[0].UsageGB != 12.75 || ps[0].TotalQuotaGB != 30 {
					t.Fatalf("projects = %+v", ps)
				}
			}},
		{name: "GetProject", method: "GET", path: "projects", resp: "projects.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.GetProject(ctx, projID) },
			check: func(t *testing.T, out any) {
				if p := out.(Project); p.Name != "media-prod" {
					t.Fatalf("project = %+v", p)
				}
			}},
		{name: "ProjectUsage", method: "GET", path: "billing/statistics/projects/" + projID + "/usage",
			query: "endTime=02%2F10%2F2026&startTime=01%2F10%2F2026", resp: "statistics_usage.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.ProjectUsage(ctx, projID, day1, day2) },
			check: func(t *testing.T, out any) {
				st := out.(Statistics)
				if st.Kind != "usage" || len(st.Points) != 2 || st.Points[1].Values["usage"] != 11.25 || st.Points[1].Values["objects"] != 1251 {
					t.Fatalf("statistics = %+v", st)
				}
				if want := time.Date(2026, 10, 2, 0, 0, 0, 0, serviceZone); !st.Points[1].Time.Equal(want) {
					t.Fatalf("point time = %v, want %v", st.Points[1].Time, want)
				}
			}},
		{name: "ProjectTraffic", method: "GET", path: "billing/statistics/projects/" + projID + "/traffic",
			query: "endTime=02%2F10%2F2026&startTime=01%2F10%2F2026", resp: "statistics_usage.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.ProjectTraffic(ctx, projID, day1, day2) }},
		{name: "ProjectRequests", method: "GET", path: "billing/statistics/projects/" + projID + "/request",
			query: "endTime=02%2F10%2F2026&startTime=01%2F10%2F2026", resp: "statistics_usage.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.ProjectRequests(ctx, projID, day1, day2) }},
		{name: "ListBuckets", method: "GET", path: "ceph/projects/" + projID, query: "limit=1000", resp: "buckets.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListBuckets(ctx, projID) },
			check: func(t *testing.T, out any) {
				bs := out.([]Bucket)
				if len(bs) != 2 || bs[0].Name != "media-assets" || bs[0].ObjectCount != 1289 || bs[0].Size != 5368709120 || !bs[0].IsVersioned {
					t.Fatalf("buckets = %+v", bs)
				}
				if want := time.Date(2026, 10, 9, 21, 30, 0, 0, serviceZone); !bs[0].CreatedAt.Equal(want) {
					t.Fatalf("created = %v, want %v", bs[0].CreatedAt, want)
				}
				if !bs[1].LastModified.IsZero() || bs[1].IsPublic {
					t.Fatalf("nulls not zero: %+v", bs[1])
				}
			}},
		{name: "GetBucket", method: "GET", path: "ceph/projects/" + projID + "/" + bucket + "/details", resp: "bucket_details.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.GetBucket(ctx, projID, bucket) },
			check: func(t *testing.T, out any) {
				b := out.(Bucket)
				if b.Name != bucket || !b.CreatedAt.IsZero() || len(b.Owner) == 0 || b.LastModified.IsZero() {
					t.Fatalf("bucket = %+v", b)
				}
			}},
		{name: "CreateBucket", method: "POST", path: "ceph/projects/" + projID + "/buckets/" + bucket,
			body: `{"status":"Disabled"}`, resp: "bucket_create.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.CreateBucket(ctx, projID, bucket) },
			check: func(t *testing.T, out any) {
				if b := out.(Bucket); b.Name != bucket || b.ObjectCount != 0 {
					t.Fatalf("bucket = %+v", b)
				}
			}},
		{name: "DeleteBucket", method: "DELETE", path: bp, resp: "ok.json",
			call: func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteBucket(ctx, projID, bucket) }},
		{name: "GetBucketPolicy", method: "GET", path: bp + "/policy", resp: "bucket_policy.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.GetBucketPolicy(ctx, projID, bucket) },
			check: func(t *testing.T, out any) {
				p := out.(BucketPolicy)
				if p.Version != PolicyVersion || len(p.Statement) != 3 {
					t.Fatalf("policy = %+v", p)
				}
				want := ReadWriteBucketPolicy(bucket, "arn:aws:iam:::user/ops-53001234:sa-media-uploader")
				if !reflect.DeepEqual(p.Statement[:2], want.Statement) {
					t.Fatalf("statements = %+v\nwant %+v", p.Statement[:2], want.Statement)
				}
				pub := p.Statement[2]
				if !pub.Principal.Anyone || !reflect.DeepEqual(pub.Action, StringList{"s3:GetObject"}) ||
					!reflect.DeepEqual(pub.Resource, StringList{"arn:aws:s3:::media-assets/public/*"}) {
					t.Fatalf("public statement = %+v", pub)
				}
			}},
		{name: "PutBucketPolicy", method: "PUT", path: bp + "/policy", resp: "ok.json",
			body: `{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ReadWriteBucket\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam:::user/u:sa-app\"]},\"Action\":[\"s3:ListBucket\",\"s3:GetBucketLocation\",\"s3:ListBucketMultipartUploads\"],\"Resource\":[\"arn:aws:s3:::media-assets\"]},{\"Sid\":\"ReadWriteObjects\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam:::user/u:sa-app\"]},\"Action\":[\"s3:GetObject\",\"s3:PutObject\",\"s3:DeleteObject\",\"s3:AbortMultipartUpload\",\"s3:ListMultipartUploadParts\"],\"Resource\":[\"arn:aws:s3:::media-assets/*\"]}]}"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.PutBucketPolicy(ctx, projID, bucket, ReadWriteBucketPolicy(bucket, PrincipalARN("u:sa-app")))
			}},
		{name: "DeleteBucketPolicy", method: "DELETE", path: bp + "/policy", resp: "ok.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteBucketPolicy(ctx, projID, bucket)
			}},
		{name: "GetBucketVersioning", method: "GET", path: bp + "/versioning", resp: "versioning.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.GetBucketVersioning(ctx, projID, bucket) },
			check: func(t *testing.T, out any) {
				if v := out.(BucketVersioning); v != (BucketVersioning{Enabled: true, Status: VersioningEnabled}) {
					t.Fatalf("versioning = %+v", v)
				}
			}},
		{name: "PutBucketVersioning", method: "PUT", path: bp + "/versioning", body: `{"enable":true}`, resp: "ok.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.PutBucketVersioning(ctx, projID, bucket, VersioningEnabled)
			}},
		{name: "PutBucketVersioningSuspended", method: "PUT", path: bp + "/versioning", body: `{"enable":false}`, resp: "ok.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.PutBucketVersioning(ctx, projID, bucket, VersioningSuspended)
			}},
		{name: "GetBucketCORS", method: "GET", path: bp + "/cors", resp: "cors.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.GetBucketCORS(ctx, projID, bucket) },
			check: func(t *testing.T, out any) {
				rules := out.([]CORSRule)
				want := []CORSRule{
					{AllowedOrigins: []string{"https://app.example.com"}, AllowedMethods: []string{"PUT", "GET"},
						AllowedHeaders: []string{"etag", "x-amz-meta-owner"}, ExposeHeaders: []string{"etag", "x-amz-meta-owner"}, MaxAgeSeconds: 600},
					{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "HEAD"}},
				}
				if !reflect.DeepEqual(rules, want) {
					t.Fatalf("rules = %+v\nwant  %+v", rules, want)
				}
			}},
		{name: "PutBucketCORS", method: "PUT", path: bp + "/cors", resp: "ok.json",
			body: `[{"AllowedOrigins":["https://app.example.com"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["etag"],"ExposeHeaders":["etag"],"MaxAgeSeconds":600},{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.PutBucketCORS(ctx, projID, bucket, []CORSRule{
					{ID: "ignored", AllowedOrigins: []string{"https://app.example.com"}, AllowedMethods: []string{"GET", "PUT"},
						AllowedHeaders: []string{"etag"}, ExposeHeaders: []string{"etag"}, MaxAgeSeconds: 600},
					{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
				})
			}},
		{name: "DeleteBucketCORS", method: "DELETE", path: bp + "/cors", resp: "ok.json",
			call: func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteBucketCORS(ctx, projID, bucket) }},
		{name: "GetBucketEncryption", method: "GET", path: bp + "/encryption", resp: "encryption.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.GetBucketEncryption(ctx, projID, bucket) },
			check: func(t *testing.T, out any) {
				if e := out.(BucketEncryption); !e.Enabled {
					t.Fatalf("encryption = %+v", e)
				}
			}},
		{name: "PutBucketEncryption", method: "PUT", path: bp + "/encryption", body: `{"enable":false}`, resp: "ok.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.PutBucketEncryption(ctx, projID, bucket, false)
			}},
		{name: "ListS3Keys", method: "GET", path: "users/s3_keys", query: "projectId=" + projID, resp: "s3keys.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListS3Keys(ctx, projID) },
			check: func(t *testing.T, out any) {
				ks := out.([]S3Key)
				if len(ks) != 2 || ks[0].ID != keyID || ks[0].AccessKey != "AK7Q2M9XN4T8V1C6LZ0P" || ks[0].Restricted() ||
					!ks[1].Restricted() || ks[1].ServiceAccountName() != "media-uploader" || ks[0].Status != 1 {
					t.Fatalf("keys = %+v", ks)
				}
				if want := time.Date(2026, 10, 9, 21, 40, 0, 0, serviceZone); !ks[0].CreatedAt.Equal(want) {
					t.Fatalf("created = %v", ks[0].CreatedAt)
				}
			}},
		{name: "GetS3Key", method: "GET", path: "users/s3_keys", query: "projectId=" + projID, resp: "s3keys.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetS3Key(ctx, projID, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
			},
			check: func(t *testing.T, out any) {
				if k := out.(S3Key); k.SubUserID != "ops-53001234:sa-media-uploader" {
					t.Fatalf("key = %+v", k)
				}
			}},
		{name: "CreateS3Key", method: "POST", path: "users/s3_keys", body: `{"projectId":"` + projID + `"}`, resp: "s3key_create.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.CreateS3Key(ctx, projID) },
			check: func(t *testing.T, out any) {
				k := out.(S3Key)
				if k.ID != "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b" || k.AccessKey != "AK5N2B8VC1X4Z7M3QW6E" || k.ProjectID != projID ||
					k.SecretKey.Reveal() != "wJ9sKx2Vq7LpR4tY8uZ1mN6bC3vX0aDfGhJkLz5E" || k.Restricted() {
					t.Fatalf("key = %+v", k)
				}
			}},
		{name: "DeleteS3Key", method: "DELETE", path: "users/s3_keys/" + keyID, body: `{"projectId":"` + projID + `"}`, resp: "ok.json",
			call: func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteS3Key(ctx, projID, keyID) }},
		{name: "LinkS3Key", method: "PUT", path: "users/s3_keys/" + keyID + "/attach",
			body: `{"projectId":"` + projID + `","serviceAccountId":"` + saID + `"}`, resp: "ok.json",
			call: func(ctx context.Context, c *Client) (any, error) { return nil, c.LinkS3Key(ctx, projID, keyID, saID) }},
		{name: "LinkS3KeyPrefixedSA", method: "PUT", path: "users/s3_keys/" + keyID + "/attach",
			body: `{"projectId":"` + projID + `","serviceAccountId":"` + saID + `"}`, resp: "ok.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.LinkS3Key(ctx, projID, keyID, "sa-"+saID)
			}},
		{name: "UnlinkS3Key", method: "PUT", path: "users/s3_keys/" + keyID + "/detach",
			body: `{"projectId":"` + projID + `"}`, resp: "ok.json",
			call: func(ctx context.Context, c *Client) (any, error) { return nil, c.UnlinkS3Key(ctx, projID, keyID) }},
		{name: "EnsureServiceAccountPrincipal", method: "GET", path: "users/details",
			query: "generated=true&iam_account_id=sa-" + saID + "&project_id=" + projID, resp: "principal.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.EnsureServiceAccountPrincipal(ctx, projID, saID)
			},
			check: func(t *testing.T, out any) {
				p := out.(Principal)
				if p.SubUserID != "ops-53001234:sa-media-uploader" || p.ARN != "arn:aws:iam:::user/ops-53001234:sa-media-uploader" ||
					p.ServiceAccountName() != "media-uploader" {
					t.Fatalf("principal = %+v", p)
				}
			}},
	}
}

// TestEveryMethodSendsItsRequest checks, for every method, the one request
// it sends (method, path, query, headers, body) after the region lookup,
// and what it decodes from the fixture.
func TestEveryMethodSendsItsRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range routeCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.on(tc.method, tc.path, 200, fixture(t, tc.resp))
			out, err := tc.call(t.Context(), e.c)
			if err != nil {
				t.Fatal(err)
			}
			calls := e.rec.all()
			if len(calls) != 2 {
				t.Fatalf("requests = %+v, want GET regions then the call", calls)
			}
			reg, s := calls[0], calls[1]
			if reg.Method != "GET" || reg.Path != "/api/v1/regions" || reg.Query != "" || reg.Body != "" {
				t.Fatalf("first request = %+v, want GET regions", reg)
			}
			checkHeaders(t, reg, "")
			if s.Method != tc.method || s.Path != "/api/v1/"+tc.path || s.Query != tc.query {
				t.Fatalf("request = %s %s ? %s\nwant      %s /api/v1/%s ? %s", s.Method, s.Path, s.Query, tc.method, tc.path, tc.query)
			}
			checkHeaders(t, s, hcm04ID)
			if s.Body != tc.body {
				t.Fatalf("body = %s\nwant   %s", s.Body, tc.body)
			}
			if ct := s.Header.Get("Content-Type"); (tc.body != "") != (ct == "application/json") {
				t.Fatalf("Content-Type = %q with body %q", ct, s.Body)
			}
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

// TestCancelledContextSendsNothing: every method, called with a context
// that is already cancelled, sends no request at all (not even the region
// lookup) and returns an error matching context.Canceled.
func TestCancelledContextSendsNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range routeCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.on(tc.method, tc.path, 200, fixture(t, tc.resp))
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			_, err := tc.call(ctx, e.c)
			if !isCanceled(err) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			matchesOnly(t, err)
			if n := len(e.rec.all()); n != 0 {
				t.Fatalf("%d requests sent on a cancelled context", n)
			}
		})
	}
}

// TestListRegionsSendsNoRegionHeaders checks the one call without the
// region headers and its decoding.
func TestListRegionsSendsNoRegionHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	regions, err := e.c.ListRegions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	calls := e.rec.all()
	if len(calls) != 1 || calls[0].Method != http.MethodGet || calls[0].Path != "/api/v1/regions" || calls[0].Query != "" {
		t.Fatalf("requests = %+v", calls)
	}
	checkHeaders(t, calls[0], "")
	want := RegionInfo{ID: hcm04ID, Name: "HCM04", DisplayName: "HCM04", BackendType: "ceph",
		S3Host: "https://hcm04.vstorage.vngcloud.vn", VOSAPIHost: "https://hcm04-vos.internal.example",
		AccountURL: "https://hcm04-account.internal.example", AuthHost: "https://hcm04-vstorage.vngcloud.vn", Status: 1}
	if len(regions) != 2 || regions[1] != want || regions[0].ID != han02ID {
		t.Fatalf("regions = %+v", regions)
	}
}

// TestRouteTableCoversEveryMethod: every exported method of Client that
// takes a context (found by reflection) has a case in routeCases, so a new
// endpoint cannot be left out. The calls on GET regions, which send no
// region headers, are checked by TestListRegionsSendsNoRegionHeaders,
// TestRegionID* and the S3Endpoint tests instead. See CONTRIBUTING.md.
func TestRouteTableCoversEveryMethod(t *testing.T) {
	t.Parallel()
	have := map[string]bool{"ListRegions": true, "RegionID": true, "S3Endpoint": true}
	for _, tc := range routeCases() {
		have[tc.name] = true
	}
	for _, m := range reliability.NetworkMethods(reflect.TypeFor[*Client]()) {
		if !have[m] {
			t.Errorf("vstorage.Client.%s has no case in routeCases (requests_test.go): add one with its fixture", m)
		}
	}
}
