package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// IAMHost is a candidate root for the vIAM APIs: the accounts API
// (accounts-api/v1/...) under Accounts and the policies API
// (policies-api/v1/...) under Policies, which may be the same root.
type IAMHost struct {
	// Name is how the report calls the candidate ("documented", "console").
	Name string `json:"name"`
	// Accounts and Policies are roots ending in "/".
	Accounts string `json:"accounts"`
	Policies string `json:"policies"`
}

// StorageHost is a candidate base URL of the vStorage management API,
// ending in "/" (the paths regions, projects, ... are relative to it).
type StorageHost struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Config says what to probe and with which credentials. Secrets are
// never printed: every string of the report is checked for them.
type Config struct {
	// ClientID and ClientSecret are a service account's credentials; the
	// probe tries every token request variant with them.
	ClientID     string
	ClientSecret vngcloud.Secret
	// AccessToken is a bearer token obtained elsewhere (a console user's),
	// tried on every host as well.
	AccessToken vngcloud.Secret
	// TokenRoot is the root under which accounts-api/v2/auth/token and
	// accounts-api/v1/auth/token live.
	TokenRoot string
	// IAM and Storage are the candidate hosts, tried in order.
	IAM     []IAMHost
	Storage []StorageHost
	// Region is the vStorage region whose UUID the region headers carry
	// ("HCM04").
	Region string
	// HTTPClient sends the requests (default: a client with a 30 s
	// timeout). Its redirect policy is replaced: the probe follows none.
	HTTPClient *http.Client
	// Now gives the statistics' date range (default time.Now).
	Now func() time.Time
}

// Row is one request of the probe and what came back.
type Row struct {
	// Choice is the open question the request answers ("token v2",
	// "vStorage console, service-account token").
	Choice string `json:"choice"`
	// Request is the method and URL (and form fields of a token request,
	// without credentials).
	Request string `json:"request"`
	// Status is the HTTP status; 0 when nothing came back.
	Status int `json:"status"`
	// Answer says what the answer looked like: its JSON shape, envelope,
	// an empty body, an HTML page, a redirect and where it points.
	Answer string `json:"answer"`
	// Works is true when the answer is the one the SDK expects.
	Works bool `json:"works"`
}

// Report is the probe's result: every request, then the settings that
// worked.
type Report struct {
	Rows []Row `json:"rows"`
	// Settings are the Go options and the environment variables to use,
	// one per line; empty when nothing worked.
	Settings []string `json:"settings"`
	// Notes explain what did not work or could not be tried.
	Notes []string `json:"notes"`
}

// token is a bearer token the probe can use, and what kind it is.
type token struct {
	kind  string // "service-account token", "access token"
	value string
}

type prober struct {
	cfg     Config
	hc      http.Client
	secrets []string
	rep     Report
}

// Probe tries, read-only and one request at a time, each open choice of
// docs/api.md §6: the token request variants, each candidate vIAM and
// vStorage host with each token, the regions, projects and buckets lists
// and the statistics calls. It changes nothing in the account (token
// requests only issue tokens). Secrets and tokens are redacted from
// every string of the report. The error is only for a cancelled ctx.
func Probe(ctx context.Context, cfg Config) (*Report, error) {
	p := &prober{cfg: cfg}
	if cfg.HTTPClient != nil {
		p.hc = *cfg.HTTPClient
	} else {
		p.hc.Timeout = 30 * time.Second
	}
	p.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if p.cfg.Now == nil {
		p.cfg.Now = time.Now
	}
	p.secrets = []string{cfg.ClientSecret.Reveal(), cfg.AccessToken.Reveal()}

	var toks []token
	variant := ""
	if cfg.ClientID != "" {
		variant, toks = p.tokens(ctx)
	}
	if cfg.AccessToken != "" {
		toks = append(toks, token{kind: "access token", value: cfg.AccessToken.Reveal()})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		p.note("no token: nothing else was tried; give VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET, or VNGCLOUD_ACCESS_TOKEN")
		p.finish()
		return &p.rep, nil
	}
	iam, iamTok := p.iam(ctx, toks)
	st, stTok := p.storage(ctx, toks)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.recommend(variant, iam, iamTok, st, stTok)
	p.finish()
	return &p.rep, nil
}

// ---- the token ----

// tokenVariants are the documented token requests, in the order tried:
// the SDK's default first.
var tokenVariants = []struct {
	choice, path string
	form         url.Values
}{
	{"token v2 + scope=email", "accounts-api/v2/auth/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"email"}}},
	{"token v2, no scope", "accounts-api/v2/auth/token", url.Values{"grant_type": {"client_credentials"}}},
	{"token v1", "accounts-api/v1/auth/token", url.Values{"grantType": {"client_credentials"}}},
}

// tokens tries every variant and returns the first that gave a token, and
// that token.
func (p *prober) tokens(ctx context.Context) (string, []token) {
	chosen, tok := "", ""
	for _, v := range tokenVariants {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.TokenRoot+v.path, strings.NewReader(v.form.Encode()))
		if err != nil {
			p.add(Row{Choice: v.choice, Request: "POST " + p.cfg.TokenRoot + v.path, Answer: "not sent: " + err.Error()})
			continue
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(p.cfg.ClientID, p.cfg.ClientSecret.Reveal())
		row, body := p.send(req, v.choice, "POST "+req.URL.String()+" "+v.form.Encode())
		var t struct {
			Snake string `json:"access_token"`
			Camel string `json:"accessToken"`
		}
		if row.Status == http.StatusOK && json.Unmarshal(body, &t) == nil && t.Snake+t.Camel != "" {
			row.Works = true
			value := t.Snake + t.Camel
			p.secrets = append(p.secrets, value)
			if tok == "" {
				chosen, tok = v.choice, value
			}
		}
		p.add(row)
	}
	if tok == "" {
		p.note("no token variant gave a token: check the client ID and secret, and the token URL " + p.cfg.TokenRoot)
		return "", nil
	}
	return chosen, []token{{kind: "service-account token", value: tok}}
}

// ---- vIAM ----

func (p *prober) iam(ctx context.Context, toks []token) (*IAMHost, *token) {
	var found *IAMHost
	var foundTok *token
	for i := range p.cfg.IAM {
		h := &p.cfg.IAM[i]
		for j := range toks {
			t := &toks[j]
			choice := "vIAM " + h.Name + ", " + t.kind
			ok := 0
			for _, rel := range []struct{ root, path string }{
				{h.Accounts, "accounts-api/v1/auth/userinfo"},
				{h.Accounts, "accounts-api/v1/service-accounts?pageNumber=0&pageSize=1"},
				{h.Policies, "policies-api/v1/policies?pageNumber=0&pageSize=1"},
			} {
				row, _ := p.get(ctx, choice, rel.root+rel.path, t, nil)
				if row.Works {
					ok++
				}
				p.add(row)
			}
			if ok == 3 && found == nil {
				found, foundTok = h, t
			}
		}
	}
	return found, foundTok
}

// ---- vStorage ----

func (p *prober) storage(ctx context.Context, toks []token) (*StorageHost, *token) {
	var found *StorageHost
	var foundTok *token
	for i := range p.cfg.Storage {
		h := &p.cfg.Storage[i]
		for j := range toks {
			t := &toks[j]
			choice := "vStorage " + h.Name + ", " + t.kind
			row, body := p.get(ctx, choice, h.URL+"regions", t, nil)
			p.add(row)
			regionID := regionUUID(body, p.cfg.Region)
			if !row.Works {
				continue
			}
			if regionID == "" {
				p.note(fmt.Sprintf("%s: GET regions does not list %s; projects and buckets were not tried", choice, p.cfg.Region))
				continue
			}
			hdr := http.Header{"region": {regionID}, "region_id": {regionID}}
			row, body = p.get(ctx, choice, h.URL+"projects", t, hdr)
			p.add(row)
			project := firstProject(body)
			if !row.Works {
				continue
			}
			if project == "" {
				p.note(choice + ": no project in " + p.cfg.Region + "; the bucket list and statistics were not tried")
				if found == nil {
					found, foundTok = h, t
				}
				continue
			}
			row, _ = p.get(ctx, choice, h.URL+"ceph/projects/"+url.PathEscape(project)+"?limit=1000", t, hdr)
			p.add(row)
			works := row.Works
			end := p.cfg.Now()
			q := url.Values{"startTime": {end.AddDate(0, 0, -7).Format("02/01/2006")}, "endTime": {end.Format("02/01/2006")}}
			for _, kind := range []string{"usage", "traffic", "request"} {
				row, _ = p.get(ctx, choice, h.URL+"billing/statistics/projects/"+url.PathEscape(project)+"/"+kind+"?"+q.Encode(), t, hdr)
				p.add(row)
			}
			if works && found == nil {
				found, foundTok = h, t
			}
		}
	}
	return found, foundTok
}

// regionUUID finds a region's UUID in a GET regions answer.
func regionUUID(body []byte, name string) string {
	var env struct {
		Datas []struct {
			ID   string `json:"regionId"`
			Name string `json:"regionName"`
		} `json:"datas"`
	}
	if json.Unmarshal(body, &env) != nil {
		return ""
	}
	for _, r := range env.Datas {
		if strings.EqualFold(r.Name, name) {
			return r.ID
		}
	}
	return ""
}

// firstProject returns the first project ID of a GET projects answer.
func firstProject(body []byte) string {
	var env struct {
		Datas []struct {
			ID string `json:"projectId"`
		} `json:"datas"`
	}
	if json.Unmarshal(body, &env) != nil || len(env.Datas) == 0 {
		return ""
	}
	return env.Datas[0].ID
}

// ---- requests ----

// get sends one GET with the token and extra headers.
func (p *prober) get(ctx context.Context, choice, u string, t *token, h http.Header) (Row, []byte) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Row{Choice: choice, Request: "GET " + u, Answer: "not sent: " + err.Error()}, nil
	}
	for k, v := range h {
		req.Header[k] = v // the region headers are sent as written, lower case
	}
	req.Header.Set("Authorization", "Bearer "+t.value)
	row, body := p.send(req, choice, "GET "+u)
	row.Works = row.Status == http.StatusOK && expected(body)
	return row, body
}

// maxBody caps what the probe reads of an answer.
const maxBody = 1 << 20

// send sends req and describes the answer.
func (p *prober) send(req *http.Request, choice, what string) (Row, []byte) {
	row := Row{Choice: choice, Request: what}
	resp, err := p.hc.Do(req)
	if err != nil {
		row.Answer = "no answer: " + err.Error()
		return row, nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	row.Status = resp.StatusCode
	row.Answer = describe(resp, body)
	if err != nil {
		row.Answer += " (cut short: " + err.Error() + ")"
	}
	return row, body
}

// expected reports whether a 200 answer is one the SDK can use: JSON
// that is a vStorage envelope with success true, a vIAM page, or another
// object (userinfo) with content; not empty, not HTML, not an error.
func expected(body []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || len(m) == 0 {
		return false
	}
	if s, ok := m["success"]; ok {
		return string(s) == "true"
	}
	_, isErr := m["errors"]
	return !isErr
}

// describe says what an answer looks like, in a few words.
func describe(resp *http.Response, body []byte) string {
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		if loc := resp.Header.Get("Location"); loc != "" {
			return "redirect to " + loc + " (not followed)"
		}
		return "redirect without a Location"
	}
	trimmed := bytes.TrimSpace(body)
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case len(trimmed) == 0:
		return "empty body"
	case ct == "text/html" || bytes.HasPrefix(trimmed, []byte("<")):
		return fmt.Sprintf("HTML page (%d bytes)", len(body))
	}
	var v any
	if json.Unmarshal(trimmed, &v) != nil {
		return fmt.Sprintf("not JSON (%s, %d bytes)", firstNonEmpty(ct, "no content type"), len(body))
	}
	return shapeOf(v)
}

// shapeOf describes a JSON value: the envelopes of both services, a token
// answer, a gateway error, or the keys of an object.
func shapeOf(v any) string {
	switch x := v.(type) {
	case []any:
		if len(x) > 0 {
			if m, ok := x[0].(map[string]any); ok && m["code"] != nil {
				return fmt.Sprintf("gateway error [%v]", m["code"])
			}
		}
		return fmt.Sprintf("JSON array of %d", len(x))
	case map[string]any:
		switch {
		case x["success"] != nil:
			s := fmt.Sprintf("vStorage envelope success=%v code=%v", x["success"], x["code"])
			if d, ok := x["datas"].([]any); ok {
				s += fmt.Sprintf(" datas[%d]", len(d))
			}
			if d, ok := x["data"]; ok && d != nil {
				s += " data " + kind(d)
			}
			if m, ok := x["errorMsg"].(string); ok && m != "" {
				s += fmt.Sprintf(" errorMsg %q", cut(m, 80))
			}
			return s
		case x["errors"] != nil:
			if es, ok := x["errors"].([]any); ok && len(es) > 0 {
				if e, ok := es[0].(map[string]any); ok {
					return fmt.Sprintf("vIAM error %v", e["code"])
				}
			}
			return "vIAM error (no code)"
		case x["access_token"] != nil:
			return fmt.Sprintf("token, snake_case (expires_in %v)", x["expires_in"])
		case x["accessToken"] != nil:
			return fmt.Sprintf("token, camelCase (expiresIn %v)", x["expiresIn"])
		case x["data"] != nil && x["pageSize"] != nil:
			return fmt.Sprintf("vIAM page data %s, totalItems %v", kind(x["data"]), x["totalItems"])
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if len(keys) > 8 {
			keys = append(keys[:8], "...")
		}
		return "JSON object {" + strings.Join(keys, ", ") + "}"
	}
	return "JSON " + kind(v)
}

func kind(v any) string {
	switch x := v.(type) {
	case []any:
		return "[" + strconv.Itoa(len(x)) + "]"
	case map[string]any:
		return "{" + strconv.Itoa(len(x)) + " keys}"
	case string:
		return "string"
	case nil:
		return "null"
	case bool:
		return "boolean"
	}
	return "number"
}

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "..."
	}
	return s
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ---- report ----

func (p *prober) add(r Row) { p.rep.Rows = append(p.rep.Rows, r) }

func (p *prober) note(s string) { p.rep.Notes = append(p.rep.Notes, s) }

// Default hosts, for the recommendation: a setting equal to the default
// is not printed.
const (
	defaultIAMRoot = "https://iamapis.vngcloud.vn/"
	// The console's vIAM roots (vngcloud.WithConsoleHosts).
	consoleAccountsRoot = "https://dashboard.console.greennode.ai/"
	consolePoliciesRoot = "https://iam.console.greennode.ai/"
)

// recommend turns what worked into settings.
func (p *prober) recommend(variant string, iam *IAMHost, iamTok *token, st *StorageHost, stTok *token) {
	s := &p.rep.Settings
	switch variant {
	case "token v2 + scope=email":
		*s = append(*s, "token: the default of viam.NewClientCredentials (v2, scope=email)")
	case "token v2, no scope":
		*s = append(*s, "token: viam.WithTokenScope() for viam.NewClientCredentials (v2 without a scope)")
	case "token v1":
		*s = append(*s, "token: viam.WithTokenVariant(viam.TokenV1) for viam.NewClientCredentials")
	}
	if p.cfg.TokenRoot != "" && p.cfg.TokenRoot != defaultIAMRoot && variant != "" {
		*s = append(*s, "token URL root: vngcloud.WithEndpoint(\""+p.cfg.TokenRoot+"\") for viam.NewClientCredentials")
	}
	if iam != nil && st != nil && iam.Accounts == consoleAccountsRoot && iam.Policies == consolePoliciesRoot && st.URL == vstorage.ConsoleEndpoint {
		// One option moves both clients to the console hosts, the
		// policies API's included.
		*s = append(*s, fmt.Sprintf("vIAM and vStorage: vngcloud.WithConsoleHosts() for viam.NewClient and vstorage.NewClient (console hosts, %s)", iamTok.kind),
			"  env: VNGCLOUD_ACCESS_TOKEN (the examples then use the console hosts)")
	} else {
		p.recommendHosts(iam, iamTok, st, stTok)
	}
	if (iamTok != nil && iamTok.kind == "access token") || (stTok != nil && stTok.kind == "access token") {
		*s = append(*s, "credentials: a bearer token (vngcloud.StaticToken), not the service account's; env: VNGCLOUD_ACCESS_TOKEN")
	}
}

// recommendHosts recommends a vIAM and a vStorage endpoint apart.
func (p *prober) recommendHosts(iam *IAMHost, iamTok *token, st *StorageHost, stTok *token) {
	s := &p.rep.Settings
	if iam == nil {
		p.note("no vIAM host answered userinfo and both lists with a token: vIAM calls will fail")
	} else {
		*s = append(*s, fmt.Sprintf("vIAM: vngcloud.WithEndpoint(%q) for viam.NewClient (%s host, %s)", iam.Accounts, iam.Name, iamTok.kind),
			"  env: VNGCLOUD_IAM_ENDPOINT="+iam.Accounts)
		if iam.Policies != iam.Accounts {
			p.note("vIAM " + iam.Name + ": the policies API lives on another root (" + iam.Policies + ") than the accounts API; one viam.Client root cannot reach both")
		}
	}
	if st == nil {
		p.note("no vStorage host answered regions, projects and the bucket list with a token: vStorage calls will fail")
	} else {
		*s = append(*s, fmt.Sprintf("vStorage: vngcloud.WithEndpoint(%q) for vstorage.NewClient (%s host, %s)", st.URL, st.Name, stTok.kind),
			"  env: VNGCLOUD_VSTORAGE_ENDPOINT="+st.URL)
	}
}

// finish redacts every string of the report.
func (p *prober) finish() {
	r := strings.NewReplacer(p.replacements()...)
	for i := range p.rep.Rows {
		p.rep.Rows[i].Request = r.Replace(p.rep.Rows[i].Request)
		p.rep.Rows[i].Answer = r.Replace(p.rep.Rows[i].Answer)
		p.rep.Rows[i].Choice = r.Replace(p.rep.Rows[i].Choice)
	}
	for i := range p.rep.Notes {
		p.rep.Notes[i] = r.Replace(p.rep.Notes[i])
	}
	for i := range p.rep.Settings {
		p.rep.Settings[i] = r.Replace(p.rep.Settings[i])
	}
}

func (p *prober) replacements() []string {
	var out []string
	for _, s := range p.secrets {
		if s != "" {
			out = append(out, s, vngcloud.Redacted)
		}
	}
	return out
}

// WriteTable prints the report as an aligned table, then the notes and
// the settings.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHOICE\tREQUEST\tSTATUS\tANSWER\tWORKS")
	for _, row := range r.Rows {
		st := "-"
		if row.Status != 0 {
			st = strconv.Itoa(row.Status)
		}
		works := "no"
		if row.Works {
			works = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", row.Choice, row.Request, st, row.Answer, works)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note:", n)
	}
	if len(r.Settings) == 0 {
		_, err := fmt.Fprintln(w, "\nNothing worked: send this output (or the --json file) with the issue.")
		return err
	}
	fmt.Fprintln(w, "\nUse:")
	for _, s := range r.Settings {
		fmt.Fprintln(w, "  "+s)
	}
	return nil
}

var errNoCredentials = errors.New("give VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET (a service account), or VNGCLOUD_ACCESS_TOKEN (a bearer token), in the environment")
