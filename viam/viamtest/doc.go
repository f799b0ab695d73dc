// Package viamtest is an in-memory, stateful vIAM for tests, in the
// spirit of net/http/httptest: an HTTP server on 127.0.0.1 that serves the
// token endpoint and the accounts and policies APIs with the paths,
// bodies, status codes and error bodies that the viam package's unit
// tests use (the files under viam/testdata, which this package's own
// tests compare its answers with).
//
//	iam := viamtest.NewServer()
//	defer iam.Close()
//	_, clientID, secret := iam.AddServiceAccount("ci-bot")
//	cc, _ := viam.NewClientCredentials(clientID, secret, vngcloud.WithEndpoint(iam.URL()))
//	c, _ := viam.NewClient(vngcloud.WithTokenSource(cc), vngcloud.WithEndpoint(iam.URL()))
//
// The same token source works for a vstoragetest server built on this one
// (vstoragetest.NewServer(iam)): vStorage checks the tokens issued here and
// knows the service accounts created here.
//
// # What is modelled
//
//   - Tokens. POST accounts-api/v2/auth/token (form grant_type, or the
//     JSON body the documentation shows; snake_case answer) and
//     accounts-api/v1/auth/token (form grantType; camelCase answer), both
//     with `Authorization: Basic base64(clientID:clientSecret)`. Wrong
//     credentials get 401 {"errors":[{"code":"AUTHENTICATION_FAILED",...}]}.
//     A token lives the account's accessTokenLifeSpan (30 minutes unless
//     [Server.SetTokenLifetime] or a PATCH changes it), measured on the
//     server's clock ([Server.SetNow]). Every other call checks its bearer
//     token: a missing, unknown or expired one, or one of a deleted
//     account, gets 401 {"errors":[{"code":"UNAUTHORIZED",...}]}.
//     Resetting a secret does not end the tokens already issued.
//   - Service accounts: paged list (0-based pageNumber, pageSize,
//     case-insensitive name search; {data, pageNumber, pageSize,
//     totalItems, totalPages}), get, create (201, clientSecret shown once,
//     name 1 to 50 of [A-Za-z0-9._- ], unique: 409), update (PATCH
//     description, accessTokenLifeSpan), delete (204), reset-secret. A
//     created account gets working credentials: a program can log in as
//     it. At most [MaxServiceAccounts] accounts are created through the
//     API (seeded ones do not count).
//   - Policies: paged list (rows {id, name, createdAt}), get (with _id,
//     manager, scope, root, statements), create (201 {"id"}; statements
//     checked as vIAM's editor does: effect allow/deny, "<product>:<Action>"
//     actions of a known product, known condition operators), update (PUT,
//     204), delete (204), at most [MaxPolicies] of the account's own. The
//     nine managed vStorage policies (vStorageFullAccess,
//     vStorageReadOnlyAccess, vStorageAPIFullAccess, ...) exist from the
//     start, managed by "VNG CLOUD", and cannot be changed or deleted
//     (403).
//   - Attachments: attach a policy to a service account (204; a repeat is
//     409), detach (204; not attached is 404), and the paged list of a
//     service account's policies.
//   - Reads: userinfo (the token's service account: userType "user-sa",
//     accountId [AccountNumber], rootEmail [AccountEmail]), the IDs of the
//     service accounts holding a policy (a bare array), and the action
//     catalogue (GET actions?product=, a bare array; illustrative vStorage
//     action names, one per vstoragetest route; an empty list for the
//     other known products; 400 POLICY_PRODUCT_NOTFOUND otherwise).
//   - Errors: unknown IDs and routes 404, a bad pageNumber or pageSize 400
//     {"errors":[null]}, every other refusal {"errors":[{"code","message"}]}.
//
// Identifiers are well-formed UUIDs numbered per server, so a test's IDs
// are the same on every run; client secrets and tokens come from
// crypto/rand.
//
// # What is not modelled
//
// vIAM policies are stored, listed and attached but never enforced: every
// valid token may call every route. There are no IAM users, groups,
// identity providers, impersonation, accounts-API S3 keys or the
// catalogues of products other than vStorage; no lockout after failed logins
// (TOO_MANY_FAILED_LOGINS); no refresh tokens. Error codes other than
// AUTHENTICATION_FAILED and the bodies of 400 {"errors":[null]} are
// illustrative: the real service's codes for most refusals are not
// documented. The status of a refused quota (400 here) is a guess.
//
// # Knobs
//
// [Server.Inject] queues a [Fault] for the next matching calls: an HTTP
// status with vIAM's error body (optionally with Retry-After), a delay, a
// dropped connection before the server acts ([DropBeforeAct]: nothing
// happened) or after ([DropAfterAct]: the change happened but the caller
// got no answer), a truncated or oversized answer. [Server.FailNext] is
// the short form for "the next n calls answer this status".
// [Server.Calls] and [Server.CallCount] show what was called (never the
// Authorization header), and [Server.TokensIssued] how many tokens were
// handed out, which is how a test sees a client refresh its token.
// [Server.SetNow] moves the clock to expire tokens. [WithLatency] delays
// every answer, as a distant service would.
//
// Options emulate the variants of the real service that the public
// record leaves open (docs/api.md §6), so that a client or a probe can be
// tested against each: [WithScopeRequired] (a v2 token endpoint that wants
// scope=email), [WithTokenV1Only] (only the camelCase v1 request), and
// [WithRedirect] (a host that moved: every call is a 301 to another root).
//
// A Server is safe for concurrent use, and stops with [Server.Close].
package viamtest
