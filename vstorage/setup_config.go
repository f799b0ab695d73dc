package vstorage

import "github.com/vstorage-sdk/vngcloud"

// ConfigTarget is where a flow writes a key's configuration: an s3cmd file
// (S3cmdFile), or another tool's files.
type ConfigTarget interface {
	// Check says, without writing anything, where Write would write and
	// why it could not. The plan calls it before any change.
	Check() (where string, err error)
	// Write writes the configuration for v and says where.
	Write(v ConfigValues) (where string, err error)
}

// ConfigValues is TEMPORARY until s3cfg stops importing vstorage.
type ConfigValues struct {
	AccessKey string
	SecretKey vngcloud.Secret
	Region    string
	Endpoint  string
	PathStyle bool
}

func (p *SetupPlan) configValues(k S3Key) ConfigValues {
	return ConfigValues{AccessKey: k.AccessKey, SecretKey: k.SecretKey, Region: p.Endpoint.Region,
		Endpoint: p.Endpoint.URL, PathStyle: p.Endpoint.IP()}
}
