package viam

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// Action is one entry of vIAM's action catalogue, as
// GET policies-api/v1/actions?product= answers it (docs/api.md §3.2):
// {action, label, resources, methods, userTypes}.
//
// Only the field names are documented, not their types nor whether the
// list is a bare array or a page: the list is read in either form, and
// resources, methods and userTypes are read as a list of strings, a single
// string, or a list of other values (each kept as its JSON text).
type Action struct {
	// Name is the action as the service names it. Whether it carries the
	// product prefix ("vstorage:ListBuckets") or not ("ListBuckets") is not
	// documented; [Action.Qualified] gives the form a policy statement
	// takes.
	Name string
	// Label is the kind of action: "List", "Read", "Write" or "Tagging".
	Label string
	// Resources are the resource types the action applies to.
	Resources []string
	// Methods are the API methods the action covers.
	Methods []string
	// UserTypes are the kinds of caller the action is offered to.
	UserTypes []string
}

type actionWire struct {
	Name      string   `json:"action"`
	Label     string   `json:"label"`
	Resources textList `json:"resources"`
	Methods   textList `json:"methods"`
	UserTypes textList `json:"userTypes"`
}

// UnmarshalJSON reads the service's shape, tolerantly (see [Action]).
func (a *Action) UnmarshalJSON(b []byte) error {
	var w actionWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = Action{Name: w.Name, Label: w.Label, Resources: w.Resources, Methods: w.Methods, UserTypes: w.UserTypes}
	return nil
}

// Qualified returns the action as a policy statement names it,
// "<product>:<Action>": Name when it already has a product prefix, else
// product + ":" + Name.
func (a Action) Qualified(product string) string {
	if strings.Contains(a.Name, ":") {
		return a.Name
	}
	return product + ":" + a.Name
}

// textList is a list of strings read tolerantly: null, a single string, or
// a list whose elements are strings or any other value (kept as its JSON
// text).
type textList []string

// UnmarshalJSON reads a list, a single value or null.
func (l *textList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '[' {
		*l = nil
		if s := textOf(b); s != "" {
			*l = textList{s}
		}
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(textList, 0, len(raw))
	for _, r := range raw {
		out = append(out, textOf(r))
	}
	*l = out
	return nil
}

// ListActions returns vIAM's action catalogue for one product
// (GET policies-api/v1/actions?product=), for example [ProductVStorage]:
// the names a least-privilege policy document can use. It changes
// nothing. The whole catalogue comes in one answer (no paging is known).
func (c *Client) ListActions(ctx context.Context, product string) ([]Action, error) {
	const op = "viam.ListActions"
	if strings.TrimSpace(product) == "" {
		return nil, &vngcloud.ValidationError{Operation: op, Field: "product", Reason: `is empty; use a product such as "vstorage"`}
	}
	p, err := do[pageAnswer[Action]](ctx, c, &httpcore.Request{Op: op, Method: http.MethodGet, Path: policiesAPI + "actions",
		Query: url.Values{"product": {product}}})
	return p.Items, err
}

// ProductVStorage is vStorage's product name in vIAM actions
// ("vstorage:*") and in [Client.ListActions].
const ProductVStorage = "vstorage"
