package vstorage_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// rotateEnv makes a restricted key and its s3cmd file, to rotate.
func rotateEnv(t *testing.T, opts ...vngcloud.Option) (*flowEnv, string, vstorage.S3Key) {
	t.Helper()
	e := newFlowEnv(t, opts...)
	path := filepath.Join(t.TempDir(), "s3cnf.s3cfg")
	res, err := vstorage.Setup(context.Background(), e.request(true, &vstorage.S3cmdFile{Path: path}))
	if err != nil {
		t.Fatal(err)
	}
	return e, path, res.Key
}

func TestRotateKey(t *testing.T) {
	t.Parallel()
	e, path, old := rotateEnv(t)
	before, _ := os.ReadFile(path)
	res, err := vstorage.RotateKey(context.Background(), vstorage.RotateRequest{Storage: e.st, IAM: e.iam, ProjectID: e.project, Path: path})
	if err != nil {
		t.Fatal(err)
	}
	keys := e.stSrv.Keys(e.project)
	if len(keys) != 1 || keys[0].AccessKey != res.New.AccessKey || keys[0].SubUserID != old.SubUserID && !strings.HasSuffix(keys[0].SubUserID, ":sa-flow-app") {
		t.Fatalf("keys %v", keys)
	}
	after, _ := os.ReadFile(path)
	want := bytes.ReplaceAll(bytes.ReplaceAll(before, []byte(old.AccessKey), []byte(res.New.AccessKey)), []byte(old.SecretKey.Reveal()), []byte(res.New.SecretKey.Reveal()))
	if !bytes.Equal(after, want) {
		t.Fatalf("the file changed beyond its key lines:\n%s", after)
	}
	if bak, _ := os.ReadFile(path + ".bak"); !bytes.Equal(bak, before) {
		t.Fatal("no backup of the previous file")
	}
}

// TestRotateFaults injects every fault at every step of a rotation: before
// the file is written, the new key is undone and the file and the old key
// are as they were; a failed delete of the old key leaves it, named.
func TestRotateFaults(t *testing.T) {
	t.Parallel()
	steps := []flowStep{
		{vstorage.StepS3Key, false, "POST", "users/s3_keys"},
		{vstorage.StepLink, false, "PUT", "/attach"},
		{vstorage.StepConfig, false, "", ""},
		{vstorage.StepOldKey, false, "DELETE", "users/s3_keys/"},
	}
	for _, st := range steps {
		fs := faults
		if st.path == "" {
			fs = []fault{{"write fails", nil}}
		}
		for _, f := range fs {
			t.Run(st.step+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				e, path, old := rotateEnv(t, vngcloud.WithTimeout(300*time.Millisecond), vngcloud.WithRetries(1))
				before, _ := os.ReadFile(path)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				req := vstorage.RotateRequest{Storage: e.st, IAM: e.iam, ProjectID: e.project, Path: path}
				if f.make == nil {
					// The file turns into a folder between the plan and the write.
					req.Progress = func(ev vstorage.StepEvent) {
						if ev.Step == vstorage.StepConfig && !ev.Done {
							os.Rename(path, path+".moved")
							os.Mkdir(path, 0o700)
						}
					}
				} else {
					fl, cancelNow := f.make(st.method, st.path, cancel)
					e.stSrv.Inject(fl)
					if cancelNow != nil {
						req.Progress = func(ev vstorage.StepEvent) {
							if ev.Step == st.step && !ev.Done {
								time.AfterFunc(50*time.Millisecond, cancelNow)
							}
						}
					}
				}
				_, err := vstorage.RotateKey(ctx, req)
				var fe *vstorage.FlowError
				if !errors.As(err, &fe) || fe.Step != st.step {
					t.Fatalf("err = %v", err)
				}
				for _, u := range fe.Undone {
					if u.Err != nil {
						t.Errorf("undo failed: %v", u)
					}
				}
				e.stSrv.ClearFaults()
				var keys []string
				for _, k := range e.stSrv.Keys(e.project) {
					keys = append(keys, k.AccessKey)
				}
				if st.step == vstorage.StepOldKey {
					// The file holds the new key; the old one is named.
					after, _ := os.ReadFile(path)
					if bytes.Contains(after, []byte(old.AccessKey)) || !strings.Contains(err.Error(), old.AccessKey) {
						t.Fatalf("after a failed delete of the old key: file %s, err %v", after, err)
					}
					if len(keys) == 2 || (len(keys) == 1 && !slices.Contains(keys, old.AccessKey)) {
						return
					}
					t.Fatalf("keys %v", keys)
				}
				if f.make == nil {
					os.Remove(path)
					os.Rename(path+".moved", path)
				}
				if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
					t.Fatalf("the file changed:\n%s", after)
				}
				if !slices.Contains(keys, old.AccessKey) {
					t.Fatal("the old key is gone")
				}
				if len(keys) > 1 && len(fe.Unknown) == 0 {
					t.Fatalf("a new key is left and the error does not say so: %v %v", keys, err)
				}
				if k := e.stSrv.Keys(e.project)[0]; !k.Restricted() {
					t.Fatal("the old key lost its restriction")
				}
			})
		}
	}
}
