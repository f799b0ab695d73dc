package viam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// DefaultEndpoint is the one root under which every vIAM call of this
// package lives: the accounts API (accounts-api/v1/...), the policies API
// (policies-api/v1/...) and the token endpoint (accounts-api/v2/auth/token).
// [vngcloud.WithEndpoint] moves the whole root, for a test server or a
// proxy that serves the same paths.
const DefaultEndpoint = "https://iamapis.vngcloud.vn/"

// The web console's vIAM hosts, which take an IAM user's token
// ([vngcloud.WithConsoleHosts] selects them): the accounts API is served
// under ConsoleAccountsEndpoint, the policies API under
// ConsolePoliciesEndpoint (docs/api.md §3.1; the dashboard host answers
// policies paths with an HTML page).
const (
	ConsoleAccountsEndpoint = "https://dashboard.console.greennode.ai/"
	ConsolePoliciesEndpoint = "https://iam.console.greennode.ai/"
)

// Path prefixes of the two vIAM APIs, relative to the root.
const (
	accountsAPI = "accounts-api/v1/"
	policiesAPI = "policies-api/v1/"
)

// DefaultPageSize is the page size sent when [ListOptions.PageSize] or
// [PageOptions.PageSize] is 0. An account holds at most 20 service accounts
// and 20 policies of its own, so one page usually holds everything;
// managed policies add a few dozen more.
const DefaultPageSize = 100

// maxPages bounds an iterator, in case a server ignores pageNumber and
// keeps answering full pages.
const maxPages = 10000

// Client calls the vIAM accounts and policies APIs. Build it with
// [NewClient]. A Client is safe for concurrent use.
type Client struct {
	core *cores
}

// cores sends each call through the core of its API: one core for both
// APIs under one root, or, on the console hosts, a second one for the
// policies API.
type cores struct {
	*httpcore.Core                // the accounts API, and the policies API when pol is nil
	pol            *httpcore.Core // the policies API on a host of its own, or nil
}

// Do sends r through the core that serves its path.
func (c *cores) Do(ctx context.Context, r *httpcore.Request, out any) error {
	if c.pol != nil && strings.HasPrefix(r.Path, policiesAPI) {
		return c.pol.Do(ctx, r, out)
	}
	return c.Core.Do(ctx, r, out)
}

// NewClient returns a vIAM client. It needs a token source:
//
//	cc, err := viam.NewClientCredentials(clientID, clientSecret)
//	...
//	c, err := viam.NewClient(vngcloud.WithTokenSource(cc))
//
// or, with a token you already have,
// vngcloud.WithTokenSource(vngcloud.StaticToken(token)). Without one it
// returns a [*vngcloud.ValidationError]. A bad option also makes it return
// an error that names the option; nothing is sent over the network.
func NewClient(opts ...vngcloud.Option) (*Client, error) {
	s, err := httpcore.Apply(opts)
	if err != nil {
		return nil, named("viam.NewClient", err)
	}
	def := DefaultEndpoint
	if s.Console && s.Endpoint == "" {
		def = ConsoleAccountsEndpoint
	}
	core, err := httpcore.NewFromSettings(def, s)
	if err != nil {
		return nil, named("viam.NewClient", err)
	}
	cs := &cores{Core: core}
	if s.Console && s.Endpoint == "" {
		if cs.pol, err = httpcore.NewFromSettings(ConsolePoliciesEndpoint, s); err != nil {
			return nil, named("viam.NewClient", err)
		}
	}
	if st := core.Settings(); st.TokenURL != "" || st.TokenVariant != 0 || st.TokenScopeSet {
		return nil, &vngcloud.ValidationError{Operation: "viam.NewClient", Field: "viam.WithTokenURL/WithTokenVariant/WithTokenScope",
			Reason: "applies only to viam.NewClientCredentials"}
	}
	if core.Settings().TokenSource == nil {
		return nil, &vngcloud.ValidationError{Operation: "viam.NewClient", Field: "WithTokenSource",
			Reason: "vIAM calls need a bearer token: pass vngcloud.WithTokenSource with a viam.NewClientCredentials source (service account) or vngcloud.StaticToken"}
	}
	return &Client{core: cs}, nil
}

// Endpoint returns the root URL the client sends its calls under (on the
// console hosts, the accounts API's; the policies API's is
// [ConsolePoliciesEndpoint]).
func (c *Client) Endpoint() string { return c.core.Endpoint() }

// pathOf returns the URL path of rel under the client's root, for errors
// the package builds itself.
func (c *Client) pathOf(rel string) string {
	u, err := url.Parse(c.core.Endpoint())
	if err != nil {
		return "/" + rel
	}
	return u.Path + rel
}

// shapeError reports a successful answer that lacks what the call needs
// (the answer of another service, a proxy's JSON, an error body sent with
// a 2xx), so that it is never taken for an empty result.
func (c *Client) shapeError(op, method, rel, msg string) *vngcloud.APIError {
	return &vngcloud.APIError{Operation: op, Method: method, Path: c.pathOf(rel), Message: msg}
}

// checkPage refuses a successful answer that is not a page: every page
// the service sends has a pageSize (the one asked for) or is a bare array.
func checkPage[T any](c *Client, op, rel string, p Page[T]) (Page[T], error) {
	if p.Items == nil && p.PageSize == 0 && p.TotalItems == 0 && p.TotalPages == 0 {
		return Page[T]{}, c.shapeError(op, http.MethodGet, rel, "the answer is not a page of results (no data, no pageSize)")
	}
	return p, nil
}

// named sets the operation of a ValidationError that has none.
func named(op string, err error) error {
	var ve *vngcloud.ValidationError
	if errors.As(err, &ve) && ve.Operation == "" {
		ve.Operation = op
	}
	return err
}

// checkID refuses an empty or malformed ID before anything is sent.
func checkID(op, field, id string) error {
	if err := httpcore.ValidateID(field, id); err != nil {
		return named(op, err)
	}
	return nil
}

// Page is one page of a vIAM list: the items and the paging fields the
// service returns ({data, pageNumber, pageSize, totalItems, totalPages}).
// PageNumber is 0-based. A list answered as a bare JSON array (as the
// groups list is) decodes as a single page holding every item.
type Page[T any] struct {
	// Items are the rows of this page (the "data" field).
	Items []T
	// PageNumber is the 0-based index of this page.
	PageNumber int
	// PageSize is the page size the service applied.
	PageSize int
	// TotalItems is the number of rows in all pages.
	TotalItems int
	// TotalPages is the number of pages.
	TotalPages int
}

type pageWire[T any] struct {
	Data       []T `json:"data"`
	PageNumber int `json:"pageNumber"`
	PageSize   int `json:"pageSize"`
	TotalItems int `json:"totalItems"`
	TotalPages int `json:"totalPages"`
}

// UnmarshalJSON reads the page envelope or a bare array.
func (p *Page[T]) UnmarshalJSON(b []byte) error {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var items []T
		if err := json.Unmarshal(trimmed, &items); err != nil {
			return err
		}
		*p = Page[T]{Items: items, PageSize: len(items), TotalItems: len(items), TotalPages: 1}
		return nil
	}
	var w pageWire[T]
	if err := json.Unmarshal(trimmed, &w); err != nil {
		return err
	}
	*p = w.page()
	return nil
}

func (w *pageWire[T]) page() Page[T] {
	return Page[T]{Items: w.Data, PageNumber: w.PageNumber, PageSize: w.PageSize, TotalItems: w.TotalItems, TotalPages: w.TotalPages}
}

// getPage sends r and decodes the answer into p, as core.Do(ctx, r, p)
// would (through Page.UnmarshalJSON), with the same results and errors,
// but with two passes over the body instead of four: encoding/json checks
// a body and scans it again to hand an Unmarshaler its bytes, which then
// checks and decodes them itself. An answer in the page envelope is
// decoded here as the wire form directly; any other goes through
// UnmarshalJSON.
func getPage[T any](ctx context.Context, c *Client, r *httpcore.Request, p *Page[T]) error {
	var raw httpcore.Raw
	if err := c.core.Do(ctx, r, &raw); err != nil {
		return err
	}
	var err error
	if t := bytes.TrimSpace(raw.Body); len(t) > 0 && t[0] == '{' {
		var w pageWire[T]
		if err = httpcore.Decode(t, &w); err == nil {
			*p = w.page()
			return nil
		}
	} else if err = httpcore.Decode(raw.Body, p); err == nil {
		return nil
	}
	// As the core reports a 2xx answer it cannot decode.
	ae := raw.Error(r)
	ae.Message, ae.Err = err.Error(), err
	if r.Once {
		ae.MaybeApplied = true
		ae.Hint = r.IfUnsure
	}
	return ae
}

// MarshalJSON writes the service's envelope.
func (p Page[T]) MarshalJSON() ([]byte, error) {
	return json.Marshal(pageWire[T]{Data: p.Items, PageNumber: p.PageNumber, PageSize: p.PageSize, TotalItems: p.TotalItems, TotalPages: p.TotalPages})
}

// HasNext reports whether a page follows this one, from TotalPages when
// the service sent it.
func (p Page[T]) HasNext() bool { return p.TotalPages > 0 && p.PageNumber+1 < p.TotalPages }

// ListOptions selects one page of service accounts or policies. The zero
// value asks for the first page of [DefaultPageSize] rows.
type ListOptions struct {
	// PageNumber is the 0-based page index.
	PageNumber int
	// PageSize is the number of rows per page; 0 means DefaultPageSize.
	PageSize int
	// Name filters by name, as the service does it (the console uses it
	// as a search box). Leave it empty for all rows.
	Name string
}

// PageOptions selects one page of a list that takes no filter, such as a
// service account's policies. The zero value asks for the first page of
// [DefaultPageSize] rows.
type PageOptions struct {
	// PageNumber is the 0-based page index.
	PageNumber int
	// PageSize is the number of rows per page; 0 means DefaultPageSize.
	PageSize int
}

// listQuery is what is sent: pageNumber and pageSize always, name when set.
type listQuery struct {
	PageNumber int    `url:"pageNumber"`
	PageSize   int    `url:"pageSize"`
	Name       string `url:"name,omitempty"`
}

func (o *ListOptions) query(op string) (listQuery, error) {
	var q listQuery
	if o != nil {
		q = listQuery{PageNumber: o.PageNumber, PageSize: o.PageSize, Name: o.Name}
	}
	return q.check(op)
}

func (o *PageOptions) query(op string) (listQuery, error) {
	var q listQuery
	if o != nil {
		q = listQuery{PageNumber: o.PageNumber, PageSize: o.PageSize}
	}
	return q.check(op)
}

func (q listQuery) check(op string) (listQuery, error) {
	if q.PageNumber < 0 {
		return q, &vngcloud.ValidationError{Operation: op, Field: "PageNumber", Reason: fmt.Sprintf("must be 0 or more (pages are 0-based), got %d", q.PageNumber)}
	}
	if q.PageSize < 0 {
		return q, &vngcloud.ValidationError{Operation: op, Field: "PageSize", Reason: fmt.Sprintf("must be 0 (the default) or more, got %d", q.PageSize)}
	}
	if q.PageSize == 0 {
		q.PageSize = DefaultPageSize
	}
	return q, nil
}

// all turns a page fetcher into a lazy iterator: it fetches a page only
// when the consumer has taken every item of the previous one, stops
// fetching when the consumer breaks, and yields an error once, as its
// last value. q is a copy, so the caller's options are never changed and
// the iterator can be ranged over again.
func all[T any](ctx context.Context, op string, q listQuery, qerr error, fetch func(context.Context, listQuery) (Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if qerr != nil {
			yield(zero, qerr)
			return
		}
		q := q
		seen := 0
		for n := 0; ; n++ {
			if n == maxPages {
				yield(zero, &vngcloud.APIError{Operation: op,
					Message: fmt.Sprintf("stopped after %d pages: the service seems to ignore pageNumber", maxPages)})
				return
			}
			p, err := fetch(ctx, q)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range p.Items {
				if !yield(it, nil) {
					return
				}
			}
			seen += len(p.Items)
			if !more(p, q, seen) {
				return
			}
			q.PageNumber++
		}
	}
}

// more decides whether another page is worth asking for: from totalPages,
// else from totalItems, else from whether this page was full.
func more[T any](p Page[T], q listQuery, seen int) bool {
	switch {
	case len(p.Items) == 0:
		return false
	case p.TotalPages > 0:
		return q.PageNumber+1 < p.TotalPages
	case p.TotalItems > 0:
		return seen < p.TotalItems
	}
	return len(p.Items) >= q.PageSize
}
