package vstorage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// The benchmarks of this file compare one typed call through the SDK with
// the same request made with bare net/http + encoding/json, against an
// httptest server that serves a fixed body. Compare the two columns with
//
//	go test -run '^$' -bench 'ListBuckets$' -count 10 ./vstorage | benchstat -col /impl -
//
// docs/BENCHMARKS.md has the figures and .ci/bench.sh reproduces them.

const (
	benchToken   = "bench-token"
	benchRegion  = "3c6f4a52-8f1e-4b2a-9d0c-7e5b1a2f6d84"
	benchProject = "0f8e2c4a6b1d4e3f9a7c5b2d8e1f4a6c"
)

// bucketsBody returns a bucket list of n buckets in the shape of
// testdata/buckets.json.
func bucketsBody(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"success":true,"code":200,"errorMsg":null,"isNext":false,"datas":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"media-assets-%04d","count":%d,"size":%d,"isPublic":false,"isVersioned":%t,`+
			`"createdDate":"09/10/2026 21:%02d","lastModified":"12/10/2026 08:%02d","type":"ceph","versionLocation":null}`,
			i, 1289+i, 5368709120+int64(i)*4096, i%2 == 0, i%60, i%60)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// bucketServer serves body to requests that carry the bearer token and
// the region headers, as the API wants them.
func bucketServer(tb testing.TB, body []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+benchToken || r.Header.Get("Region") != benchRegion {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func benchClient(tb testing.TB, srv *httptest.Server) *vstorage.Client {
	c, err := vstorage.NewClient(vngcloud.WithEndpoint(srv.URL+"/api/v1/"), vstorage.WithRegion(benchRegion),
		vngcloud.WithTokenSource(vngcloud.StaticToken(benchToken)))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// bareBucket is what a caller of the raw API would decode a bucket into.
type bareBucket struct {
	Name         string `json:"name"`
	Count        int64  `json:"count"`
	Size         int64  `json:"size"`
	IsPublic     bool   `json:"isPublic"`
	IsVersioned  bool   `json:"isVersioned"`
	CreatedDate  string `json:"createdDate"`
	LastModified string `json:"lastModified"`
	Type         string `json:"type"`
}

type bareBucketList struct {
	Success  bool         `json:"success"`
	Code     int          `json:"code"`
	ErrorMsg *string      `json:"errorMsg"`
	IsNext   bool         `json:"isNext"`
	Datas    []bareBucket `json:"datas"`
}

// bareListBuckets is the request ListBuckets makes, written with net/http
// and encoding/json only: the same URL, token and region headers, a
// status and success check, the body decoded into plain structs.
func bareListBuckets(ctx context.Context, hc *http.Client, base string) ([]bareBucket, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"ceph/projects/"+benchProject+"?limit=1000", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+benchToken)
	req.Header.Set("Accept", "application/json")
	req.Header["region"] = []string{benchRegion}
	req.Header["region_id"] = []string{benchRegion}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out bareBucketList
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || !out.Success {
		return nil, fmt.Errorf("status %d, success %v", resp.StatusCode, out.Success)
	}
	return out.Datas, nil
}

// BenchmarkListBuckets lists 20 buckets (about 4 KB, the shape of
// testdata/buckets.json) through the SDK (impl=sdk) and with bare net/http
// + encoding/json (impl=bare), both over a pooled transport like the SDK's
// default one.
func BenchmarkListBuckets(b *testing.B) {
	benchListBuckets(b, 20)
}

func benchListBuckets(b *testing.B, n int) {
	body := bucketsBody(n)
	srv := bucketServer(b, body)
	ctx := context.Background()
	b.Run("impl=sdk", func(b *testing.B) {
		c := benchClient(b, srv)
		b.ReportAllocs()
		for b.Loop() {
			bs, err := c.ListBuckets(ctx, benchProject)
			if err != nil || len(bs) != n {
				b.Fatal(len(bs), err)
			}
		}
	})
	b.Run("impl=bare", func(b *testing.B) {
		hc := cleanhttp.DefaultPooledClient()
		hc.Timeout = 60 * time.Second // as the SDK's default client
		b.ReportAllocs()
		for b.Loop() {
			bs, err := bareListBuckets(ctx, hc, srv.URL+"/api/v1/")
			if err != nil || len(bs) != n {
				b.Fatal(len(bs), err)
			}
		}
	})
}

// BenchmarkListBuckets1000 lists 1,000 buckets (the per-project cap) and
// reports, besides B/op, the response size (resp-B) and their ratio
// (B/resp-B): the memory the call allocates per byte of response,
// server side included (the test server runs in the same process).
func BenchmarkListBuckets1000(b *testing.B) {
	const n = 1000
	body := bucketsBody(n)
	srv := bucketServer(b, body)
	ctx := context.Background()
	run := func(b *testing.B, call func() (int, error)) {
		b.ReportAllocs()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for b.Loop() {
			got, err := call()
			if err != nil || got != n {
				b.Fatal(got, err)
			}
		}
		runtime.ReadMemStats(&after)
		perOp := float64(after.TotalAlloc-before.TotalAlloc) / float64(b.N)
		b.ReportMetric(float64(len(body)), "resp-B")
		b.ReportMetric(perOp/float64(len(body)), "B/resp-B")
	}
	b.Run("impl=sdk", func(b *testing.B) {
		c := benchClient(b, srv)
		run(b, func() (int, error) {
			bs, err := c.ListBuckets(ctx, benchProject)
			return len(bs), err
		})
	})
	b.Run("impl=bare", func(b *testing.B) {
		hc := cleanhttp.DefaultPooledClient()
		run(b, func() (int, error) {
			bs, err := bareListBuckets(ctx, hc, srv.URL+"/api/v1/")
			return len(bs), err
		})
	})
}

// TestBenchmarkBodies guards the benchmarks' inputs: the generated list
// decodes through the SDK as the fixture does, with dates and sizes.
func TestBenchmarkBodies(t *testing.T) {
	srv := bucketServer(t, bucketsBody(3))
	bs, err := benchClient(t, srv).ListBuckets(t.Context(), benchProject)
	if err != nil || len(bs) != 3 {
		t.Fatal(len(bs), err)
	}
	if bs[2].Name != "media-assets-0002" || bs[2].Size != 5368709120+2*4096 || bs[2].CreatedAt.IsZero() || !bs[2].IsVersioned {
		t.Fatalf("%+v", bs[2])
	}
	hc := cleanhttp.DefaultPooledClient()
	raw, err := bareListBuckets(t.Context(), hc, srv.URL+"/api/v1/")
	if err != nil || len(raw) != 3 || raw[2].Name != bs[2].Name {
		t.Fatal(raw, err)
	}
}
