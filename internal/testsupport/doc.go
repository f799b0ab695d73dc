// Package testsupport holds, in its sub-packages, what only tests use:
// fixtures (the fixtures' JSON shapes, for the test servers' tests) and
// realtools (real S3 servers and clients such as versitygw and s3cmd,
// driven on loopback). They may import testing and read files by
// relative path. Only _test.go files import them; the layering test here
// checks that no package a program links (the SDK's packages, the test
// servers, the examples) imports them or testing.
//
// The rest of internal/ is shipped machinery: httpcore, settings,
// safefile, and fakeserver (the fault injection of viamtest and
// vstoragetest).
package testsupport
