// Command quickstart does from Go what the vStorage console does before it
// hands out an s3cmd configuration file, with one library call,
// vstorage.Setup: it checks everything first (names, limits, bucket,
// destination), creates an S3 key, optionally restricts it by vIAM
// (service account, policy, link, bucket grant), writes the config, and
// undoes what it created if a step fails. It prints one numbered line per
// step.
//
// Without credentials it runs against in-memory vIAM and vStorage services
// started in the same process, and says so; nothing touches the cloud:
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart --restrict --dry-run
//
// Against your account (a service account allowed to manage vStorage and,
// for --restrict, service accounts and policies), or with a console
// session's bearer token in VNGCLOUD_ACCESS_TOKEN (then the clients use the
// console hosts, vngcloud.WithConsoleHosts):
//
//	export VNGCLOUD_CLIENT_ID=... VNGCLOUD_CLIENT_SECRET=... VNGCLOUD_PROJECT_ID=...
//	go run ./examples/quickstart --restrict --bucket my-app-data
//	s3cmd -c s3cnf.s3cfg ls s3://my-app-data
//
// The config goes to the current folder (s3cnf.s3cfg, the name of the
// console's download; rclone.conf; aws-credentials and aws-config), or
// to --out, or with --install where the tool looks by itself, keeping a
// backup. (The s3cfg example's "new" writes ~/.s3cfg by default: it is a
// config tool; this one mirrors the console, whose file you download.)
//
// Exit status: 0 on success; 1 when the plan refuses or a step fails (what
// was created is undone, and the message says what became of it); 2 for
// bad flags or a bad environment. The key's secret goes to the config
// file only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
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

type options struct {
	restrict, mustExist, install, dryRun, pathStyle, full, force, verbose bool
	bucket, serviceAccount, policy, out, tool, remote, profile            string
	timeout                                                               time.Duration
}

func parseFlags(args []string, stderr io.Writer) (options, int) {
	var o options
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.restrict, "restrict", false, "restrict the key by vIAM: service account, policy, link, read/write on --bucket")
	fs.StringVar(&o.bucket, "bucket", "", "bucket to make sure of (created when missing; default quickstart-data with --restrict)")
	fs.StringVar(&o.serviceAccount, "service-account", "quickstart", "service account the key acts as (reused when it exists)")
	fs.BoolVar(&o.mustExist, "existing", false, "use an existing --service-account only; never create one")
	fs.StringVar(&o.policy, "policy", viam.PolicyVStorageClientToolFullAccess, `managed vIAM policy for the service account, by name ("none": no vIAM policy)`)
	fs.StringVar(&o.out, "out", "", "file (or folder) to write; default in the current folder")
	fs.BoolVar(&o.force, "force", false, "replace an existing s3cmd --out file")
	fs.BoolVar(&o.install, "install", false, "write where the tool looks by itself, keeping a backup of what is there")
	fs.BoolVar(&o.dryRun, "dry-run", false, "check everything and say what would be done; change nothing")
	fs.BoolVar(&o.pathStyle, "path-style", false, "path-style requests")
	fs.BoolVar(&o.full, "full", false, `write all of s3cmd's options, as "s3cmd --configure" does`)
	fs.StringVar(&o.tool, "tool", "s3cmd", "what to configure: s3cmd, rclone or aws")
	fs.StringVar(&o.remote, "remote", "vstorage", "the rclone remote's name")
	fs.StringVar(&o.profile, "profile", "vstorage", "the AWS CLI profile's name")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Minute, "give up (undoing what was created) after this long")
	fs.BoolVar(&o.verbose, "v", false, "log each API call to stderr (never secrets)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, 0
		}
		return o, 2
	}
	bad := ""
	switch {
	case fs.NArg() > 0:
		bad = fmt.Sprintf("unexpected argument %q", fs.Arg(0))
	case o.install && o.out != "":
		bad = "--install and --out both say where to write; give one"
	case o.force && (o.install || o.tool != "s3cmd"):
		bad = "--force is for an s3cmd --out file (--install and the other tools keep a backup instead)"
	case o.tool != "s3cmd" && o.tool != "rclone" && o.tool != "aws":
		bad = fmt.Sprintf("--tool %q: want s3cmd, rclone or aws", o.tool)
	case o.timeout <= 0:
		bad = "--timeout must be positive"
	}
	if bad != "" {
		fmt.Fprintf(stderr, "quickstart: %s\n", bad)
		fs.Usage()
		return o, 2
	}
	if o.restrict && o.bucket == "" {
		o.bucket = "quickstart-data"
	}
	return o, -1
}

// runWith is the whole command; off, when set, are the offline services
// to use (tests give a real S3 data plane).
func runWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, off *vstoragetest.Sandbox) int {
	o, code := parseFlags(args, stderr)
	if code >= 0 {
		return code
	}
	var opts []vngcloud.Option
	if o.verbose {
		opts = append(opts, vngcloud.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	// With no credentials set, the clients work against in-memory services
	// (off, or new ones), and a line says so.
	c, err := vstoragetest.ClientsFromEnv(getenv, off, stdout, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "quickstart: %v\n", err)
		return 2
	}
	defer c.Close()
	target, err := o.target(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "quickstart: %v\n", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	req := vstorage.SetupRequest{Storage: c.Storage, IAM: c.IAM, ProjectID: c.ProjectID, Bucket: o.bucket, Config: target}
	if o.restrict {
		req.Restrict = &vstorage.Restriction{ServiceAccount: o.serviceAccount, MustExist: o.mustExist}
		if o.policy != "none" {
			req.Restrict.ManagedPolicy = o.policy
		}
	}
	pr := vstorage.NewProgressPrinter(stdout)
	req.Progress = pr.Event
	defer pr.Watch(ctx)()
	pr.Event(vstorage.StepEvent{Step: vstorage.StepPlan})
	plan, err := vstorage.PlanSetup(ctx, req)
	if err != nil {
		fmt.Fprintf(stderr, "quickstart: %v\n", err)
		if errors.Is(err, s3cfg.ErrExist) {
			fmt.Fprintln(stderr, "quickstart: add --force to replace it, --install to write where s3cmd looks (keeping a backup), or --out to write elsewhere")
		}
		return 1
	}
	planned(pr, plan, o.dryRun)
	if o.dryRun {
		for _, s := range plan.Steps {
			done(pr, s.Step, "would %s %s", s.Action, s.Detail)
		}
		fmt.Fprintln(stdout, "dry run: nothing was created, changed or written.")
		return 0
	}
	res, err := plan.Apply(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "quickstart: %v\n", err)
		return 1
	}
	o.printNext(stdout, res, target, c.Sandbox != nil, getenv)
	return 0
}
