// Command wrongoptions is not built by go build ./...: TestOptionsFitTheirClient
// builds it and expects the compiler to refuse exactly the lines marked
// WRONG, each an option given to a constructor that does not read it.
package main

import (
	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

func main() {
	shared := vngcloud.Options(vngcloud.WithRetries(1), vngcloud.WithTimeout(5))

	// Options that fit.
	_, _ = viam.NewClient(shared, vngcloud.WithTokenSource(vngcloud.StaticToken("t")))
	_, _ = vstorage.NewClient(shared, vngcloud.WithRetries(2), vstorage.WithRegion("HAN02"))
	_, _ = viam.NewClientCredentials("id", "secret", shared, vngcloud.WithRetries(2),
		viam.WithTokenURL("https://iam.test/token"), viam.WithTokenVariant(viam.TokenV1), viam.WithTokenScope())

	// Options given to a constructor that does not read them.
	_, _ = viam.NewClient(vstorage.WithRegion("HAN02"))                            // WRONG
	_, _ = viam.NewClient(viam.WithTokenURL("https://iam.test/token"))             // WRONG
	_, _ = viam.NewClient(viam.WithTokenScope("email"))                            // WRONG
	_, _ = vstorage.NewClient(viam.WithTokenVariant(viam.TokenV1))                 // WRONG
	_, _ = vstorage.NewClient(viam.WithTokenScope("email"))                        // WRONG
	_, _ = viam.NewClientCredentials("id", "secret", vstorage.WithRegion("HAN02")) // WRONG
}
