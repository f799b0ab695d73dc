package vstoragetest_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/testsupport/realtools"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// TestRealDataPlane: a key created through the fake works with the real
// s3cmd against a real, signature-checking S3 server (versitygw on
// 127.0.0.1, told about the key through its admin API), and stops working
// once deleted through the fake.
func TestRealDataPlane(t *testing.T) {
	t.Parallel()
	s3 := realtools.StartS3Server(t, "HCM04") // versitygw checks the signing region: HCM04 on both sides
	e := newEnv(t, []vstoragetest.Option{vstoragetest.WithDataPlane(s3), vstoragetest.WithS3Endpoints(map[string]string{"HCM04": s3.Endpoint})})
	ctx := context.Background()

	// The flow a program runs: service account, key, attach, principal.
	sa, err := e.iamc.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "media-uploader"})
	if err != nil {
		t.Fatal(err)
	}
	key, err := e.c.CreateS3Key(ctx, e.project)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.c.LinkS3Key(ctx, e.project, key.ID, sa.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.EnsureServiceAccountPrincipal(ctx, e.project, sa.ID); err != nil {
		t.Fatal(err)
	}
	// The region's S3 host, as GET regions reports it, is the data plane.
	regions, err := e.c.ListRegions(ctx)
	if err != nil || regions[0].Name != "HCM04" || regions[0].S3Host != s3.Endpoint {
		t.Fatalf("%+v %v", regions, err)
	}

	home := t.TempDir()
	cfg := realtools.WriteFile(t, home, "s3cnf.s3cfg", s3.S3cmdConfig(key.AccessKey, key.SecretKey.Reveal()))
	run := func(args ...string) (string, string, int) {
		t.Helper()
		return realtools.RunS3cmd(t, home, cfg, args...)
	}
	payload := bytes.Repeat([]byte("vstoragetest moves bytes\n"), 4000)
	src := realtools.WriteFile(t, home, "payload.txt", string(payload))
	if out, errOut, code := run("mb", "s3://media-assets"); code != 0 {
		t.Fatalf("mb: exit %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := run("put", src, "s3://media-assets/dir/payload.txt"); code != 0 {
		t.Fatalf("put: exit %d\n%s%s", code, out, errOut)
	}
	dst := filepath.Join(home, "back.txt")
	if out, errOut, code := run("get", "s3://media-assets/dir/payload.txt", dst); code != 0 {
		t.Fatalf("get: exit %d\n%s%s", code, out, errOut)
	}
	got, err := os.ReadFile(dst)
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("get returned %d bytes, want %d (%v)", len(got), len(payload), err)
	}
	out, errOut, code := run("ls", "s3://media-assets/dir/")
	if code != 0 || !strings.Contains(out, "s3://media-assets/dir/payload.txt") {
		t.Fatalf("ls: exit %d\n%s%s", code, out, errOut)
	}

	// Deleted through the API: the data plane refuses the key.
	if err := e.c.DeleteS3Key(ctx, e.project, key.ID); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = run("ls", "s3://media-assets/")
	if code != 77 || !strings.Contains(out+errOut, "403") {
		t.Fatalf("ls with a deleted key: exit %d\n%s%s", code, out, errOut)
	}
	for _, c := range e.st.Calls() {
		if strings.Contains(string(c.Body), key.SecretKey.Reveal()) {
			t.Fatal("the secret is in the call log")
		}
	}
}

// failingPlane is a data plane that refuses keys, with the secret in its
// error (which the server must not pass on).
type failingPlane struct {
	mu      sync.Mutex
	fail    bool
	added   map[string]string
	removed []string
}

func (f *failingPlane) AddUser(ak, sk string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return errors.New("admin refused user " + ak + " with secret " + sk)
	}
	f.added[ak] = sk
	return nil
}

func (f *failingPlane) RemoveUser(ak string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return errors.New("admin refused to remove " + ak)
	}
	f.removed = append(f.removed, ak)
	return nil
}

func (f *failingPlane) setFail(v bool) {
	f.mu.Lock()
	f.fail = v
	f.mu.Unlock()
}

func TestDataPlaneFailures(t *testing.T) {
	t.Parallel()
	dp := &failingPlane{added: map[string]string{}}
	e := newEnv(t, []vstoragetest.Option{vstoragetest.WithDataPlane(dp)})
	ctx := context.Background()
	key, err := e.c.CreateS3Key(ctx, e.project)
	if err != nil || dp.added[key.AccessKey] != key.SecretKey.Reveal() {
		t.Fatal(err, dp.added)
	}
	dp.setFail(true)
	_, err = e.c.CreateS3Key(ctx, e.project)
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) || ae.Code != "114" || !strings.Contains(ae.Message, "admin refused user") || !strings.Contains(ae.Message, vngcloud.Redacted) {
		t.Fatalf("%v", err)
	}
	if len(e.st.Keys(e.project)) != 1 {
		t.Fatal("a refused key was kept")
	}
	if err := e.c.DeleteS3Key(ctx, e.project, key.ID); err == nil || len(e.st.Keys(e.project)) != 1 {
		t.Fatalf("a delete the data plane refused: %v", err)
	}
	dp.setFail(false)
	if err := e.c.DeleteS3Key(ctx, e.project, key.ID); err != nil || len(dp.removed) != 1 || dp.removed[0] != key.AccessKey {
		t.Fatal(err, dp.removed)
	}
}

// Compile-time check: the realtools server is a DataPlane.
var _ vstoragetest.DataPlane = (*realtools.S3Server)(nil)
