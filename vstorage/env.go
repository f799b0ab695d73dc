package vstorage

import (
	"errors"
	"slices"
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
	var base []vngcloud.Option
	switch {
	case (id == "") != (secret == ""):
		return nil, nil, errors.New("vstorage: set both VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET to use a service account, or neither")
	case id == "" && token == "":
		return nil, nil, ErrNoCredentials
	case id == "":
		// A console session's token: the console hosts, unless the
		// endpoints are given.
		base = append(base, vngcloud.WithConsoleHosts())
	}
	region := strings.TrimSpace(getenv("VNGCLOUD_REGION"))
	if region == "" {
		region = "HCM04"
	}
	iamOpts := slices.Clip(base)
	stOpts := append(slices.Clip(base), vngcloud.WithRegion(region))
	if u := strings.TrimSpace(getenv("VNGCLOUD_IAM_ENDPOINT")); u != "" {
		iamOpts = append(iamOpts, vngcloud.WithEndpoint(u))
	}
	if u := strings.TrimSpace(getenv("VNGCLOUD_VSTORAGE_ENDPOINT")); u != "" {
		stOpts = append(stOpts, vngcloud.WithEndpoint(u))
	}
	iamOpts, stOpts = append(slices.Clip(iamOpts), opts...), append(slices.Clip(stOpts), opts...)
	var ts vngcloud.TokenSource = vngcloud.StaticToken(token)
	if id != "" {
		cc, err := viam.NewClientCredentials(id, vngcloud.Secret(secret), iamOpts...)
		if err != nil {
			return nil, nil, err
		}
		ts = cc
	}
	iam, err := viam.NewClient(append(slices.Clip(iamOpts), vngcloud.WithTokenSource(ts))...)
	if err != nil {
		return nil, nil, err
	}
	st, err := NewClient(append(slices.Clip(stOpts), vngcloud.WithTokenSource(ts))...)
	if err != nil {
		return nil, nil, err
	}
	return iam, st, nil
}
