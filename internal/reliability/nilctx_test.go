package reliability

import (
	"context"
	"errors"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
)

// TestNilContext: every call of the matrix given a nil context returns a
// *vngcloud.ValidationError and sends nothing; none panics.
func TestNilContext(t *testing.T) {
	e, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	var nilCtx context.Context // a variable, so that vet lets it through
	for i := range calls {
		c := &calls[i]
		t.Run(c.name, func(t *testing.T) {
			before := len(e.rec.Requests())
			var err error
			p, stack := runLabelled("nil-context/"+c.name, func() { _, err = c.run(nilCtx, e) })
			if p != nil {
				t.Fatalf("panic: %v\n%s", p, stack)
			}
			var ve *vngcloud.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, vngcloud.ErrInvalidInput) {
				t.Errorf("want a *vngcloud.ValidationError, got %T %v", err, err)
			}
			if n := len(e.rec.Requests()) - before; n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}
