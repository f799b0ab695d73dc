package vstorage

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/vstorage/region"
)

// TestCallsSentOnce: create, delete, attach and detach of a key are sent
// exactly once on a 503, even with retries on, and the error says the
// change may have happened and how to check.
func TestCallsSentOnce(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		method, path string
		call         func(ctx context.Context, c *Client) error
		check        string
	}{
		"CreateS3Key": {"POST", pKeys, callCreateKey, "a key you do not know may have been created"},
		"DeleteS3Key": {"DELETE", pKey, callDeleteKey, "whether the key is gone"},
		"LinkS3Key":   {"PUT", pAttach, callAttach, "look at the key's subUserId"},
		"UnlinkS3Key": {"PUT", pDetach, callDetach, "look at the key's subUserId"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, vngcloud.WithRetries(5))
			e.on(tc.method, tc.path, 503, `upstream connect error`)
			err := tc.call(t.Context(), e.c)
			if n := len(e.rec.to(tc.method, tc.path)); n != 1 {
				t.Fatalf("%d requests, want exactly 1", n)
			}
			matchesOnly(t, err, vngcloud.ErrMaybeApplied)
			msg := err.Error()
			if !strings.Contains(msg, "may have happened") || !strings.Contains(msg, tc.check) || !strings.Contains(msg, "ListS3Keys") {
				t.Fatalf("error %q does not say what to do", msg)
			}
			if ae := apiError(t, err); ae.StatusCode != 503 || ae.Operation != "vstorage."+name {
				t.Fatalf("err = %#v", ae)
			}
		})
	}
}

// TestConnectionLostOnceCall: a connection dropped after the request was
// sent is ambiguous too.
func TestConnectionLostOnceCall(t *testing.T) {
	t.Parallel()
	e := newEnv(t, vngcloud.WithRetries(3))
	e.mt.RegisterResponder("PUT", testBase+pAttach, func(req *http.Request) (*http.Response, error) {
		e.rec.add(req)
		return nil, errors.New("connection reset by peer")
	})
	err := e.c.LinkS3Key(t.Context(), projID, keyID, saID)
	matchesOnly(t, err, vngcloud.ErrMaybeApplied)
	if n := len(e.rec.to("PUT", pAttach)); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

// TestIdempotentCallsAreRetried: bucket create and delete, the principal
// and reads are retried after a 503.
func TestIdempotentCallsAreRetried(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		method, path, ok string
		call             func(ctx context.Context, c *Client) error
	}{
		"CreateBucket":                  {"POST", pBucket, "bucket_create.json", callCreateB},
		"DeleteBucket":                  {"DELETE", pBucket, "ok.json", callDeleteB},
		"EnsureServiceAccountPrincipal": {"GET", "users/details", "principal.json", callPrincipal},
		"ListS3Keys":                    {"GET", pKeys, "s3keys.json", callListKeys},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			body := fixture(t, tc.ok)
			n := 0
			e.mt.RegisterResponder(tc.method, testBase+tc.path, func(req *http.Request) (*http.Response, error) {
				e.rec.add(req)
				n++
				if n == 1 {
					return reply(req, 503, ""), nil
				}
				return reply(req, 200, body), nil
			})
			if err := tc.call(t.Context(), e.c); err != nil {
				t.Fatal(err)
			}
			if got := len(e.rec.to(tc.method, tc.path)); got != 2 {
				t.Fatalf("%d requests, want 2", got)
			}
		})
	}
}

// TestCreateBucketAlreadyOwned: S3's BucketAlreadyOwnedByYou means done;
// BucketAlreadyExists is a conflict.
func TestCreateBucketAlreadyOwned(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.on("POST", pBucket, 409, `{"success":false,"code":409,"errorMsg":"BucketAlreadyOwnedByYou"}`)
	b, err := e.c.CreateBucket(t.Context(), projID, bucket)
	if err != nil || b.Name != bucket {
		t.Fatalf("bucket = %+v, err = %v", b, err)
	}
	e2 := newEnv(t)
	e2.on("POST", pBucket, 200, `{"success":false,"code":114,"errorMsg":"BucketAlreadyExists"}`)
	_, err = e2.c.CreateBucket(t.Context(), projID, bucket)
	matchesOnly(t, err, vngcloud.ErrConflict)
}

// TestCancelledWhileWaiting: a call cancelled while in flight returns an
// error matching context.Canceled.
func TestCancelledWhileWaiting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	e.mt.RegisterResponder("GET", testBase+pList, func(req *http.Request) (*http.Response, error) {
		e.rec.add(req)
		cancel()
		<-req.Context().Done()
		return nil, req.Context().Err()
	})
	_, err := e.c.ListBuckets(ctx, projID)
	if !isCanceled(err) {
		t.Fatalf("err = %v", err)
	}
	if n := len(e.rec.to("GET", pList)); n != 1 {
		t.Fatalf("%d requests, want 1 (no retry after a cancel)", n)
	}
}

// TestRegionResolvedOnceLazily: NewClient sends nothing; the first call
// looks the UUID up; later calls reuse it.
func TestRegionResolvedOnceLazily(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.on("GET", "projects", 200, fixture(t, "projects.json"))
	if n := len(e.rec.all()); n != 0 {
		t.Fatalf("NewClient sent %d requests", n)
	}
	for range 3 {
		if _, err := e.c.ListProjects(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.rec.to("GET", "regions")); n != 1 {
		t.Fatalf("GET regions sent %d times, want 1", n)
	}
	id, err := e.c.RegionID(t.Context())
	if err != nil || id != hcm04ID {
		t.Fatalf("RegionID = %q, %v", id, err)
	}
}

// TestRegionResolutionSingleFlight: fifty concurrent first calls share one
// lookup.
func TestRegionResolutionSingleFlight(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	var lookups atomic.Int32
	regions := fixture(t, "regions.json")
	mt.RegisterResponder("GET", testBase+"regions", func(req *http.Request) (*http.Response, error) {
		lookups.Add(1)
		time.Sleep(20 * time.Millisecond) // let the callers pile up
		return reply(req, 200, regions), nil
	})
	var bad atomic.Int32
	mt.RegisterResponder("GET", testBase+"projects", func(req *http.Request) (*http.Response, error) {
		//lint:ignore SA1008 the SDK sends the lower-case key the API documents; the mock sees it as sent
		if strings.Join(req.Header["region"], "") != hcm04ID {
			bad.Add(1)
		}
		return reply(req, 200, `{"success":true,"code":200,"datas":[]}`), nil
	})
	c, err := NewClient(vngcloud.WithEndpoint(testBase), vngcloud.WithHTTPClient(&http.Client{Transport: mt}), vngcloud.WithRetryWait(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			_, err := c.ListProjects(t.Context())
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := lookups.Load(); n != 1 {
		t.Fatalf("region lookups = %d, want 1", n)
	}
	if bad.Load() != 0 {
		t.Fatalf("%d calls without the region header", bad.Load())
	}
}

// TestRegionLookupFailureIsNotCached: a failed lookup fails the call with
// an error naming both, and the next call tries again.
func TestRegionLookupFailureIsNotCached(t *testing.T) {
	t.Parallel()
	e := newEnv(t, vngcloud.WithRetries(0))
	e.onSeq("GET", "regions", "", fixture(t, "regions.json"))
	e.on("GET", "projects", 200, fixture(t, "projects.json"))
	_, err := e.c.ListProjects(t.Context())
	ae := apiError(t, err)
	if !strings.Contains(ae.Operation, "vstorage.ListProjects") || !strings.Contains(ae.Operation, "vstorage.ListRegions") {
		t.Fatalf("operation %q does not name both calls", ae.Operation)
	}
	if n := len(e.rec.to("GET", "projects")); n != 0 {
		t.Fatalf("the call was sent without a region (%d)", n)
	}
	if _, err := e.c.ListProjects(t.Context()); err != nil {
		t.Fatalf("second call: %v", err)
	}
	if n := len(e.rec.to("GET", "regions")); n != 2 {
		t.Fatalf("lookups = %d, want 2", n)
	}
}

// TestRegionNotListed: a region name the service does not list is a clear
// error, and the call is not sent.
func TestRegionNotListed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, WithRegion("HCM03"))
	_, err := e.c.ListBuckets(t.Context(), projID)
	var ve *vngcloud.ValidationError
	if !errors.As(err, &ve) || ve.Operation != "vstorage.ListBuckets" || ve.Field != "WithRegion" ||
		!strings.Contains(ve.Reason, `"HCM03"`) || !strings.Contains(ve.Reason, "HAN02, HCM04") {
		t.Fatalf("err = %#v", err)
	}
	matchesOnly(t, err, vngcloud.ErrInvalidInput)
	if n := len(e.rec.all()); n != 1 {
		t.Fatalf("%d requests, want only GET regions", n)
	}
}

// TestRegionChoice: names, management names and UUIDs select the region
// headers and the default endpoint.
func TestRegionChoice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		region, wantID string
		lookups        int
	}{
		{"HAN02", han02ID, 1},
		{"han02", han02ID, 1},
		{"han-1", han02ID, 1},
		{"HCM-3", hcm04ID, 1},
		{"", hcm04ID, 1},
		{"A1D9E7C3-5B42-4F08-8E6A-0C3B9F2D1E57", han02ID, 0},
	} {
		var opts []Option
		if tc.region != "" {
			opts = append(opts, WithRegion(tc.region))
		}
		e := newEnv(t, opts...)
		e.on("GET", pKeys, 200, fixture(t, "s3keys_empty.json"))
		if _, err := e.c.ListS3Keys(t.Context(), projID); err != nil {
			t.Fatalf("%q: %v", tc.region, err)
		}
		calls := e.rec.to("GET", pKeys)
		if len(calls) != 1 {
			t.Fatalf("%q: calls %+v", tc.region, e.rec.all())
		}
		checkHeaders(t, calls[0], tc.wantID)
		if n := len(e.rec.to("GET", "regions")); n != tc.lookups {
			t.Fatalf("%q: lookups = %d, want %d", tc.region, n, tc.lookups)
		}
	}
}

func TestNewClientEndpoints(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts   []Option
		base   string
		region string
	}{
		{nil, DefaultEndpoint, "HCM04"},
		{[]Option{WithRegion("HAN02")}, "https://han02-api.vstorage.vngcloud.vn/api/v1/", "HAN02"},
		{[]Option{WithRegion("han-1")}, "https://han02-api.vstorage.vngcloud.vn/api/v1/", "HAN02"},
		{[]Option{WithRegion("hcm03")}, "https://hcm03-api.vstorage.vngcloud.vn/api/v1/", "HCM03"},
		{[]Option{vngcloud.WithEndpoint(ConsoleEndpoint), WithRegion("HAN02")}, ConsoleEndpoint, "HAN02"},
		{[]Option{vngcloud.WithEndpoint("https://x.test/internal/v1"), WithRegion("HCM05")}, "https://x.test/internal/v1/", "HCM05"},
		{[]Option{WithRegion(hcm04ID)}, DefaultEndpoint, ""},
	} {
		c, err := NewClient(tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if c.Endpoint() != tc.base || c.Region().Name != tc.region {
			t.Errorf("base %q region %q, want %q %q", c.Endpoint(), c.Region().Name, tc.base, tc.region)
		}
	}
	for name, opts := range map[string][]Option{
		"unknown region without endpoint": {WithRegion("HCM05")},
		"nil option":                      {nil},
		"bad endpoint":                    {vngcloud.WithEndpoint("ftp://x")},
		"empty region":                    {WithRegion(" ")},
		"nil vngcloud.Option":             {vngcloud.Option(nil)},
		"nil in a bundle":                 {vngcloud.Options(nil)},
		"a type of the caller's":          {foreignOption{}},
	} {
		_, err := NewClient(opts...)
		var ve *vngcloud.ValidationError
		if !errors.As(err, &ve) || ve.Operation != "vstorage.NewClient" {
			t.Errorf("%s: err = %#v", name, err)
		}
	}
}

// foreignOption claims to be an Option without being one of the SDK's.
type foreignOption struct{}

func (foreignOption) StorageOption() {}

func TestRegionLookups(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"hcm-3": "HCM04", "HCM-3": "HCM04", "han-1": "HAN02", "HAN": "HAN02", "HCM04": "HCM04", " han02 ": "HAN02", "hcm03": "HCM03"} {
		if r, ok := region.ForManagement(in); !ok || r.Name != want {
			t.Errorf("region.ForManagement(%q) = %v, %v", in, r, ok)
		}
	}
	if _, ok := region.ForManagement("sgn-1"); ok {
		t.Error("unknown management region mapped")
	}
	if r, ok := region.ByName("hcm04"); !ok || r != region.HCM04() || r.S3URL() != "https://hcm04.vstorage.vngcloud.vn" {
		t.Errorf("region.ByName = %+v", r)
	}
	if _, ok := region.ByName("hcm-3"); ok {
		t.Error("region.ByName maps management names")
	}
	if !region.HCM03().Legacy || region.HCM04().Legacy || region.HAN02().S3Endpoint != "han02.vstorage.vngcloud.vn" {
		t.Error("region table")
	}
}

// TestInvalidInputSendsNothing: IDs and bucket names are checked before
// anything is sent, the region lookup included.
func TestInvalidInputSendsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	calls := map[string]func() error{
		"ListBuckets ..":     func() error { _, err := e.c.ListBuckets(ctx, ".."); return err },
		"GetProject empty":   func() error { _, err := e.c.GetProject(ctx, ""); return err },
		"GetBucket upper":    func() error { _, err := e.c.GetBucket(ctx, projID, "Media"); return err },
		"CreateBucket short": func() error { _, err := e.c.CreateBucket(ctx, projID, "ab"); return err },
		"CreateBucket slash": func() error { _, err := e.c.CreateBucket(ctx, projID, "a/b/c"); return err },
		"DeleteBucket ip":    func() error { return e.c.DeleteBucket(ctx, projID, "192.168.5.4") },
		"DeleteS3Key space":  func() error { return e.c.DeleteS3Key(ctx, projID, "a b") },
		"LinkS3Key no SA":    func() error { return e.c.LinkS3Key(ctx, projID, keyID, "") },
		"LinkS3Key only sa-": func() error { return e.c.LinkS3Key(ctx, projID, keyID, "sa-") },
		"Principal slash":    func() error { _, err := e.c.EnsureServiceAccountPrincipal(ctx, projID, "a/b"); return err },
		"Usage zero from":    func() error { _, err := e.c.ProjectUsage(ctx, projID, time.Time{}, day2); return err },
		"Usage reversed":     func() error { _, err := e.c.ProjectUsage(ctx, projID, day2, day1); return err },
		"Versioning Off":     func() error { return e.c.PutBucketVersioning(ctx, projID, bucket, VersioningOff) },
		"Versioning bogus":   func() error { return e.c.PutBucketVersioning(ctx, projID, bucket, "on") },
		"CORS none":          func() error { return e.c.PutBucketCORS(ctx, projID, bucket, nil) },
		"CORS lower method": func() error {
			return e.c.PutBucketCORS(ctx, projID, bucket, []CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"get"}}})
		},
		"CORS OPTIONS": func() error {
			return e.c.PutBucketCORS(ctx, projID, bucket, []CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"OPTIONS"}}})
		},
		"CORS no origin": func() error {
			return e.c.PutBucketCORS(ctx, projID, bucket, []CORSRule{{AllowedMethods: []string{"GET"}}})
		},
		"CORS expose alone": func() error {
			return e.c.PutBucketCORS(ctx, projID, bucket, []CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, ExposeHeaders: []string{"etag"}}})
		},
		"CORS negative max age": func() error {
			return e.c.PutBucketCORS(ctx, projID, bucket, []CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, MaxAgeSeconds: -1}})
		},
		"Policy no principal": func() error { return e.c.PutBucketPolicy(ctx, projID, bucket, ReadWriteBucketPolicy(bucket)) },
		"Policy no statement": func() error { return e.c.PutBucketPolicy(ctx, projID, bucket, BucketPolicy{}) },
		"Policy bad version": func() error {
			p := ReadWriteBucketPolicy(bucket, "arn:aws:iam:::user/u:sa-x")
			p.Version = "2024-01-01"
			return e.c.PutBucketPolicy(ctx, projID, bucket, p)
		},
		"Policy bad effect": func() error {
			p := ReadWriteBucketPolicy(bucket, "arn:aws:iam:::user/u:sa-x")
			p.Statement[1].Effect = "allow"
			return e.c.PutBucketPolicy(ctx, projID, bucket, p)
		},
		"Policy no action": func() error {
			p := ReadWriteBucketPolicy(bucket, "arn:aws:iam:::user/u:sa-x")
			p.Statement[0].Action = nil
			return e.c.PutBucketPolicy(ctx, projID, bucket, p)
		},
		"Policy no resource": func() error {
			p := ReadWriteBucketPolicy(bucket, "arn:aws:iam:::user/u:sa-x")
			p.Statement[0].Resource = nil
			return e.c.PutBucketPolicy(ctx, projID, bucket, p)
		},
	}
	for name, call := range calls {
		err := call()
		var ve *vngcloud.ValidationError
		if !errors.As(err, &ve) || ve.Operation == "" || ve.Field == "" {
			t.Errorf("%s: err = %#v, want a ValidationError naming the call and field", name, err)
		}
		if !errors.Is(err, vngcloud.ErrInvalidInput) {
			t.Errorf("%s: not ErrInvalidInput", name)
		}
	}
	if n := len(e.rec.all()); n != 0 {
		t.Fatalf("%d requests sent for invalid input", n)
	}
}

func TestValidateBucketName(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"abc", "media-assets", "logs.2026", "a1b", strings.Repeat("a", 63), "1-2-3", "192.168.5.4a"} {
		if err := ValidateBucketName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for name, rule := range map[string]string{
		"ab":                     "3 to 63",
		strings.Repeat("a", 64):  "3 to 63",
		"Media":                  "lowercase",
		"my_bucket":              "lowercase",
		"a b c":                  "lowercase",
		"-abc":                   "begin and end",
		"abc.":                   "begin and end",
		"a..b":                   "adjacent dots",
		"10.0.0.1":               "IP address",
		"xn--abc":                "xn--",
		"data-s3alias":           "-s3alias",
		"caf\u00e9":              "lowercase",
		"../etc":                 "lowercase",
		"a\nb":                   "lowercase",
		strings.Repeat("ab", 40): "3 to 63",
	} {
		err := ValidateBucketName(name)
		var ve *vngcloud.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Reason, rule) || ve.Field != "bucket" {
			t.Errorf("%q: err = %v, want rule %q", name, err, rule)
		}
	}
}

// TestCallerGivesUpDuringRegionLookup: a caller whose context ends while
// the lookup runs gets context.Canceled; the lookup itself completes and
// serves the next call.
func TestCallerGivesUpDuringRegionLookup(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	release := make(chan struct{})
	var lookups atomic.Int32
	regions := fixture(t, "regions.json")
	mt.RegisterResponder("GET", testBase+"regions", func(req *http.Request) (*http.Response, error) {
		lookups.Add(1)
		<-release
		return reply(req, 200, regions), nil
	})
	mt.RegisterResponder("GET", testBase+"projects", func(req *http.Request) (*http.Response, error) {
		return reply(req, 200, `{"success":true,"code":200,"datas":[]}`), nil
	})
	c, err := NewClient(vngcloud.WithEndpoint(testBase), vngcloud.WithHTTPClient(&http.Client{Transport: mt}), vngcloud.WithRetryWait(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { _, err := c.ListProjects(ctx); done <- err }()
	for lookups.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !isCanceled(err) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	close(release)
	if _, err := c.ListProjects(t.Context()); err != nil {
		t.Fatal(err)
	}
	if id, _ := c.RegionID(t.Context()); id != hcm04ID || lookups.Load() != 1 {
		t.Fatalf("id %q after %d lookups", id, lookups.Load())
	}
}

func TestNilContext(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	//lint:ignore SA1012 testing the nil check
	//lint:ignore SA1012 the test checks that a nil context is refused
	_, err := e.c.ListBuckets(nil, projID)
	var ve *vngcloud.ValidationError
	if !errors.As(err, &ve) || ve.Field != "ctx" {
		t.Fatalf("err = %v", err)
	}
	//lint:ignore SA1012 the test checks that a nil context is refused
	if _, err := e.c.RegionID(nil); !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	if n := len(e.rec.all()); n != 0 {
		t.Fatalf("%d requests", n)
	}
}

// TestPutBucketEncryptionRetriedAsIdempotent: the encryption PUT sets an
// absolute state ({"enable":bool}), so it is retried like the other
// settings writes: after a 503 it is sent again with the same body and
// succeeds; a refusal (403) is not retried; and an empty 200, which
// leaves its outcome unknown, says the change may have happened and how
// to check.
func TestPutBucketEncryptionRetriedAsIdempotent(t *testing.T) {
	t.Parallel()
	path := pBucket + "/encryption"
	call := func(ctx context.Context, c *Client) error { return c.PutBucketEncryption(ctx, projID, bucket, true) }

	e := newEnv(t)
	n := 0
	e.mt.RegisterResponder("PUT", testBase+path, func(req *http.Request) (*http.Response, error) {
		e.rec.add(req)
		if n++; n == 1 {
			return reply(req, 503, ""), nil
		}
		return reply(req, 200, fixture(t, "ok.json")), nil
	})
	if err := call(t.Context(), e.c); err != nil {
		t.Fatal(err)
	}
	sent := e.rec.to("PUT", path)
	if len(sent) != 2 || sent[0].Body != `{"enable":true}` || sent[1].Body != sent[0].Body {
		t.Fatalf("requests %+v, want the same body twice", sent)
	}

	e2 := newEnv(t)
	e2.on("PUT", path, 200, fixture(t, "error_403.json"))
	matchesOnly(t, call(t.Context(), e2.c), vngcloud.ErrForbidden)
	if n := len(e2.rec.to("PUT", path)); n != 1 {
		t.Fatalf("a refusal was sent %d times", n)
	}

	e3 := newEnv(t)
	e3.on("PUT", path, 200, "")
	err := call(t.Context(), e3.c)
	matchesOnly(t, err, vngcloud.ErrMaybeApplied)
	if ae := apiError(t, err); !strings.Contains(ae.Hint, "GetBucketEncryption") {
		t.Fatalf("hint %q does not say how to check", ae.Hint)
	}
}
