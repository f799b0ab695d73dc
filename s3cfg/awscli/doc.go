// Package awscli writes a named AWS CLI profile for VNG Cloud vStorage into
// the shared credentials file and the config file (~/.aws/credentials,
// ~/.aws/config), from the same key pair and region that build an s3cmd
// config ([s3cfg.VStorage]), and adds it to existing files without
// disturbing the other profiles or the comments. s5cmd and the AWS SDKs
// read the same files.
//
// # The profile
//
// The credentials file gets the key pair ([Profile.CredentialsSection]):
//
//	[vstorage]
//	aws_access_key_id = AK
//	aws_secret_access_key = SK
//
// and the config file the rest ([Profile.ConfigSection]):
//
//	[profile vstorage]
//	region = HCM04
//	endpoint_url = https://hcm04.vstorage.vngcloud.vn
//	request_checksum_calculation = when_required
//	response_checksum_validation = when_required
//	s3 =
//	    addressing_style = virtual
//
// The profile called default is "[default]" in both files. region is the
// SigV4 signing region, the storage region's name.
//
// endpoint_url in the config file is read by AWS CLI 2.13 and later (and
// 1.29 and later) and by the SDKs of that generation. Debian 12's AWS CLI
// 2.9 ignores it, and would send requests to
// https://s3.HCM04.amazonaws.com: with it, pass --endpoint-url on every
// command (TestAWSCLI29IgnoresEndpointURL). s5cmd takes its endpoint from
// --endpoint-url or S3_ENDPOINT_URL (its documentation; s5cmd is not
// tested here).
//
// request_checksum_calculation and response_checksum_validation =
// when_required are what the vStorage documentation asks for with AWS CLI
// 2.23 and later, which by default adds a CRC64NVME checksum to uploads;
// vStorage supports CRC32, CRC32C, SHA1 and SHA256 checksums, not
// CRC64NVME. Older CLIs ignore both keys: AWS CLI 2.9 uploads and
// downloads with them in the file (TestRealAWSCLI).
//
// The nested "s3 =" block sets addressing_style, written either way:
// path for path-style requests (https://host/bucket/key), virtual for
// virtual-host ones (https://bucket.host/key), so that the file does not
// depend on the CLI's "auto" rules, which differ between versions.
//
// # How the AWS CLI reads the files
//
// botocore reads both files with Python's configparser.RawConfigParser, in
// strict mode, and then reads a value that starts on the next line as
// nested "key = value" lines. Checked with the real AWS CLI
// (TestAWSReadsTrickyValues):
//
//   - "#" and ";" start a comment only at the start of a line; there are
//     no inline comments, no escapes, no quotes and no "%" interpolation,
//     so a secret with "#", ";", "=", ":", "%", "$", quotes, backquotes or
//     "\" is written as it is and read back exactly
//     (TestRealAWSCLI uses one).
//   - Values are stripped, and a more indented line continues the value
//     of the line above it.
//   - Keys are case-insensitive, and a key or section that appears twice
//     makes the whole file unreadable ("Unable to parse config file").
//   - [DEFAULT] supplies keys to every section.
//   - Files are decoded with the locale's encoding (not UTF-8 on Windows).
//
// Values the AWS CLI would not read back exactly are refused with a
// *[ValueError] naming the key, never the value ([CheckValue]): empty
// values, characters other than printable ASCII, and leading or trailing
// spaces.
//
// # Merging, and why gopkg.in/ini.v1 does not fit here
//
// [Profile.MergeCredentials] and [Profile.MergeConfig] edit the original
// bytes: the lines of the profile's keys are rewritten in place or added
// after its last key, every other byte is kept, and a new profile is
// appended. They parse the files with a port of configparser's reading
// (the line structure, continuation lines included, is needed to edit
// them) and read every result back the same way before returning it: the
// profile must give exactly the values written, [DEFAULT] included.
//
// gopkg.in/ini.v1 reads these files differently from botocore
// (TestINIv1ReadsUnlikeBotocore): it takes backquotes and triple double
// quotes as quoting, accepts a key or a section twice (botocore refuses
// the file), and by default cuts values at "#" and ";". Its writer
// re-spaces lines to align "=", which older AWS SDKs for Go could not
// read. So it is used neither to read nor to write these files.
//
// # Where the files go
//
// [DestinationsFor] computes, for any GOOS and environment, the files the
// AWS CLI reads: AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE, else
// ~/.aws/credentials and ~/.aws/config (%USERPROFILE%\.aws\... on
// Windows). [Profile.WriteFiles] merges both and writes them with
// [s3cfg.WriteFile]: atomic, mode 0600, the old files kept as backups, and
// the credentials file put back when the config file cannot be written.
//
// # Secrets
//
// The secret enters as a [github.com/vstorage-sdk/vngcloud.Secret] and
// leaves only in the bytes for the credentials file. Errors name keys and
// line numbers, never values or lines.
package awscli
