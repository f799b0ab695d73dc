package s3cfg

// Helpers for the packages that write other tools' configurations from the
// same values (s3cfg/rclone, s3cfg/awscli).

// S3Endpoint returns the storage region and the endpoint URL that v names,
// for tools that take a URL rather than s3cmd's host_base and use_https
// (rclone, the AWS CLI): the region's canonical name ("HCM04" for "hcm04")
// and "https://<host>" for a known region, or Endpoint with its scheme
// ("https://" when it has none) and the region as given. It applies the
// checks [VStorage.Short] applies to the region and the endpoint, and
// returns the same *[ValueError] (naming bucket_location or host_base);
// it does not look at the keys.
func (v VStorage) S3Endpoint() (region, endpointURL string, err error) {
	probe := v
	probe.AccessKey, probe.SecretKey = "A", "S"
	kvs, err := probe.values()
	if err != nil {
		return "", "", err
	}
	var host, https string
	for _, p := range kvs {
		switch p.key {
		case "bucket_location":
			region = p.value
		case "host_base":
			host = p.value
		case "use_https":
			https = p.value
		}
	}
	scheme := "https://"
	if https != pyBool(true) {
		scheme = "http://"
	}
	return region, scheme + host, nil
}

// JoinPath joins path elements with the rules of goos, on any system:
// Python's ntpath.join for "windows" (a later absolute element or drive
// replaces what precedes it; "\" is added between elements) and
// posixpath.join elsewhere. It does not clean the result.
func JoinPath(goos string, elem ...string) string {
	if len(elem) == 0 {
		return ""
	}
	if goos == "windows" {
		return ntJoin(elem[0], elem[1:]...)
	}
	p := elem[0]
	for _, e := range elem[1:] {
		p = posixJoin(p, e)
	}
	return p
}

// SplitPath splits path into its folder and its last element with the
// rules of goos (Python's ntpath.split for "windows", posixpath.split
// elsewhere).
func SplitPath(goos, path string) (dir, name string) {
	if goos == "windows" {
		return ntSplit(path)
	}
	return posixSplit(path)
}

// IsAbsPath reports whether path is absolute under the rules of goos
// (Python 3.11's ntpath.isabs for "windows", a leading "/" elsewhere).
func IsAbsPath(goos, path string) bool {
	if goos == "windows" {
		return ntIsAbs(path)
	}
	return len(path) > 0 && path[0] == '/'
}
