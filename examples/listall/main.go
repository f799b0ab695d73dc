// Command listall lists what an account holds in vStorage and vIAM: the
// region's projects, and for each its buckets (with the principals their
// bucket policies name) and S3 keys (with their restriction by vIAM), then
// the service accounts with their policies and the keys linked to them.
//
// Without credentials it runs against in-memory services started in the
// same process, seeded with a small sample account, and says so:
//
//	go run ./examples/listall
//
// Against your account (a vIAM service account allowed to read vStorage
// and vIAM):
//
//	export VNGCLOUD_CLIENT_ID=... VNGCLOUD_CLIENT_SECRET=...
//	go run ./examples/listall --region HCM04            # every project of the region
//	go run ./examples/listall --project 0123abcd...     # one project
//
// It changes nothing (the in-memory sample aside). Exit status: 0, 1 when a
// call fails, 2 for bad flags or a bad environment.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := runWith(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil)
	stop()
	os.Exit(code)
}

func runWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, off *vstoragetest.Sandbox) int {
	var region, project string
	var timeout time.Duration
	var verbose bool
	fs := flag.NewFlagSet("listall", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&region, "region", "", "storage region (default $VNGCLOUD_REGION, else HCM04)")
	fs.StringVar(&project, "project", "", "list this project only (default: every project of the region)")
	fs.DurationVar(&timeout, "timeout", 2*time.Minute, "give up after this long")
	fs.BoolVar(&verbose, "v", false, "log each API call to stderr (never secrets)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "listall: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	env := func(k string) string { // --region stands for VNGCLOUD_REGION
		if k == "VNGCLOUD_REGION" {
			return cmp.Or(strings.TrimSpace(region), getenv(k))
		}
		return getenv(k)
	}
	var opts []vngcloud.Option
	if verbose {
		opts = append(opts, vngcloud.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	c, err := vstoragetest.ClientsFromEnv(env, off, stdout, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "listall: %v\n", err)
		return 2
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	only := strings.TrimSpace(project)
	if c.Sandbox != nil {
		only = c.ProjectID
	}
	if c.Sandbox != nil && off == nil {
		// A fresh in-memory account is empty; give it something to list.
		if err := sample(ctx, c, stdout); err != nil {
			fmt.Fprintf(stderr, "listall: seeding the demo: %v\n", err)
			return 1
		}
	}
	pr := vstorage.NewProgressPrinter(stdout)
	defer pr.Watch(ctx)()
	pr.Event(vstorage.StepEvent{Step: "listing"}) // a line if the network is slow
	if err := list(ctx, c, only, stdout); err != nil {
		fmt.Fprintf(stderr, "listall: %v\n", err)
		return 1
	}
	return 0
}

// sample fills the in-memory account with vstorage.Setup, as a small
// account holds it: a bucket, a service account with read/write on it and
// an S3 key linked to it, and an unrestricted key.
func sample(ctx context.Context, c *vstoragetest.Clients, w io.Writer) error {
	linked, err := vstorage.Setup(ctx, vstorage.SetupRequest{Storage: c.Storage, IAM: c.IAM, ProjectID: c.ProjectID, Bucket: "demo-photos",
		Restrict: &vstorage.Restriction{ServiceAccount: "demo-app", ManagedPolicy: viam.PolicyVStorageClientToolFullAccess}})
	if err != nil {
		return err
	}
	free, err := vstorage.Setup(ctx, vstorage.SetupRequest{Storage: c.Storage, ProjectID: c.ProjectID})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "demo: seeded with vstorage.Setup: bucket demo-photos, service account demo-app (read/write on it), S3 key %s linked to it, and unrestricted S3 key %s\n",
		linked.Key.AccessKey, free.Key.AccessKey)
	return nil
}

// list lists the project only, or every project of the region when only
// is "".
func list(ctx context.Context, c *vstoragetest.Clients, only string, w io.Writer) error {
	ep, err := c.Storage.S3Endpoint(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "region %s, S3 endpoint %s (%s)\n", ep.Region, ep.URL, ep.Source)
	var projects []vstorage.Project
	if only != "" {
		p, err := c.Storage.GetProject(ctx, only)
		if err != nil {
			return err
		}
		projects = []vstorage.Project{p}
	} else if projects, err = c.Storage.ListProjects(ctx); err != nil {
		return err
	}
	if len(projects) == 0 {
		fmt.Fprintf(w, "no projects in %s\n", ep.Region)
	}
	linked := map[string][]string{} // service account name → access keys
	for _, p := range projects {
		if err := listProject(ctx, c, w, p, linked); err != nil {
			return fmt.Errorf("project %s: %w", p.ID, err)
		}
	}
	return listServiceAccounts(ctx, c, w, linked)
}

func listProject(ctx context.Context, c *vstoragetest.Clients, w io.Writer, p vstorage.Project, linked map[string][]string) error {
	fmt.Fprintf(w, "\nproject %s (%s): %s, %.1f of %.0f GB used\n", p.Name, p.ID, orNone(p.ProjectTypeName), p.UsageGB, p.TotalQuotaGB)

	buckets, err := c.Storage.ListBuckets(ctx, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  buckets (%d):\n", len(buckets))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, b := range buckets {
		pol, err := c.Storage.GetBucketPolicy(ctx, p.ID, b.Name)
		if err != nil {
			return fmt.Errorf("bucket %s: %w", b.Name, err)
		}
		fmt.Fprintf(tw, "    %s\t%d objects, %d bytes\tpolicy: %s\n", b.Name, b.ObjectCount, b.Size, describePolicy(pol))
	}
	tw.Flush()

	keys, err := c.Storage.ListS3Keys(ctx, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  S3 keys (%d):\n", len(keys))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, k := range keys {
		restriction := "restriction by vIAM: off (the creator's rights on every bucket)"
		if k.Restricted() {
			restriction = fmt.Sprintf("restriction by vIAM: on, acts as service account %s (subUserId %s)", orNone(k.ServiceAccountName()), k.SubUserID)
			linked[k.ServiceAccountName()] = append(linked[k.ServiceAccountName()], k.AccessKey)
		}
		fmt.Fprintf(tw, "    %s\tkey ID %s\t%s\n", k.AccessKey, k.ID, restriction)
	}
	tw.Flush()
	return nil
}

// describePolicy says who a bucket policy names: "none", or the number of
// statements and their principals.
func describePolicy(p vstorage.BucketPolicy) string {
	if len(p.Statement) == 0 {
		return "none"
	}
	seen := map[string]bool{}
	var names []string
	for _, s := range p.Statement {
		if s.Principal == nil {
			continue
		}
		if s.Principal.Anyone && !seen["*"] {
			seen["*"] = true
			names = append(names, "* (public)")
		}
		for _, a := range s.Principal.AWS {
			if !seen[a] {
				seen[a] = true
				names = append(names, a)
			}
		}
	}
	return fmt.Sprintf("%d statements for %s", len(p.Statement), orNone(strings.Join(names, ", ")))
}

func listServiceAccounts(ctx context.Context, c *vstoragetest.Clients, w io.Writer, linked map[string][]string) error {
	var sas []viam.ServiceAccount
	for sa, err := range c.IAM.AllServiceAccounts(ctx, nil) {
		if err != nil {
			return err
		}
		sas = append(sas, sa)
	}
	fmt.Fprintf(w, "\nservice accounts (%d):\n", len(sas))
	for _, sa := range sas {
		var pols []string
		for p, err := range c.IAM.AllServiceAccountPolicies(ctx, sa.ID, nil) {
			if err != nil {
				return fmt.Errorf("service account %s: %w", sa.Name, err)
			}
			kind := "own"
			if p.Managed() {
				kind = "managed"
			}
			pols = append(pols, fmt.Sprintf("%s (%s, ID %s)", p.Name, kind, p.ID))
		}
		sort.Strings(pols)
		fmt.Fprintf(w, "  %s (ID %s, client ID %s)\n", sa.Name, sa.ID, sa.ClientID)
		fmt.Fprintf(w, "    policies: %s\n", orNone(strings.Join(pols, "; ")))
		fmt.Fprintf(w, "    S3 keys linked: %s\n", orNone(strings.Join(linked[sa.Name], ", ")))
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
