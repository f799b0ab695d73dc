package vstoragetest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// TestEmptyAnswers: with a valid token every call answers an empty 200,
// which the SDK must not take for an empty result.
func TestEmptyAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, []vstoragetest.Option{vstoragetest.WithEmptyAnswers()})
	code, body := e.raw(t, "").do("GET", "regions", "")
	if code != 200 || len(body) != 0 {
		t.Errorf("regions: %d %q", code, body)
	}
	if projects, err := e.c.ListProjects(context.Background()); err == nil {
		t.Errorf("ListProjects took an empty 200 for %d projects", len(projects))
	}
}

// TestRedirect: a 301 to the same path under the new base, query kept.
func TestRedirect(t *testing.T) {
	t.Parallel()
	e := newEnv(t, []vstoragetest.Option{vstoragetest.WithRedirect("http://vstorage.greennode.test/internal/v1/")})
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(e.st.URL() + "ceph/projects/p1?limit=1000")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := "http://vstorage.greennode.test/internal/v1/ceph/projects/p1?limit=1000"; resp.StatusCode != 301 || resp.Header.Get("Location") != want {
		t.Errorf("%d to %q, want 301 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
}
