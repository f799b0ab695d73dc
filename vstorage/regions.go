package vstorage

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"

	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
	"github.com/vstorage-sdk/vngcloud/vstorage/region"
)

// Region is a vStorage storage region: its name, S3 host and management
// API URL. It is the type of package region, which holds the table of
// known regions (region.HCM04, region.ByName, region.ForManagement) and
// imports no HTTP code.
type Region = region.Region

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
// Endpoint: GET regions (docs/api.md §2.3 #1).
func (c *Client) ListRegions(ctx context.Context) ([]RegionInfo, error) {
	r := &httpcore.Request{Op: "vstorage.ListRegions", Method: http.MethodGet, Path: "regions"}
	return httpcore.Do[[]RegionInfo](ctx, c.core, r)
}
