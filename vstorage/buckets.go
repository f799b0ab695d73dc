package vstorage

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// bucketListLimit is the per-project bucket cap, so one call lists every
// bucket (docs/api.md §2.2 "Pagination").
const bucketListLimit = "1000"

// Bucket is a vStorage bucket as the bucket list and the bucket details
// describe it (docs/api.md §2.3 #4, #5).
type Bucket struct {
	// Name is the bucket's name.
	Name string `json:"name"`
	// ObjectCount is the number of objects (count).
	ObjectCount int64 `json:"count"`
	// Size is the stored size as the API reports it (bytes).
	Size int64 `json:"size"`
	// IsPublic and IsVersioned are the API's flags. IsPublic does not
	// reflect a public-read bucket policy.
	IsPublic    bool `json:"isPublic"`
	IsVersioned bool `json:"isVersioned"`
	// CreatedAt is the creation time. The list sends it as
	// "dd/mm/yyyy hh:mm" without a zone, read as Vietnam time (UTC+07:00);
	// the details send null, so it is zero after GetBucket.
	CreatedAt time.Time `json:"createdDate"`
	// LastModified is the last change, zero when the API gives none or
	// writes it in an unknown layout.
	LastModified time.Time `json:"lastModified"`
	// Type is the storage type, for example "ceph".
	Type string `json:"type,omitempty"`
	// VersionLocation is the API's version location, usually empty.
	VersionLocation string `json:"versionLocation,omitempty"`
	// Owner is the owner object of the bucket details (the account e-mail
	// in base64 and the storage user ID), as served; its field names are
	// not documented. It is nil in lists.
	Owner json.RawMessage `json:"owner,omitempty"`
}

type bucketWire struct {
	Name            flexStr         `json:"name"`
	Count           flexNum         `json:"count"`
	Size            flexNum         `json:"size"`
	IsPublic        flexBool        `json:"isPublic"`
	IsVersioned     flexBool        `json:"isVersioned"`
	CreatedDate     flexTime        `json:"createdDate"`
	LastModified    flexTime        `json:"lastModified"`
	Type            flexStr         `json:"type"`
	VersionLocation flexStr         `json:"versionLocation"`
	Owner           json.RawMessage `json:"owner"`
}

// UnmarshalJSON reads a bucket as the API serves it.
func (b *Bucket) UnmarshalJSON(data []byte) error {
	var w bucketWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*b = w.bucket()
	return nil
}

// bucket converts the wire form to the model.
func (w *bucketWire) bucket() Bucket {
	b := Bucket{
		Name: string(w.Name), ObjectCount: w.Count.int64(), Size: w.Size.int64(),
		IsPublic: bool(w.IsPublic), IsVersioned: bool(w.IsVersioned),
		CreatedAt: w.CreatedDate.time(), LastModified: w.LastModified.time(),
		Type: string(w.Type), VersionLocation: string(w.VersionLocation),
	}
	if !isNull(w.Owner) {
		b.Owner = bytes.Clone(w.Owner)
	}
	return b
}

// ValidateBucketName checks name against the S3 bucket naming rules and
// returns a *vngcloud.ValidationError naming the rule it breaks:
//
//   - 3 to 63 characters;
//   - lowercase letters, digits, hyphens and dots only;
//   - begins and ends with a letter or a digit;
//   - no two adjacent dots;
//   - not formatted as an IPv4 address: four dot-separated groups of
//     digits, such as 192.168.5.4 (or 999.1.1.1);
//   - does not begin with "xn--" nor end with "-s3alias".
//
// Every bucket call of this package checks its bucket name so, and sends
// nothing for a name that breaks a rule. The vStorage servers are
// stricter still on creation (they refuse upper case with code 112).
func ValidateBucketName(name string) error {
	return validateBucketName("vstorage.ValidateBucketName", name)
}

func validateBucketName(op, name string) error {
	reason := ""
	switch {
	case len(name) < 3 || len(name) > 63:
		reason = fmt.Sprintf("must be 3 to 63 characters long, %q has %d", name, len(name))
	case strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.')
	}) >= 0:
		reason = fmt.Sprintf("%q may hold only lowercase letters, digits, hyphens and dots", name)
	case !isAlnum(name[0]) || !isAlnum(name[len(name)-1]):
		reason = fmt.Sprintf("%q must begin and end with a letter or a digit", name)
	case strings.Contains(name, ".."):
		reason = fmt.Sprintf("%q must not contain two adjacent dots", name)
	case looksLikeIPv4(name):
		reason = fmt.Sprintf("%q must not be formatted as an IP address", name)
	case strings.HasPrefix(name, "xn--"):
		reason = fmt.Sprintf("%q must not begin with the reserved prefix xn--", name)
	case strings.HasSuffix(name, "-s3alias"):
		reason = fmt.Sprintf("%q must not end with the reserved suffix -s3alias", name)
	}
	if reason == "" {
		return nil
	}
	return &vngcloud.ValidationError{Operation: op, Field: "bucket", Reason: "breaks the S3 bucket naming rules: " + reason}
}

// looksLikeIPv4 reports a name "formatted as an IP address": four
// dot-separated groups of digits, as S3 and Ceph RGW refuse them, whether
// or not each group is a valid octet ("192.168.05.4", "999.1.1.1").
func looksLikeIPv4(name string) bool {
	groups := strings.Split(name, ".")
	if len(groups) != 4 {
		return false
	}
	for _, g := range groups {
		if g == "" || strings.IndexFunc(g, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			return false
		}
	}
	return true
}

func isAlnum(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

// checkBucket validates a project ID and a bucket name.
func checkBucket(op, projectID, bucket string) error {
	if err := httpcore.ValidateID(op, "projectID", projectID); err != nil {
		return err
	}
	return validateBucketName(op, bucket)
}

// ListBuckets lists every bucket of a project. It asks for 1000 buckets,
// the per-project cap, in one call. If the service still flags more
// results (isNext), ListBuckets returns an error rather than a partial
// list.
//
// Endpoint: GET ceph/projects/{projectID}?limit=1000 (docs/api.md §2.3 #4).
func (c *Client) ListBuckets(ctx context.Context, projectID string) ([]Bucket, error) {
	r := &httpcore.Request{Op: "vstorage.ListBuckets", Method: http.MethodGet, Path: "ceph/projects/{projectID}", Args: []string{projectID},
		Query: url.Values{"limit": {bucketListLimit}}}
	return call[[]Bucket](ctx, c, r)
}

// GetBucket returns a bucket's details. A missing bucket is an error
// matching vngcloud.ErrNotFound. CreatedAt is zero here (the API sends
// null); Owner is set.
//
// Endpoint: GET ceph/projects/{projectID}/{bucket}/details (docs/api.md §2.3
// #5).
func (c *Client) GetBucket(ctx context.Context, projectID, bucket string) (Bucket, error) {
	r := &httpcore.Request{Op: "vstorage.GetBucket", Method: http.MethodGet, Path: "ceph/projects/{projectID}/{bucket}/details", Args: []string{projectID, bucket}}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return Bucket{}, err
	}
	return call[Bucket](ctx, c, r)
}

// CreateBucket creates a bucket with object lock off and returns it as the
// service describes it (name and a zero count). Creating a bucket the
// account already owns succeeds again (the API answers the same 200), so
// the call is idempotent and is retried like a read. A name taken by
// another account is an error matching vngcloud.ErrConflict; a name the
// server refuses is one matching vngcloud.ErrInvalidInput (code 112). The
// name is checked with [ValidateBucketName] first.
//
// An S3 key attached to a service account can also create buckets in its
// project: bucket creation is not restricted by bucket policies.
//
// Endpoint: POST ceph/projects/{projectID}/buckets/{bucket}, body
// {"status":"Disabled"} (docs/api.md §2.3 #6).
func (c *Client) CreateBucket(ctx context.Context, projectID, bucket string) (Bucket, error) {
	r := &httpcore.Request{Op: "vstorage.CreateBucket", Method: http.MethodPost, Path: "ceph/projects/{projectID}/buckets/{bucket}",
		Args: []string{projectID, bucket}, Body: map[string]string{"status": "Disabled"}}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return Bucket{}, err
	}
	b, err := call[*Bucket](ctx, c, r)
	if err != nil && !alreadyOwned(err) {
		return Bucket{}, err
	}
	// Already owned, or created with an empty answer: the name is known.
	return cmp.Or(b, &Bucket{}).withName(bucket), nil
}

// withName returns a copy of b named name when the answer named none.
func (b *Bucket) withName(name string) Bucket {
	out := *b
	out.Name = cmp.Or(out.Name, name)
	return out
}

// alreadyOwned reports S3's BucketAlreadyOwnedByYou, which means the
// create has nothing left to do.
func alreadyOwned(err error) bool {
	var ae *vngcloud.APIError
	return errors.As(err, &ae) && strings.Contains(strings.ToLower(ae.Message), "bucketalreadyownedbyyou")
}

// DeleteBucket deletes a bucket.
//
// WARNING: the server deletes NON-EMPTY buckets, objects and object
// versions included, and never refuses because a bucket holds data (API
// doc §2.3 #7). There is no undo. Check the bucket's ObjectCount yourself
// if that matters.
//
// The delete is asynchronous: for about a second after it succeeds,
// GetBucket and ListBuckets may still show the bucket, and GetBucket may
// answer code -1 "Unknown error". Deleting a missing bucket is an error
// matching vngcloud.ErrNotFound. The call is idempotent and is retried
// like a read; so a first attempt whose answer was lost may delete the
// bucket and the retry then reports ErrNotFound (its hint says so): treat
// ErrNotFound as "the bucket is gone".
//
// Endpoint: DELETE ceph/projects/{projectID}/buckets/{bucket}.
func (c *Client) DeleteBucket(ctx context.Context, projectID, bucket string) error {
	r := &httpcore.Request{Op: "vstorage.DeleteBucket", Method: http.MethodDelete, Path: "ceph/projects/{projectID}/buckets/{bucket}", Args: []string{projectID, bucket}}
	if err := checkBucket(r.Op, projectID, bucket); err != nil {
		return err
	}
	_, err := call[struct{}](ctx, c, r)
	return err
}
