package viam

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// accountRef is one element of a policy's service-account list: an ID,
// or an object that carries one.
type accountRef string

// UnmarshalJSON reads "id", 123 or {"id"|"serviceAccountId"|"_id": ...}.
func (a *accountRef) UnmarshalJSON(b []byte) error {
	var obj struct {
		ID   json.RawMessage `json:"id"`
		SAID json.RawMessage `json:"serviceAccountId"`
		OID  json.RawMessage `json:"_id"`
	}
	if json.Unmarshal(b, &obj) == nil {
		*a = accountRef(firstText(obj.ID, obj.SAID, obj.OID))
		return nil
	}
	*a = accountRef(textOf(b))
	return nil
}

func firstText(raws ...json.RawMessage) string {
	for _, r := range raws {
		if s := oid(r); s != "" {
			return s
		}
	}
	return ""
}

// ListPolicyServiceAccounts returns the IDs of the service accounts a
// policy is attached to (GET policies-api/v1/policies/{id}/service-accounts),
// to know whether a policy is in use before reusing or deleting it. It
// changes nothing. An unknown policy gives an error matching
// [vngcloud.ErrNotFound].
//
// docs/api.md §3.2 says the answer is an array of IDs; it is also read
// as an array of objects with an id (or serviceAccountId), or as a page
// {data: [...]} of either. The whole list comes in one answer.
func (c *Client) ListPolicyServiceAccounts(ctx context.Context, policyID string) ([]string, error) {
	p, err := do[pageAnswer[accountRef]](ctx, c, &httpcore.Request{Op: "viam.ListPolicyServiceAccounts", Method: http.MethodGet,
		Path: policiesAPI + "policies/{policyID}/service-accounts", Args: []string{policyID}})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(p.Items))
	for _, a := range p.Items {
		if a != "" {
			ids = append(ids, string(a))
		}
	}
	return ids, nil
}
