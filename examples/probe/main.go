// Command probe finds out which settings work with your VNG Cloud
// account, without changing anything in it. With a service account's
// credentials (or a bearer token) in the environment, it tries, one
// request at a time, every open choice the public documentation leaves:
// the token request variants (v2, v2 with scope=email, v1), the
// documented and console hosts of vIAM and vStorage, the regions,
// projects and buckets lists and the statistics calls. It follows no
// redirect but shows where one points. It prints a table of what each
// request got back (status, and the shape of the answer: JSON envelope,
// empty 200, HTML page, ...), with every secret and token redacted, then
// the options or environment variables to use.
//
//	VNGCLOUD_CLIENT_ID=... VNGCLOUD_CLIENT_SECRET=... go run ./examples/probe
//	VNGCLOUD_ACCESS_TOKEN=... go run ./examples/probe      # console mode
//	go run ./examples/probe --json probe.json             # also write the report for a bug report
//
// Flags override the candidate hosts (for a proxy or a test server):
// --token-root, --iam NAME=ACCOUNTS_ROOT[,POLICIES_ROOT] and
// --vstorage NAME=URL, each repeatable; --region names the vStorage
// region (VNGCLOUD_REGION, default HCM04).
//
// The only requests that are not reads are the token requests, which
// issue short-lived tokens and change nothing.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/region"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

// hostList is a repeatable NAME=VALUE flag.
type hostList []string

func (h *hostList) String() string     { return strings.Join(*h, " ") }
func (h *hostList) Set(v string) error { *h = append(*h, v); return nil }

// run parses the flags and the environment, probes and prints.
func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(out)
	var iamFlags, stFlags hostList
	tokenRoot := fs.String("token-root", firstNonEmpty(getenv("VNGCLOUD_IAM_ENDPOINT"), viam.DefaultEndpoint), "root of accounts-api/v{1,2}/auth/token")
	regionName := fs.String("region", firstNonEmpty(getenv("VNGCLOUD_REGION"), "HCM04"), "vStorage region")
	jsonFile := fs.String("json", "", "also write the report as JSON to this file")
	fs.Var(&iamFlags, "iam", "candidate vIAM host NAME=ACCOUNTS_ROOT[,POLICIES_ROOT] (repeatable; default: documented and console)")
	fs.Var(&stFlags, "vstorage", "candidate vStorage API NAME=URL (repeatable; default: documented and console)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := Config{
		ClientID:     getenv("VNGCLOUD_CLIENT_ID"),
		ClientSecret: vngcloud.Secret(getenv("VNGCLOUD_CLIENT_SECRET")),
		AccessToken:  vngcloud.Secret(getenv("VNGCLOUD_ACCESS_TOKEN")),
		TokenRoot:    withSlash(*tokenRoot),
		Region:       *regionName,
	}
	if (cfg.ClientID == "" || cfg.ClientSecret == "") && cfg.AccessToken == "" {
		return errNoCredentials
	}
	var err error
	if cfg.IAM, err = iamHosts(iamFlags); err != nil {
		return err
	}
	if cfg.Storage, err = storageHosts(stFlags, *regionName); err != nil {
		return err
	}
	rep, err := Probe(ctx, cfg)
	if err != nil {
		return err
	}
	if err := rep.WriteTable(out); err != nil {
		return err
	}
	if *jsonFile != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*jsonFile, append(b, '\n'), 0o600); err != nil {
			return err
		}
		fmt.Fprintln(out, "\nWrote", *jsonFile, "(no secret or token in it): attach it to your report.")
	}
	return nil
}

// iamHosts reads --iam flags, or gives the documented and console hosts.
func iamHosts(flags []string) ([]IAMHost, error) {
	if len(flags) == 0 {
		return []IAMHost{
			{Name: "documented", Accounts: viam.DefaultEndpoint, Policies: viam.DefaultEndpoint},
			{Name: "console", Accounts: consoleAccountsRoot, Policies: consolePoliciesRoot},
		}, nil
	}
	var out []IAMHost
	for _, f := range flags {
		name, roots, ok := strings.Cut(f, "=")
		if !ok || name == "" || roots == "" {
			return nil, fmt.Errorf("--iam %q: want NAME=ACCOUNTS_ROOT[,POLICIES_ROOT]", f)
		}
		acc, pol, _ := strings.Cut(roots, ",")
		out = append(out, IAMHost{Name: name, Accounts: withSlash(acc), Policies: withSlash(firstNonEmpty(pol, acc))})
	}
	return out, nil
}

// storageHosts reads --vstorage flags, or gives the region's documented
// API and the console API.
func storageHosts(flags []string, regionName string) ([]StorageHost, error) {
	if len(flags) == 0 {
		documented := vstorage.DefaultEndpoint
		if r, ok := region.ByName(regionName); ok && r.APIEndpoint != "" {
			documented = r.APIEndpoint
		}
		return []StorageHost{{Name: "documented", URL: documented}, {Name: "console", URL: vstorage.ConsoleEndpoint}}, nil
	}
	var out []StorageHost
	for _, f := range flags {
		name, u, ok := strings.Cut(f, "=")
		if !ok || name == "" || u == "" {
			return nil, fmt.Errorf("--vstorage %q: want NAME=URL", f)
		}
		out = append(out, StorageHost{Name: name, URL: withSlash(u)})
	}
	return out, nil
}

func withSlash(u string) string {
	if u != "" && !strings.HasSuffix(u, "/") {
		return u + "/"
	}
	return u
}
