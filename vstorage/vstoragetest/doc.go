// Package vstoragetest is an in-memory, stateful vStorage management API
// for tests, in the spirit of net/http/httptest: an HTTP server on
// 127.0.0.1 serving under "/api/v1/" the paths, headers, envelopes and
// errors that the vstorage package's unit tests use (the files under
// vstorage/testdata, which this package's own tests compare its answers
// with).
//
// It works together with a [viamtest.Server]: bearer tokens are the ones
// that server issued (and expire on its clock), and S3 keys are attached
// to its service accounts, whose names make the storage sub-users.
//
//	iam := viamtest.NewServer()
//	defer iam.Close()
//	st := vstoragetest.NewServer(iam)
//	defer st.Close()
//	project := st.AddProject("HCM04", "media")
//	_, clientID, secret := iam.AddServiceAccount("ci-bot")
//	cc, _ := viam.NewClientCredentials(clientID, secret, vngcloud.WithEndpoint(iam.URL()))
//	c, _ := vstorage.NewClient(vngcloud.WithTokenSource(cc),
//		vngcloud.WithEndpoint(st.URL()), vstorage.WithRegion("HCM04"))
//
// # What is modelled
//
//   - The envelope {success, code, errorMsg, data | datas, isNext} on
//     every answer, with the keys each route's fixture has; refusals as
//     HTTP 200 with success:false and code 112 (input), 114 (business
//     refusal), 400 (policy and CORS parse errors) or 404 (missing bucket).
//   - Regions HCM04, HAN02 and HCM03 with fixed UUIDs (GET regions, which
//     needs no region header; s3Host from [WithS3Endpoints]).
//   - The region headers: every other call must send "region" and
//     "region_id", both the UUID of a known region. Without them (or with
//     an unknown UUID) GET projects answers 200 with no datas, bucket
//     routes code 114 "Could not retrieve buckets. No project
//     authentication found.", and key, principal and statistics routes HTTP
//     403 [{"code":"IAM_PERMISSION_DENIED",...}]. A project of another
//     region than the headers name is treated as unknown (code 114).
//   - Projects ([Server.AddProject]) with the live model's fields: a 30 GB
//     Gold project, pay monthly.
//   - Buckets: list (limit, isNext), details (with owner), create (S3
//     naming rules, upper case is code 112; a repeat create of an owned
//     bucket answers the same 200; a name another project holds is code
//     114 BucketAlreadyExists; at most [MaxBuckets]), delete (even when
//     the bucket is not empty: the fake holds no objects).
//   - Bucket settings: the policy (stored as the string PUT sent, checked
//     for Version, Effect, Action and Resource; a statement without a
//     Principal is accepted and then makes the policy routes and the bucket
//     delete answer an empty 200, as the service does), versioning (Off,
//     then Enabled or Suspended, never Off again), CORS (PUT takes
//     capitalised keys, GET answers camelCase; [] is MalformedXML; lower
//     case methods are code 114; ExposeHeaders makes the server expose the
//     AllowedHeaders), encryption, and public_access (always 403). The
//     policy, versioning and CORS routes answer an empty 200 for a missing
//     bucket.
//   - S3 keys: list (secretKey null), create (the secret shown once; the
//     eleventh key of the account, all projects together, is code 114 "Key
//     number is reached to maximum value 10"), delete (a well-formed ID
//     the service never knew succeeds; a repeat delete is code 114
//     "InvalidAccessKeyId"), attach to a service account of the IAM server
//     (subUserId becomes "<AccountUser>:sa-<service account name>"; an
//     unknown account is "StatusCode=404"; already attached is "... with
//     this service account" or "... with another service account"), and
//     detach ("This S3 key is not attached to any service account." when it
//     is not).
//   - The principal route, GET users/details?generated=true&project_id=&iam_account_id=sa-<id>,
//     which makes the service account's sub-user (idempotently).
//   - Billing statistics (usage, traffic, request) with the fixture's
//     invented shape: one zero point per day.
//   - Tokens: every call needs a bearer token the IAM server issued and
//     that has not expired; otherwise HTTP 401
//     [{"code":"UNAUTHORIZED","message":...}] (the real body is not
//     documented).
//
// Identifiers are numbered per server (deterministic); access keys,
// secrets come from crypto/rand. Changes are synchronous (the real bucket
// delete takes about a second, and code -1 is seen meanwhile).
//
// # The data plane
//
// The fake holds no objects. Give it a [DataPlane], a real S3 server such
// as internal/testsupport/realtools' versitygw, and every key created through the API
// is added to it (AddUser) and every key deleted is removed (RemoveUser),
// so that an S3 client such as s3cmd works with the key and is refused
// once it is deleted. What the data plane does not model: restriction by
// vIAM (an attached key keeps the rights of an unattached one there),
// bucket policies (they are stored, not enforced), and the management
// buckets (a bucket made through this API does not exist on the data
// plane, nor the reverse).
//
// # What is not modelled
//
// vIAM policies (any valid token may call every route), project purchase,
// resize and delete, billing catalogues and prices, the console's own
// storage user (POST users/ceph_sub_users), Swift users, object counts and
// sizes (always 0), lifecycle rules. Messages not documented for the real
// service (most 112 and 400 texts, the unknown-project texts of the key
// routes) are illustrative; the codes and documented messages are the
// fixtures'.
//
// # Knobs
//
// [Server.Inject] queues a [Fault] for the next matching calls: an HTTP
// status with the envelope as body (optionally with Retry-After), a
// delay, a dropped connection before the server acts ([DropBeforeAct]:
// nothing happened) or after ([DropAfterAct]: the key exists but the
// client got no answer), a truncated or oversized answer.
// [Server.FailNext] is the short form. [Server.Calls] and
// [Server.CallCount] show what was called (never the Authorization
// header). [Server.Keys], [Server.Buckets], [Server.BucketPolicy] and
// [Server.SubUsers] show the state. The clock is the IAM server's
// ([viamtest.Server.SetNow]). [WithLatency] delays every answer, as a
// distant service would. [WithEmptyAnswers] emulates a host that answers
// an empty 200 to a token of the wrong kind, and [WithRedirect] a host
// that moved (every call is a 301 to another base).
//
// A Server is safe for concurrent use, and stops with [Server.Close].
package vstoragetest
