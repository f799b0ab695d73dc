package vstoragetest_test

import (
	"net/http"
	"testing"

	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// The CORS rules of cors.json, as PUT sends them.
const corsBody = `[{"AllowedOrigins":["https://app.example.com"],"AllowedMethods":["PUT","GET"],
 "AllowedHeaders":["etag","x-amz-meta-owner"],"ExposeHeaders":["etag"],"MaxAgeSeconds":600},
 {"AllowedOrigins":["*"],"AllowedMethods":["GET","HEAD"]}]`

// TestShapesMatchFixtures calls every route and compares each answer with
// the fixture the vstorage unit tests serve for it: its JSON shape, and
// the whole value where the fixture is the documented answer.
func TestShapesMatchFixtures(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	p := e.project
	rc := e.raw(t, vstoragetest.HCM04ID)
	sa, _, _ := e.iam.AddServiceAccount("media-uploader")
	other, _, _ := e.iam.AddServiceAccount("other")

	checkShape(t, "regions", rc.ok("GET", "regions", ""), "regions.json")
	checkShape(t, "projects", rc.ok("GET", "projects", ""), "projects.json")

	// Buckets.
	checkShape(t, "create bucket", rc.ok("POST", "ceph/projects/"+p+"/buckets/media-assets", `{"status":"Disabled"}`), "bucket_create.json")
	checkShape(t, "repeat create", rc.ok("POST", "ceph/projects/"+p+"/buckets/media-assets", `{"status":"Disabled"}`), "bucket_create.json")
	rc.ok("POST", "ceph/projects/"+p+"/buckets/media-logs", `{"status":"Disabled"}`)
	checkSame(t, "upper-case bucket", rc.ok("POST", "ceph/projects/"+p+"/buckets/Media", `{"status":"Disabled"}`), "error_112.json")
	checkShape(t, "buckets", rc.ok("GET", "ceph/projects/"+p+"?limit=1000", ""), "buckets.json")
	checkShape(t, "buckets, isNext", rc.ok("GET", "ceph/projects/"+p+"?limit=1", ""), "buckets.json", "buckets_isnext.json")
	checkShape(t, "details", rc.ok("GET", "ceph/projects/"+p+"/media-assets/details", ""), "bucket_details.json")
	checkSame(t, "details of a missing bucket", rc.ok("GET", "ceph/projects/"+p+"/nosuch/details", ""), "error_404.json")
	checkSame(t, "unknown project", rc.ok("GET", "ceph/projects/00000000000000000000000000000000?limit=1000", ""), "error_114_no_project_auth.json")

	// Settings.
	b := "ceph/projects/" + p + "/buckets/media-assets/"
	checkSame(t, "no policy", rc.ok("GET", b+"policy", ""), "bucket_policy_none.json")
	checkSame(t, "put policy", rc.ok("PUT", b+"policy", `{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::media-assets/*\"}]}"}`), "ok.json")
	checkShape(t, "policy", rc.ok("GET", b+"policy", ""), "bucket_policy.json")
	checkSame(t, "bad effect", rc.ok("PUT", b+"policy", `{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}`), "error_400_policy.json")
	checkSame(t, "delete policy", rc.ok("DELETE", b+"policy", ""), "ok.json")
	checkSame(t, "versioning off", rc.ok("GET", b+"versioning", ""), "versioning_off.json")
	checkSame(t, "enable", rc.ok("PUT", b+"versioning", `{"enable":true}`), "ok.json")
	checkSame(t, "versioning on", rc.ok("GET", b+"versioning", ""), "versioning.json")
	rc.ok("PUT", b+"versioning", `{"enable":false}`)
	checkSame(t, "versioning suspended", rc.ok("GET", b+"versioning", ""), "versioning_suspended.json")
	checkSame(t, "no cors", rc.ok("GET", b+"cors", ""), "cors_none.json")
	checkSame(t, "put cors", rc.ok("PUT", b+"cors", corsBody), "ok.json")
	checkSame(t, "cors", rc.ok("GET", b+"cors", ""), "cors.json")
	checkSame(t, "delete cors", rc.ok("DELETE", b+"cors", ""), "ok.json")
	checkSame(t, "put encryption", rc.ok("PUT", b+"encryption", `{"enable":true}`), "ok.json")
	checkSame(t, "encryption", rc.ok("GET", b+"encryption", ""), "encryption.json")
	code, body := rc.do("GET", b+"public_access", "")
	if code != http.StatusForbidden {
		t.Fatalf("public_access: %d", code)
	}
	checkSame(t, "public_access", body, "error_iam_denied.json")
	for _, what := range []string{"policy", "versioning", "cors"} {
		if got := rc.ok("GET", "ceph/projects/"+p+"/buckets/nosuch/"+what, ""); len(got) != 0 {
			t.Errorf("%s of a missing bucket: %q, want an empty body", what, got)
		}
	}

	// S3 keys.
	keys := "users/s3_keys?projectId=" + p
	checkSame(t, "no keys", rc.ok("GET", keys, ""), "s3keys_empty.json")
	created := rc.ok("POST", "users/s3_keys", `{"projectId":"`+p+`"}`)
	checkShape(t, "create key", created, "s3key_create.json")
	k1 := data(t, created, "userKeyId")
	k2 := data(t, rc.ok("POST", "users/s3_keys", `{"projectId":"`+p+`"}`), "userKeyId")
	checkShape(t, "keys", rc.ok("GET", keys, ""), "s3keys.json")
	attach := func(k, sa string) []byte {
		return rc.ok("PUT", "users/s3_keys/"+k+"/attach", `{"projectId":"`+p+`","serviceAccountId":"`+sa+`"}`)
	}
	checkSame(t, "attach", attach(k1, sa), "ok.json")
	checkShape(t, "keys, one attached", rc.ok("GET", keys, ""), "s3keys.json")
	checkSame(t, "attach again", attach(k1, sa), "error_114_attached_same.json")
	checkSame(t, "attach to another", attach(k1, other), "error_114_attached_other.json")
	checkSame(t, "unknown service account", attach(k2, "00000000-0000-4000-8000-000000000000"), "error_114_sa_not_found.json")
	checkSame(t, "unknown key", attach("00000000-0000-4000-8000-000000000000", sa), "error_114_key_not_found.json")
	detach := `{"projectId":"` + p + `"}`
	checkSame(t, "detach", rc.ok("PUT", "users/s3_keys/"+k1+"/detach", detach), "ok.json")
	checkSame(t, "detach again", rc.ok("PUT", "users/s3_keys/"+k1+"/detach", detach), "error_114_not_attached.json")
	checkSame(t, "delete", rc.ok("DELETE", "users/s3_keys/"+k1, detach), "ok.json")
	checkSame(t, "delete again", rc.ok("DELETE", "users/s3_keys/"+k1, detach), "error_114_repeat_delete.json")
	checkSame(t, "delete unknown", rc.ok("DELETE", "users/s3_keys/00000000-0000-4000-8000-00000000abcd", detach), "ok.json")
	checkShape(t, "keys without projectId", rc.ok("GET", "users/s3_keys", ""), "error_112.json", "error_112_string_code.json")
	for range vstoragetest.MaxKeys - 1 {
		rc.ok("POST", "users/s3_keys", `{"projectId":"`+p+`"}`)
	}
	checkSame(t, "11th key", rc.ok("POST", "users/s3_keys", `{"projectId":"`+p+`"}`), "error_114_key_limit.json")

	// The principal.
	principal := "users/details?generated=true&project_id=" + p + "&iam_account_id=sa-" + sa
	checkShape(t, "principal", rc.ok("GET", principal, ""), "principal.json")
	han := e.raw(t, vstoragetest.HAN02ID)
	checkShape(t, "principal without a project", han.ok("GET", principal, ""), "error_114_storage_user.json")

	// Statistics.
	checkShape(t, "usage", rc.ok("GET", "billing/statistics/projects/"+p+"/usage?startTime=01/10/2026&endTime=02/10/2026", ""), "statistics_usage.json")

	// Without the region headers.
	none := e.raw(t, "")
	checkSame(t, "projects without region", none.ok("GET", "projects", ""), "projects_empty.json")
	checkSame(t, "buckets without region", none.ok("GET", "ceph/projects/"+p+"?limit=1000", ""), "error_114_no_project_auth.json")
	code, body = none.do("GET", keys, "")
	if code != http.StatusForbidden {
		t.Fatalf("keys without region: %d %s", code, body)
	}
	checkSame(t, "keys without region", body, "error_iam_denied.json")
	checkSame(t, "projects of another region", han.ok("GET", "projects", ""), "projects_empty.json")

	// Injected faults answer the envelope.
	e.st.Inject(vstoragetest.Fault{Path: "/projects", Status: 403})
	if code, body = rc.do("GET", "projects", ""); code != 403 {
		t.Fatalf("injected: %d", code)
	}
	checkSame(t, "injected 403", body, "error_403.json")
}
