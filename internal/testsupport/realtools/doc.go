// Package realtools lets tests drive real S3 tools on loopback: the Debian
// s3cmd (2.3.0), rclone (1.60) and AWS CLI (awscli 2.9), against a real,
// signature-checking S3 server, versitygw v1.8.0, started per test on
// 127.0.0.1.
//
// It is test support code: every entry point takes a [testing.TB] (except
// [S3Server.AddUser] and [S3Server.RemoveUser], which hooks in non-test code
// may call), and it depends on the standard library only.
//
// # Finding the tools
//
// [S3cmd], [Rclone], [AWS] and [VersityGW] return the absolute path of a tool
// after checking that it runs (`--version`). A missing tool skips the test
// with the command that installs it (`apt-get install -y s3cmd`, or
// .ci/install-test-tools.sh, which installs all four). When the
// environment variable CI is non-empty a missing tool is a test failure
// instead, so that CI cannot silently skip the real-tool tests.
// The Debian binaries under /usr/bin are preferred over PATH, because PATH
// may hold pyenv shims (`aws` on PATH can be AWS CLI v1 from pyenv, and a
// shim `python3` lacks s3cmd's modules).
//
// # Why the guards exist
//
// Tests must talk to loopback only (127.0.0.0/8, ::1); no other address,
// private or public, may ever be a target. The real tools do not make that
// easy, and some of them reach off the machine on their own:
//
//   - s3cmd with an empty access_key (or secret_key) falls back to the
//     AWS_ACCESS_KEY(_ID)/AWS_SECRET_(ACCESS_)KEY variables, and then asks the
//     cloud metadata service at 169.254.169.254 for credentials. A missing or
//     unreadable config file has the same effect.
//   - s3cmd with access_token set "refreshes" it from 169.254.169.254 before
//     every request.
//   - s3cmd sends requests to host_base (or to host_bucket with
//     %(bucket)s filled in), to proxy_host when that is set, and to
//     cloudfront_host for the cf* commands. A virtual-host host_bucket such as
//     %(bucket)s.127.0.0.1:PORT or %(bucket)s.localhost:PORT makes it resolve
//     a name like "test.127.0.0.1" through DNS, i.e. off the machine.
//   - Proxy variables (http_proxy, HTTPS_PROXY, ...) reroute traffic; s3cmd
//     ignores no_proxy.
//   - The AWS CLI asks the metadata service for credentials and region when
//     it finds none, and can call STS or SSO for profiles with role_arn,
//     sso_* or web_identity_token_file. rclone's env_auth does the same, and
//     an s3 remote without an endpoint talks to AWS.
//
// So this package enforces, in code:
//
//   - [Env] builds the environment from scratch: HOME, LANG=LC_ALL=C.UTF-8 and
//     PATH only, plus what the caller adds. No AWS_*, no proxy variables, no
//     S3CMD_CONFIG, no RCLONE_*, no XDG_* leak in from the developer's shell.
//     [Run] refuses proxy variables even when the caller adds them.
//   - [RunS3cmd] reads the config file the way s3cmd does (last occurrence of
//     a key wins, in any section; whole-line # comments; "quoted" values;
//     $NAME values resolved against the child's environment) and refuses,
//     with t.Fatalf, a file that is missing, not UTF-8, has an empty
//     access_key or secret_key, a non-empty access_token, a host_base that is
//     not 127.0.0.0/8, localhost or [::1], or a virtual-host host_bucket,
//     unless proxy_host is a loopback address (then every request goes to
//     that proxy: see "Virtual-host configs" below). It also refuses command-line
//     options that would override the file (-c, --access_key, --host, ...)
//     and the CloudFront commands. See [CheckS3cmdConfig].
//   - [RunAWS] requires a loopback --endpoint-url, sets
//     AWS_EC2_METADATA_DISABLED=true, and refuses config or credentials files
//     that name role_arn, credential_source, credential_process,
//     web_identity_token_file or sso_* settings.
//   - [RunRclone] requires every s3 remote in its config to have a loopback
//     endpoint and no env_auth, and refuses on-the-fly remotes
//     (":s3:", "remote,endpoint=...:") and endpoint overriding flags.
//   - [DumpConfig] runs `s3cmd --dump-config` inside `unshare -n` (a network
//     namespace with no usable interface) when that works, so a dump can
//     never reach the network, whatever the file contains. Loopback servers
//     in the parent namespace are unreachable from there, so the other
//     helpers cannot use it.
//
// The guards are deliberately stricter than the tools: a refused config that
// would in fact have been harmless costs a test author a minute; a test that
// reaches 169.254.169.254 or a real vStorage endpoint from CI is not
// acceptable.
//
// # The S3 server: versitygw
//
// [StartS3Server] runs
//
//	versitygw --port 127.0.0.1:PORT --access ROOTKEY --secret ROOTSECRET \
//	    --region REGION --iam-dir DIR/iam --iam-cache-disable \
//	    --health /realtools-health-RANDOM --quiet [--virtual-domain DOMAIN] \
//	    posix --sidecar DIR/sidecar DIR/data
//
// on a free port, waits until GET /realtools-health-RANDOM answers 200 (the
// random path proves that the process on the port is this one), and stops
// it (SIGTERM, then SIGKILL) in t.Cleanup. All paths are absolute: with
// relative ones (--sidecar s3d dir), v1.8.0 failed at start with "the root
// directory ... contains the directory s3d". Without --admin-port the admin
// API (PATCH /create-user, /delete-user, ...) is served on the S3 port
// itself, so it is reachable on loopback only. --iam-dir enables the
// internal IAM service that stores users in a JSON file; without it only the
// root user exists. [S3Server.AddUser] runs the admin CLI,
//
//	versitygw admin --access ROOTKEY --secret ROOTSECRET --region REGION \
//	    --endpoint-url http://127.0.0.1:PORT create-user --access A --secret S --role userplus
//
// Role "userplus" may create buckets and read and write objects in them;
// "user" may not create buckets. The admin requests are SigV4-signed with
// the root key, and the signing region must be the server's --region.
//
// Facts about versitygw v1.8.0 worth knowing when reading test failures:
//
//   - It verifies SigV4: a wrong secret gets 403 SignatureDoesNotMatch (s3cmd
//     exit 77), an unknown key 403 InvalidAccessKeyId (exit 77).
//   - It DOES check the region in the credential scope (the shared testing
//     notes say otherwise): a signature for another region gets 400
//     AuthorizationHeaderMalformed ("the region "HAN02" is wrong; expecting
//     "HCM04""); only ListBuckets also accepts us-east-1, and the admin API
//     wants exactly the server's region. s3cmd and the AWS CLI re-sign a
//     failed request with the region named in the error body, so with a
//     wrong region ls, put and del still work, but HEAD requests, whose
//     error has no body, fail: s3cmd get and info exit 77, and `aws s3 cp`
//     downloads fail with "HeadObject ... (400) Bad Request". `aws s3 ls`
//     without a bucket fails too (exit 254). Bucket creation with a
//     LocationConstraint other than the server's region gets 400
//     InvalidLocationConstraint (s3cmd exit 11, aws exit 1); none at all
//     (us-east-1 clients) is accepted. So: sign with the server's region.
//   - Bucket names must be at least 3 characters (400 InvalidBucketName).
//   - Objects land as plain files under [S3Server.DataDir]/BUCKET/KEY.
//
// # Virtual-host configs
//
// A virtual-host s3cmd config (host_bucket = %(bucket)s.hcm04.vstorage.vngcloud.vn,
// as vStorage documents it) can be tested without DNS and without leaving
// loopback: start the server with [S3ServerOptions].VirtualDomain set to the
// config's domain, and change only the endpoint lines of a copy of the
// config: keep host_base and host_bucket, set use_https = False, proxy_host
// = 127.0.0.1 and proxy_port = PORT ([S3Server.VirtualHostS3cmdConfig]
// shows the result). s3cmd then connects to the "proxy" only, and the Host
// header carries the bucket. Checked inside a network namespace where the
// vStorage name does not resolve: mb, put and ls work, so s3cmd resolves
// nothing in this mode. Keep use_https = False: with True, s3cmd asks the
// proxy for a CONNECT tunnel, which versitygw does not offer, and retries
// with 15-second waits.
//
// # The AWS CLI
//
// Debian's awscli 2.9.19 needs no special setting for versitygw: with
// --endpoint-url it uses path-style addressing (for 127.0.0.1 and for
// localhost), signs with the region from the config file, and multipart
// uploads work. [RunAWS] still sets AWS_EC2_METADATA_DISABLED=true (never
// ask 169.254.169.254) and AWS_PAGER="" (never start a pager). The CLI
// accepts abbreviated options (--endpoint means --endpoint-url), which is why
// RunAWS refuses any prefix of --endpoint-url in the arguments. Exit code 254
// is a service error (e.g. SignatureDoesNotMatch), 1 a failed s3 transfer
// command such as a refused mb.
//
// # rclone
//
// rclone 1.60 with `type = s3`, `provider = Other`, an http://127.0.0.1
// endpoint and `force_path_style = true` works as is. It retries failed
// operations (--retries 3, --low-level-retries 10); pass
// `--retries 1 --low-level-retries 1` when a test expects a failure.
package realtools
