package vstorage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
)

func TestProjectDecoding(t *testing.T) {
	t.Parallel()
	var env struct {
		Datas []Project `json:"datas"`
	}
	if err := json.Unmarshal([]byte(fixture(t, "projects.json")), &env); err != nil {
		t.Fatal(err)
	}
	p := env.Datas[0]
	start := time.Date(2026, 10, 9, 14, 23, 5, 933e6, time.UTC)
	want := Project{
		ID: projID, Name: "media-prod", UserID: "7d3b9e1f5a2c4d6e8b0a1c3e5f7d9b2a",
		Status: 1, ProjectType: 1, PurchaseTypeID: 4, PaymentMethod: 1,
		ProjectTypeName: "Gold", PurchaseTypeName: "Pay monthly",
		StartTime: start, EndTime: start.AddDate(0, 1, 0), Period: 0,
		TotalQuotaGB: 30, UsageGB: 12.75, UserName: "b3BzQGV4YW1wbGUuY29t", AccountID: "53001234",
		RoleID: "5e0c2a7b-91f4-4d3a-b8e6-2f1c9d4a7b30", RoleName: "Admin", RegionID: hcm04ID, RegionName: "HCM04",
		OwnerID: "7d3b9e1f5a2c4d6e8b0a1c3e5f7d9b2a", OwnerName: "ops",
		ResourceTags: []ResourceTag{{"vng.region", "hcm04"}, {"vng.createdBy", "IAMUser:ops-admin"}},
	}
	if !p.StartTime.Equal(want.StartTime) || !p.EndTime.Equal(want.EndTime) {
		t.Fatalf("times %v %v", p.StartTime, p.EndTime)
	}
	got := p
	got.StartTime, got.EndTime, got.Raw = want.StartTime, want.EndTime, nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("project\n got %+v\nwant %+v", got, want)
	}
	if p.UserEmail() != "ops@example.com" {
		t.Fatalf("UserEmail = %q", p.UserEmail())
	}
	if !bytes.Contains(p.Raw, []byte(`"actions"`)) {
		t.Fatal("Raw does not keep the unmodelled fields")
	}
	// Numbers as strings and odd time layouts still decode.
	var q Project
	if err := json.Unmarshal([]byte(`{"projectId":"p","status":"1","totalQuota":"30.5","usage":null,"startTime":"2026-01-01 00:00:00","enableAutoRenew":"true"}`), &q); err != nil {
		t.Fatal(err)
	}
	if q.Status != 1 || q.TotalQuotaGB != 30.5 || !q.EnableAutoRenew || !q.StartTime.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, serviceZone)) {
		t.Fatalf("project %+v", q)
	}
}

// TestModelsRoundTrip: encoding a decoded model and decoding it again
// gives the same value.
func TestModelsRoundTrip(t *testing.T) {
	t.Parallel()
	roundTrip := func(name string, in, out any) {
		t.Helper()
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, b)
		}
	}
	var list struct {
		Datas []Bucket `json:"datas"`
	}
	json.Unmarshal([]byte(fixture(t, "buckets.json")), &list)
	var b Bucket
	roundTrip("bucket", list.Datas[0], &b)
	if !reflect.DeepEqual(b, list.Datas[0]) || !b.CreatedAt.Equal(list.Datas[0].CreatedAt) {
		t.Fatalf("bucket %+v != %+v", b, list.Datas[0])
	}

	var keys struct {
		Datas []S3Key `json:"datas"`
	}
	json.Unmarshal([]byte(fixture(t, "s3keys.json")), &keys)
	var k S3Key
	roundTrip("key", keys.Datas[1], &k)
	if !reflect.DeepEqual(k.SubUserID, keys.Datas[1].SubUserID) || !k.CreatedAt.Equal(keys.Datas[1].CreatedAt) || k.ID != keys.Datas[1].ID {
		t.Fatalf("key %+v != %+v", k, keys.Datas[1])
	}

	var projects struct {
		Datas []Project `json:"datas"`
	}
	json.Unmarshal([]byte(fixture(t, "projects.json")), &projects)
	var p Project
	roundTrip("project", projects.Datas[0], &p)
	p.Raw, projects.Datas[0].Raw = nil, nil
	if !p.StartTime.Equal(projects.Datas[0].StartTime) {
		t.Fatal("start time lost")
	}
	p.StartTime, p.EndTime = projects.Datas[0].StartTime, projects.Datas[0].EndTime
	if !reflect.DeepEqual(p, projects.Datas[0]) {
		t.Fatalf("project %+v != %+v", p, projects.Datas[0])
	}

	pol := ReadWriteBucketPolicy("b-1", "arn:aws:iam:::user/u:sa-x", "arn:aws:iam:::user/u:sa-y")
	pol.Statement = append(pol.Statement, PolicyStatement{Effect: EffectAllow, Principal: AnyonePrincipal(),
		Action: StringList{"s3:GetObject"}, Resource: StringList{"arn:aws:s3:::b-1/*"},
		Condition: map[string]map[string]StringList{"Bool": {"aws:SecureTransport": {"true"}}}})
	var pol2 BucketPolicy
	roundTrip("policy", pol, &pol2)
	if !reflect.DeepEqual(pol, pol2) {
		t.Fatalf("policy %+v != %+v", pol2, pol)
	}
}

func TestReadWriteBucketPolicyDocument(t *testing.T) {
	t.Parallel()
	b, err := marshalNoEscape(ReadWriteBucketPolicy("media-assets", PrincipalARN("ops-1:sa-app")))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"ReadWriteBucket","Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/ops-1:sa-app"]},` +
		`"Action":["s3:ListBucket","s3:GetBucketLocation","s3:ListBucketMultipartUploads"],"Resource":["arn:aws:s3:::media-assets"]},` +
		`{"Sid":"ReadWriteObjects","Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/ops-1:sa-app"]},` +
		`"Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],"Resource":["arn:aws:s3:::media-assets/*"]}]}`
	if string(b) != want {
		t.Fatalf("policy\n got %s\nwant %s", b, want)
	}
	// The two statements do not share their principal.
	p := ReadWriteBucketPolicy("b-1", "x")
	p.Statement[0].Principal.AWS[0] = "changed"
	if p.Statement[1].Principal.AWS[0] != "x" {
		t.Fatal("statements share a principal")
	}
}

func TestPolicyDecodingVariants(t *testing.T) {
	t.Parallel()
	var p BucketPolicy
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam:::user/a","CanonicalUser":["c1"]},` +
		`"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":false}}}}`
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	s := p.Statement[0]
	if len(p.Statement) != 1 || s.Effect != EffectDeny || !reflect.DeepEqual(s.Principal.AWS, StringList{"arn:aws:iam:::user/a"}) ||
		!reflect.DeepEqual(s.Principal.Other["CanonicalUser"], StringList{"c1"}) || !reflect.DeepEqual(s.Action, StringList{"s3:*"}) ||
		len(s.Resource) != 2 || s.Condition["NumericLessThan"]["s3:max-keys"][0] != "10" || s.Condition["Bool"]["aws:SecureTransport"][0] != "false" {
		t.Fatalf("policy %+v", p)
	}
	var anyone PolicyPrincipal
	if err := json.Unmarshal([]byte(`"*"`), &anyone); err != nil || !anyone.Anyone {
		t.Fatalf("%+v %v", anyone, err)
	}
	if b, _ := json.Marshal(anyone); string(b) != `"*"` {
		t.Fatalf("%s", b)
	}
	var sl StringList
	if err := json.Unmarshal([]byte(`{"a":1}`), &sl); err == nil {
		t.Fatal("an object decoded as a StringList")
	}
}

// TestGetBucketPolicyVariants: no policy is (nil, nil); an object instead
// of a string is accepted; a broken document is an error.
func TestGetBucketPolicyVariants(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		fixture(t, "bucket_policy_none.json"):                                        "nil",
		`{"success":true,"code":200,"data":""}`:                                      "nil",
		`{"success":true,"code":200}`:                                                "nil",
		`{"success":true,"code":200,"data":{"Version":"2012-10-17","Statement":[]}}`: "ok",
		`{"success":true,"code":200,"data":"{not json"}`:                             "error",
		`{"success":true,"code":200,"data":42}`:                                      "error",
	} {
		e := newEnv(t)
		e.on("GET", pBucket+"/policy", 200, body)
		p, err := e.c.GetBucketPolicy(t.Context(), projID, bucket)
		switch want {
		case "nil":
			if !reflect.DeepEqual(p, BucketPolicy{}) || err != nil {
				t.Errorf("%s: %+v, %v", body, p, err)
			}
		case "ok":
			if p.Version != PolicyVersion || err != nil {
				t.Errorf("%s: %+v, %v", body, p, err)
			}
		case "error":
			if ae := apiError(t, err); !reflect.DeepEqual(p, BucketPolicy{}) || ae.StatusCode != 200 {
				t.Errorf("%s: %+v, %v", body, p, err)
			}
		}
	}
}

func TestVersioningStates(t *testing.T) {
	t.Parallel()
	for f, want := range map[string]BucketVersioning{
		"versioning.json":           {true, VersioningEnabled},
		"versioning_off.json":       {false, VersioningOff},
		"versioning_suspended.json": {false, VersioningSuspended},
		"":                          {true, VersioningEnabled}, // status missing: derived
	} {
		body := `{"success":true,"code":200,"data":{"versioning":true}}`
		if f != "" {
			body = fixture(t, f)
		}
		e := newEnv(t)
		e.on("GET", pBucket+"/versioning", 200, body)
		v, err := e.c.GetBucketVersioning(t.Context(), projID, bucket)
		if err != nil || v != want {
			t.Errorf("%s: %+v, %v", f, v, err)
		}
	}
	e := newEnv(t)
	e.on("GET", pBucket+"/versioning", 200, `{"success":true,"code":200,"data":null}`)
	if _, err := e.c.GetBucketVersioning(t.Context(), projID, bucket); err == nil || !strings.Contains(err.Error(), "no data") {
		t.Fatalf("err = %v", err)
	}
}

func TestCORSNone(t *testing.T) {
	t.Parallel()
	for _, body := range []string{fixture(t, "cors_none.json"), `{"success":true,"code":200,"data":null}`, `{"success":true,"code":200,"data":{"rules":null}}`} {
		e := newEnv(t)
		e.on("GET", pBucket+"/cors", 200, body)
		rules, err := e.c.GetBucketCORS(t.Context(), projID, bucket)
		if err != nil || rules == nil || len(rules) != 0 {
			t.Errorf("%s: %#v, %v", body, rules, err)
		}
	}
}

// TestSecretNeverPrinted: the secret of a new key does not show in fmt
// verbs, JSON, slog or errors; Reveal gives it.
func TestSecretNeverPrinted(t *testing.T) {
	t.Parallel()
	const secret = "wJ9sKx2Vq7LpR4tY8uZ1mN6bC3vX0aDfGhJkLz5E"
	e := newEnv(t)
	e.on("POST", pKeys, 200, fixture(t, "s3key_create.json"))
	k, err := e.c.CreateS3Key(t.Context(), projID)
	if err != nil {
		t.Fatal(err)
	}
	if k.SecretKey.Reveal() != secret {
		t.Fatal("Reveal does not give the secret")
	}
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		fmt.Fprintf(&out, verb+"\n", k)
		fmt.Fprintf(&out, verb+"\n", &k)
		fmt.Fprintf(&out, verb+"\n", []S3Key{k})
	}
	j, _ := json.Marshal(k)
	out.Write(j)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("key", "key", k, "secret", k.SecretKey)
	slog.New(slog.NewTextHandler(&out, nil)).Info("key", "key", k, "secret", k.SecretKey)
	if strings.Contains(out.String(), secret) || strings.Contains(out.String(), strings.ToLower(fmt.Sprintf("%x", secret))) {
		t.Fatalf("the secret leaked:\n%s", out.String())
	}
	if !strings.Contains(string(j), `"secretKey":"[REDACTED]"`) {
		t.Fatalf("json %s", j)
	}
	// The key list never carries a secret, even if the service sent one.
	e.on("GET", pKeys, 200, strings.Replace(fixture(t, "s3keys.json"), `"secretKey": null`, `"secretKey": "leaked"`, 1))
	keys, err := e.c.ListS3Keys(t.Context(), projID)
	if err != nil || !keys[0].SecretKey.IsZero() {
		t.Fatalf("keys %+v, %v", keys, err)
	}
}

// TestCreateS3KeyIncompleteAnswers: an answer without a key is an error
// that says a key may exist; an answer without a secret returns the key
// with an error that says to delete it. Neither error shows a secret.
func TestCreateS3KeyIncompleteAnswers(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"success":true,"code":200}`,
		`{"success":true,"code":200,"data":null}`,
		`{"success":true,"code":200,"data":{"accessKey":"AK1","secretKey":"s3cr3t-value"}}`,
		`{"success":true,"code":200,"data":{"userKeyId":"k1","secretKey":"s3cr3t-value"}}`,
		`{"success":true,"code":200,"data":"s3cr3t-value"}`,
	} {
		e := newEnv(t)
		e.on("POST", pKeys, 200, body)
		k, err := e.c.CreateS3Key(t.Context(), projID)
		if k.ID != "" {
			t.Errorf("%s: key returned %+v", body, k)
		}
		matchesOnly(t, err, vngcloud.ErrMaybeApplied)
		if !strings.Contains(err.Error(), "ListS3Keys") || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: err = %v", body, err)
		}
	}
	for _, secret := range []string{``, `,"secretKey":""`, `,"secretKey":null`} {
		e := newEnv(t)
		e.on("POST", pKeys, 200, `{"success":true,"code":200,"data":{"userKeyId":"k1","accessKey":"AK1"`+secret+`}}`)
		k, err := e.c.CreateS3Key(t.Context(), projID)
		if k.ID != "k1" || k.AccessKey != "AK1" || !k.SecretKey.IsZero() {
			t.Errorf("%q: key %+v", secret, k)
		}
		ae := apiError(t, err)
		if !strings.Contains(ae.Message, "no secret") || !strings.Contains(ae.Hint, `DeleteS3Key(ctx, "`+projID+`", "k1")`) {
			t.Errorf("%q: err = %v", secret, err)
		}
		matchesOnly(t, err)
	}
}

func TestPrincipalRefusesOtherSubUsers(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		fixture(t, "principal_iam_user.json"),
		`{"success":true,"code":200,"data":{"subUserId":null}}`,
		`{"success":true,"code":200,"data":{"subUserId":"ops:sa-"}}`,
		`{"success":true,"code":200,"data":{"subUserId":"sa-x"}}`,
		`{"success":true,"code":200,"data":{"subUserId":"a:b:sa-x"}}`,
	} {
		e := newEnv(t)
		e.on("GET", "users/details", 200, body)
		p, err := e.c.EnsureServiceAccountPrincipal(t.Context(), projID, saID)
		if err == nil || p != (Principal{}) {
			t.Errorf("%s: %+v, %v", body, p, err)
		}
	}
	if PrincipalARN("u:sa-x") != "arn:aws:iam:::user/u:sa-x" {
		t.Fatal("PrincipalARN")
	}
	for sub, name := range map[string]string{"u:sa-app": "app", "": "", "u:iam-bob": "", "u:sa-": "", ":sa-x": ""} {
		if got := (S3Key{SubUserID: sub}).ServiceAccountName(); got != name {
			t.Errorf("%q: %q, want %q", sub, got, name)
		}
	}
}

func TestStatisticsShapes(t *testing.T) {
	t.Parallel()
	body := `{"success":true,"code":200,"data":{"totalUsage":"42.5","unit":"GB","items":[` +
		`{"statDate":"2026-10-01","value":1},{"timestamp":1790000000000,"value":2},{"note":"no date","value":3}]}}`
	e := newEnv(t)
	e.on("GET", "billing/statistics/projects/"+projID+"/traffic", 200, body)
	st, err := e.c.ProjectTraffic(t.Context(), projID, day1, day1)
	if err != nil {
		t.Fatal(err)
	}
	if st.Totals["totalUsage"] != 42.5 || len(st.Totals) != 1 || len(st.Points) != 3 {
		t.Fatalf("statistics %+v", st)
	}
	if !st.Points[0].Time.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, serviceZone)) || !st.Points[1].Time.Equal(time.UnixMilli(1790000000000)) ||
		!st.Points[2].Time.IsZero() || st.Points[2].Values["value"] != 3 {
		t.Fatalf("points %+v", st.Points)
	}
	if _, ok := st.Points[1].Values["timestamp"]; ok {
		t.Fatal("the time field is counted as a value")
	}
	if !json.Valid(st.Raw) || !st.From.Equal(day1) || st.ProjectID != projID {
		t.Fatalf("raw %s", st.Raw)
	}
	// No data is an empty result, not an error; the query is the same day.
	e.on("GET", "billing/statistics/projects/"+projID+"/request", 200, `{"success":true,"code":200}`)
	st, err = e.c.ProjectRequests(t.Context(), projID, day1, day1)
	if err != nil || st.Points != nil || st.Raw != nil {
		t.Fatalf("%+v, %v", st, err)
	}
	if q := e.rec.to("GET", "billing/statistics/projects/"+projID+"/request")[0].Query; q != "endTime=01%2F10%2F2026&startTime=01%2F10%2F2026" {
		t.Fatalf("query %q", q)
	}
}

func TestFlexTypes(t *testing.T) {
	t.Parallel()
	var w struct {
		N flexNum  `json:"n"`
		S flexStr  `json:"s"`
		B flexBool `json:"b"`
		T flexTime `json:"t"`
	}
	for _, tc := range []struct {
		in   string
		fail bool
	}{
		{`{"n":"x"}`, true}, {`{"n":{}}`, true}, {`{"s":[1]}`, true}, {`{"b":"maybe"}`, true},
		{`{"n":"","s":12,"b":1,"t":"not a date"}`, false}, {`{"t":[1]}`, false},
	} {
		err := json.Unmarshal([]byte(tc.in), &w)
		if (err != nil) != tc.fail {
			t.Errorf("%s: err = %v", tc.in, err)
		}
	}
	if w.S != "12" || !bool(w.B) || !w.T.time().IsZero() {
		t.Fatalf("%+v", w)
	}
	for s, want := range map[string]time.Time{
		"09/10/2026 21:30":              time.Date(2026, 10, 9, 21, 30, 0, 0, serviceZone),
		"2026-10-09T14:23:05.933+00:00": time.Date(2026, 10, 9, 14, 23, 5, 933e6, time.UTC),
		"2026-10-09T14:23:05Z":          time.Date(2026, 10, 9, 14, 23, 5, 0, time.UTC),
		"2026-10-09T14:23:05.933+0700":  time.Date(2026, 10, 9, 7, 23, 5, 933e6, time.UTC),
		"2026-10-09 14:23:05":           time.Date(2026, 10, 9, 14, 23, 5, 0, serviceZone),
	} {
		if got, ok := parseServiceTime(s); !ok || !got.Equal(want) {
			t.Errorf("%q: %v, want %v", s, got, want)
		}
	}
}
