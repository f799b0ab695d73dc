package vngcloud

import "github.com/vstorage-sdk/vngcloud/secret"

// Redacted is what a non-empty [Secret] shows instead of its value.
const Redacted = secret.Redacted

// Secret holds a credential: an S3 secret key, a client secret or an access
// token. It prints, formats, logs and marshals to JSON as [Redacted]; call
// Reveal to get the real value, at the one place that needs it. It is the
// type of package secret, named here so that callers of the clients need
// only this package; the config-file packages (s3cfg), which import no HTTP
// code, use it from package secret.
type Secret = secret.Secret
