package viam

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
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

// do sends r through the core that serves its path, and decodes its
// answer into a T.
func do[T any](ctx context.Context, c *Client, r *httpcore.Request) (T, error) {
	if c.core.pol != nil && strings.HasPrefix(r.Path, policiesAPI) {
		return httpcore.Do[T](ctx, c.core.pol, r)
	}
	return httpcore.Do[T](ctx, c.core.Core, r)
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
		return nil, httpcore.Named("viam.NewClient", err)
	}
	if s.TokenSource == nil {
		return nil, &vngcloud.ValidationError{Operation: "viam.NewClient", Field: "WithTokenSource",
			Reason: "vIAM calls need a bearer token: pass vngcloud.WithTokenSource with a viam.NewClientCredentials source (service account) or vngcloud.StaticToken"}
	}
	console := s.ConsoleHosts && s.Endpoint == ""
	def := DefaultEndpoint
	if console {
		def = ConsoleAccountsEndpoint
	}
	core, err := httpcore.New(def, s, nil)
	if err != nil {
		return nil, httpcore.Named("viam.NewClient", err)
	}
	cs := &cores{Core: core}
	if console {
		if cs.pol, err = httpcore.New(ConsolePoliciesEndpoint, s, nil); err != nil {
			return nil, httpcore.Named("viam.NewClient", err)
		}
	}
	return &Client{core: cs}, nil
}

// Endpoint returns the root URL the client sends its calls under (on the
// console hosts, the accounts API's; the policies API's is
// [ConsolePoliciesEndpoint]).
func (c *Client) Endpoint() string { return c.core.Endpoint() }

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

// pageAnswer is a page as the service sends it, refused when it is not
// a page: every page has a pageSize (the one asked for) or is a bare
// array.
type pageAnswer[T any] struct{ Page[T] }

// Problem refuses an answer that is not a page.
func (p pageAnswer[T]) Problem() string {
	if p.Items == nil && p.PageSize == 0 && p.TotalItems == 0 && p.TotalPages == 0 {
		return "the answer is not a page of results (no data, no pageSize)"
	}
	return ""
}

// lister returns the fetcher of one page of the list at path (with args),
// whose errors name op.
func lister[T any](c *Client, op, path string, args ...string) func(context.Context, listQuery) (Page[T], error) {
	return func(ctx context.Context, q listQuery) (Page[T], error) {
		p, err := do[pageAnswer[T]](ctx, c, &httpcore.Request{Op: op, Method: http.MethodGet, Path: path, Args: args, Query: q})
		return p.Page, err
	}
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
func all[T any](ctx context.Context, c *Client, op string, q listQuery, qerr error, fetch func(context.Context, listQuery) (Page[T], error)) iter.Seq2[T, error] {
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
				yield(zero, c.core.Fail(&httpcore.Request{Op: op, Method: http.MethodGet},
					httpcore.Failure{Message: fmt.Sprintf("stopped after %d pages: the service seems to ignore pageNumber", maxPages)}))
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
