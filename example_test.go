package vngcloud_test

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// The SDK in a few calls: one token source for both clients, secrets that
// print as [REDACTED], and errors tested with errors.Is. In-memory services
// stand in for vIAM and vStorage here; against your account, leave out the
// WithEndpoint options (README.md, "Quick start", has the whole program).
func Example() {
	iam := viamtest.NewServer()
	defer iam.Close()
	st := vstoragetest.NewServer(iam)
	defer st.Close()
	project := st.AddProject("HCM04", "media")
	_, clientID, clientSecret := iam.AddServiceAccount("ci-bot")

	ctx := context.Background()
	tokens, err := viam.NewClientCredentials(clientID, clientSecret, vngcloud.WithEndpoint(iam.URL()))
	if err != nil {
		log.Fatal(err)
	}
	storage, err := vstorage.NewClient(vngcloud.WithTokenSource(tokens),
		vstorage.WithRegion("HCM04"), vngcloud.WithEndpoint(st.URL()))
	if err != nil {
		log.Fatal(err)
	}
	key, err := storage.CreateS3Key(ctx, project) // sent once, never retried
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("secret:", key.SecretKey, "restricted:", key.Restricted())

	_, err = storage.GetBucket(ctx, project, "no-such-bucket")
	fmt.Println("not found:", errors.Is(err, vngcloud.ErrNotFound))
	// Output:
	// secret: [REDACTED] restricted: false
	// not found: true
}

// TestExamplesAttach: go/doc (and so pkg.go.dev) shows every Example of
// this package; one named after no function, type or method (a variable,
// say) would silently be dropped.
func TestExamplesAttach(t *testing.T) {
	fset := token.NewFileSet()
	var files []*ast.File
	paths, _ := filepath.Glob("*.go")
	declared := 0
	for _, p := range paths {
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "Example") {
				declared++
			}
		}
	}
	pkg, err := doc.NewFromFiles(fset, files, "github.com/vstorage-sdk/vngcloud")
	if err != nil {
		t.Fatal(err)
	}
	attached := len(pkg.Examples)
	for _, f := range pkg.Funcs {
		attached += len(f.Examples)
	}
	for _, ty := range pkg.Types {
		attached += len(ty.Examples)
		for _, f := range ty.Funcs {
			attached += len(f.Examples)
		}
		for _, m := range ty.Methods {
			attached += len(m.Examples)
		}
	}
	if len(pkg.Examples) == 0 {
		t.Error("no package-level Example()")
	}
	if attached != declared {
		t.Errorf("go/doc attaches %d of the %d Example functions; rename the others after a function, type or method (or Example_suffix)", attached, declared)
	}
}

func ExampleSecret() {
	s := vngcloud.Secret("wJalrXUtnFEMI/K7MDENG")
	fmt.Println(s)
	fmt.Printf("%q %#v\n", s, s)
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the output stable
			}
			return a
		},
	}))
	logger.Info("new key", "secret", s)
	fmt.Println(len(s.Reveal()))
	// Output:
	// [REDACTED]
	// "[REDACTED]" vngcloud.Secret("[REDACTED]")
	// level=INFO msg="new key" secret=[REDACTED]
	// 21
}

func ExampleAPIError() {
	// What a failed call returns: inspect the kind with errors.Is and the
	// details with errors.As.
	var err error = &vngcloud.APIError{
		Operation:  "vstorage.LinkS3Key",
		StatusCode: 200,
		Code:       "114",
		Message:    "This S3 key is already attached with this service account",
		Kind:       vngcloud.ErrConflict,
	}
	if errors.Is(err, vngcloud.ErrConflict) {
		fmt.Println("already attached")
	}
	var ae *vngcloud.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.Code)
	}
	fmt.Println(err)
	// Output:
	// already attached
	// 114
	// vngcloud: vstorage.LinkS3Key: HTTP 200 (code 114): This S3 key is already attached with this service account
}

// An error after which the change may or may not have happened matches
// ErrMaybeApplied; look before you retry.
func ExampleAPIError_maybeApplied() {
	err := fmt.Errorf("creating the key: %w", &vngcloud.APIError{
		Operation: "vstorage.CreateS3Key", StatusCode: 502, Message: "Bad Gateway",
		MaybeApplied: true, Hint: "list the project's S3 keys before trying again",
	})
	if errors.Is(err, vngcloud.ErrMaybeApplied) {
		fmt.Println("look before you retry:", err)
	}
	// Output:
	// look before you retry: creating the key: vngcloud: vstorage.CreateS3Key: HTTP 502: Bad Gateway; the change may have happened; list the project's S3 keys before trying again
}
