// Package acceptance runs the SDK against the real VNG Cloud, and only
// when asked to: every test skips, with one line saying how to run it,
// unless credentials and an explicit opt-in are in the environment.
//
//	VNGCLOUD_ACCEPTANCE=readonly  lists only: who the credentials are, regions,
//	                              projects, buckets, keys, service accounts,
//	                              policies, the vStorage actions
//	VNGCLOUD_ACCEPTANCE=1         also the console flow end to end: an S3 key
//	                              restricted by vIAM to a new service account,
//	                              a new bucket granted to it, an s3cmd config
//	                              file, and, when s3cmd is installed, a listing
//	                              and a small upload with that file
//
// with VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET (a service account)
// or VNGCLOUD_ACCESS_TOKEN (a bearer token), and optionally
// VNGCLOUD_REGION (HCM04), VNGCLOUD_PROJECT_ID, VNGCLOUD_IAM_ENDPOINT and
// VNGCLOUD_VSTORAGE_ENDPOINT (run go run ./examples/probe first to find
// the endpoints that work):
//
//	VNGCLOUD_ACCEPTANCE=readonly go test -v -count=1 ./acceptance
//
// Everything the full run creates is named sdkacc-<random> and is deleted
// when the test ends, even when a step fails; a leftover (after a killed
// run) is recognisable by that prefix.
package acceptance
