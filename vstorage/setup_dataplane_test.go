package vstorage_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/testsupport/realtools"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// TestSetupThenS3cmd is the console flow end to end through the public
// API: vstorage.Setup (restricted by vIAM) writes an s3cmd config, the real
// s3cmd moves bytes with it against a real S3 server (versitygw on
// loopback, told about the keys the test vStorage makes); then
// vstorage.RotateKey puts a new key in the file, s3cmd reads the bytes back
// with it, and the old key no longer works. (versitygw does not enforce
// restriction or bucket policies: those are asserted on the test servers'
// state by the other tests.)
func TestSetupThenS3cmd(t *testing.T) {
	t.Parallel()
	realtools.S3cmd(t)
	s3 := realtools.StartS3Server(t, "HCM04")
	iamSrv := viamtest.NewServer()
	stSrv := vstoragetest.NewServer(iamSrv, vstoragetest.WithDataPlane(s3), vstoragetest.WithS3Endpoints(map[string]string{"HCM04": s3.Endpoint}))
	t.Cleanup(func() { stSrv.Close(); iamSrv.Close() })
	_, id, secret := iamSrv.AddServiceAccount("login")
	project := stSrv.AddProject("HCM04", "data")
	tokens, _ := viam.NewClientCredentials(id, secret, vngcloud.WithEndpoint(iamSrv.URL()))
	iam, _ := viam.NewClient(vngcloud.WithEndpoint(iamSrv.URL()), vngcloud.WithTokenSource(tokens))
	st, err := vstorage.NewClient(vngcloud.WithEndpoint(stSrv.URL()), vngcloud.WithTokenSource(tokens), vngcloud.WithRetryWait(time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	home, cfg := t.TempDir(), filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	res, err := vstorage.Setup(ctx, vstorage.SetupRequest{Storage: st, IAM: iam, ProjectID: project, Bucket: "photos",
		Restrict: &vstorage.Restriction{ServiceAccount: "photos-app", ManagedPolicy: viam.PolicyVStorageClientToolFullAccess},
		Config:   &vstorage.S3cmdFile{Path: cfg}})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(cfg); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config: %v %v", fi, err)
	}
	payload := make([]byte, 100_000)
	rand.Read(payload)
	src := realtools.WriteFile(t, t.TempDir(), "payload.bin", string(payload))
	s3cmd := func(args ...string) string {
		t.Helper()
		so, se, code := realtools.RunS3cmd(t, home, cfg, args...)
		if code != 0 {
			t.Fatalf("s3cmd %s: exit %d: %s", strings.Join(args, " "), code, se)
		}
		return so
	}
	s3cmd("mb", "s3://photos")
	s3cmd("put", src, "s3://photos/dir/payload.bin")
	dst0 := filepath.Join(t.TempDir(), "first.bin")
	s3cmd("get", "s3://photos/dir/payload.bin", dst0)
	if back, _ := os.ReadFile(dst0); !bytes.Equal(back, payload) {
		t.Fatal("the bytes read back differ")
	}

	old := filepath.Join(t.TempDir(), "old.s3cfg")
	data, _ := os.ReadFile(cfg)
	os.WriteFile(old, data, 0o600)
	rot, err := vstorage.RotateKey(ctx, vstorage.RotateRequest{Storage: st, IAM: iam, ProjectID: project, Path: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if rot.Old.AccessKey != res.Key.AccessKey || !rot.OldDeleted || rot.ServiceAccount == nil || rot.ServiceAccount.Name != "photos-app" {
		t.Fatalf("rotation %+v", rot)
	}
	newData, _ := os.ReadFile(cfg)
	if bytes.Contains(newData, []byte(res.Key.AccessKey)) || !bytes.Contains(newData, []byte(rot.New.AccessKey)) {
		t.Fatal("the file does not hold the new key")
	}
	if a, b := strings.ReplaceAll(string(data), res.Key.SecretKey.Reveal(), ""), strings.ReplaceAll(string(newData), rot.New.SecretKey.Reveal(), ""); strings.ReplaceAll(a, res.Key.AccessKey, "") != strings.ReplaceAll(b, rot.New.AccessKey, "") {
		t.Fatalf("the rotation changed more than the key lines:\n%s\n---\n%s", a, b)
	}
	if bak, _ := os.ReadFile(cfg + ".bak"); !bytes.Equal(bak, data) {
		t.Error("the backup is not the previous file")
	}
	// versitygw gives each key its own user and buckets, so the new key
	// moves bytes in a bucket of its own; the old key is refused.
	s3cmd("mb", "s3://after-rotation")
	s3cmd("put", src, "s3://after-rotation/payload.bin")
	dst := filepath.Join(t.TempDir(), "back.bin")
	s3cmd("get", "s3://after-rotation/payload.bin", dst)
	if back, _ := os.ReadFile(dst); !bytes.Equal(back, payload) {
		t.Fatal("the bytes read back differ")
	}
	if _, se, code := realtools.RunS3cmd(t, home, old, "ls"); code != 77 || !strings.Contains(se, "InvalidAccessKeyId") {
		t.Fatalf("the old key after the rotation: exit %d: %s", code, se)
	}
}
