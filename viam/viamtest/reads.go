package viamtest

import (
	"net/http"
	"slices"
	"strings"
)

// AccountEmail is the fake account's root e-mail, as userinfo's rootEmail
// (and vstoragetest's base64 userName) report it.
const AccountEmail = "owner@example.com"

// vstorageActions is the fake's catalogue of vStorage actions: one per
// route of vstoragetest. The real HCM04 names are not documented; these
// are illustrative (label, resource type, HTTP method).
var vstorageActions = [][3]string{
	{"ListRegions", "List", "region"}, {"ListProjects", "List", "project"},
	{"GetProjectUsage", "Read", "project"}, {"GetProjectTraffic", "Read", "project"}, {"GetProjectRequest", "Read", "project"},
	{"ListBuckets", "List", "bucket"}, {"GetBucketInfo", "Read", "bucket"}, {"CreateBucket", "Write", "bucket"}, {"DeleteBucket", "Write", "bucket"},
	{"GetBucketPolicy", "Read", "bucket"}, {"PutBucketPolicy", "Write", "bucket"}, {"DeleteBucketPolicy", "Write", "bucket"},
	{"GetBucketVersioning", "Read", "bucket"}, {"PutBucketVersioning", "Write", "bucket"},
	{"GetBucketCORS", "Read", "bucket"}, {"PutBucketCORS", "Write", "bucket"}, {"DeleteBucketCORS", "Write", "bucket"},
	{"GetBucketEncryption", "Read", "bucket"}, {"PutBucketEncryption", "Write", "bucket"},
	{"ListS3Keys", "List", "user"}, {"CreateS3Key", "Write", "user"}, {"DeleteS3Key", "Write", "user"},
	{"AttachS3Key", "Write", "user"}, {"DetachS3Key", "Write", "user"}, {"GetUserInfo", "Read", "user"},
}

// userInfo answers who the bearer token belongs to: the service account,
// of type "user-sa", in account [AccountNumber].
func (s *Server) userInfo(w http.ResponseWriter, r *http.Request) {
	id, _ := s.Authenticate(r)
	name, _ := s.ServiceAccount(id)
	writeJSON(w, http.StatusOK, object{{"userId", id}, {"userType", "user-sa"}, {"accountId", AccountNumber},
		{"rootEmail", AccountEmail}, {"username", name}, {"twoFactorAuth", object{{"enabled", false}}}})
}

// actions answers the catalogue of a product, as a bare array: vStorage's
// from vstorageActions, an empty one for the other known products, 400
// POLICY_PRODUCT_NOTFOUND for a missing or unknown product.
func (s *Server) actions(w http.ResponseWriter, r *http.Request) {
	product := strings.ToLower(r.URL.Query().Get("product"))
	if !slices.Contains(products, product) {
		writeError(w, http.StatusBadRequest, "POLICY_PRODUCT_NOTFOUND", "Product "+r.URL.Query().Get("product")+" is not found")
		return
	}
	rows := []any{}
	if product == "vstorage" {
		for _, a := range vstorageActions {
			method := "GET"
			if a[1] == "Write" {
				method = "PUT"
			}
			rows = append(rows, object{{"action", "vstorage:" + a[0]}, {"label", a[1]}, {"resources", []string{a[2]}},
				{"methods", []string{method}}, {"userTypes", []string{"root-user", "iam-user", "user-sa"}}})
		}
	}
	writeJSON(w, http.StatusOK, rows)
}

// policyAccounts answers the IDs of the service accounts a policy is
// attached to, in account order, as a bare array.
func (s *Server) policyAccounts(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := s.policies[r.PathValue("id")]
	ids := []string{}
	if p != nil {
		for _, id := range s.saOrder {
			if slices.Contains(s.accounts[id].policies, p.id) {
				ids = append(ids, id)
			}
		}
	}
	s.mu.Unlock()
	if p == nil {
		s.policyNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, ids)
}
