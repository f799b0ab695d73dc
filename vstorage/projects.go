package vstorage

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// Project is a vStorage project: a paid storage package in one region,
// which holds buckets and S3 keys. The fields follow the live project
// described in docs/api.md §2.3 ("Project model"); fields the API leaves null
// are zero.
type Project struct {
	// ID is the project's ID (projectId, 32 hex characters).
	ID string `json:"projectId"`
	// Name and Description are the project's name and free text.
	Name        string `json:"projectName"`
	Description string `json:"description,omitempty"`
	// UserID is the owning storage user (32 hex characters).
	UserID string `json:"userId,omitempty"`
	// Status, ProjectType, PurchaseTypeID and PaymentMethod are the
	// service's numeric codes (for example 1, 1, 4, 1).
	Status         int `json:"status"`
	ProjectType    int `json:"projectType"`
	PurchaseTypeID int `json:"purchaseTypeId"`
	PaymentMethod  int `json:"paymentMethod"`
	// ProjectTypeName and PurchaseTypeName name those codes ("Gold",
	// "Pay monthly").
	ProjectTypeName  string `json:"projectTypeName,omitempty"`
	PurchaseTypeName string `json:"purchaseTypeName,omitempty"`
	// StartTime and EndTime bound the paid period.
	StartTime time.Time `json:"startTime"`
	EndTime   time.Time `json:"endTime"`
	// Period is the billing period count, when the service gives one.
	Period int `json:"period"`
	// TotalQuotaGB is the project's quota and UsageGB what it uses, both in
	// GB.
	TotalQuotaGB float64 `json:"totalQuota"`
	UsageGB      float64 `json:"usage"`
	// UserName is the root account's e-mail in base64, as served; see
	// [Project.UserEmail].
	UserName string `json:"userName,omitempty"`
	// AccountID is the numeric account ID (userIdMapping), as text.
	AccountID string `json:"userIdMapping,omitempty"`
	// RoleID and RoleName describe the caller's role in the project
	// ("Admin").
	RoleID   string `json:"roleId,omitempty"`
	RoleName string `json:"roleName,omitempty"`
	// RegionID and RegionName are the project's storage region.
	RegionID   string `json:"regionId,omitempty"`
	RegionName string `json:"regionName,omitempty"`
	// OwnerID and OwnerName describe the project's owner.
	OwnerID   string `json:"ownerId,omitempty"`
	OwnerName string `json:"ownerName,omitempty"`
	// EnableAutoRenew and AutoRenewPeriod are the renewal settings.
	EnableAutoRenew bool `json:"enableAutoRenew"`
	AutoRenewPeriod int  `json:"autoRenewPeriod"`
	// ResourceTags are the project's tags, for example vng.region=hcm04.
	ResourceTags []ResourceTag `json:"resourceTags,omitempty"`
	// Raw is the project object as the API served it, for the fields this
	// model leaves out (actions, lifecycleRules, backendQuota, traffic,
	// ...). It is not encoded.
	Raw json.RawMessage `json:"-"`
}

// ResourceTag is a key/value tag on a project.
type ResourceTag struct {
	// Key is the tag's name, for example "vng.region".
	Key string `json:"key"`
	// Value is the tag's value, for example "hcm04".
	Value string `json:"value"`
}

// UserEmail decodes UserName, the root account's e-mail in base64. It
// returns UserName unchanged when it is not base64.
func (p Project) UserEmail() string {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding} {
		if b, err := enc.DecodeString(p.UserName); err == nil && p.UserName != "" {
			return string(b)
		}
	}
	return p.UserName
}

type projectWire struct {
	ID               flexStr  `json:"projectId"`
	Name             flexStr  `json:"projectName"`
	Description      flexStr  `json:"description"`
	UserID           flexStr  `json:"userId"`
	Status           flexNum  `json:"status"`
	ProjectType      flexNum  `json:"projectType"`
	PurchaseTypeID   flexNum  `json:"purchaseTypeId"`
	PaymentMethod    flexNum  `json:"paymentMethod"`
	ProjectTypeName  flexStr  `json:"projectTypeName"`
	PurchaseTypeName flexStr  `json:"purchaseTypeName"`
	StartTime        flexTime `json:"startTime"`
	EndTime          flexTime `json:"endTime"`
	Period           flexNum  `json:"period"`
	TotalQuota       flexNum  `json:"totalQuota"`
	Usage            flexNum  `json:"usage"`
	UserName         flexStr  `json:"userName"`
	AccountID        flexStr  `json:"userIdMapping"`
	RoleID           flexStr  `json:"roleId"`
	RoleName         flexStr  `json:"roleName"`
	RegionID         flexStr  `json:"regionId"`
	RegionName       flexStr  `json:"regionName"`
	OwnerID          flexStr  `json:"ownerId"`
	OwnerName        flexStr  `json:"ownerName"`
	EnableAutoRenew  flexBool `json:"enableAutoRenew"`
	AutoRenewPeriod  flexNum  `json:"autoRenewPeriod"`
	ResourceTags     []struct {
		Key   flexStr `json:"key"`
		Value flexStr `json:"value"`
	} `json:"resourceTags"`
}

// UnmarshalJSON reads a project as the API serves it.
func (p *Project) UnmarshalJSON(b []byte) error {
	var w projectWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = Project{
		ID: string(w.ID), Name: string(w.Name), Description: string(w.Description), UserID: string(w.UserID),
		Status: w.Status.int(), ProjectType: w.ProjectType.int(), PurchaseTypeID: w.PurchaseTypeID.int(),
		PaymentMethod: w.PaymentMethod.int(), ProjectTypeName: string(w.ProjectTypeName),
		PurchaseTypeName: string(w.PurchaseTypeName), StartTime: w.StartTime.time(), EndTime: w.EndTime.time(),
		Period: w.Period.int(), TotalQuotaGB: w.TotalQuota.float(), UsageGB: w.Usage.float(),
		UserName: string(w.UserName), AccountID: string(w.AccountID), RoleID: string(w.RoleID),
		RoleName: string(w.RoleName), RegionID: string(w.RegionID), RegionName: string(w.RegionName),
		OwnerID: string(w.OwnerID), OwnerName: string(w.OwnerName), EnableAutoRenew: bool(w.EnableAutoRenew),
		AutoRenewPeriod: w.AutoRenewPeriod.int(), Raw: bytes.Clone(b),
	}
	for _, t := range w.ResourceTags {
		p.ResourceTags = append(p.ResourceTags, ResourceTag{Key: string(t.Key), Value: string(t.Value)})
	}
	return nil
}

// ListProjects lists the account's projects in the client's region. An
// account without a project gets an empty list.
//
// Endpoint: GET projects (docs/api.md §2.3 #2).
func (c *Client) ListProjects(ctx context.Context) ([]Project, error) {
	return call[[]Project](ctx, c, &httpcore.Request{Op: "vstorage.ListProjects", Method: http.MethodGet, Path: "projects"})
}

// GetProject returns the project with the given ID. No single-project
// endpoint is confirmed, so it lists the region's projects and picks one;
// a project that is not listed is an error matching vngcloud.ErrNotFound.
func (c *Client) GetProject(ctx context.Context, projectID string) (Project, error) {
	r := &httpcore.Request{Op: "vstorage.GetProject", Method: http.MethodGet, Path: "projects"}
	if err := httpcore.ValidateID(r.Op, "projectID", projectID); err != nil {
		return Project{}, err
	}
	list, err := call[[]Project](ctx, c, r)
	if i := slices.IndexFunc(list, func(p Project) bool { return p.ID == projectID }); i >= 0 || err != nil {
		return at(list, i), err
	}
	return Project{}, c.core.Fail(r, httpcore.Failure{Kind: vngcloud.ErrNotFound, Hint: "check the project ID and the client's region",
		Message: fmt.Sprintf("project %s is not among the %d projects of region %s", projectID, len(list), c.regionLabel())})
}

// Statistics is one of a project's billing statistics (usage, traffic or
// requests) over a date range.
//
// The response shape of the statistics endpoints is NOT confirmed (docs/api.md
// §6 item 13): only their paths and query parameters are documented.
// Statistics therefore keeps the payload as served in Raw and fills Points
// on a best-effort basis: when the payload is (or holds) a list of
// objects, each object becomes a point whose time comes from its first
// date-like field and whose Values are its numeric fields; numeric fields
// at the top of an object payload go to Totals.
type Statistics struct {
	// Kind is "usage", "traffic" or "request".
	Kind string
	// ProjectID, From and To echo the request.
	ProjectID string
	From, To  time.Time
	// Points are the dated values found in the payload, in its order.
	Points []StatisticsPoint
	// Totals are the numeric top-level fields of an object payload.
	Totals map[string]float64
	// Raw is the envelope's data (or datas) as served.
	Raw json.RawMessage
}

// StatisticsPoint is one dated entry of a statistics payload.
type StatisticsPoint struct {
	// Time is read from the entry's first date-like field (date, time,
	// timestamp, day, or a field whose name contains "date" or "time");
	// zero when there is none.
	Time time.Time
	// Values holds the entry's numeric fields (numbers or numeric
	// strings) by name.
	Values map[string]float64
	// Raw is the entry as served.
	Raw json.RawMessage
}

// statsDate is the layout the statistics endpoints want: dd/MM/yyyy.
const statsDate = "02/01/2006"

// ProjectUsage returns the project's storage usage statistics from the day
// of from to the day of to, both included. Each date is taken in its own
// time.Time location and sent as dd/MM/yyyy.
//
// Endpoint: GET billing/statistics/projects/{projectID}/usage (docs/api.md
// §2.1). See [Statistics] for what is known of the response.
func (c *Client) ProjectUsage(ctx context.Context, projectID string, from, to time.Time) (Statistics, error) {
	return c.statistics(ctx, "vstorage.ProjectUsage", "usage", projectID, from, to)
}

// ProjectTraffic returns the project's traffic statistics for a date
// range, like [Client.ProjectUsage].
//
// Endpoint: GET billing/statistics/projects/{projectID}/traffic.
func (c *Client) ProjectTraffic(ctx context.Context, projectID string, from, to time.Time) (Statistics, error) {
	return c.statistics(ctx, "vstorage.ProjectTraffic", "traffic", projectID, from, to)
}

// ProjectRequests returns the project's request statistics for a date
// range, like [Client.ProjectUsage].
//
// Endpoint: GET billing/statistics/projects/{projectID}/request.
func (c *Client) ProjectRequests(ctx context.Context, projectID string, from, to time.Time) (Statistics, error) {
	return c.statistics(ctx, "vstorage.ProjectRequests", "request", projectID, from, to)
}

func (c *Client) statistics(ctx context.Context, op, kind, projectID string, from, to time.Time) (Statistics, error) {
	r := &httpcore.Request{Op: op, Method: http.MethodGet, Path: "billing/statistics/projects/{projectID}/" + kind, Args: []string{projectID},
		Query: url.Values{"startTime": {from.Format(statsDate)}, "endTime": {to.Format(statsDate)}}}
	if err := c.core.Check(r); err != nil {
		return Statistics{}, err
	}
	switch {
	case from.IsZero():
		return Statistics{}, &vngcloud.ValidationError{Operation: op, Field: "from", Reason: "the start date is the zero time"}
	case to.IsZero():
		return Statistics{}, &vngcloud.ValidationError{Operation: op, Field: "to", Reason: "the end date is the zero time"}
	case to.Format("20060102") < from.Format("20060102"):
		return Statistics{}, &vngcloud.ValidationError{Operation: op, Field: "to",
			Reason: fmt.Sprintf("the end date %s is before the start date %s", to.Format(statsDate), from.Format(statsDate))}
	}
	raw, err := call[json.RawMessage](ctx, c, r)
	if err != nil {
		return Statistics{}, err
	}
	st := Statistics{Kind: kind, ProjectID: projectID, From: from, To: to}
	if isNull(raw) {
		return st, nil
	}
	st.Raw = bytes.Clone(bytes.TrimSpace(raw))
	if err := st.fill(raw); err != nil {
		return Statistics{}, c.core.Fail(r, httpcore.Failure{Message: "data: " + err.Error(), Err: err})
	}
	return st, nil
}

// fill reads Points and Totals from a payload of unconfirmed shape.
func (st *Statistics) fill(raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	switch raw[0] {
	case '[':
		pts, err := statPoints(raw)
		st.Points = pts
		return err
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return err
		}
		for _, k := range sortedKeys(obj) {
			v := bytes.TrimSpace(obj[k])
			if len(v) == 0 {
				continue
			}
			if v[0] == '[' && st.Points == nil {
				if pts, err := statPoints(v); err == nil && len(pts) > 0 {
					st.Points = pts
				}
				continue
			}
			var n flexNum
			if v[0] != '{' && v[0] != '[' && !isNull(v) && json.Unmarshal(v, &n) == nil {
				if st.Totals == nil {
					st.Totals = map[string]float64{}
				}
				st.Totals[k] = n.float()
			}
		}
	}
	return nil
}

// statPoints reads a JSON array of objects as points. Elements that are
// not objects are skipped.
func statPoints(raw json.RawMessage) ([]StatisticsPoint, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	var pts []StatisticsPoint
	for _, it := range items {
		var obj map[string]json.RawMessage
		if json.Unmarshal(it, &obj) != nil {
			continue
		}
		pt := StatisticsPoint{Values: map[string]float64{}, Raw: bytes.Clone(it)}
		timeKey := ""
		for _, k := range timeKeys(obj) {
			var t flexTime
			if json.Unmarshal(obj[k], &t) == nil && !t.time().IsZero() {
				pt.Time, timeKey = t.time(), k
				break
			}
		}
		for _, k := range sortedKeys(obj) {
			if k == timeKey {
				continue
			}
			v := bytes.TrimSpace(obj[k])
			var n flexNum
			if len(v) > 0 && v[0] != '{' && v[0] != '[' && !isNull(v) && json.Unmarshal(v, &n) == nil {
				pt.Values[k] = n.float()
			}
		}
		pts = append(pts, pt)
	}
	return pts, nil
}

// timeKeys returns the fields of obj that may hold the entry's date: the
// usual names first (date, time, timestamp, day), then any other field
// whose name contains "date" or "time", by name.
func timeKeys(obj map[string]json.RawMessage) []string {
	var exact, other []string
	for _, name := range []string{"date", "time", "timestamp", "day"} {
		for k := range obj {
			if strings.EqualFold(k, name) {
				exact = append(exact, k)
			}
		}
	}
	for _, k := range sortedKeys(obj) {
		l := strings.ToLower(k)
		if !slices.Contains(exact, k) && (strings.Contains(l, "date") || strings.Contains(l, "time")) {
			other = append(other, k)
		}
	}
	return append(exact, other...)
}

// sortedKeys returns the keys of m in order, for a deterministic result.
func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
