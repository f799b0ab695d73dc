// Package viam is a client for VNG Cloud's identity service, vIAM: the
// service-account token (OAuth2 client credentials), service accounts,
// policies and the attachment of policies to service accounts.
//
// A [Client] is safe for concurrent use. Every method takes a context
// first; the context bounds the whole call, retries included.
//
// # Authentication
//
// A service account gets tokens with its client ID and client secret.
// [NewClientCredentials] returns a token source that fetches them from
// https://iamapis.vngcloud.vn/accounts-api/v2/auth/token ([DefaultTokenURL])
// with `Authorization: Basic base64(clientID:clientSecret)` and the form
// body grant_type=client_credentials&scope=email (the scope as the
// Terraform provider sends it; [WithTokenScope] changes it), caches each
// token until 60 seconds before it expires (30 minutes is assumed when the
// answer has no expires_in), lets one goroutine refresh it while the others wait, and
// drops it when a call answers 401 (the call is then resent once with a
// new token). The same source works for the vstorage package, which takes
// the same token:
//
//	cc, err := viam.NewClientCredentials(os.Getenv("VNGCLOUD_CLIENT_ID"),
//		vngcloud.Secret(os.Getenv("VNGCLOUD_CLIENT_SECRET")))
//	if err != nil { ... }
//	iam, err := viam.NewClient(vngcloud.WithTokenSource(cc))
//	st, err := vstorage.NewClient(vngcloud.WithTokenSource(cc), vstorage.WithRegion("HCM04"))
//
// Two token endpoints are documented, and which one is canonical is not
// confirmed: v2 (accounts-api/v2/auth/token, grant_type, snake_case answer
// {"access_token","expires_in"}), used by the official Go SDK, the
// Terraform provider and the documentation, and v1
// (accounts-api/v1/auth/token, grantType, camelCase answer
// {"accessToken","expiresIn"}), used by the official CLI. v2 is the
// default; [WithTokenVariant]([TokenV1]) switches, and [WithTokenURL]
// sets the full URL. Either answer shape is understood with either
// variant.
//
// A caller that already has a token passes
// vngcloud.WithTokenSource(vngcloud.StaticToken(token)) instead; such a
// token is never refreshed.
//
// The client secret, the tokens and the secrets the service returns are
// [vngcloud.Secret] values: they print, log and marshal as "[REDACTED]",
// and they never appear in errors or in the SDK's debug logs. The client ID
// may appear in errors.
//
// # Endpoint
//
// Every call of this package lives under one root, [DefaultEndpoint]
// (https://iamapis.vngcloud.vn/): the accounts API under accounts-api/v1/,
// the policies API under policies-api/v1/ and the token endpoint under
// accounts-api/v2/auth/token. [vngcloud.WithEndpoint] moves the whole
// root, for a test server or a proxy that serves the same paths.
//
// [vngcloud.WithConsoleHosts] moves the client to the hosts the web
// console uses with an IAM user's token, which split the two APIs:
// accounts calls go to [ConsoleAccountsEndpoint]
// (dashboard.console.greennode.ai), policies calls to
// [ConsolePoliciesEndpoint] (iam.console.greennode.ai). Given to
// vstorage.NewClient too, the same option moves vStorage calls to the
// console API, so one option list moves every client together. These are
// the hosts seen working live, with an IAM user's token, by a third
// party's probes; the default root is the documented one for
// service-account tokens, but no published test has called the accounts
// or policies APIs there with such a token (docs/api.md §3.1, §6 item 3).
//
// # Service accounts, policies and attachments
//
// [Client.CreateServiceAccount] returns the new account with its client
// secret, which the service shows only once ([Client.ResetServiceAccountSecret]
// makes a new one). Names are checked before sending
// ([ValidateServiceAccountName]: 1 to 50 letters, digits, '.', '_', '-' or
// spaces).
//
// Policy documents are vIAM's own lower-case format
// ({"statements":[{"effect":"allow","actions":[...],"resources":[...]}]}),
// modelled by [PolicyDocument]. [ParsePolicyDocument] refuses AWS/S3 policy
// documents (Version/Statement) with an error that says why; bucket access
// for a service account belongs in a vStorage bucket policy.
// [VStorageFullAccess] and [VStorageReadOnly] build the common documents;
// the Policy* constants name the managed policies, whose IDs
// [Client.FindPolicyByName] finds.
//
// [Client.AttachPolicy] answers 409 ([vngcloud.ErrConflict]) when the
// policy is already attached; [Client.EnsurePolicyAttached] treats that as
// success.
//
// # Errors
//
// A call that fails after being sent returns a [*vngcloud.APIError]; input
// refused before sending is a [*vngcloud.ValidationError]. Test the kind
// with errors.Is against the sentinels: [vngcloud.ErrNotFound] (404),
// [vngcloud.ErrUnauthorized] (401 after one token refresh, and refused
// client credentials), [vngcloud.ErrForbidden] (403, including the
// gateway's bare-array [{"code":"IAM_PERMISSION_DENIED",...}]),
// [vngcloud.ErrConflict] (409), [vngcloud.ErrInvalidInput] (400, including
// the body {"errors":[null]} that a bad page number gets),
// [vngcloud.ErrRateLimited] (429). APIError.Code holds the service's code
// (from {"errors":[{"code","message"}]}, the bare array, or an OAuth2
// {"error"}); a body that is empty or not JSON leaves it empty and the
// message comes from the HTTP status or the page.
//
// # Retries
//
// Reads, updates (PATCH, PUT) and deletes are retried after connection
// errors, 429 and 5xx. Creating a service account, resetting a secret,
// creating a policy and attaching a policy are sent exactly once: when
// such a call fails in a way that leaves its outcome unknown, the error
// matches [vngcloud.ErrMaybeApplied] and its hint says how to check. The
// token call is retried: it changes nothing.
//
// # Pagination
//
// The service-account, policy and attachment lists are paged with a
// 0-based pageNumber and a pageSize ([DefaultPageSize] when not given).
// The List* methods return one [Page]; the All* methods return an
// iter.Seq2 that fetches pages lazily:
//
//	for sa, err := range iam.AllServiceAccounts(ctx, nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(sa.Name)
//	}
//
// # What is confirmed
//
// The paths, bodies and answers follow what public sources document (the
// vIAM OpenAPI pages, the official SDK, CLI and Terraform provider, and a
// third-party SDK's live probes). Not confirmed: that a service-account
// token may call the accounts and policies APIs on iamapis.vngcloud.vn
// (the probes used IAM-user tokens on the console hosts, and the policy it
// would need is unknown); which token variant is canonical and whether v2
// needs scope=email; the real token lifetime (1800 s in the documented
// example, 7200 s in its prose, or the account's accessTokenLifeSpan);
// whether iamapis.vngcloud.vn redirects to a greennode.ai host (the SDK
// refuses redirects that would carry the token to another host); the
// format of a service account's createdAt and lastUse ([Timestamp]
// accepts every form seen); and the vIAM action names of vStorage HCM04
// and HAN02 (only the HCM03 names are documented).
package viam
