// Package region is the table of VNG Cloud vStorage storage regions: their
// names, S3 hosts and management API URLs, and the mapping from the
// management regions that vServer and the console name ("hcm-3", "han-1")
// to the storage region that holds their object storage.
//
// It imports only the standard library and no HTTP code, so that both the
// API client (package vstorage) and the config-file packages (s3cfg and its
// subpackages) use the one table.
//
// The regions are returned by functions, as values: no importer can change
// the table for the rest of the program.
package region

import "strings"

// DefaultAPIEndpoint is the base URL of the documented vStorage management
// API, the one of HCM04, which takes service-account tokens (docs/api.md
// §2.1).
const DefaultAPIEndpoint = "https://hcm04-api.vstorage.vngcloud.vn/api/v1/"

// Region is a vStorage storage region (a "farm"): its name, the host of its
// S3 data plane and the base URL of its management API.
type Region struct {
	// Name is the region's name as the S3 data plane and the management
	// API know it: "HCM04", "HAN02", "HCM03". It is also the SigV4 signing
	// region.
	Name string
	// S3Endpoint is the host of the region's S3-compatible data plane,
	// without a scheme (HTTPS is the only documented scheme), for example
	// "hcm04.vstorage.vngcloud.vn". It is also the SigV4 host.
	S3Endpoint string
	// APIEndpoint is the base URL of the region's documented management API
	// for service-account tokens, with a trailing slash.
	APIEndpoint string
	// Legacy marks the Swift-era region HCM03. Its API is the older
	// container API: the bucket, key and settings calls of package vstorage
	// are not expected to work there.
	Legacy bool
}

// S3URL returns "https://" followed by S3Endpoint.
func (r Region) S3URL() string { return "https://" + r.S3Endpoint }

// String returns the region's name.
func (r Region) String() string { return r.Name }

// HCM04 is the Ho Chi Minh City region, the default. Its management API
// ([DefaultAPIEndpoint]) is the one the vStorage API documentation names.
func HCM04() Region {
	return Region{Name: "HCM04", S3Endpoint: "hcm04.vstorage.vngcloud.vn", APIEndpoint: DefaultAPIEndpoint}
}

// HAN02 is the Hanoi region. Its S3 endpoint is documented; its management
// API host "han02-api.vstorage.vngcloud.vn" is NOT confirmed (docs/api.md
// §6): it follows the HCM04 pattern. If it is wrong, point the client
// elsewhere with vngcloud.WithEndpoint.
func HAN02() Region {
	return Region{Name: "HAN02", S3Endpoint: "han02.vstorage.vngcloud.vn", APIEndpoint: "https://han02-api.vstorage.vngcloud.vn/api/v1/"}
}

// HCM03 is the legacy Swift-era region. See [Region.Legacy].
func HCM03() Region {
	return Region{Name: "HCM03", S3Endpoint: "hcm03.vstorage.vngcloud.vn", APIEndpoint: "https://hcm03-api.vstorage.vngcloud.vn/api/v1/", Legacy: true}
}

// All returns the known storage regions, current ones first. The slice is
// new on every call.
func All() []Region { return []Region{HCM04(), HAN02(), HCM03()} }

// Names returns the names of the known storage regions, in the order of
// [All], joined with ", ": "HCM04, HAN02, HCM03". Error messages use it.
func Names() string {
	var names []string
	for _, r := range All() {
		names = append(names, r.Name)
	}
	return strings.Join(names, ", ")
}

// ByName returns the known storage region called name, compared without
// regard to case and surrounding spaces ("hcm04" finds HCM04). It does not
// map management regions: see [ForManagement].
func ByName(name string) (Region, bool) {
	name = strings.TrimSpace(name)
	for _, r := range All() {
		if strings.EqualFold(r.Name, name) {
			return r, true
		}
	}
	return Region{}, false
}

// ForManagement maps a management region, as vServer, the official CLI
// and the vIAM console name it ("hcm-3", "HCM-3", "han-1", "HAN"), to the
// storage region that holds its object storage: hcm-3 → HCM04, han-1 →
// HAN02. A storage region name ("HCM04") maps to itself. The comparison
// ignores case.
func ForManagement(name string) (Region, bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "hcm-3", "hcm3", "hcm":
		return HCM04(), true
	case "han-1", "han1", "han":
		return HAN02(), true
	}
	return ByName(name)
}
