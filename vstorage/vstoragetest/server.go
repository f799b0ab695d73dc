package vstoragetest

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/fakeserver"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

// Fault describes what to do to the next matching calls: answer a status
// (with the vStorage envelope as body when Body is empty), wait, drop the
// connection before or after the server acted, truncate or pad the
// answer. It is the vIAM test server's type, with the same fields and
// meaning: see [viamtest.Fault]. Queue it with [Server.Inject].
type Fault = viamtest.Fault

// Call is one request the server received, as [Server.Calls] reports it:
// method, path, query, headers (never Authorization), body, status and
// the fault applied. It is the vIAM test server's type: see
// [viamtest.Call].
type Call = viamtest.Call

// Drop says whether and when a [Fault] closes the connection without an
// answer: [NoDrop], [DropBeforeAct] or [DropAfterAct] (see
// [viamtest.Drop]).
type Drop = viamtest.Drop

// Values of [Fault].Drop.
const (
	// NoDrop answers normally.
	NoDrop = viamtest.NoDrop
	// DropBeforeAct closes the connection before the server does anything:
	// the change did not happen.
	DropBeforeAct = viamtest.DropBeforeAct
	// DropAfterAct lets the server act, then closes the connection without
	// answering: the change happened (a key exists) but the caller cannot
	// know.
	DropAfterAct = viamtest.DropAfterAct
)

// Limits the server enforces.
const (
	// MaxKeys is how many S3 keys the account may hold, all projects
	// together; the next create answers code 114 "Key number is reached
	// to maximum value 10".
	MaxKeys = 10
	// MaxBuckets is how many buckets a project may hold.
	MaxBuckets = 1000
)

// Fixed region UUIDs, as GET regions reports them. HCM04 and HAN02 are
// the values of the vstorage fixtures.
const (
	HCM04ID = "3c6f4a52-8f1e-4b2a-9d0c-7e5b1a2f6d84"
	HAN02ID = "a1d9e7c3-5b42-4f08-8e6a-0c3b9f2d1e57"
	HCM03ID = "7b2e4c91-3d5a-4f68-b0e1-9c8d7a6f5e43"
)

// DefaultAccountUser is the storage account's user (the part before the
// colon of sub-user IDs) unless [WithAccountUser] says otherwise.
const DefaultAccountUser = "7d3b9e1f5a2c4d6e8b0a1c3e5f7d9b2a"

// AccountEmail is the root account's e-mail, which the service reports in
// base64 (userName, owner.email): the vIAM server's
// ([viamtest.AccountEmail]).
const AccountEmail = viamtest.AccountEmail

// DataPlane is a real S3 server that should accept the keys created here,
// such as the versitygw of internal/testsupport/realtools. The server calls AddUser
// for every key it creates and RemoveUser for every key it deletes, before
// answering; a failure makes the create or delete answer an error (code
// 114) and leaves the key as it was.
type DataPlane interface {
	AddUser(accessKey, secretKey string) error
	RemoveUser(accessKey string) error
}

type region struct {
	id, name, s3Host, authHost string
}

// Server is an in-memory vStorage management API on an httptest server on
// 127.0.0.1, serving under "/api/v1/". Its methods are safe for concurrent
// use. Build it with [NewServer] and stop it with [Server.Close].
type Server struct {
	srv     *httptest.Server
	inj     *fakeserver.Injector
	iam     *viamtest.Server
	dp      DataPlane
	user    string
	regions []region

	emptyOK bool // WithEmptyAnswers

	keyMu sync.Mutex // serializes key creation and deletion with their data-plane calls

	mu          sync.Mutex
	seq         int
	projects    map[string]*project
	projOrder   []string
	keys        map[string]*key
	keyOrder    []string
	deletedKeys map[string]bool
	bucketOwner map[string]string // bucket name → project ID (names are global)
}

// NewServer starts a vStorage test server on 127.0.0.1 with the regions
// HCM04, HAN02 and HCM03 ([HCM04ID], [HAN02ID], [HCM03ID]) and no project;
// add projects with [Server.AddProject]. Bearer tokens are checked
// against iam, and S3 keys are attached to its service accounts. Options
// such as [WithLatency] or [WithDataPlane] change how it answers. It
// panics when iam is nil.
func NewServer(iam *viamtest.Server, opts ...Option) *Server {
	if iam == nil {
		panic("vstoragetest: NewServer: the vIAM server is required")
	}
	var o config
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{
		iam:         iam,
		dp:          o.dataPlane,
		user:        o.accountUser,
		projects:    map[string]*project{},
		keys:        map[string]*key{},
		deletedKeys: map[string]bool{},
		bucketOwner: map[string]string{},
	}
	if s.user == "" {
		s.user = DefaultAccountUser
	}
	for _, r := range []region{
		{HCM04ID, "HCM04", "https://hcm04.vstorage.vngcloud.vn", "https://hcm04-vstorage.vngcloud.vn"},
		{HAN02ID, "HAN02", "https://han02.vstorage.vngcloud.vn", "https://han02-vstorage.vngcloud.vn"},
		{HCM03ID, "HCM03", "https://hcm03.vstorage.vngcloud.vn", "https://hcm03.auth.vstorage.vngcloud.vn"},
	} {
		for name, host := range o.s3Endpoints {
			if strings.EqualFold(name, r.name) {
				r.s3Host = host
			}
		}
		s.regions = append(s.regions, r)
	}
	s.inj = &fakeserver.Injector{ErrorBody: func(status int) string {
		return string(mustJSON(failure(status, http.StatusText(status))))
	}, Latency: o.latency}
	if o.redirect != "" {
		s.inj.Redirect, s.inj.RedirectFrom = o.redirect, "/api/v1/"
	}
	s.emptyOK = o.emptyOK
	s.srv = httptest.NewServer(s.inj.Wrap(s.routes()))
	return s
}

// URL returns the base URL of the API, "http://127.0.0.1:PORT/api/v1/":
// pass it to vngcloud.WithEndpoint for vstorage.NewClient.
func (s *Server) URL() string { return s.srv.URL + "/api/v1/" }

// String describes the server by its URL; it never shows keys.
func (s *Server) String() string { return "vstoragetest.Server(" + s.URL() + ")" }

// GoString is used by %#v; it shows what String shows.
func (s *Server) GoString() string { return s.String() }

// Close shuts the server down, dropping open connections.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// RegionID returns the UUID of the region called name ("HCM04", "HAN02",
// "HCM03", in any case), or "" for another name.
func (s *Server) RegionID(name string) string {
	if r := s.regionByName(name); r != nil {
		return r.id
	}
	return ""
}

func (s *Server) regionByName(name string) *region {
	for i := range s.regions {
		if strings.EqualFold(s.regions[i].name, name) {
			return &s.regions[i]
		}
	}
	return nil
}

// Inject queues a fault for the next matching calls (method and path
// substring; empty matches any). Faults apply in the order queued. A
// Status fault with an empty Body answers the vStorage envelope
// {"success":false,"code":<status>,"errorMsg":...}.
func (s *Server) Inject(f Fault) { s.inj.Inject(fakeserver.Fault(f)) }

// FailNext makes the next n calls, whatever their route, answer status
// without acting.
func (s *Server) FailNext(n, status int) { s.inj.FailNext(n, status) }

// ClearFaults drops every pending fault.
func (s *Server) ClearFaults() { s.inj.ClearFaults() }

// Calls returns the calls received so far, oldest first. Authorization
// headers are not recorded.
func (s *Server) Calls() []Call {
	in := s.inj.Calls()
	out := make([]Call, len(in))
	for i, c := range in {
		out[i] = Call(c)
	}
	return out
}

// CallCount returns how many calls matched method (empty: any) and had
// pathSubstring in their path.
func (s *Server) CallCount(method, pathSubstring string) int {
	return s.inj.CallCount(method, pathSubstring)
}

// ResetCalls empties the call log.
func (s *Server) ResetCalls() { s.inj.ResetCalls() }

// now is the IAM server's clock, so that one SetNow drives both.
func (s *Server) now() time.Time { return s.iam.Now() }

// newUUID returns a well-formed UUID numbered per server.
func (s *Server) newUUID(kind uint32) string {
	s.seq++
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", kind, s.seq)
}

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// serviceZone is the zone of the console's "dd/mm/yyyy hh:mm" dates.
var serviceZone = time.FixedZone("UTC+07", 7*60*60)

func consoleDate(t time.Time) string { return t.In(serviceZone).Format("02/01/2006 15:04") }

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-07:00") }

func emailB64() string { return base64.StdEncoding.EncodeToString([]byte(AccountEmail)) }

// ---- routing ----

// scope says what a route answers when the region headers are missing or
// name no known region (docs/api.md §1.3).
type scope int

const (
	scopeNone     scope = iota // GET regions: no headers needed
	scopeProjects              // 200 with no datas
	scopeBuckets               // code 114 "No project authentication found."
	scopeUsers                 // HTTP 403 IAM_PERMISSION_DENIED
)

// handlerFunc is a route's handler; reg is the region the headers name.
type handlerFunc func(w http.ResponseWriter, r *http.Request, reg *region)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, sc scope, h handlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" /api/v1/"+path, func(w http.ResponseWriter, r *http.Request) {
			if _, err := s.iam.Authenticate(r); err != nil {
				writeJSON(w, http.StatusUnauthorized, []any{object{{"code", "UNAUTHORIZED"}, {"message", "Token is expired or invalid"}}})
				return
			}
			if s.emptyOK {
				emptyOK(w)
				return
			}
			var reg *region
			if sc != scopeNone {
				reg = s.headerRegion(r)
				if reg == nil {
					switch sc {
					case scopeProjects:
						writeJSON(w, http.StatusOK, okBody())
					case scopeBuckets:
						writeJSON(w, http.StatusOK, failure(114, msgNoProjectAuth))
					default:
						denied(w)
					}
					return
				}
			}
			h(w, r, reg)
		})
	}
	handle("GET regions", scopeNone, s.listRegions)
	handle("GET projects", scopeProjects, s.listProjects)
	const b = "ceph/projects/{p}/buckets/{b}"
	handle("GET ceph/projects/{p}", scopeBuckets, s.listBuckets)
	handle("GET ceph/projects/{p}/{b}/details", scopeBuckets, s.bucketDetails)
	handle("POST "+b, scopeBuckets, s.createBucket)
	handle("DELETE "+b, scopeBuckets, s.deleteBucket)
	handle("GET "+b+"/policy", scopeBuckets, s.getPolicy)
	handle("PUT "+b+"/policy", scopeBuckets, s.putPolicy)
	handle("DELETE "+b+"/policy", scopeBuckets, s.deletePolicy)
	handle("GET "+b+"/versioning", scopeBuckets, s.getVersioning)
	handle("PUT "+b+"/versioning", scopeBuckets, s.putVersioning)
	handle("GET "+b+"/cors", scopeBuckets, s.getCORS)
	handle("PUT "+b+"/cors", scopeBuckets, s.putCORS)
	handle("DELETE "+b+"/cors", scopeBuckets, s.deleteCORS)
	handle("GET "+b+"/encryption", scopeBuckets, s.getEncryption)
	handle("PUT "+b+"/encryption", scopeBuckets, s.putEncryption)
	handle("GET "+b+"/public_access", scopeUsers, func(w http.ResponseWriter, _ *http.Request, _ *region) { denied(w) })
	handle("PUT "+b+"/public_access", scopeUsers, func(w http.ResponseWriter, _ *http.Request, _ *region) { denied(w) })
	handle("GET users/s3_keys", scopeUsers, s.listKeys)
	handle("POST users/s3_keys", scopeUsers, s.createKey)
	handle("DELETE users/s3_keys/{k}", scopeUsers, s.deleteKey)
	handle("PUT users/s3_keys/{k}/attach", scopeUsers, s.attachKey)
	handle("PUT users/s3_keys/{k}/detach", scopeUsers, s.detachKey)
	handle("GET users/details", scopeUsers, s.principal)
	handle("GET billing/statistics/projects/{p}/{kind}", scopeUsers, s.statistics)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, failure(404, "No route for "+r.Method+" "+r.URL.Path))
	})
	return mux
}

// headerRegion returns the region that both region headers name, or nil
// when either is missing, they differ, or the UUID is unknown.
func (s *Server) headerRegion(r *http.Request) *region {
	a, b := strings.TrimSpace(r.Header.Get("region")), strings.TrimSpace(r.Header.Get("region_id"))
	if a == "" || !strings.EqualFold(a, b) {
		return nil
	}
	for i := range s.regions {
		if strings.EqualFold(s.regions[i].id, a) {
			return &s.regions[i]
		}
	}
	return nil
}

func (s *Server) listRegions(w http.ResponseWriter, _ *http.Request, _ *region) {
	var rows []any
	for _, r := range s.regions {
		low := strings.ToLower(r.name)
		rows = append(rows, object{{"regionId", r.id}, {"regionName", r.name}, {"regionDisplayingName", r.name},
			{"description", nil}, {"backendType", "ceph"}, {"s3Host", r.s3Host},
			{"vosApiHost", "https://" + low + "-vos.internal.example"},
			{"accountUrl", "https://" + low + "-account.internal.example"},
			{"authHost", r.authHost}, {"status", 1}})
	}
	writeJSON(w, http.StatusOK, listBody(rows))
}

// ---- answers ----

// Messages the service is documented to send (docs/api.md §2.2).
const (
	msgNoProjectAuth = "Could not retrieve buckets. No project authentication found."
	msgKeyLimit      = "Key number is reached to maximum value 10"
	msgRepeatDelete  = "Could not delete s3 keys. InvalidAccessKeyId"
	msgAttachedSame  = "This S3 key is already attached with this service account"
	msgAttachedOther = "This S3 key is already attached with another service account"
	msgSANotFound    = "StatusCode=404"
	msgKeyNotFound   = "S3 key not found"
	msgNotAttached   = "This S3 key is not attached to any service account."
	msgUpperCase     = "Invalid input error (Bucket name must be all lowercase letters, numbers or hyphens)"
)

// The answers' JSON helpers are shared with the other fake.
type (
	object = fakeserver.Object
	field  = fakeserver.Field
)

var (
	mustJSON  = fakeserver.MustJSON
	writeJSON = fakeserver.WriteJSON
)

// gb is a size in GB, written with a decimal point as the service does
// (30.0, 12.75).
type gb float64

// MarshalJSON writes the number with at least one decimal.
func (g gb) MarshalJSON() ([]byte, error) {
	s := strconv.FormatFloat(float64(g), 'f', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return []byte(s), nil
}

// okBody is the bare success of writes: {"code":200,"success":true}.
func okBody() object { return object{{"code", 200}, {"success", true}} }

func dataBody(data any) object {
	return object{{"success", true}, {"code", 200}, {"errorMsg", nil}, {"data", data}}
}

// listBody is the answer of GET regions and GET projects.
func listBody(rows []any) object {
	if rows == nil {
		rows = []any{}
	}
	return object{{"success", true}, {"code", 200}, {"errorMsg", nil}, {"action", nil}, {"datas", rows}}
}

// failure is a refusal: {"success":false,"code":...,"errorMsg":...};
// code 112 also carries "action":null, as served.
func failure(code int, msg string) object {
	o := object{{"success", false}, {"code", code}, {"errorMsg", msg}}
	if code == 112 {
		o = append(o, field{"action", nil})
	}
	return o
}

// fail answers a refusal with HTTP 200, as the service does.
func fail(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, http.StatusOK, failure(code, msg))
}

func invalid(w http.ResponseWriter, what string) {
	fail(w, 112, "Invalid input error ("+what+")")
}

// denied answers the IAM gateway's HTTP 403.
func denied(w http.ResponseWriter) {
	writeJSON(w, http.StatusForbidden, []any{object{{"code", "IAM_PERMISSION_DENIED"}, {"message", "IAM denied action"}}})
}

// emptyOK answers HTTP 200 with an empty body: the settings routes' answer
// for a missing bucket.
func emptyOK(w http.ResponseWriter) { w.WriteHeader(http.StatusOK) }

// redact removes a secret from a message.
func redact(msg string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" {
			msg = strings.ReplaceAll(msg, sec, vngcloud.Redacted)
		}
	}
	return msg
}

// sortedNames returns the keys of m in order.
func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
