package vstorage

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// Region is a vStorage storage region (a "farm"): its name, the host of its
// S3 data plane and the base URL of its management API.
type Region struct {
	// Name is the region's name as the S3 data plane and the management
	// API know it: "HCM04", "HAN02", "HCM03".
	Name string
	// S3Endpoint is the host of the region's S3-compatible data plane,
	// without a scheme (HTTPS is the only documented scheme), for example
	// "hcm04.vstorage.vngcloud.vn". It is also the SigV4 host; the SigV4
	// region is Name.
	S3Endpoint string
	// APIEndpoint is the base URL of the region's documented management API
	// for service-account tokens, with a trailing slash.
	APIEndpoint string
	// Legacy marks the Swift-era region HCM03. Its API is the older
	// container API: the bucket, key and settings calls of this package are
	// not expected to work there.
	Legacy bool
}

// S3URL returns "https://" followed by S3Endpoint.
func (r Region) S3URL() string { return "https://" + r.S3Endpoint }

// String returns the region's name.
func (r Region) String() string { return r.Name }

// The known storage regions.
var (
	// HCM04 is the Ho Chi Minh City region, the default. Its management API
	// (DefaultEndpoint) is the one the vStorage API documentation names.
	HCM04 = Region{
		Name:        "HCM04",
		S3Endpoint:  "hcm04.vstorage.vngcloud.vn",
		APIEndpoint: DefaultEndpoint,
	}
	// HAN02 is the Hanoi region. Its S3 endpoint is documented; its
	// management API host "han02-api.vstorage.vngcloud.vn" is NOT
	// confirmed (API doc §6 item 2): it follows the HCM04 pattern. If it is
	// wrong, point the client elsewhere with vngcloud.WithEndpoint.
	HAN02 = Region{
		Name:        "HAN02",
		S3Endpoint:  "han02.vstorage.vngcloud.vn",
		APIEndpoint: "https://han02-api.vstorage.vngcloud.vn/api/v1/",
	}
	// HCM03 is the legacy Swift-era region. See [Region.Legacy].
	HCM03 = Region{
		Name:        "HCM03",
		S3Endpoint:  "hcm03.vstorage.vngcloud.vn",
		APIEndpoint: "https://hcm03-api.vstorage.vngcloud.vn/api/v1/",
		Legacy:      true,
	}
)

// KnownRegions returns the known storage regions, current ones first.
func KnownRegions() []Region { return []Region{HCM04, HAN02, HCM03} }

// RegionByName returns the known storage region called name, compared
// without regard to case ("hcm04" finds HCM04).
func RegionByName(name string) (Region, bool) {
	name = strings.TrimSpace(name)
	for _, r := range KnownRegions() {
		if strings.EqualFold(r.Name, name) {
			return r, true
		}
	}
	return Region{}, false
}

// StorageRegionFor maps a management region, as vServer, the official CLI
// and the vIAM console name it ("hcm-3", "HCM-3", "han-1", "HAN"), to the
// storage region that holds its object storage: hcm-3 → HCM04, han-1 →
// HAN02. A storage region name ("HCM04") maps to itself. The comparison
// ignores case.
func StorageRegionFor(managementRegion string) (Region, bool) {
	name := strings.ToLower(strings.TrimSpace(managementRegion))
	switch name {
	case "hcm-3", "hcm3", "hcm":
		return HCM04, true
	case "han-1", "han1", "han":
		return HAN02, true
	}
	return RegionByName(name)
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// isUUID reports whether s is a UUID in its usual textual form.
func isUUID(s string) bool { return uuidPattern.MatchString(s) }

// RegionInfo is a storage region as GET regions describes it. Its ID is
// the UUID that the region headers carry.
type RegionInfo struct {
	// ID is the region's UUID (regionId).
	ID string `json:"regionId"`
	// Name is the region's name, for example "HCM04" (regionName).
	Name string `json:"regionName"`
	// DisplayName is the name the console shows (regionDisplayingName).
	DisplayName string `json:"regionDisplayingName,omitempty"`
	// Description is free text, often empty.
	Description string `json:"description,omitempty"`
	// BackendType is the storage backend, for example "ceph".
	BackendType string `json:"backendType,omitempty"`
	// S3Host is the URL of the region's S3 data plane.
	S3Host string `json:"s3Host,omitempty"`
	// VOSAPIHost is an internal API host. Whether it is the region's
	// management API for service accounts is not confirmed.
	VOSAPIHost string `json:"vosApiHost,omitempty"`
	// AccountURL and AuthHost are internal hosts of the region.
	AccountURL string `json:"accountUrl,omitempty"`
	AuthHost   string `json:"authHost,omitempty"`
	// Status is the region's numeric status (1 when in service).
	Status int `json:"status"`
}

type regionInfoWire struct {
	ID          flexStr `json:"regionId"`
	Name        flexStr `json:"regionName"`
	DisplayName flexStr `json:"regionDisplayingName"`
	Description flexStr `json:"description"`
	BackendType flexStr `json:"backendType"`
	S3Host      flexStr `json:"s3Host"`
	VOSAPIHost  flexStr `json:"vosApiHost"`
	AccountURL  flexStr `json:"accountUrl"`
	AuthHost    flexStr `json:"authHost"`
	Status      flexNum `json:"status"`
}

// UnmarshalJSON reads a region as the API serves it, tolerating null
// fields and numbers written as strings.
func (r *RegionInfo) UnmarshalJSON(b []byte) error {
	var w regionInfoWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = RegionInfo{
		ID: string(w.ID), Name: string(w.Name), DisplayName: string(w.DisplayName),
		Description: string(w.Description), BackendType: string(w.BackendType),
		S3Host: string(w.S3Host), VOSAPIHost: string(w.VOSAPIHost),
		AccountURL: string(w.AccountURL), AuthHost: string(w.AuthHost),
		Status: w.Status.int(),
	}
	return nil
}

// ListRegions lists the storage regions the service knows, with their
// UUIDs. It is the one call sent without the region headers.
//
// Endpoint: GET regions (API doc §2.3 #1).
func (c *Client) ListRegions(ctx context.Context) ([]RegionInfo, error) {
	r := &httpcore.Request{Op: "vstorage.ListRegions", Method: http.MethodGet, Path: "regions"}
	return getList[RegionInfo](ctx, c, r, sendOpts{noRegion: true})
}
