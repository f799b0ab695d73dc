package viam_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

// The benchmarks of this file compare typed calls through the SDK with the
// same requests made with bare net/http + encoding/json, against an
// httptest server that serves fixed pages. Compare the two columns with
//
//	go test -run '^$' -bench 'ListServiceAccounts$' -count 10 ./viam | benchstat -col /impl -
//
// docs/BENCHMARKS.md has the figures and .ci/bench.sh reproduces them.

const benchToken = "bench-token"

// saPage returns page num (0-based) of total service accounts, size per
// page, in the shape of testdata/service_accounts_list.json.
func saPage(num, size, total int) []byte {
	var b strings.Builder
	b.WriteString(`{"data":[`)
	for i := num * size; i < min(total, (num+1)*size); i++ {
		if i > num*size {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"a3f1c2d4-5b6e-4f70-8a91-%012d","clientId":"7c9e6679-7425-40de-944b-%012d","name":"backup-uploader-%04d",`+
			`"description":"nightly backups to vStorage","accessTokenLifeSpan":1800,"createdAt":%d,"enabled":true,"lastUse":%d}`,
			i, i, i, 1727337600123+int64(i)*1000, 1727424000000+int64(i)*1000)
	}
	pages := (total + size - 1) / size
	fmt.Fprintf(&b, `],"pageNumber":%d,"pageSize":%d,"totalItems":%d,"totalPages":%d}`, num, size, total, pages)
	return []byte(b.String())
}

// pageServer serves the pages of total service accounts at
// accounts-api/v1/service-accounts?pageNumber=&pageSize=size, to requests
// with the bearer token. The pages are made once, so the server allocates
// little of its own.
func pageServer(tb testing.TB, size, total int) (*httptest.Server, int) {
	var pages [][]byte
	bytes := 0
	for n := 0; n == 0 || n*size < total; n++ {
		p := saPage(n, size, total)
		pages = append(pages, p)
		bytes += len(p)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+benchToken || r.URL.Path != "/accounts-api/v1/service-accounts" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		n, err := strconv.Atoi(r.URL.Query().Get("pageNumber"))
		if err != nil || n < 0 || n >= len(pages) || r.URL.Query().Get("pageSize") != strconv.Itoa(size) {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(pages[n])))
		w.Write(pages[n])
	}))
	tb.Cleanup(srv.Close)
	return srv, bytes
}

func benchClient(tb testing.TB, srv *httptest.Server) *viam.Client {
	c, err := viam.NewClient(vngcloud.WithEndpoint(srv.URL+"/"), vngcloud.WithTokenSource(vngcloud.StaticToken(benchToken)))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// bareSA and barePage are what a caller of the raw API would decode a
// page into.
type bareSA struct {
	ID                  string `json:"id"`
	ClientID            string `json:"clientId"`
	Name                string `json:"name"`
	Description         string `json:"description"`
	AccessTokenLifeSpan int    `json:"accessTokenLifeSpan"`
	CreatedAt           int64  `json:"createdAt"`
	Enabled             bool   `json:"enabled"`
	LastUse             *int64 `json:"lastUse"`
}

type barePage struct {
	Data       []bareSA `json:"data"`
	PageNumber int      `json:"pageNumber"`
	PageSize   int      `json:"pageSize"`
	TotalItems int      `json:"totalItems"`
	TotalPages int      `json:"totalPages"`
}

// bareListServiceAccounts is the request ListServiceAccounts makes,
// written with net/http and encoding/json only.
func bareListServiceAccounts(ctx context.Context, hc *http.Client, base string, num, size int) (*barePage, error) {
	u := base + "accounts-api/v1/service-accounts?pageNumber=" + strconv.Itoa(num) + "&pageSize=" + strconv.Itoa(size)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+benchToken)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var p barePage
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

// BenchmarkListServiceAccounts gets one page of 20 service accounts (the
// per-account cap; about 5 KB) through the SDK (impl=sdk) and with bare
// net/http + encoding/json (impl=bare).
func BenchmarkListServiceAccounts(b *testing.B) {
	const n = 20
	srv, _ := pageServer(b, viam.DefaultPageSize, n)
	ctx := context.Background()
	b.Run("impl=sdk", func(b *testing.B) {
		c := benchClient(b, srv)
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.ListServiceAccounts(ctx, nil)
			if err != nil || len(p.Items) != n {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=bare", func(b *testing.B) {
		hc := cleanhttp.DefaultPooledClient()
		hc.Timeout = 60 * time.Second
		b.ReportAllocs()
		for b.Loop() {
			p, err := bareListServiceAccounts(ctx, hc, srv.URL+"/", 0, viam.DefaultPageSize)
			if err != nil || len(p.Data) != n {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAllServiceAccounts1000 iterates over 1,000 service accounts in
// pages of DefaultPageSize (10 requests) with AllServiceAccounts
// (impl=sdk), and with a bare loop over the pages (impl=bare). Besides
// B/op it reports the bytes of all pages (resp-B) and their ratio
// (B/resp-B), server side included.
func BenchmarkAllServiceAccounts1000(b *testing.B) {
	const n = 1000
	srv, respBytes := pageServer(b, viam.DefaultPageSize, n)
	ctx := context.Background()
	run := func(b *testing.B, iterate func() (int, error)) {
		b.ReportAllocs()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for b.Loop() {
			got, err := iterate()
			if err != nil || got != n {
				b.Fatal(got, err)
			}
		}
		runtime.ReadMemStats(&after)
		perOp := float64(after.TotalAlloc-before.TotalAlloc) / float64(b.N)
		b.ReportMetric(float64(respBytes), "resp-B")
		b.ReportMetric(perOp/float64(respBytes), "B/resp-B")
	}
	b.Run("impl=sdk", func(b *testing.B) {
		c := benchClient(b, srv)
		run(b, func() (int, error) {
			got := 0
			for sa, err := range c.AllServiceAccounts(ctx, nil) {
				if err != nil {
					return got, err
				}
				if sa.ID != "" {
					got++
				}
			}
			return got, nil
		})
	})
	b.Run("impl=bare", func(b *testing.B) {
		hc := cleanhttp.DefaultPooledClient()
		run(b, func() (int, error) {
			got := 0
			for num := 0; ; num++ {
				p, err := bareListServiceAccounts(ctx, hc, srv.URL+"/", num, viam.DefaultPageSize)
				if err != nil {
					return got, err
				}
				for _, sa := range p.Data {
					if sa.ID != "" {
						got++
					}
				}
				if p.PageNumber+1 >= p.TotalPages {
					return got, nil
				}
			}
		})
	})
}

// coldCallers starts n goroutines that each make one call at the same
// moment on a client whose token cache is empty, and returns the first
// error.
func coldCallers(n int, call func() error) error {
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			<-start
			errs <- call()
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// TestColdTokenCacheThousandCalls: 1,000 concurrent calls through a client
// whose token cache is cold make exactly one token request, end to end
// (ClientCredentials against the vIAM test server).
func TestColdTokenCacheThousandCalls(t *testing.T) {
	iam := viamtest.NewServer()
	defer iam.Close()
	_, clientID, secret := iam.AddServiceAccount("bench-bot")
	cc, err := viam.NewClientCredentials(clientID, secret, vngcloud.WithEndpoint(iam.URL()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := viam.NewClient(vngcloud.WithTokenSource(cc), vngcloud.WithEndpoint(iam.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	err = coldCallers(1000, func() error {
		_, err := c.ListServiceAccounts(ctx, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := iam.TokensIssued(); n != 1 {
		t.Fatalf("1,000 cold calls made %d token requests, want 1", n)
	}
	if n := iam.CallCount(http.MethodGet, "service-accounts"); n != 1000 {
		t.Fatalf("%d list calls reached the server, want 1000", n)
	}
}
