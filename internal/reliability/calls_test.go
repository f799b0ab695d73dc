package reliability

import (
	"context"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// call is one public call of the SDK that goes over the network, as the
// matrix drives it.
type call struct {
	// name is "package.Method".
	name string
	// method and path are the route of the call's own request (the URL
	// path, exact): faults are injected there, and the requests the server
	// saw are counted there.
	method string
	path   func(e *env) string
	// once marks the calls the SDK sends exactly once (never retried).
	once bool
	// run makes the call and returns its result.
	run func(ctx context.Context, e *env) (any, error)
	// done reports, for a call that changes something, whether the change
	// happened on the server.
	done func(e *env) (bool, error)
	// unsure is part of the hint a MaybeApplied error of the call must
	// carry: how to find out whether the change happened.
	unsure string

	// What the expected outcomes depend on:
	// noDecode: the SDK reads no answer (vIAM's 204 routes), so any 2xx
	// is success; noBody: the service answers without a body, so there is
	// nothing to truncate or pad; gone: once the change happened, a
	// repeat answers not found (deletes); settings: a vStorage bucket
	// settings write, where an empty 200 is checked against the bucket;
	// write: another retried vStorage write, where an empty 200 leaves the
	// outcome unknown; repeats: EnsurePolicyAttached, which repeats an
	// attach whose outcome was unknown.
	noDecode, noBody, gone, settings, write, repeats bool
}

// Local calls (no request): vstorage.Client.Endpoint and Region,
// viam.Client.Endpoint, viam.ClientCredentials.ClientID, TokenURL,
// Variant and Invalidate. They are not in the matrix.

func st(rel string) func(*env) string { return func(*env) string { return "/api/v1/" + rel } }

func stf(format func(e *env) string) func(*env) string {
	return func(e *env) string { return "/api/v1/" + format(e) }
}

func iamPath(format func(e *env) string) func(*env) string {
	return func(e *env) string { return "/" + format(e) }
}

func bucketPath(what string) func(*env) string {
	return stf(func(e *env) string { return "ceph/projects/" + e.project + "/buckets/" + e.bucket + what })
}

var day = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// calls is every public network call of vstorage.Client, viam.Client and
// viam.ClientCredentials.
var calls = []call{
	// ---- vstorage ----
	{name: "vstorage.ListRegions", method: "GET", path: st("regions"),
		run: func(ctx context.Context, e *env) (any, error) { return e.stc.ListRegions(ctx) }},
	{name: "vstorage.RegionID", method: "GET", path: st("regions"),
		run: func(ctx context.Context, e *env) (any, error) {
			c, err := e.newStorage() // a client that has not looked its region up yet
			if err != nil {
				return nil, err
			}
			return c.RegionID(ctx)
		}},
	{name: "vstorage.S3Endpoint", method: "GET", path: st("regions"),
		run: func(ctx context.Context, e *env) (any, error) {
			c, err := e.newStorage() // a client that has not looked its region up yet
			if err != nil {
				return nil, err
			}
			return c.S3Endpoint(ctx)
		}},
	{name: "vstorage.ListProjects", method: "GET", path: st("projects"),
		run: func(ctx context.Context, e *env) (any, error) { return e.stc.ListProjects(ctx) }},
	{name: "vstorage.GetProject", method: "GET", path: st("projects"),
		run: func(ctx context.Context, e *env) (any, error) { return e.stc.GetProject(ctx, e.project) }},
	{name: "vstorage.ProjectUsage", method: "GET", path: stf(func(e *env) string { return "billing/statistics/projects/" + e.project + "/usage" }),
		run: func(ctx context.Context, e *env) (any, error) {
			return e.stc.ProjectUsage(ctx, e.project, day, day.AddDate(0, 0, 2))
		}},
	{name: "vstorage.ProjectTraffic", method: "GET", path: stf(func(e *env) string { return "billing/statistics/projects/" + e.project + "/traffic" }),
		run: func(ctx context.Context, e *env) (any, error) {
			return e.stc.ProjectTraffic(ctx, e.project, day, day.AddDate(0, 0, 2))
		}},
	{name: "vstorage.ProjectRequests", method: "GET", path: stf(func(e *env) string { return "billing/statistics/projects/" + e.project + "/request" }),
		run: func(ctx context.Context, e *env) (any, error) {
			return e.stc.ProjectRequests(ctx, e.project, day, day.AddDate(0, 0, 2))
		}},
	{name: "vstorage.ListBuckets", method: "GET", path: stf(func(e *env) string { return "ceph/projects/" + e.project }),
		run: func(ctx context.Context, e *env) (any, error) { return e.stc.ListBuckets(ctx, e.project) }},
	{name: "vstorage.GetBucket", method: "GET", path: stf(func(e *env) string { return "ceph/projects/" + e.project + "/" + e.bucket + "/details" }),
		run: func(ctx context.Context, e *env) (any, error) { return e.stc.GetBucket(ctx, e.project, e.bucket) }},
	{name: "vstorage.CreateBucket", method: "POST", path: stf(func(e *env) string { return "ceph/projects/" + e.project + "/buckets/" + matrixNewBucket }),
		run: func(ctx context.Context, e *env) (any, error) {
			return e.stc.CreateBucket(ctx, e.project, matrixNewBucket)
		}},
	{name: "vstorage.DeleteBucket", gone: true, method: "DELETE", path: bucketPath(""),
		run: func(ctx context.Context, e *env) (any, error) {
			return nil, e.stc.DeleteBucket(ctx, e.project, e.bucket)
		}},
	{name: "vstorage.GetBucketPolicy", method: "GET", path: bucketPath("/policy"),
		run: func(ctx context.Context, e *env) (any, error) { return e.stc.GetBucketPolicy(ctx, e.project, e.bucket) }},
	{name: "vstorage.PutBucketPolicy", settings: true, method: "PUT", path: bucketPath("/policy"),
		run: func(ctx context.Context, e *env) (any, error) {
			return nil, e.stc.PutBucketPolicy(ctx, e.project, e.bucket, vstorage.ReadWriteBucketPolicy(e.bucket, vstorage.PrincipalARN("u:sa-other")))
		}},
	{name: "vstorage.DeleteBucketPolicy", settings: true, method: "DELETE", path: bucketPath("/policy"),
		run: func(ctx context.Context, e *env) (any, error) {
			return nil, e.stc.DeleteBucketPolicy(ctx, e.project, e.bucket)
		}},
	{name: "vstorage.GetBucketVersioning", method: "GET", path: bucketPath("/versioning"),
		run: func(ctx context.Context, e *env) (any, error) {
			return e.stc.GetBucketVersioning(ctx, e.project, e.bucket)
		}},
	{name: "vstorage.PutBucketVersioning", settings: true, method: "PUT", path: bucketPath("/versioning"),
		run: func(ctx context.Context, e *env) (any, error) {
			return nil, e.stc.PutBucketVersioning(ctx, e.project, e.bucket, vstorage.VersioningEnabled)
		}},
	{name: "vstorage.GetBucketCORS", method: "GET", path: bucketPath("/cors"),
		run: func(ctx context.Context, e *env) (any, error) { return e.stc.GetBucketCORS(ctx, e.project, e.bucket) }},
	{name: "vstorage.PutBucketCORS", settings: true, method: "PUT", path: bucketPath("/cors"),
		run: func(ctx context.Context, e *env) (any, error) {
			return nil, e.stc.PutBucketCORS(ctx, e.project, e.bucket, []vstorage.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}}})
		}},
	{name: "vstorage.DeleteBucketCORS", settings: true, method: "DELETE", path: bucketPath("/cors"),
		run: func(ctx context.Context, e *env) (any, error) {
			return nil, e.stc.DeleteBucketCORS(ctx, e.project, e.bucket)
		}},
	{name: "vstorage.GetBucketEncryption", method: "GET", path: bucketPath("/encryption"),
		run: func(ctx context.Context, e *env) (any, error) {
			return e.stc.GetBucketEncryption(ctx, e.project, e.bucket)
		}},
	{name: "vstorage.PutBucketEncryption", write: true, unsure: "GetBucketEncryption", method: "PUT", path: bucketPath("/encryption"),
		run: func(ctx context.Context, e *env) (any, error) {
			return nil, e.stc.PutBucketEncryption(ctx, e.project, e.bucket, true)
		}},
	{name: "vstorage.ListS3Keys", method: "GET", path: st("users/s3_keys"),
		run: func(ctx context.Context, e *env) (any, error) { return e.stc.ListS3Keys(ctx, e.project) }},
	{name: "vstorage.GetS3Key", method: "GET", path: st("users/s3_keys"),
		run: func(ctx context.Context, e *env) (any, error) { return e.stc.GetS3Key(ctx, e.project, e.key1) }},
	{name: "vstorage.CreateS3Key", method: "POST", path: st("users/s3_keys"), once: true,
		run:    func(ctx context.Context, e *env) (any, error) { return e.stc.CreateS3Key(ctx, e.project) },
		done:   func(e *env) (bool, error) { return len(e.st.Keys(e.project)) == 3, nil },
		unsure: "list the project's S3 keys (ListS3Keys)"},
	{name: "vstorage.DeleteS3Key", method: "DELETE", path: stf(func(e *env) string { return "users/s3_keys/" + e.key1 }), once: true,
		run: func(ctx context.Context, e *env) (any, error) { return nil, e.stc.DeleteS3Key(ctx, e.project, e.key1) },
		done: func(e *env) (bool, error) {
			_, ok := e.keyState(e.key1)
			return !ok, nil
		},
		unsure: "ListS3Keys"},
	{name: "vstorage.LinkS3Key", method: "PUT", path: stf(func(e *env) string { return "users/s3_keys/" + e.key1 + "/attach" }), once: true,
		run: func(ctx context.Context, e *env) (any, error) {
			return nil, e.stc.LinkS3Key(ctx, e.project, e.key1, e.sa.ID)
		},
		done: func(e *env) (bool, error) {
			k, _ := e.keyState(e.key1)
			return k.SubUserID != "", nil
		},
		unsure: "subUserId"},
	{name: "vstorage.UnlinkS3Key", method: "PUT", path: stf(func(e *env) string { return "users/s3_keys/" + e.key2 + "/detach" }), once: true,
		run: func(ctx context.Context, e *env) (any, error) { return nil, e.stc.UnlinkS3Key(ctx, e.project, e.key2) },
		done: func(e *env) (bool, error) {
			k, _ := e.keyState(e.key2)
			return k.SubUserID == "", nil
		},
		unsure: "subUserId"},
	{name: "vstorage.EnsureServiceAccountPrincipal", method: "GET", path: st("users/details"),
		run: func(ctx context.Context, e *env) (any, error) {
			return e.stc.EnsureServiceAccountPrincipal(ctx, e.project, e.sa.ID)
		}},

	// ---- viam ----
	{name: "viam.ClientCredentials.Token", method: "POST", path: iamPath(func(*env) string { return viam.TokenPathV2 }),
		run: func(ctx context.Context, e *env) (any, error) {
			cc, err := e.newCredentials() // a source with no token cached
			if err != nil {
				return nil, err
			}
			return cc.Token(ctx)
		}},
	{name: "viam.ListServiceAccounts", method: "GET", path: iamPath(func(*env) string { return "accounts-api/v1/service-accounts" }),
		run: func(ctx context.Context, e *env) (any, error) { return e.iamc.ListServiceAccounts(ctx, nil) }},
	{name: "viam.AllServiceAccounts", method: "GET", path: iamPath(func(*env) string { return "accounts-api/v1/service-accounts" }),
		run: func(ctx context.Context, e *env) (any, error) {
			return collect(e.iamc.AllServiceAccounts(ctx, nil))
		}},
	{name: "viam.GetServiceAccount", method: "GET", path: iamPath(func(e *env) string { return "accounts-api/v1/service-accounts/" + e.sa.ID }),
		run: func(ctx context.Context, e *env) (any, error) { return e.iamc.GetServiceAccount(ctx, e.sa.ID) }},
	{name: "viam.CreateServiceAccount", method: "POST", path: iamPath(func(*env) string { return "accounts-api/v1/service-accounts" }), once: true,
		run: func(ctx context.Context, e *env) (any, error) {
			return e.iamc.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: matrixNewSA})
		},
		done:   func(e *env) (bool, error) { return e.serviceAccountNamed(matrixNewSA) },
		unsure: "list service accounts with name"},
	{name: "viam.UpdateServiceAccount", noDecode: true, method: "PATCH", path: iamPath(func(e *env) string { return "accounts-api/v1/service-accounts/" + e.sa.ID }),
		run: func(ctx context.Context, e *env) (any, error) {
			return nil, e.iamc.UpdateServiceAccount(ctx, e.sa.ID, viam.UpdateServiceAccountRequest{Description: vngcloud.Ptr("changed")})
		}},
	{name: "viam.DeleteServiceAccount", noDecode: true, noBody: true, gone: true, method: "DELETE", path: iamPath(func(e *env) string { return "accounts-api/v1/service-accounts/" + e.sa.ID }),
		run: func(ctx context.Context, e *env) (any, error) { return nil, e.iamc.DeleteServiceAccount(ctx, e.sa.ID) }},
	{name: "viam.ResetServiceAccountSecret", method: "POST", path: iamPath(func(e *env) string { return "accounts-api/v1/service-accounts/" + e.sa.ID + "/reset-secret" }), once: true,
		run:    func(ctx context.Context, e *env) (any, error) { return e.iamc.ResetServiceAccountSecret(ctx, e.sa.ID) },
		done:   func(e *env) (bool, error) { return e.secretReset() },
		unsure: "reset again"},
	{name: "viam.ListPolicies", method: "GET", path: iamPath(func(*env) string { return "policies-api/v1/policies" }),
		run: func(ctx context.Context, e *env) (any, error) { return e.iamc.ListPolicies(ctx, nil) }},
	{name: "viam.AllPolicies", method: "GET", path: iamPath(func(*env) string { return "policies-api/v1/policies" }),
		run: func(ctx context.Context, e *env) (any, error) { return collect(e.iamc.AllPolicies(ctx, nil)) }},
	{name: "viam.GetPolicy", method: "GET", path: iamPath(func(e *env) string { return "policies-api/v1/policies/" + e.pol1 }),
		run: func(ctx context.Context, e *env) (any, error) { return e.iamc.GetPolicy(ctx, e.pol1) }},
	{name: "viam.CreatePolicy", method: "POST", path: iamPath(func(*env) string { return "policies-api/v1/policies" }), once: true,
		run: func(ctx context.Context, e *env) (any, error) {
			return e.iamc.CreatePolicy(ctx, viam.PolicyRequest{Name: matrixNewPolicy, Document: viam.VStorageReadOnly()})
		},
		done: func(e *env) (bool, error) {
			_, ok := e.iam.PolicyID(matrixNewPolicy)
			return ok, nil
		},
		unsure: "FindPolicyByName"},
	{name: "viam.UpdatePolicy", noDecode: true, noBody: true, method: "PUT", path: iamPath(func(e *env) string { return "policies-api/v1/policies/" + e.pol1 }),
		run: func(ctx context.Context, e *env) (any, error) {
			return nil, e.iamc.UpdatePolicy(ctx, e.pol1, viam.PolicyRequest{Name: matrixPolicy, Document: viam.VStorageReadOnly()})
		}},
	{name: "viam.DeletePolicy", noDecode: true, noBody: true, gone: true, method: "DELETE", path: iamPath(func(e *env) string { return "policies-api/v1/policies/" + e.pol1 }),
		run: func(ctx context.Context, e *env) (any, error) { return nil, e.iamc.DeletePolicy(ctx, e.pol1) }},
	{name: "viam.FindPolicyByName", method: "GET", path: iamPath(func(*env) string { return "policies-api/v1/policies" }),
		run: func(ctx context.Context, e *env) (any, error) { return e.iamc.FindPolicyByName(ctx, matrixPolicy) }},
	{name: "viam.AttachPolicy", noDecode: true, noBody: true, method: "POST", path: iamPath(func(e *env) string { return "policies-api/v1/policies/" + e.pol1 + "/service-accounts/" + e.sa.ID }), once: true,
		run:    func(ctx context.Context, e *env) (any, error) { return nil, e.iamc.AttachPolicy(ctx, e.pol1, e.sa.ID) },
		done:   func(e *env) (bool, error) { return e.policyAttached(matrixPolicy), nil },
		unsure: "ListServiceAccountPolicies"},
	{name: "viam.EnsurePolicyAttached", noDecode: true, noBody: true, repeats: true, method: "POST", path: iamPath(func(e *env) string { return "policies-api/v1/policies/" + e.pol1 + "/service-accounts/" + e.sa.ID }),
		run: func(ctx context.Context, e *env) (any, error) {
			return nil, e.iamc.EnsurePolicyAttached(ctx, e.pol1, e.sa.ID)
		},
		done:   func(e *env) (bool, error) { return e.policyAttached(matrixPolicy), nil },
		unsure: "ListServiceAccountPolicies"},
	{name: "viam.DetachPolicy", noDecode: true, noBody: true, gone: true, method: "DELETE", path: iamPath(func(e *env) string { return "policies-api/v1/policies/" + e.pol2 + "/service-accounts/" + e.sa.ID }),
		run: func(ctx context.Context, e *env) (any, error) { return nil, e.iamc.DetachPolicy(ctx, e.pol2, e.sa.ID) }},
	{name: "viam.ListServiceAccountPolicies", method: "GET", path: iamPath(func(e *env) string {
		return "policies-api/v1/user-attachments/service-accounts/" + e.sa.ID + "/policies"
	}),
		run: func(ctx context.Context, e *env) (any, error) {
			return e.iamc.ListServiceAccountPolicies(ctx, e.sa.ID, nil)
		}},
	{name: "viam.AllServiceAccountPolicies", method: "GET", path: iamPath(func(e *env) string {
		return "policies-api/v1/user-attachments/service-accounts/" + e.sa.ID + "/policies"
	}),
		run: func(ctx context.Context, e *env) (any, error) {
			return collect(e.iamc.AllServiceAccountPolicies(ctx, e.sa.ID, nil))
		}}, {name: "viam.GetUserInfo", method: "GET", path: iamPath(func(*env) string { return "accounts-api/v1/auth/userinfo" }),
		run: func(ctx context.Context, e *env) (any, error) { return e.iamc.GetUserInfo(ctx) }},
	{name: "viam.ListActions", method: "GET", path: iamPath(func(*env) string { return "policies-api/v1/actions" }),
		run: func(ctx context.Context, e *env) (any, error) { return e.iamc.ListActions(ctx, viam.ProductVStorage) }},
	{name: "viam.ListPolicyServiceAccounts", method: "GET", path: iamPath(func(e *env) string { return "policies-api/v1/policies/" + e.pol1 + "/service-accounts" }),
		run: func(ctx context.Context, e *env) (any, error) { return e.iamc.ListPolicyServiceAccounts(ctx, e.pol1) }},
}

// collect ranges over an iterator of the viam package.
func collect[T any](seq func(func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}
