package httpcore

import (
	"testing"

	"github.com/vstorage-sdk/vngcloud"
)

func TestKindForStatus(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]error{400: vngcloud.ErrInvalidInput, 401: vngcloud.ErrUnauthorized, 403: vngcloud.ErrForbidden,
		404: vngcloud.ErrNotFound, 409: vngcloud.ErrConflict, 429: vngcloud.ErrRateLimited, 500: nil, 200: nil} {
		if got := KindForStatus(status); got != want {
			t.Errorf("%d: %v", status, got)
		}
	}
}
