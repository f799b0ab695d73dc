package vstoragetest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

type key struct {
	id, accessKey, project string
	secret                 vngcloud.Secret
	subUser, saID          string
	created                time.Time
}

// KeyState is an S3 key as the server holds it, for tests to inspect.
// Its String method never shows the secret, and SecretKey prints as
// [REDACTED] with every fmt verb.
type KeyState struct {
	// ID is the key's userKeyId.
	ID string
	// AccessKey is the access key ID S3 clients send.
	AccessKey string
	// SecretKey is the key's secret (a vngcloud.Secret: call Reveal).
	SecretKey vngcloud.Secret
	// ProjectID and RegionID place the key.
	ProjectID, RegionID string
	// SubUserID is "<account user>:sa-<service account name>" when the key
	// is attached to a service account, and empty otherwise.
	SubUserID string
	// ServiceAccountID is the vIAM ID of the service account the key is
	// attached to, or empty.
	ServiceAccountID string
	// CreatedAt is when the key was made.
	CreatedAt time.Time
}

// Restricted reports whether the key is attached to a service account
// ("restricted by vIAM").
func (k KeyState) Restricted() bool { return k.SubUserID != "" }

// String shows the key without its secret.
func (k KeyState) String() string {
	return fmt.Sprintf("vstoragetest.KeyState{ID: %s, AccessKey: %s, ProjectID: %s, SubUserID: %q, SecretKey: %s}",
		k.ID, k.AccessKey, k.ProjectID, k.SubUserID, k.SecretKey)
}

// GoString is used by %#v; it shows what String shows.
func (k KeyState) GoString() string { return k.String() }

// Keys returns the S3 keys of a project, oldest first.
func (s *Server) Keys(projectID string) []KeyState {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []KeyState
	for _, id := range s.keyOrder {
		if k := s.keys[id]; k.project == projectID {
			out = append(out, KeyState{ID: k.id, AccessKey: k.accessKey, SecretKey: k.secret, ProjectID: k.project,
				RegionID: s.projects[k.project].region.id, SubUserID: k.subUser, ServiceAccountID: k.saID, CreatedAt: k.created})
		}
	}
	return out
}

func readAll(r *http.Request) ([]byte, error) { return io.ReadAll(io.LimitReader(r.Body, 1<<20)) }

// keyBody is the body of the key writes.
type keyBody struct {
	ProjectID        string `json:"projectId"`
	ServiceAccountID string `json:"serviceAccountId"`
}

// readKeyBody decodes the body and checks its projectId; it answers the
// refusal itself and returns nil then.
func readKeyBody(w http.ResponseWriter, r *http.Request) *keyBody {
	var in keyBody
	b, _ := readAll(r)
	if len(strings.TrimSpace(string(b))) > 0 && json.Unmarshal(b, &in) != nil {
		invalid(w, "the body is not valid JSON")
		return nil
	}
	if in.ProjectID == "" {
		invalid(w, "projectId is required")
		return nil
	}
	return &in
}

func (s *Server) keyJSON(k *key) object {
	var sub any
	if k.subUser != "" {
		sub = k.subUser
	}
	return object{{"regionId", s.projects[k.project].region.id}, {"projectId", k.project}, {"userId", s.user},
		{"subUserId", sub}, {"userKeyId", k.id}, {"accessKey", k.accessKey}, {"secretKey", nil},
		{"createdDate", consoleDate(k.created)}, {"status", 1}}
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request, reg *region) {
	pid := r.URL.Query().Get("projectId")
	if pid == "" {
		invalid(w, "projectId is required")
		return
	}
	s.mu.Lock()
	p := s.project(pid, reg)
	rows := []any{}
	if p != nil {
		for _, id := range s.keyOrder {
			if k := s.keys[id]; k.project == pid {
				rows = append(rows, s.keyJSON(k))
			}
		}
	}
	s.mu.Unlock()
	if p == nil {
		fail(w, 114, "Could not retrieve s3 keys. No project authentication found.")
		return
	}
	writeJSON(w, http.StatusOK, object{{"success", true}, {"code", 200}, {"errorMsg", nil}, {"datas", rows}})
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request, reg *region) {
	in := readKeyBody(w, r)
	if in == nil {
		return
	}
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	s.mu.Lock()
	p := s.project(in.ProjectID, reg)
	n := len(s.keys)
	s.mu.Unlock()
	switch {
	case p == nil:
		fail(w, 114, "Could not create s3 keys. No project authentication found.")
		return
	case n >= MaxKeys:
		fail(w, 114, msgKeyLimit)
		return
	}
	ak, sk := "AK"+randomString(18, upperAlnum), randomString(40, alnum)
	if s.dp != nil {
		if err := s.dp.AddUser(ak, sk); err != nil {
			fail(w, 114, "Could not create s3 keys. The storage backend refused the key: "+redact(err.Error(), sk))
			return
		}
	}
	s.mu.Lock()
	k := &key{id: s.newUUID(0xf1e2d3c4), accessKey: ak, secret: vngcloud.Secret(sk), project: p.id, created: s.now()}
	s.keys[k.id] = k
	s.keyOrder = append(s.keyOrder, k.id)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, dataBody(object{{"userKeyId", k.id}, {"accessKey", ak}, {"secretKey", sk}}))
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (s *Server) deleteKey(w http.ResponseWriter, r *http.Request, reg *region) {
	in := readKeyBody(w, r)
	if in == nil {
		return
	}
	id := r.PathValue("k")
	if !uuidRE.MatchString(id) {
		invalid(w, "userKeyId is not valid")
		return
	}
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	s.mu.Lock()
	p := s.project(in.ProjectID, reg)
	k, gone := s.keys[id], s.deletedKeys[id]
	s.mu.Unlock()
	switch {
	case p == nil:
		fail(w, 114, "Could not delete s3 keys. No project authentication found.")
		return
	case gone:
		fail(w, 114, msgRepeatDelete)
		return
	case k == nil: // a well-formed ID the service never knew
		writeJSON(w, http.StatusOK, okBody())
		return
	case k.project != p.id:
		fail(w, 114, msgKeyNotFound)
		return
	}
	if s.dp != nil {
		if err := s.dp.RemoveUser(k.accessKey); err != nil {
			fail(w, 114, "Could not delete s3 keys. The storage backend refused: "+redact(err.Error(), k.secret.Reveal()))
			return
		}
	}
	s.mu.Lock()
	delete(s.keys, id)
	s.deletedKeys[id] = true
	for i, x := range s.keyOrder {
		if x == id {
			s.keyOrder = append(s.keyOrder[:i], s.keyOrder[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, okBody())
}

// projectKey finds the key of the path in the body's project, or answers
// the refusal.
func (s *Server) projectKey(w http.ResponseWriter, r *http.Request, reg *region, in *keyBody) (*project, *key) {
	p := s.project(in.ProjectID, reg)
	if p == nil {
		fail(w, 114, "Could not update s3 keys. No project authentication found.")
		return nil, nil
	}
	k := s.keys[r.PathValue("k")]
	if k == nil || k.project != p.id {
		fail(w, 114, msgKeyNotFound)
		return nil, nil
	}
	return p, k
}

func (s *Server) subUserOf(saName string) string { return s.user + ":sa-" + saName }

func (s *Server) attachKey(w http.ResponseWriter, r *http.Request, reg *region) {
	in := readKeyBody(w, r)
	if in == nil {
		return
	}
	if in.ServiceAccountID == "" {
		invalid(w, "serviceAccountId is required")
		return
	}
	name, known := s.iam.ServiceAccount(in.ServiceAccountID)
	s.mu.Lock()
	defer s.mu.Unlock()
	p, k := s.projectKey(w, r, reg, in)
	switch {
	case k == nil:
		return
	case !known:
		fail(w, 114, msgSANotFound)
		return
	case k.saID == in.ServiceAccountID:
		fail(w, 114, msgAttachedSame)
		return
	case k.saID != "":
		fail(w, 114, msgAttachedOther)
		return
	}
	k.saID, k.subUser = in.ServiceAccountID, s.subUserOf(name)
	p.subUsers[k.subUser] = true
	writeJSON(w, http.StatusOK, okBody())
}

func (s *Server) detachKey(w http.ResponseWriter, r *http.Request, reg *region) {
	in := readKeyBody(w, r)
	if in == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, k := s.projectKey(w, r, reg, in)
	switch {
	case k == nil:
		return
	case k.saID == "":
		fail(w, 114, msgNotAttached)
		return
	}
	k.saID, k.subUser = "", ""
	writeJSON(w, http.StatusOK, okBody())
}

// principal is GET users/details?generated=true&project_id=&iam_account_id=sa-<id>:
// it makes the service account's storage sub-user (idempotently) and
// describes it.
func (s *Server) principal(w http.ResponseWriter, r *http.Request, reg *region) {
	q := r.URL.Query()
	pid, acct := q.Get("project_id"), q.Get("iam_account_id")
	switch {
	case pid == "":
		invalid(w, "project_id is required")
		return
	case acct == "":
		invalid(w, "iam_account_id is required")
		return
	}
	name, known := "", false
	if id, ok := strings.CutPrefix(acct, "sa-"); ok {
		name, known = s.iam.ServiceAccount(id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(pid, reg)
	switch {
	case p == nil:
		fail(w, 114, "Error occurred in adding storage user "+AccountEmail)
		return
	case !known:
		fail(w, 114, msgSANotFound)
		return
	}
	sub := s.subUserOf(name)
	p.subUsers[sub] = true
	writeJSON(w, http.StatusOK, dataBody(object{{"userId", s.user}, {"subUserId", sub},
		{"userIdMapping", viamtest.AccountNumber}, {"userName", emailB64()}, {"regionId", reg.id}, {"regionName", reg.name},
		{"storageEndPointUrl", reg.s3Host}, {"s3StorageURl", reg.s3Host}, {"authEndPointUrl", reg.authHost},
		{"publicAuthEndPointUrl", reg.authHost}, {"status", 1}}))
}

// statistics serves the billing statistics with one point per day of the
// range: {date, usage (GB), objects}. The real shape is not documented;
// this is the fixture's.
func (s *Server) statistics(w http.ResponseWriter, r *http.Request, reg *region) {
	kind := r.PathValue("kind")
	if kind != "usage" && kind != "traffic" && kind != "request" {
		writeJSON(w, http.StatusNotFound, failure(404, "No route for "+r.Method+" "+r.URL.Path))
		return
	}
	q := r.URL.Query()
	from, err1 := time.ParseInLocation("02/01/2006", q.Get("startTime"), serviceZone)
	to, err2 := time.ParseInLocation("02/01/2006", q.Get("endTime"), serviceZone)
	switch {
	case err1 != nil || err2 != nil:
		invalid(w, "startTime and endTime must be dd/MM/yyyy")
		return
	case to.Before(from) || to.Sub(from) > 366*24*time.Hour:
		invalid(w, "endTime must be after startTime, at most a year later")
		return
	}
	s.mu.Lock()
	p := s.project(r.PathValue("p"), reg)
	s.mu.Unlock()
	if p == nil {
		fail(w, 114, "Could not retrieve statistics. No project authentication found.")
		return
	}
	points := []any{}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		points = append(points, object{{"date", d.Format("02/01/2006")}, {"usage", gb(0)}, {"objects", 0}})
	}
	writeJSON(w, http.StatusOK, dataBody(points))
}
