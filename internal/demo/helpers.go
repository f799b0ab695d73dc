package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// EnsureBucket makes sure the bucket exists in the project and reports
// whether this call created it.
func EnsureBucket(ctx context.Context, st *vstorage.Client, projectID, bucket string) (created bool, err error) {
	_, err = st.GetBucket(ctx, projectID, bucket)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, vngcloud.ErrNotFound) {
		return false, err
	}
	if _, err := st.CreateBucket(ctx, projectID, bucket); err != nil {
		return false, err
	}
	return true, nil
}

// GrantReadWrite gives the principal ARN read and write access to one
// bucket with the template of vstorage.ReadWriteBucketPolicy. A bucket has
// one policy document, so the statements are added to the bucket's current
// policy rather than replacing it; when that policy already holds them,
// nothing is sent. It returns how many statements of the old policy were
// kept and whether it changed the policy.
func GrantReadWrite(ctx context.Context, st *vstorage.Client, projectID, bucket, arn string) (kept int, changed bool, err error) {
	want := vstorage.ReadWriteBucketPolicy(bucket, arn)
	cur, err := st.GetBucketPolicy(ctx, projectID, bucket)
	if err != nil {
		return 0, false, err
	}
	doc := want
	if len(cur.Statement) > 0 {
		kept = len(cur.Statement)
		if containsAll(cur.Statement, want.Statement) {
			return kept, false, nil
		}
		doc = cur
		doc.Statement = append(append([]vstorage.PolicyStatement(nil), cur.Statement...), want.Statement...)
	}
	if err := st.PutBucketPolicy(ctx, projectID, bucket, doc); err != nil {
		return kept, false, err
	}
	return kept, true, nil
}

func containsAll(have, want []vstorage.PolicyStatement) bool {
	set := map[string]bool{}
	for _, s := range have {
		b, _ := json.Marshal(s)
		set[string(b)] = true
	}
	for _, s := range want {
		b, _ := json.Marshal(s)
		if !set[string(b)] {
			return false
		}
	}
	return true
}

// FindServiceAccount returns the service account called exactly name, or
// an error matching vngcloud.ErrNotFound.
func FindServiceAccount(ctx context.Context, iam *viam.Client, name string) (viam.ServiceAccount, error) {
	for sa, err := range iam.AllServiceAccounts(ctx, &viam.ListOptions{Name: name}) {
		if err != nil {
			return viam.ServiceAccount{}, err
		}
		if sa.Name == name {
			return sa, nil
		}
	}
	return viam.ServiceAccount{}, fmt.Errorf("no service account is called %q: %w", name, vngcloud.ErrNotFound)
}

// FindKey returns the project's S3 key whose access key (or key ID) is id,
// or an error matching vngcloud.ErrNotFound.
func FindKey(ctx context.Context, st *vstorage.Client, projectID, id string) (vstorage.S3Key, error) {
	keys, err := st.ListS3Keys(ctx, projectID)
	if err != nil {
		return vstorage.S3Key{}, err
	}
	for _, k := range keys {
		if k.AccessKey == id || k.ID == id {
			return k, nil
		}
	}
	return vstorage.S3Key{}, fmt.Errorf("project %s has no S3 key with access key or ID %s: %w", projectID, id, vngcloud.ErrNotFound)
}

// CheckDest says why a config could not be written to path, so that a
// program stops before it creates a key whose secret would be lost. replace
// allows an existing regular file (or a link to one); mkdir allows a
// missing folder.
func CheckDest(path string, replace, mkdir bool) error {
	if st, err := os.Lstat(path); err == nil {
		if !replace {
			return fmt.Errorf("%s exists; not replacing it. Use --force to replace it, or write elsewhere", path)
		}
		if !st.Mode().IsRegular() && st.Mode()&fs.ModeSymlink == 0 {
			return fmt.Errorf("%s exists and is not a regular file", path)
		}
	}
	if dir := filepath.Dir(path); !mkdir {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return fmt.Errorf("the folder %s does not exist", dir)
		}
	}
	// The rest: a writable folder, a valid name, safe symbolic links.
	opts := s3cfg.WriteOptions{IfExists: s3cfg.Refuse, MkdirAll: mkdir}
	if replace {
		opts.IfExists = s3cfg.Replace
	}
	return s3cfg.CheckWritable(path, opts)
}

// Config renders an s3cmd config: the short form (the seven keys that
// matter) or the full one "s3cmd --configure" writes, with the given line
// terminator.
func Config(v s3cfg.VStorage, full bool, newline string) ([]byte, error) {
	var data []byte
	var err error
	if full {
		data, err = v.Full(nil)
	} else {
		data, err = v.Short()
	}
	if err != nil {
		return nil, err
	}
	if newline == s3cfg.LF {
		return data, nil
	}
	f, err := s3cfg.Parse(data)
	if err != nil {
		return nil, err
	}
	f.SetNewline(newline)
	return f.Bytes(), nil
}

// Describe summarises a config for a step line, without its secret:
// "host_base hcm04.vstorage.vngcloud.vn, bucket_location HCM04, https,
// virtual-host style".
func Describe(data []byte) string {
	f, err := s3cfg.Parse(data)
	if err != nil {
		return "unreadable"
	}
	get := func(k string) string { s, _ := f.Get(k); return s }
	scheme := "http"
	if c := f.Resolve(s3cfg.Runtime{LookupEnv: func(string) (string, bool) { return "", false }}); c.Err() == nil {
		if ok, _ := c.Bool("use_https"); ok {
			scheme = "https"
		}
	}
	style := "path style"
	if strings.Contains(get("host_bucket"), "%(bucket)s") {
		style = "virtual-host style"
	}
	return fmt.Sprintf("host_base %s, bucket_location %s, %s, %s", get("host_base"), get("bucket_location"), scheme, style)
}
