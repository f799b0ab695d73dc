package viam

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/vstorage-sdk/vngcloud/internal/httpcore"
)

// UserInfo says who a token belongs to, as
// GET accounts-api/v1/auth/userinfo answers (docs/api.md §1.2): a preflight
// shows it so that the user sees which account a run will change.
//
// Only the field names are documented; their types are decoded
// tolerantly: userId and accountId may be JSON strings or numbers (kept as
// text), and fields the SDK does not know (twoFactorAuth, ...) are
// ignored.
type UserInfo struct {
	// UserID identifies the caller (an IAM user, a service account or the
	// root user), as text.
	UserID string
	// UserType is the kind of caller: "root-user", "iam-user" or a service
	// account's type ("user-sa" or "service-sa" are the names seen).
	UserType string
	// AccountID is the root account number, as text (the service sends a
	// JSON number).
	AccountID string
	// RootEmail is the e-mail of the root account.
	RootEmail string
	// Username is the caller's user name.
	Username string
}

type userInfoWire struct {
	UserID    json.RawMessage `json:"userId"`
	UserType  string          `json:"userType"`
	AccountID json.RawMessage `json:"accountId"`
	RootEmail string          `json:"rootEmail"`
	Username  string          `json:"username"`
}

// UnmarshalJSON reads the service's shape, numbers or strings alike.
func (u *UserInfo) UnmarshalJSON(b []byte) error {
	var w userInfoWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*u = UserInfo{UserID: textOf(w.UserID), UserType: w.UserType, AccountID: textOf(w.AccountID),
		RootEmail: w.RootEmail, Username: w.Username}
	return nil
}

// GetUserInfo returns who the client's token belongs to
// (GET accounts-api/v1/auth/userinfo). It changes nothing. An answer with
// neither a user ID nor an account ID is an error (the answer of another
// service, not an anonymous caller).
func (c *Client) GetUserInfo(ctx context.Context) (UserInfo, error) {
	u, err := do[userInfoAnswer](ctx, c, &httpcore.Request{Op: "viam.GetUserInfo", Method: http.MethodGet, Path: accountsAPI + "auth/userinfo"})
	return u.UserInfo, err
}

// userInfoAnswer is the answer of auth/userinfo.
type userInfoAnswer struct{ UserInfo }

// Problem refuses an answer that names no user: the answer of another
// service, not an anonymous caller.
func (a userInfoAnswer) Problem() string {
	if a.UserID == "" && a.AccountID == "" {
		return "the answer names no user (no userId, no accountId)"
	}
	return ""
}
