package vstorage

import (
	"cmp"
	"errors"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
)

// ErrNoCredentials is returned by ClientsFromEnv when none of
// VNGCLOUD_CLIENT_ID, VNGCLOUD_CLIENT_SECRET and VNGCLOUD_ACCESS_TOKEN is
// set.
var ErrNoCredentials = errors.New("vstorage: no credentials: set VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET (a service account), or VNGCLOUD_ACCESS_TOKEN (a console session's token)")

// ClientsFromEnv builds a vIAM and a vStorage client that share one token
// source, from the variables getenv reads (os.Getenv in a program):
//
//	VNGCLOUD_CLIENT_ID, VNGCLOUD_CLIENT_SECRET  a service account (both or neither)
//	VNGCLOUD_ACCESS_TOKEN                       a bearer token, used when no service account is set;
//	                                            it selects vngcloud.WithConsoleHosts()
//	VNGCLOUD_IAM_ENDPOINT                       the vIAM base URL (default: the documented host)
//	VNGCLOUD_VSTORAGE_ENDPOINT                  the vStorage base URL (default: the documented host)
//	VNGCLOUD_REGION                             the storage region (default HCM04)
//
// opts are appended to both clients' options, so they override these. With
// none of the credentials set the error is ErrNoCredentials; with only one
// of the service account's two it says so. The secret and the token never
// appear in errors.
func ClientsFromEnv(getenv func(string) string, opts ...vngcloud.Option) (*viam.Client, *Client, error) {
	id, secret, token := strings.TrimSpace(getenv("VNGCLOUD_CLIENT_ID")), getenv("VNGCLOUD_CLIENT_SECRET"), strings.TrimSpace(getenv("VNGCLOUD_ACCESS_TOKEN"))
	var iamOpts []vngcloud.Option
	var stOpts []Option
	switch {
	case (id == "") != (secret == ""):
		return nil, nil, errors.New("vstorage: set both VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET to use a service account, or neither")
	case id == "" && token == "":
		return nil, nil, ErrNoCredentials
	case id == "":
		// A console session's token: the console hosts, unless the
		// endpoints are given.
		iamOpts, stOpts = append(iamOpts, vngcloud.WithConsoleHosts()), append(stOpts, vngcloud.WithConsoleHosts())
	}
	if u := strings.TrimSpace(getenv("VNGCLOUD_IAM_ENDPOINT")); u != "" {
		iamOpts = append(iamOpts, vngcloud.WithEndpoint(u))
	}
	if u := strings.TrimSpace(getenv("VNGCLOUD_VSTORAGE_ENDPOINT")); u != "" {
		stOpts = append(stOpts, vngcloud.WithEndpoint(u))
	}
	shared := vngcloud.Options(opts...)
	var ts vngcloud.TokenSource = vngcloud.StaticToken(token)
	if id != "" {
		cc, err := viam.NewClientCredentials(id, vngcloud.Secret(secret), vngcloud.Options(iamOpts...), shared)
		if err != nil {
			return nil, nil, err
		}
		ts = cc
	}
	iam, err := viam.NewClient(append(iamOpts, shared, vngcloud.WithTokenSource(ts))...)
	if err != nil {
		return nil, nil, err
	}
	region := cmp.Or(strings.TrimSpace(getenv("VNGCLOUD_REGION")), "HCM04")
	st, err := NewClient(append(stOpts, WithRegion(region), shared, vngcloud.WithTokenSource(ts))...)
	if err != nil {
		return nil, nil, err
	}
	return iam, st, nil
}
