package viamtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud"
)

// defaultPageSize is used when a list call sends no pageSize (not
// documented; the SDK always sends one).
const defaultPageSize = 10

// pageParams reads pageNumber (0-based, default 0) and pageSize (default
// defaultPageSize). A value that is not a number, a negative page or a
// page size below 1 is refused as vIAM refuses a bad pageNumber: 400
// {"errors":[null]}.
func pageParams(w http.ResponseWriter, r *http.Request) (num, size int, ok bool) {
	q := r.URL.Query()
	num, size = 0, defaultPageSize
	var err error
	if v := q.Get("pageNumber"); v != "" {
		if num, err = strconv.Atoi(v); err != nil || num < 0 {
			writeJSON(w, http.StatusBadRequest, object{{"errors", []any{nil}}})
			return 0, 0, false
		}
	}
	if v := q.Get("pageSize"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 {
			writeJSON(w, http.StatusBadRequest, object{{"errors", []any{nil}}})
			return 0, 0, false
		}
	}
	return num, size, true
}

// writePage answers one page of rows: {data, pageNumber, pageSize,
// totalItems, totalPages}.
func writePage(w http.ResponseWriter, rows []any, num, size int) {
	total := len(rows)
	from := min(num*size, total)
	if num > 0 && from/num != size { // overflow: past every page
		from = total
	}
	to := min(from+size, total)
	data := rows[from:to]
	if data == nil {
		data = []any{}
	}
	writeJSON(w, http.StatusOK, object{{"data", data}, {"pageNumber", num}, {"pageSize", size},
		{"totalItems", total}, {"totalPages", (total + size - 1) / size}})
}

// nameMatches is the list's name filter: a case-insensitive search.
func nameMatches(name, filter string) bool {
	return filter == "" || strings.Contains(strings.ToLower(name), strings.ToLower(filter))
}

// millis is a time as vIAM's epoch milliseconds, or null for the zero
// time.
func millis(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// row is a service account as the list and the get answer it.
func (a *account) row() object {
	return object{{"id", a.id}, {"clientId", a.clientID}, {"name", a.name}, {"description", a.description},
		{"accessTokenLifeSpan", int64(a.lifetime / time.Second)}, {"createdAt", millis(a.created)},
		{"enabled", true}, {"lastUse", millis(a.lastUse)}}
}

// decodeBody reads a JSON request body into v; a malformed one is
// answered with 400.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", "Malformed JSON body")
		return false
	}
	return true
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	num, size, ok := pageParams(w, r)
	if !ok {
		return
	}
	filter := r.URL.Query().Get("name")
	s.mu.Lock()
	var rows []any
	for _, id := range s.saOrder {
		if a := s.accounts[id]; nameMatches(a.name, filter) {
			rows = append(rows, a.row())
		}
	}
	s.mu.Unlock()
	writePage(w, rows, num, size)
}

func (s *Server) accountNotFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "NOT_FOUND", "Service account not found")
}

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	a := s.accounts[r.PathValue("id")]
	var row object
	if a != nil {
		row = a.row()
	}
	s.mu.Unlock()
	if a == nil {
		s.accountNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, row)
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if reason := nameProblem(in.Name); reason != "" {
		writeError(w, http.StatusBadRequest, "SERVICE_ACCOUNT_NAME_INVALID", "Invalid service account name: "+reason)
		return
	}
	s.mu.Lock()
	if s.accountByName(in.Name) != nil {
		s.mu.Unlock()
		writeError(w, http.StatusConflict, "CONFLICT", "Service account name already exists")
		return
	}
	if len(s.accounts) >= MaxServiceAccounts {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "SERVICE_ACCOUNT_QUOTA_EXCEEDED", "The account already has the maximum number of service accounts (20)")
		return
	}
	a := s.newAccount(in.Name, in.Description)
	out := object{{"id", a.id}, {"clientId", a.clientID}, {"name", a.name}, {"description", a.description},
		{"accessTokenLifeSpan", int64(a.lifetime / time.Second)}, {"createdAt", millis(a.created)}, {"enabled", true},
		{"clientSecret", a.secret.Reveal()}}
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) updateAccount(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Description         *string          `json:"description"`
		AccessTokenLifeSpan *json.RawMessage `json:"accessTokenLifeSpan"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	var life int64
	if in.AccessTokenLifeSpan != nil {
		n, err := strconv.ParseInt(string(bytes.TrimSpace(*in.AccessTokenLifeSpan)), 10, 64)
		if err != nil || n <= 0 || n > 1<<31 {
			writeError(w, http.StatusBadRequest, "ACCESS_TOKEN_LIFE_SPAN_INVALID", "accessTokenLifeSpan must be a positive number of seconds")
			return
		}
		life = n
	}
	s.mu.Lock()
	a := s.accounts[r.PathValue("id")]
	var row object
	if a != nil {
		if in.Description != nil {
			a.description = *in.Description
		}
		if life > 0 {
			a.lifetime = time.Duration(life) * time.Second
		}
		row = a.row()
	}
	s.mu.Unlock()
	if a == nil {
		s.accountNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, row)
}

func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	a := s.accounts[id]
	if a != nil {
		delete(s.accounts, id)
		for i, x := range s.saOrder {
			if x == id {
				s.saOrder = append(s.saOrder[:i], s.saOrder[i+1:]...)
				break
			}
		}
		for t, it := range s.tokens {
			if it.account == id {
				delete(s.tokens, t)
			}
		}
	}
	s.mu.Unlock()
	if a == nil {
		s.accountNotFound(w)
		return
	}
	noContent(w)
}

func (s *Server) resetSecret(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	a := s.accounts[r.PathValue("id")]
	var secret string
	if a != nil {
		a.secret = vngcloud.Secret(randomString(32))
		secret = a.secret.Reveal()
	}
	s.mu.Unlock()
	if a == nil {
		s.accountNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, object{{"clientSecret", secret}})
}
