package vngcloud_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/settings"
)

// apply runs one option over the defaults.
func apply(o vngcloud.Option) (*settings.Settings, error) {
	s := settings.Defaults()
	return s, o(s)
}

// TestEndpointErrorsRedactUserInfo: whatever is wrong with an endpoint
// that carries user info (a password, a token as user name), the error
// names the problem without quoting the user info, even when the URL does
// not parse.
func TestEndpointErrorsRedactUserInfo(t *testing.T) {
	t.Parallel()
	const pw = "Pa55w0rd"
	for _, ep := range []string{
		"https://user:" + pw + "@host.test/",
		"https://" + pw + "@host.test/api/",
		"https://user:" + pw + "@host.test/%zz",        // does not parse
		"https://user:" + pw + "%zz@host.test/",        // bad escape inside the password
		"https://user:" + pw + "/x@host.test/",         // a slash inside the password
		"ftp://user:" + pw + "@host.test/",             // wrong scheme
		"user:" + pw + "@host.test/",                   // no scheme
		"//user:" + pw + "@host.test/",                 // no scheme, with //
		"https://user:" + pw + "@host.test/?q=1",       // a query too
		"https://user:" + pw + "@host.test:99999/",     // bad port
		"https://user:" + pw + "@/",                    // no host
		"https://user:" + pw + "@host.test/\x00",       // control character
		"https://user:" + pw + "@host.test/#fragment",  // fragment
		"https://user:" + pw + "@host.test@other.test", // two @
	} {
		_, err := apply(vngcloud.WithEndpoint(ep))
		if err == nil {
			t.Errorf("%q accepted", strings.ReplaceAll(ep, pw, "…"))
			continue
		}
		if !errors.Is(err, vngcloud.ErrInvalidInput) {
			t.Errorf("err = %T, want a ValidationError", err)
		}
		msg := err.Error()
		for _, part := range []string{pw, pw[:4], "user:"} {
			if strings.Contains(msg, part) {
				t.Errorf("error quotes the user info (%q): %s", part, strings.ReplaceAll(msg, pw, "<password>"))
			}
		}
		if !strings.Contains(msg, "WithEndpoint") {
			t.Errorf("error does not name the option: %s", msg)
		}
	}
	// An endpoint without user info is still quoted, to help find it.
	_, err := apply(vngcloud.WithEndpoint("ftp://host.test/"))
	if err == nil || !strings.Contains(err.Error(), `"ftp://host.test/"`) {
		t.Fatalf("err = %v, want the endpoint quoted", err)
	}
}

// TestMaxResponseSizeEdges: the cap is refused when not positive and
// clamped when so large that reading one byte past it would overflow; a
// clamped cap still lets answers through.
func TestMaxResponseSizeEdges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    int64
		want int64 // 0: refused
	}{
		{math.MinInt64, 0},
		{-1, 0},
		{0, 0},
		{1, 1},
		{32 << 20, 32 << 20},
		{math.MaxInt64 - 2, math.MaxInt64 - 2},
		{math.MaxInt64 - 1, math.MaxInt64 - 1},
		{math.MaxInt64, math.MaxInt64 - 1},
	} {
		s, err := apply(vngcloud.WithMaxResponseSize(tc.n))
		switch {
		case tc.want == 0 && !errors.Is(err, vngcloud.ErrInvalidInput):
			t.Errorf("WithMaxResponseSize(%d): err = %v, want refused", tc.n, err)
		case tc.want != 0 && err != nil:
			t.Errorf("WithMaxResponseSize(%d): %v", tc.n, err)
		case tc.want != 0 && s.MaxResponseBytes != tc.want:
			t.Errorf("WithMaxResponseSize(%d) = %d, want %d", tc.n, s.MaxResponseBytes, tc.want)
		}
	}
}
