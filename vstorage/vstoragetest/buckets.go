package vstoragetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

type project struct {
	id, name, roleID string
	region           *region
	created          time.Time
	buckets          map[string]*bucket
	subUsers         map[string]bool
}

type bucket struct {
	name              string
	created, modified time.Time
	policy            *string
	broken            bool   // the policy has a statement without a principal
	versioning        string // Off, Enabled, Suspended
	cors              []corsRule
	encryption        bool
}

type corsRule struct {
	origins, methods, headers, exposed []string
	maxAge                             *int
}

// AddProject adds a project called name in the region called region
// ("HCM04", "HAN02" or "HCM03") and returns its ID (32 hex characters).
// It has the quota and usage fields the fixtures show (a 30 GB Gold
// project, pay monthly, nothing used). It panics for an unknown region.
func (s *Server) AddProject(region, name string) (projectID string) {
	r := s.regionByName(region)
	if r == nil {
		panic(fmt.Sprintf("vstoragetest: AddProject: unknown region %q (use HCM04, HAN02 or HCM03)", region))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	p := &project{
		id:       fmt.Sprintf("0b7ec7a0%024x", s.seq),
		name:     name,
		region:   r,
		created:  s.now(),
		buckets:  map[string]*bucket{},
		subUsers: map[string]bool{},
	}
	p.roleID = s.newUUID(0x5e0c2a7b)
	s.projects[p.id] = p
	s.projOrder = append(s.projOrder, p.id)
	return p.id
}

// Buckets returns the names of a project's buckets, sorted (nil for an
// unknown project).
func (s *Server) Buckets(projectID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projects[projectID]
	if p == nil {
		return nil
	}
	return sortedNames(p.buckets)
}

// BucketPolicy returns a bucket's policy document, as stored (the string
// PUT sent), and whether it has one.
func (s *Server) BucketPolicy(projectID, bucket string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.projects[projectID]; p != nil {
		if b := p.buckets[bucket]; b != nil && b.policy != nil {
			return *b.policy, true
		}
	}
	return "", false
}

// SubUsers returns the storage sub-users made in a project by the
// principal route or by attaching keys ("<user>:sa-<name>"), sorted.
func (s *Server) SubUsers(projectID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.projects[projectID]; p != nil {
		return sortedNames(p.subUsers)
	}
	return nil
}

// project returns the project id if the region headers name its region.
// The caller holds s.mu.
func (s *Server) project(id string, reg *region) *project {
	if p := s.projects[id]; p != nil && p.region == reg {
		return p
	}
	return nil
}

func (s *Server) projectJSON(p *project) object {
	end := p.created.AddDate(0, 1, 0)
	return object{
		{"projectId", p.id}, {"userId", s.user}, {"projectName", p.name}, {"description", nil},
		{"status", 1}, {"projectType", 1}, {"purchaseTypeId", 4}, {"paymentMethod", 1},
		{"projectTypeName", "Gold"}, {"purchaseTypeName", "Pay monthly"},
		{"startTime", isoTime(p.created)}, {"endTime", isoTime(end)}, {"period", nil},
		{"totalQuota", gb(30)}, {"usage", gb(0)}, {"userName", emailB64()}, {"userIdMapping", viamtest.AccountNumber},
		{"roleId", p.roleID}, {"roleName", "Admin"}, {"regionId", p.region.id}, {"regionName", p.region.name},
		{"enableAutoRenew", false}, {"autoRenewPeriod", 0},
		{"resourceTags", []any{object{{"key", "vng.region"}, {"value", strings.ToLower(p.region.name)}}}},
		{"actions", []any{object{
			{"id", 81000 + len(p.id)}, {"userIdMapping", viamtest.AccountNumber}, {"regionId", p.region.id},
			{"projectId", p.id}, {"projectName", p.name}, {"action", "Create"}, {"status", 1},
			{"stackTrace", nil}, {"description", nil}, {"createdTime", isoTime(p.created)}, {"updatedTime", isoTime(p.created)},
		}}},
		{"lifecycleRules", nil}, {"containers", nil}, {"backendQuota", nil}, {"traffic", nil}, {"accountUrl", nil},
		{"ownerId", s.user}, {"ownerName", strings.Split(AccountEmail, "@")[0]},
		{"disabledTime", nil}, {"disabledBy", nil}, {"deletedTime", nil},
	}
}

func (s *Server) listProjects(w http.ResponseWriter, _ *http.Request, reg *region) {
	s.mu.Lock()
	var rows []any
	for _, id := range s.projOrder {
		if p := s.projects[id]; p.region == reg {
			rows = append(rows, s.projectJSON(p))
		}
	}
	s.mu.Unlock()
	if rows == nil { // an account without a project here: no datas
		writeJSON(w, http.StatusOK, okBody())
		return
	}
	writeJSON(w, http.StatusOK, listBody(rows))
}

// ---- buckets ----

// bucketNameProblem checks a name against the S3 rules; the message is
// the code-112 text.
func bucketNameProblem(name string) string {
	switch {
	case strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.')
	}) >= 0:
		return msgUpperCase
	case len(name) < 3 || len(name) > 63:
		return "Invalid input error (Bucket name must be between 3 and 63 characters long)"
	case !isAlnum(name[0]) || !isAlnum(name[len(name)-1]):
		return "Invalid input error (Bucket name must begin and end with a letter or number)"
	case strings.Contains(name, ".."), net.ParseIP(name) != nil, strings.HasPrefix(name, "xn--"), strings.HasSuffix(name, "-s3alias"):
		return "Invalid input error (Bucket name is not valid)"
	}
	return ""
}

func isAlnum(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

func (b *bucket) listJSON() object {
	return object{{"name", b.name}, {"count", 0}, {"size", 0}, {"isPublic", false},
		{"isVersioned", b.versioning == "Enabled"}, {"createdDate", consoleDate(b.created)},
		{"lastModified", consoleDate(b.modified)}, {"type", "ceph"}, {"versionLocation", nil}}
}

func (s *Server) listBuckets(w http.ResponseWriter, r *http.Request, reg *region) {
	limit := MaxBuckets
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			invalid(w, "limit must be a positive number")
			return
		}
		limit = n
	}
	s.mu.Lock()
	p := s.project(r.PathValue("p"), reg)
	var rows []any
	more := false
	if p != nil {
		for i, name := range sortedNames(p.buckets) {
			if i == limit {
				more = true
				break
			}
			rows = append(rows, p.buckets[name].listJSON())
		}
	}
	s.mu.Unlock()
	if p == nil {
		fail(w, 114, msgNoProjectAuth)
		return
	}
	if rows == nil {
		rows = []any{}
	}
	writeJSON(w, http.StatusOK, object{{"success", true}, {"code", 200}, {"errorMsg", nil}, {"isNext", more}, {"datas", rows}})
}

// withBucket runs f with the project and bucket of the path, under s.mu.
// An unknown project answers code 114; a missing bucket is handled by
// missing.
func (s *Server) withBucket(w http.ResponseWriter, r *http.Request, reg *region, missing func(), f func(p *project, b *bucket)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(r.PathValue("p"), reg)
	if p == nil {
		fail(w, 114, msgNoProjectAuth)
		return
	}
	b := p.buckets[r.PathValue("b")]
	if b == nil {
		missing()
		return
	}
	f(p, b)
}

func bucketNotFound(w http.ResponseWriter) func() {
	return func() { fail(w, 404, "Bucket not found") }
}

func (s *Server) bucketDetails(w http.ResponseWriter, r *http.Request, reg *region) {
	s.withBucket(w, r, reg, bucketNotFound(w), func(_ *project, b *bucket) {
		writeJSON(w, http.StatusOK, dataBody(object{{"name", b.name}, {"count", 0}, {"size", 0}, {"isPublic", nil},
			{"isVersioned", b.versioning == "Enabled"}, {"createdDate", nil}, {"lastModified", consoleDate(b.modified)},
			{"type", "ceph"}, {"versionLocation", nil}, {"owner", object{{"email", emailB64()}, {"userId", s.user}}}}))
	})
}

func (s *Server) createBucket(w http.ResponseWriter, r *http.Request, reg *region) {
	name := r.PathValue("b")
	if msg := bucketNameProblem(name); msg != "" {
		fail(w, 112, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(r.PathValue("p"), reg)
	switch owner, taken := s.bucketOwner[name]; {
	case p == nil:
		fail(w, 114, msgNoProjectAuth)
		return
	case taken && owner != p.id:
		fail(w, 114, "Could not create bucket. BucketAlreadyExists")
		return
	case !taken && len(p.buckets) >= MaxBuckets:
		fail(w, 114, "Could not create bucket. TooManyBuckets")
		return
	case !taken:
		now := s.now()
		p.buckets[name] = &bucket{name: name, created: now, modified: now, versioning: "Off"}
		s.bucketOwner[name] = p.id
	}
	writeJSON(w, http.StatusOK, dataBody(object{{"name", name}, {"count", 0}, {"size", nil}, {"isPublic", nil},
		{"isVersioned", nil}, {"createdDate", nil}, {"lastModified", nil}, {"type", nil}, {"versionLocation", nil}}))
}

func (s *Server) deleteBucket(w http.ResponseWriter, r *http.Request, reg *region) {
	s.withBucket(w, r, reg, bucketNotFound(w), func(p *project, b *bucket) {
		if b.broken {
			emptyOK(w)
			return
		}
		delete(p.buckets, b.name)
		delete(s.bucketOwner, b.name)
		writeJSON(w, http.StatusOK, okBody())
	})
}

// ---- settings: a missing bucket answers an empty 200 ----

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request, reg *region) {
	s.withBucket(w, r, reg, func() { emptyOK(w) }, func(_ *project, b *bucket) {
		switch {
		case b.broken:
			emptyOK(w)
		case b.policy == nil:
			writeJSON(w, http.StatusOK, dataBody(nil))
		default:
			writeJSON(w, http.StatusOK, dataBody(*b.policy))
		}
	})
}

func (s *Server) putPolicy(w http.ResponseWriter, r *http.Request, reg *region) {
	var in struct {
		Policy *string `json:"policy"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	s.withBucket(w, r, reg, func() { emptyOK(w) }, func(_ *project, b *bucket) {
		if b.broken {
			emptyOK(w)
			return
		}
		if in.Policy == nil || strings.TrimSpace(*in.Policy) == "" {
			fail(w, 114, "Could not update bucket policy. Policy is empty")
			return
		}
		broken, code, msg := checkBucketPolicy(*in.Policy)
		if code != 0 {
			fail(w, code, msg)
			return
		}
		doc := *in.Policy
		b.policy, b.broken, b.modified = &doc, broken, s.now()
		writeJSON(w, http.StatusOK, okBody())
	})
}

// checkBucketPolicy parses an S3 policy document as the service does:
// an unknown Version or Effect, or a document without statements, is
// refused with an envelope 400; a statement without a principal is
// accepted but breaks the bucket (broken).
func checkBucketPolicy(doc string) (broken bool, code int, msg string) {
	var p struct {
		Version   *string         `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return false, 400, "MalformedPolicy: the policy is not valid JSON"
	}
	if p.Version != nil && *p.Version != "2012-10-17" && *p.Version != "2008-10-17" {
		return false, 400, "MalformedPolicy: unknown Version"
	}
	var sts []map[string]json.RawMessage
	st := bytes.TrimSpace(p.Statement)
	switch {
	case len(st) > 0 && st[0] == '{':
		var one map[string]json.RawMessage
		if json.Unmarshal(st, &one) != nil {
			return false, 400, "MalformedPolicy: invalid Statement"
		}
		sts = append(sts, one)
	case json.Unmarshal(st, &sts) != nil:
		return false, 400, "MalformedPolicy: invalid Statement"
	}
	if len(sts) == 0 {
		return false, 400, "MalformedPolicy: missing Statement"
	}
	for _, s := range sts {
		var effect string
		if json.Unmarshal(s["Effect"], &effect) != nil || (effect != "Allow" && effect != "Deny") {
			return false, 400, "MalformedPolicy: unknown Effect"
		}
		if s["Action"] == nil && s["NotAction"] == nil {
			return false, 400, "MalformedPolicy: missing Action"
		}
		if s["Resource"] == nil && s["NotResource"] == nil {
			return false, 400, "MalformedPolicy: missing Resource"
		}
		if s["Principal"] == nil && s["NotPrincipal"] == nil {
			broken = true
		}
	}
	return broken, 0, ""
}

func (s *Server) deletePolicy(w http.ResponseWriter, r *http.Request, reg *region) {
	s.withBucket(w, r, reg, func() { emptyOK(w) }, func(_ *project, b *bucket) {
		if b.broken {
			emptyOK(w)
			return
		}
		b.policy = nil
		writeJSON(w, http.StatusOK, okBody())
	})
}

func (s *Server) getVersioning(w http.ResponseWriter, r *http.Request, reg *region) {
	s.withBucket(w, r, reg, func() { emptyOK(w) }, func(_ *project, b *bucket) {
		writeJSON(w, http.StatusOK, dataBody(object{{"versioning", b.versioning == "Enabled"}, {"versioningStatus", b.versioning}}))
	})
}

func (s *Server) putVersioning(w http.ResponseWriter, r *http.Request, reg *region) {
	var in struct {
		Enable json.RawMessage `json:"enable"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		invalid(w, "the body must be {\"enable\": true|false}")
		return
	}
	enable := string(bytes.TrimSpace(in.Enable)) == "true" // a missing field reads as false
	s.withBucket(w, r, reg, func() { emptyOK(w) }, func(_ *project, b *bucket) {
		if enable {
			b.versioning = "Enabled"
		} else {
			b.versioning = "Suspended" // never Off again
		}
		b.modified = s.now()
		writeJSON(w, http.StatusOK, okBody())
	})
}

var corsMethods = []string{"GET", "PUT", "POST", "DELETE", "HEAD"}

func (s *Server) getCORS(w http.ResponseWriter, r *http.Request, reg *region) {
	s.withBucket(w, r, reg, func() { emptyOK(w) }, func(_ *project, b *bucket) {
		rules := []any{}
		for _, c := range b.cors {
			var maxAge any
			if c.maxAge != nil {
				maxAge = *c.maxAge
			}
			rules = append(rules, object{{"id", nil}, {"allowedOrigins", c.origins}, {"allowedMethods", c.methods},
				{"allowedHeaders", nilIfEmpty(c.headers)}, {"exposedHeaders", nilIfEmpty(c.exposed)}, {"maxAgeSeconds", maxAge}})
		}
		writeJSON(w, http.StatusOK, dataBody(object{{"rules", rules}}))
	})
}

func nilIfEmpty(l []string) any {
	if len(l) == 0 {
		return nil
	}
	return l
}

// parseCORS reads the PUT body: a bare array of rules with capitalised
// keys, as S3's XML has them. It returns the envelope code and message of
// a refusal.
func parseCORS(body []byte) ([]corsRule, int, string) {
	const malformed = "MalformedXML: The XML you provided was not well-formed or did not validate against our published schema"
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || len(raw) == 0 {
		return nil, 400, malformed
	}
	var rules []corsRule
	for _, m := range raw {
		var c corsRule
		for k, v := range m {
			var err error
			switch k {
			case "AllowedOrigins":
				err = json.Unmarshal(v, &c.origins)
			case "AllowedMethods":
				err = json.Unmarshal(v, &c.methods)
			case "AllowedHeaders":
				err = json.Unmarshal(v, &c.headers)
			case "ExposeHeaders":
				var exp []string
				err = json.Unmarshal(v, &exp)
				if len(exp) > 0 {
					c.exposed = []string{} // filled below: the server keeps AllowedHeaders
				}
			case "MaxAgeSeconds":
				var n int
				err = json.Unmarshal(v, &n)
				c.maxAge = &n
			default:
				return nil, 400, malformed
			}
			if err != nil {
				return nil, 400, malformed
			}
		}
		if len(c.origins) == 0 || len(c.methods) == 0 {
			return nil, 400, malformed
		}
		for _, meth := range c.methods {
			if !slices.Contains(corsMethods, meth) {
				return nil, 114, "Found unsupported HTTP method in CORS config. Unsupported method is " + meth
			}
		}
		if c.exposed != nil {
			c.exposed = slices.Clone(c.headers)
		}
		rules = append(rules, c)
	}
	return rules, 0, ""
}

func (s *Server) putCORS(w http.ResponseWriter, r *http.Request, reg *region) {
	body, _ := readAll(r)
	rules, code, msg := parseCORS(body)
	s.withBucket(w, r, reg, func() { emptyOK(w) }, func(_ *project, b *bucket) {
		if code != 0 {
			fail(w, code, msg)
			return
		}
		b.cors, b.modified = rules, s.now()
		writeJSON(w, http.StatusOK, okBody())
	})
}

func (s *Server) deleteCORS(w http.ResponseWriter, r *http.Request, reg *region) {
	s.withBucket(w, r, reg, func() { emptyOK(w) }, func(_ *project, b *bucket) {
		b.cors = nil
		writeJSON(w, http.StatusOK, okBody())
	})
}

func (s *Server) getEncryption(w http.ResponseWriter, r *http.Request, reg *region) {
	s.withBucket(w, r, reg, bucketNotFound(w), func(_ *project, b *bucket) {
		writeJSON(w, http.StatusOK, dataBody(object{{"encryption", b.encryption}}))
	})
}

func (s *Server) putEncryption(w http.ResponseWriter, r *http.Request, reg *region) {
	var in struct {
		Enable bool `json:"enable"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		invalid(w, "the body must be {\"enable\": true|false}")
		return
	}
	s.withBucket(w, r, reg, bucketNotFound(w), func(_ *project, b *bucket) {
		b.encryption = in.Enable
		writeJSON(w, http.StatusOK, okBody())
	})
}
