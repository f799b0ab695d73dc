package httpcore

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/vstorage-sdk/vngcloud"
)

type benchItem struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Size      float64 `json:"size"`
	Count     int     `json:"count"`
	IsPublic  bool    `json:"isPublic"`
	CreatedAt string  `json:"createdDate"`
}

type benchList struct {
	Success bool        `json:"success"`
	Code    int         `json:"code"`
	Datas   []benchItem `json:"datas"`
}

func benchServer(b *testing.B) *httptest.Server {
	var items []string
	for i := range 20 {
		items = append(items, fmt.Sprintf(`{"id":"id-%02d","name":"bucket-%02d","size":%d.5,"count":%d,"isPublic":false,"createdDate":"28/11/2026 10:%02d"}`, i, i, i*1000, i, i))
	}
	body := []byte(`{"success":true,"code":200,"datas":[` + strings.Join(items, ",") + `]}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer bench-token" {
			w.WriteHeader(401)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkGet compares one GET with a bearer token and a JSON list of 20
// items (about 2 KB) through the SDK's core and through bare net/http +
// encoding/json, both over the same kind of pooled transport. Compare the
// two with: go test -run '^$' -bench BenchmarkGet -count 10 ./internal/httpcore | benchstat -col /impl -
func BenchmarkGet(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	b.Run("impl=sdk", func(b *testing.B) {
		c, err := newWith("", []vngcloud.Option{vngcloud.WithEndpoint(srv.URL + "/api/v1/"), vngcloud.WithTokenSource(vngcloud.StaticToken("bench-token"))})
		if err != nil {
			b.Fatal(err)
		}
		req := &Request{Op: "bench.List", Method: http.MethodGet, Path: "ceph/projects/{}", Args: []string{"p-1"}, Query: url.Values{"limit": {"1000"}}}
		b.ReportAllocs()
		for b.Loop() {
			var out benchList
			if err := do(c, ctx, req, &out); err != nil || len(out.Datas) != 20 {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=bare", func(b *testing.B) {
		hc := cleanhttp.DefaultPooledClient()
		hc.Timeout = 60 * time.Second // as the SDK's default client
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/ceph/projects/p-1?limit=1000", nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer bench-token")
			req.Header.Set("Accept", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var out benchList
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || len(out.Datas) != 20 {
				b.Fatal(err)
			}
		}
	})
}
