package viamtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Managers of a policy, as vIAM names them.
const (
	managerVNG  = "VNG CLOUD"
	managerUser = "user"
)

// managedCreated is when the managed policies were created (the value of
// the fixtures).
var managedCreated = time.UnixMilli(1695168000000).UTC()

// products are the vIAM products a statement's actions may name. The
// real list is longer; "vstorage" is the one this SDK is about.
var products = []string{"vstorage", "iam", "vserver", "vnetwork", "vlb", "glb", "dns", "vdb", "vks", "vcr", "cdn", "vmonitor", "billing", "backup"}

type policy struct {
	id, oid, name, description, manager, scope string
	statements                                 json.RawMessage
	created                                    time.Time
}

func (p *policy) managed() bool { return p.manager == managerVNG }

// createdAt is epoch milliseconds: in MongoDB's {"$numberLong"} form for
// managed policies, a plain number for the account's own, as the fixtures
// show them.
func (p *policy) createdAt() any {
	if p.managed() {
		return object{{"$numberLong", strconv.FormatInt(p.created.UnixMilli(), 10)}}
	}
	return p.created.UnixMilli()
}

// full is the policy as GET policies/{id} answers it.
func (p *policy) full() object {
	return object{{"_id", p.oid}, {"id", p.id}, {"name", p.name}, {"description", p.description},
		{"manager", p.manager}, {"scope", p.scope}, {"root", AccountNumber},
		{"statements", p.statements}, {"createdAt", p.createdAt()}}
}

func (s *Server) newPolicy(name, description, manager string, statements json.RawMessage, created time.Time) *policy {
	scope := "account"
	if manager == managerVNG {
		scope = "global"
	}
	p := &policy{id: s.newID(0x9011c900), name: name, description: description, manager: manager,
		scope: scope, statements: statements, created: created}
	p.oid = fmt.Sprintf("650a%020x", s.seq)
	s.policies[p.id] = p
	s.polOrder = append(s.polOrder, p.id)
	return p
}

func (s *Server) seedManaged() {
	full := json.RawMessage(`[{"effect":"allow","actions":["vstorage:*"],"resources":["*"]}]`)
	read := json.RawMessage(`[{"effect":"allow","actions":["vstorage:List*","vstorage:Get*"],"resources":["*"]}]`)
	normal := json.RawMessage(`[{"effect":"allow","actions":["vstorage:*"],"resources":["*"]},{"effect":"deny","actions":["vstorage:Delete*"],"resources":["*"]}]`)
	for _, m := range []struct {
		name, desc string
		doc        json.RawMessage
	}{
		{"vStorageFullAccess", "Provides full access to vStorage", full},
		{"vStorageNormalAccess", "Provides access to vStorage without deletes", normal},
		{"vStorageReadOnlyAccess", "Provides read-only access to vStorage", read},
		{"vStorageAPIFullAccess", "Provides full access to the vStorage API", full},
		{"vStorageAPIReadOnlyAccess", "Provides read-only access to the vStorage API", read},
		{"vStorageIAMUserFullAccess", "Provides full access to vStorage for IAM users", full},
		{"vStorageIAMUserReadOnlyAccess", "Provides read-only access to vStorage for IAM users", read},
		{"vStorageClientToolFullAccess", "Provides full access to vStorage for client tools", full},
		{"vStorageClientToolReadOnlyAccess", "Provides read-only access to vStorage for client tools", read},
	} {
		s.newPolicy(m.name, m.desc, managerVNG, m.doc, managedCreated)
	}
}

func (s *Server) policyNotFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "NOT_FOUND", "Policy not found")
}

func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request) {
	num, size, ok := pageParams(w, r)
	if !ok {
		return
	}
	filter := r.URL.Query().Get("name")
	s.mu.Lock()
	var rows []any
	for _, id := range s.polOrder {
		if p := s.policies[id]; nameMatches(p.name, filter) {
			rows = append(rows, object{{"id", p.id}, {"name", p.name}, {"createdAt", p.createdAt()}})
		}
	}
	s.mu.Unlock()
	writePage(w, rows, num, size)
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := s.policies[r.PathValue("id")]
	var out object
	if p != nil {
		out = p.full()
	}
	s.mu.Unlock()
	if p == nil {
		s.policyNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// policyInput is the body of create and update: {name, description,
// statements}.
type policyInput struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Statements  json.RawMessage `json:"statements"`
}

type statement struct {
	Effect    string                    `json:"effect"`
	Actions   []string                  `json:"actions"`
	Resources []string                  `json:"resources"`
	Condition map[string]map[string]any `json:"condition"`
}

var operators = []string{"stringEquals", "stringNotEquals", "numberLessThan", "numberLessThanOrEquals", "numberGreaterThan", "numberGreaterThanOrEquals"}

// check validates the input as the policy editor does and returns the
// compacted statements, or writes a 400 and returns nil.
func (in *policyInput) check(w http.ResponseWriter) json.RawMessage {
	bad := func(code, msg string) json.RawMessage {
		writeError(w, http.StatusBadRequest, code, msg)
		return nil
	}
	if strings.TrimSpace(in.Name) == "" {
		return bad("POLICY_NAME_INVALID", "Policy name is required")
	}
	dec := json.NewDecoder(bytes.NewReader(in.Statements))
	dec.DisallowUnknownFields()
	var sts []statement
	if len(bytes.TrimSpace(in.Statements)) == 0 || dec.Decode(&sts) != nil || len(sts) == 0 {
		return bad("POLICY_CHARACTERS_INVALID", "statements must be a non-empty list of {effect, actions, resources, condition}")
	}
	for _, st := range sts {
		if st.Effect != "allow" && st.Effect != "deny" {
			return bad("POLICY_CHARACTERS_INVALID", fmt.Sprintf("effect %q must be allow or deny", st.Effect))
		}
		if len(st.Actions) == 0 || len(st.Resources) == 0 {
			return bad("POLICY_CHARACTERS_INVALID", "every statement needs actions and resources")
		}
		for _, a := range st.Actions {
			if a == "*" {
				continue
			}
			product, action, ok := strings.Cut(a, ":")
			if !ok || product == "" || action == "" {
				return bad("POLICY_PRODUCT_INVALID", fmt.Sprintf("action %q is not <product>:<Action>", a))
			}
			if !slices.Contains(products, strings.ToLower(product)) {
				return bad("POLICY_PRODUCT_NOTFOUND", "Product not found")
			}
		}
		for op := range st.Condition {
			if !slices.Contains(operators, op) {
				return bad("POLICY_CHARACTERS_INVALID", fmt.Sprintf("unknown condition operator %q", op))
			}
		}
	}
	var buf bytes.Buffer
	_ = json.Compact(&buf, in.Statements)
	return buf.Bytes()
}

func (s *Server) ownNameTaken(name, except string) bool {
	for _, id := range s.polOrder {
		if p := s.policies[id]; !p.managed() && p.name == name && id != except {
			return true
		}
	}
	return false
}

func (s *Server) createPolicy(w http.ResponseWriter, r *http.Request) {
	var in policyInput
	if !decodeBody(w, r, &in) {
		return
	}
	sts := in.check(w)
	if sts == nil {
		return
	}
	s.mu.Lock()
	own := 0
	for _, p := range s.policies {
		if !p.managed() {
			own++
		}
	}
	switch {
	case s.ownNameTaken(in.Name, ""):
		s.mu.Unlock()
		writeError(w, http.StatusConflict, "CONFLICT", "Policy name already exists")
		return
	case own >= MaxPolicies:
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "POLICY_QUOTA_EXCEEDED", "The account already has the maximum number of policies (20)")
		return
	}
	p := s.newPolicy(in.Name, in.Description, managerUser, sts, s.now())
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, object{{"id", p.id}})
}

func (s *Server) updatePolicy(w http.ResponseWriter, r *http.Request) {
	var in policyInput
	if !decodeBody(w, r, &in) {
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	p := s.policies[id]
	s.mu.Unlock()
	if p == nil {
		s.policyNotFound(w)
		return
	}
	if p.managed() {
		writeError(w, http.StatusForbidden, "FORBIDDEN", "Policies managed by VNG CLOUD cannot be changed")
		return
	}
	sts := in.check(w)
	if sts == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.policies[id] == nil {
		s.policyNotFound(w)
		return
	}
	if s.ownNameTaken(in.Name, id) {
		writeError(w, http.StatusConflict, "CONFLICT", "Policy name already exists")
		return
	}
	p.name, p.description, p.statements = in.Name, in.Description, sts
	noContent(w)
}

func (s *Server) deletePolicy(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.policies[id]
	switch {
	case p == nil:
		s.policyNotFound(w)
		return
	case p.managed():
		writeError(w, http.StatusForbidden, "FORBIDDEN", "Policies managed by VNG CLOUD cannot be deleted")
		return
	}
	delete(s.policies, id)
	s.polOrder = slices.DeleteFunc(s.polOrder, func(x string) bool { return x == id })
	for _, a := range s.accounts {
		a.policies = slices.DeleteFunc(a.policies, func(x string) bool { return x == id })
	}
	noContent(w)
}

// pair finds the policy and the service account of an attachment route,
// or answers 404.
func (s *Server) pair(w http.ResponseWriter, r *http.Request) (*policy, *account) {
	p, a := s.policies[r.PathValue("id")], s.accounts[r.PathValue("sa")]
	switch {
	case p == nil:
		s.policyNotFound(w)
	case a == nil:
		s.accountNotFound(w)
	default:
		return p, a
	}
	return nil, nil
}

func (s *Server) attach(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, a := s.pair(w, r)
	if p == nil {
		return
	}
	if slices.Contains(a.policies, p.id) {
		writeError(w, http.StatusConflict, "CONFLICT", "Policy is already attached to this service account")
		return
	}
	a.policies = append(a.policies, p.id)
	noContent(w)
}

func (s *Server) detach(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, a := s.pair(w, r)
	if p == nil {
		return
	}
	if !slices.Contains(a.policies, p.id) {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "Policy is not attached to this service account")
		return
	}
	a.policies = slices.DeleteFunc(a.policies, func(x string) bool { return x == p.id })
	noContent(w)
}

func (s *Server) accountPolicies(w http.ResponseWriter, r *http.Request) {
	num, size, ok := pageParams(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	a := s.accounts[r.PathValue("sa")]
	var rows []any
	if a != nil {
		for _, id := range a.policies {
			p := s.policies[id]
			rows = append(rows, object{{"id", p.id}, {"name", p.name}, {"description", p.description},
				{"manager", p.manager}, {"createdAt", p.createdAt()}})
		}
	}
	s.mu.Unlock()
	if a == nil {
		s.accountNotFound(w)
		return
	}
	writePage(w, rows, num, size)
}
