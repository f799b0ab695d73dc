// Package vstorage is a client for the management API of VNG Cloud
// (GreenNode) vStorage, the S3-compatible object storage: storage regions,
// projects and their usage, buckets and their settings (policy,
// versioning, CORS, encryption), S3 keys, and linking keys to vIAM
// service accounts. Objects themselves go through any S3 client, against
// [Region.S3Endpoint].
//
//	c, err := vstorage.NewClient(
//		vngcloud.WithTokenSource(tokens), // a vIAM service-account source
//		vstorage.WithRegion("HCM04"),
//	)
//	buckets, err := c.ListBuckets(ctx, projectID)
//
// A Client is safe for concurrent use.
//
// # API surfaces
//
// vStorage has three APIs (docs/api.md §2.1):
//
//   - The documented vStorage API for service-account tokens,
//     https://hcm04-api.vstorage.vngcloud.vn/api/v1/ ([DefaultEndpoint]).
//     Its billing-statistics and project-create paths are documented; that
//     it serves the bucket, key and settings paths used here under the
//     same names as the console API is an unverified lead (docs/api.md §6
//     item 1).
//   - The undocumented console API for IAM-user tokens,
//     https://vstorage.console.greennode.ai/internal/v1/
//     ([ConsoleEndpoint]), where every call here has been seen to work.
//     Select it with vngcloud.WithConsoleHosts(), which moves a viam
//     client built with the same options to the console's vIAM hosts too.
//   - The S3 data plane (SigV4 with an S3 key), which this package does not
//     wrap.
//
// Also not confirmed (docs/api.md §6): the HAN02 management host
// (region.HAN02().APIEndpoint follows the HCM04 pattern; override it with
// vngcloud.WithEndpoint), the response shape of the statistics calls (see
// [Statistics]), any paging of the bucket list beyond one call of 1000,
// whether the S3 key limit counts per account or per project, and the
// time zone of dates written without one (read here as UTC+07:00).
//
// # Regions and the region headers
//
// Every call except [Client.ListRegions] sends the headers "region" and
// "region_id", both set to the region's UUID: without them the API answers
// "no projects", code 114 or 403 (docs/api.md §1.3). The client looks the UUID
// up by region name with ListRegions on the first call that needs it, once
// per client, and keeps it; concurrent first calls share one lookup, and
// a failed lookup is tried again on the next call. A region name the
// service does not list is an error that says so. To skip the lookup,
// give the UUID itself: vstorage.WithRegion("<region UUID>").
//
// Package region ([github.com/vstorage-sdk/vngcloud/vstorage/region])
// holds the region table; its ForManagement maps management regions
// (hcm-3, han-1) to storage regions (HCM04, HAN02); WithRegion
// accepts either.
//
// # Deleting buckets
//
// WARNING: [Client.DeleteBucket] deletes NON-EMPTY buckets. The server
// removes the bucket with every object and object version in it, and
// never refuses because the bucket holds data. There is no undo.
//
// # Errors
//
// The API answers most refusals with HTTP 200 and {"success":false,
// "code":..., "errorMsg":...}. Such an answer is an error, never a
// success: a *vngcloud.APIError whose Code is the envelope's code as text
// (it may be a number or a string in JSON) and whose Kind, tested with
// errors.Is, is mapped:
//
//	112                                        vngcloud.ErrInvalidInput
//	400 / 403 / 404 (envelope or HTTP)         ErrInvalidInput / ErrForbidden / ErrNotFound
//	403 IAM_PERMISSION_DENIED (bare array)     ErrForbidden
//	114 "No project authentication found"      ErrForbidden (wrong project or region)
//	114 "... already attached ..."             ErrConflict
//	114 "... not attached to any service account"  ErrConflict
//	114 "Key number is reached to maximum ..." ErrConflict (the S3 key limit)
//	114 "S3 key not found", "StatusCode=404",
//	    "InvalidAccessKeyId"                   ErrNotFound
//	-1 "Unknown error"                         none (transient; look again)
//
// An empty 2xx body where data was expected is an error that says so (the
// service-account API answers an empty 200 to a token it does not
// accept). On the policy, versioning and CORS routes an empty 200 means
// the bucket is missing: the client reads the bucket once and returns
// ErrNotFound when it is gone. A bucket list flagged incomplete (isNext)
// is an error, never a partial list. Input the SDK refuses before sending
// (an invalid bucket name, an empty ID, a policy statement without a
// principal) is a *vngcloud.ValidationError matching ErrInvalidInput.
//
// # Calls sent once
//
// CreateS3Key, DeleteS3Key, LinkS3Key and UnlinkS3Key are never retried.
// After an ambiguous failure (a 5xx, a lost connection, an unreadable
// answer, envelope code -1) their error matches vngcloud.ErrMaybeApplied
// and its Hint says how to check: list the keys (ListS3Keys) and look for
// unknown keys or at the key's SubUserID. Every other call is idempotent
// and retried by the core on connection errors, 429 and 5xx.
//
// # Secrets
//
// The secret of a new S3 key is a vngcloud.Secret: it prints, logs and
// encodes as [REDACTED]; Reveal returns it. No secret appears in errors
// or logs.
package vstorage
