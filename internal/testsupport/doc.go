// Package testsupport holds what only tests use: GoCommand, for tests that
// build programs, and in its sub-packages fixtures (the fixtures' JSON
// shapes, for the test servers' tests) and realtools (real S3 servers and
// clients such as versitygw and s3cmd, driven on loopback; the test
// command runs the packages whose tests import realtools once the tools
// are installed). They may import testing and read files by
// relative path. Only _test.go files import them; the layering test here
// checks that no package a program links (the SDK's packages, the test
// servers, the examples) imports them or testing.
//
// The rest of internal/ is shipped machinery: httpcore, redact,
// safefile, and fakeserver (the fault injection of viamtest and
// vstoragetest).
package testsupport
