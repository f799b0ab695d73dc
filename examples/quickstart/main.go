// Command quickstart does from Go what the vStorage console does before it
// hands out an s3cmd configuration file: it gets a token, picks a project,
// creates an S3 key, optionally restricts the key by vIAM (service account,
// policy, attachment, link, bucket policy), and writes s3cnf.s3cfg, the
// file the console's "Integration → S3cmd → Download configuration file"
// button saves. It prints one numbered line per step.
//
// Without credentials it runs against in-memory vIAM and vStorage services
// started in the same process and says so; nothing touches the cloud:
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart --restrict --dry-run
//
// Against your account, give it a vIAM service account allowed to manage
// vStorage (and, for --restrict, service accounts and policies):
//
//	export VNGCLOUD_CLIENT_ID=... VNGCLOUD_CLIENT_SECRET=...
//	export VNGCLOUD_REGION=HCM04 VNGCLOUD_PROJECT_ID=...   # optional
//	go run ./examples/quickstart --restrict --bucket my-app-data
//	s3cmd -c s3cnf.s3cfg ls s3://my-app-data
//
// Flags:
//
//	--restrict             restrict the key by vIAM: create a service account and a
//	                       vStorage policy for it, attach the policy, link the key to the
//	                       service account, and grant its principal read/write on --bucket
//	--bucket NAME          the bucket to grant (created when missing; default
//	                       quickstart-<random>, with --restrict)
//	--service-account NAME the service account to create (default quickstart-<random>)
//	--out FILE             where to write (default ./s3cnf.s3cfg); an existing file is
//	                       refused unless --force
//	--force                replace an existing --out file
//	--install              write where s3cmd looks without -c ($HOME/.s3cfg,
//	                       %APPDATA%\s3cmd.ini, or $S3CMD_CONFIG), keeping any existing
//	                       file as a backup
//	--dry-run              change nothing: run the read-only steps, say what the others
//	                       would do, and print the config with the secret redacted
//	--path-style           path-style requests (host_bucket = host_base)
//	--full                 write all 87 options, as "s3cmd --configure" does
//	--tool s3cmd|rclone|aws what to configure (default s3cmd). rclone: a remote
//	                       (--remote, default vstorage) merged into the rclone.conf
//	                       rclone reads (or --out FILE), keeping the other remotes
//	                       and a backup. aws: a profile (--profile, default vstorage)
//	                       merged into the AWS CLI's credentials and config files
//	                       ($AWS_SHARED_CREDENTIALS_FILE, $AWS_CONFIG_FILE, else
//	                       ~/.aws), keeping the other profiles and backups.
//	                       --install, --force and --full are for s3cmd only
//	--remote NAME          the rclone remote's name (--tool rclone)
//	--profile NAME         the AWS CLI profile's name (--tool aws)
//	--region NAME          storage region (default $VNGCLOUD_REGION, else HCM04)
//	--project ID           project (default $VNGCLOUD_PROJECT_ID, else the region's first)
//	-v                     log each API call (method, path, status; never secrets)
//
// Exit status: 0 on success, 1 when a step fails (the message names the
// step and lists what was already created), 2 for bad flags or a bad
// environment.
//
// The key's secret is written to the file and nowhere else: not to the
// terminal, not in a dry run (which creates no key), not in errors.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/demo"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/s3cfg/awscli"
	"github.com/vstorage-sdk/vngcloud/s3cfg/rclone"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole command; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, getenv, stdout, stderr, demo.Options{})
}

const usage = `usage: quickstart [--restrict] [--bucket NAME] [--service-account NAME]
                  [--out FILE] [--force] [--install] [--dry-run]
                  [--path-style] [--full] [--region NAME] [--project ID] [-v]
                  [--tool s3cmd|rclone|aws] [--remote NAME] [--profile NAME]

Creates an S3 key and writes an s3cmd config for it, as the vStorage console
does (or, with --tool, an rclone remote or an AWS CLI profile). Without
VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET it runs against in-memory
services and touches nothing.

`

// options are the parsed flags.
type options struct {
	demo.Flags
	restrict, install, dryRun, pathStyle, full, force bool
	bucket, serviceAccount, out                       string
	outSet                                            bool
	tool, remote, profile                             string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := demo.NewFlagSet("quickstart", usage, stderr)
	fs.BoolVar(&o.restrict, "restrict", false, "restrict the key by vIAM: service account, policy, link, bucket policy on --bucket")
	fs.StringVar(&o.bucket, "bucket", "", "bucket to grant the key read/write on, created when missing (default quickstart-<random> with --restrict)")
	fs.StringVar(&o.serviceAccount, "service-account", "", "name of the service account to create (default quickstart-<random>)")
	fs.StringVar(&o.out, "out", s3cfg.DownloadName, "file to write, as the console's download")
	fs.BoolVar(&o.force, "force", false, "replace an existing --out file")
	fs.BoolVar(&o.install, "install", false, "write where s3cmd looks without -c, keeping any existing file as a backup")
	fs.BoolVar(&o.dryRun, "dry-run", false, "change nothing; print the config with the secret redacted")
	fs.BoolVar(&o.pathStyle, "path-style", false, "path-style requests (host_bucket = host_base)")
	fs.BoolVar(&o.full, "full", false, `write all 87 options, as "s3cmd --configure" does`)
	fs.StringVar(&o.tool, "tool", toolS3cmd, "what to configure: s3cmd, rclone (a remote in rclone.conf) or aws (a profile in the AWS CLI's files)")
	fs.StringVar(&o.remote, "remote", "", "the rclone remote's name, with --tool rclone (default "+rclone.DefaultRemote+")")
	fs.StringVar(&o.profile, "profile", "", "the AWS CLI profile's name, with --tool aws (default "+awscli.DefaultProfile+")")
	o.Flags.Register(fs)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	o.outSet = set["out"]
	bad := func(format string, args ...any) (options, error) {
		fmt.Fprintf(stderr, "quickstart: "+format+"\n", args...)
		fs.Usage()
		return o, errors.New("bad flags")
	}
	if fs.NArg() > 0 {
		return bad("unexpected argument %q (every option is a flag)", fs.Arg(0))
	}
	if msg := checkToolFlags(&o, set); msg != "" {
		return bad("%s", msg)
	}
	if o.install && o.outSet {
		return bad("--install and --out both say where to write; give one")
	}
	if o.install && o.force {
		return bad("--install keeps the existing file as a backup; --force is for --out")
	}
	if o.out == "" {
		return bad("--out is empty")
	}
	if !o.restrict && o.serviceAccount != "" {
		return bad("--service-account needs --restrict")
	}
	suffix := randomSuffix()
	if o.restrict && o.bucket == "" {
		o.bucket = "quickstart-" + suffix
	}
	if o.restrict && o.serviceAccount == "" {
		o.serviceAccount = "quickstart-" + suffix
	}
	if o.bucket != "" {
		if err := vstorage.ValidateBucketName(o.bucket); err != nil {
			return bad("--bucket: %v", err)
		}
	}
	if o.restrict {
		if err := viam.ValidateServiceAccountName(o.serviceAccount); err != nil {
			return bad("--service-account: %v", err)
		}
	}
	return o, nil
}

func randomSuffix() string {
	b := make([]byte, 3)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// runWith is run with demo options a test can fill in (in-memory services
// with a real S3 data plane, client options).
func runWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, base demo.Options) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}

	// Decide where the file goes, and refuse a bad destination, before
	// anything is created.
	here, hereErr := s3cfg.DestinationFor(runtime.GOOS, demo.Lookup(getenv))
	path := o.out
	var td toolDest
	if o.tool != toolS3cmd {
		var code int
		if td, code, err = prepareTool(o, getenv); err != nil {
			fmt.Fprintf(stderr, "quickstart: %v\n", err)
			return code
		}
		path = td.path
	} else if o.install {
		if hereErr != nil {
			fmt.Fprintf(stderr, "quickstart: --install: cannot tell where s3cmd looks for its config: %v\n", hereErr)
			return 2
		}
		path = here.Path
	}
	if !o.dryRun && o.tool == toolS3cmd {
		if err := demo.CheckDest(path, o.force || o.install, o.install); err != nil {
			fmt.Fprintf(stderr, "quickstart: %v\n", err)
			return 1
		}
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}

	env, err := demo.Connect(ctx, stdout, getenv, o.Flags.Options(base, stderr))
	if err != nil {
		fmt.Fprintf(stderr, "quickstart: %v\n", err)
		return 2
	}
	defer env.Close()

	q := &quickstart{o: o, env: env, path: path, here: here, hereErr: hereErr, getenv: getenv, stdout: stdout, stderr: stderr, td: td}
	return q.run(ctx)
}

type quickstart struct {
	o       options
	env     *demo.Env
	path    string
	here    s3cfg.Destination
	hereErr error
	getenv  func(string) string
	stdout  io.Writer
	stderr  io.Writer

	steps   *demo.Steps
	created demo.Created
	saved   bool // the key's secret is in a file

	project vstorage.Project
	key     vstorage.S3Key
	sa      viam.ServiceAccount

	td toolDest // where an rclone or AWS CLI config goes
}

func (q *quickstart) run(ctx context.Context) int {
	o := q.o
	total := 5 // token, project, S3 key, config, write
	if o.restrict {
		total += 7 // check, service account, policy, attach policy, link key, bucket, grant
	} else if o.bucket != "" {
		total++ // bucket
	}
	q.steps = demo.NewSteps(q.stdout, total)
	s := q.steps
	if o.dryRun {
		fmt.Fprintln(q.stdout, "dry run: nothing will be created, changed or written.")
	}

	var err error
	if q.project, err = q.env.Login(ctx, s); err != nil {
		return q.fail(err)
	}

	if o.restrict {
		s.Start("check")
		if err := q.check(ctx); err != nil {
			return q.fail(err)
		}
	}

	s.Start("S3 key")
	if o.dryRun {
		s.Done("would create a key in project %s", q.project.ID)
		q.key = vstorage.S3Key{AccessKey: "NEW-ACCESS-KEY", SecretKey: vngcloud.Secret(vngcloud.Redacted)}
	} else {
		q.key, err = q.env.Storage.CreateS3Key(ctx, q.project.ID)
		if q.key.ID != "" {
			q.created.Add("S3 key %s (access key %s) in project %s: delete it in the vIAM console (vStorage credentials → S3 keys) or with vstorage.Client.DeleteS3Key(ctx, %q, %q)",
				q.key.ID, q.key.AccessKey, q.project.ID, q.project.ID, q.key.ID)
		}
		if err != nil {
			if demo.MaybeApplied(err) {
				q.created.Add("perhaps an S3 key in project %s: the answer was lost; list the project's keys (go run ./examples/listall) and delete any you do not know", q.project.ID)
			}
			return q.fail(err)
		}
		restriction := "off (unrestricted: the key has its creator's rights on every bucket of the project)"
		if o.restrict {
			restriction = "off until it is linked below"
		}
		s.Done("created access key %s (key ID %s); restriction by vIAM: %s", q.key.AccessKey, q.key.ID, restriction)
	}

	if o.restrict {
		if code, ok := q.restrict(ctx); !ok {
			return code
		}
	} else if o.bucket != "" {
		s.Start("bucket")
		if err := q.bucket(ctx); err != nil {
			return q.fail(err)
		}
	}

	s.Start(o.tool + " config")
	ep, err := q.env.S3(ctx)
	if err != nil {
		return q.fail(err)
	}
	v := s3cfg.VStorage{
		AccessKey: q.key.AccessKey,
		SecretKey: q.key.SecretKey,
		Region:    ep.Region,
		Endpoint:  ep.URL,
		PathStyle: o.pathStyle || ep.IP(),
	}
	if o.tool != toolS3cmd {
		return q.runTool(v, ep)
	}
	data, err := demo.Config(v, o.full, s3cfg.NewlineFor(runtime.GOOS))
	if err != nil {
		return q.fail(err)
	}
	form := "short form (the 7 keys that matter)"
	if o.full {
		form = `full form (all 87 options, as "s3cmd --configure" writes)`
	}
	note := ""
	if ep.IP() && !o.pathStyle {
		note = " (the endpoint is an IP address, where only path style works)"
	}
	s.Done("%s; %s%s; endpoint %s", form, demo.Describe(data), note, ep.Source)

	if o.dryRun {
		return q.printDryRun(data)
	}

	s.Start("write")
	policy := s3cfg.Refuse
	switch {
	case o.install:
		policy = s3cfg.Backup
	case o.force:
		policy = s3cfg.Replace
	}
	backup, err := s3cfg.WriteFile(q.path, data, s3cfg.WriteOptions{IfExists: policy, MkdirAll: o.install})
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			err = fmt.Errorf("%s appeared while this ran; not replacing it: %w", q.path, err)
		}
		return q.fail(err)
	}
	q.saved = true
	if backup != "" {
		s.Done("wrote %s (mode 0600); the previous file is kept as %s", q.path, backup)
	} else {
		s.Done("wrote %s (mode 0600)", q.path)
	}
	q.printNext()
	return 0
}

// check looks, read-only, for what would stop the restriction steps, so
// that a taken name fails the run before anything exists.
func (q *quickstart) check(ctx context.Context) error {
	o := q.o
	_, err := demo.FindServiceAccount(ctx, q.env.IAM, o.serviceAccount)
	switch {
	case err == nil:
		return fmt.Errorf("a service account called %q exists already; quickstart creates its own: choose another --service-account", o.serviceAccount)
	case !errors.Is(err, vngcloud.ErrNotFound):
		return err
	}
	bucket := "will be created"
	if _, err := q.env.Storage.GetBucket(ctx, q.project.ID, o.bucket); err == nil {
		bucket = "exists"
	} else if !errors.Is(err, vngcloud.ErrNotFound) {
		return err
	}
	q.steps.Done("service account name %s is free; bucket %s %s", o.serviceAccount, o.bucket, bucket)
	return nil
}

// restrict runs the restriction by vIAM: service account, policy,
// attachment, link, bucket, grant. ok is false when a step failed; code is
// then the exit status.
func (q *quickstart) restrict(ctx context.Context) (code int, ok bool) {
	o, s, env := q.o, q.steps, q.env
	policyName := o.serviceAccount + "-vstorage"

	s.Start("service account")
	if o.dryRun {
		s.Done("would create %s", o.serviceAccount)
	} else {
		created, err := env.IAM.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{
			Name:        o.serviceAccount,
			Description: "created by the vngcloud quickstart for S3 key " + q.key.AccessKey,
		})
		if created.ID != "" {
			q.sa = created.ServiceAccount
			q.created.Add("service account %s (ID %s): delete it in the vIAM console (Service accounts) or with viam.Client.DeleteServiceAccount(ctx, %q), after removing bucket policies that name it",
				q.sa.Name, q.sa.ID, q.sa.ID)
		}
		if err != nil {
			if demo.MaybeApplied(err) {
				q.created.Add("perhaps service account %s: the answer was lost; look for it in the vIAM console", o.serviceAccount)
			}
			return q.fail(err), false
		}
		// Its client secret is not needed: the key acts as the account
		// through the link, not through the account's own credentials.
		s.Done("created %s (ID %s)", q.sa.Name, q.sa.ID)
	}

	s.Start("policy")
	var policyID string
	if o.dryRun {
		s.Done("would create %s allowing vstorage:* on *", policyName)
	} else {
		id, err := env.IAM.CreatePolicy(ctx, viam.PolicyRequest{
			Name:        policyName,
			Description: "vStorage access for service account " + o.serviceAccount + " (vngcloud quickstart)",
			Document:    viam.VStorageFullAccess(),
		})
		if err != nil {
			if demo.MaybeApplied(err) {
				q.created.Add("perhaps policy %s: the answer was lost; look for it in the vIAM console (Policies)", policyName)
			}
			return q.fail(err), false
		}
		policyID = id
		q.created.Add("policy %s (ID %s): delete it in the vIAM console (Policies) or with viam.Client.DeletePolicy(ctx, %q), after detaching it", policyName, id, id)
		s.Done("created %s (ID %s) allowing vstorage:* on *", policyName, id)
	}

	s.Start("attach policy")
	if o.dryRun {
		s.Done("would attach %s to %s", policyName, o.serviceAccount)
	} else {
		if err := env.IAM.EnsurePolicyAttached(ctx, policyID, q.sa.ID); err != nil {
			return q.fail(err), false
		}
		q.created.Add("attachment of policy %s to service account %s: viam.Client.DetachPolicy(ctx, %q, %q)", policyName, q.sa.Name, policyID, q.sa.ID)
		s.Done("%s is attached to %s", policyName, q.sa.Name)
	}

	s.Start("link key")
	if o.dryRun {
		s.Done("would link the new key to %s (restriction by vIAM: on)", o.serviceAccount)
	} else {
		if err := env.Storage.LinkS3Key(ctx, q.project.ID, q.key.ID, q.sa.ID); err != nil {
			if demo.MaybeApplied(err) {
				q.created.Add("perhaps the link of key %s to service account %s: the answer was lost; see the key's restriction in the console (or listall)", q.key.AccessKey, q.sa.Name)
			}
			return q.fail(err), false
		}
		detail := ""
		if k, err := demo.FindKey(ctx, env.Storage, q.project.ID, q.key.ID); err == nil && k.SubUserID != "" {
			detail = ", subUserId " + k.SubUserID
		}
		s.Done("%s acts as %s now (restriction by vIAM: on%s)", q.key.AccessKey, q.sa.Name, detail)
	}

	s.Start("bucket")
	if err := q.bucket(ctx); err != nil {
		return q.fail(err), false
	}

	s.Start("grant")
	if o.dryRun {
		s.Done("would add read/write statements for the principal of %s to the policy of bucket %s", o.serviceAccount, o.bucket)
		return 0, true
	}
	p, err := env.Storage.EnsureServiceAccountPrincipal(ctx, q.project.ID, q.sa.ID)
	if err != nil {
		return q.fail(err), false
	}
	kept, changed, err := demo.GrantReadWrite(ctx, env.Storage, q.project.ID, o.bucket, p.ARN)
	if err != nil {
		return q.fail(err), false
	}
	if changed {
		q.created.Add("read/write statements for %s in the policy of bucket %s: remove them, or vstorage.Client.DeleteBucketPolicy(ctx, %q, %q) if the bucket had no policy before", p.ARN, o.bucket, q.project.ID, o.bucket)
	}
	keptNote := ""
	if kept > 0 {
		keptNote = fmt.Sprintf(" (its %d earlier statements kept)", kept)
	}
	s.Done("the policy of bucket %s gives %s read/write%s", o.bucket, p.ARN, keptNote)
	return 0, true
}

// bucket makes sure --bucket exists, as its own step.
func (q *quickstart) bucket(ctx context.Context) error {
	o, s := q.o, q.steps
	if o.dryRun {
		if _, err := q.env.Storage.GetBucket(ctx, q.project.ID, o.bucket); err == nil {
			s.Done("%s exists", o.bucket)
			return nil
		} else if !errors.Is(err, vngcloud.ErrNotFound) {
			return err
		}
		s.Done("would create %s", o.bucket)
		return nil
	}
	created, err := demo.EnsureBucket(ctx, q.env.Storage, q.project.ID, o.bucket)
	if err != nil {
		return err
	}
	if created {
		q.created.Add("bucket %s (created empty by this run): vstorage.Client.DeleteBucket(ctx, %q, %q), which deletes its objects too", o.bucket, q.project.ID, o.bucket)
		s.Done("created %s", o.bucket)
	} else {
		s.Done("%s exists", o.bucket)
	}
	return nil
}

// fail reports a failed step and what exists because of this run.
func (q *quickstart) fail(err error) int {
	if q.key.ID != "" && !q.saved && !q.o.dryRun {
		err = fmt.Errorf("%w\nThe secret of S3 key %s was not saved anywhere, so the key cannot be used: delete it", err, q.key.AccessKey)
	}
	return demo.Fail(q.stderr, "quickstart", q.steps, err, &q.created, q.env.Demo)
}

func (q *quickstart) printDryRun(data []byte) int {
	s := q.steps
	s.Start("write")
	where := q.path
	switch {
	case q.o.install:
		where += " (installed, any existing file kept as a backup)"
	case q.o.force:
		where += " (replacing any existing file)"
	default:
		if _, err := os.Lstat(q.path); err == nil {
			where += " (refused: it exists; add --force)"
		}
	}
	s.Done("would write %s", where)
	fmt.Fprintf(q.stdout, "\n--- %s (dry run: not written; the new key's access key and secret are placeholders) ---\n", filepath.Base(q.path))
	q.stdout.Write(data)
	fmt.Fprintln(q.stdout, "---")
	return 0
}

// printNext says how to use the file and where s3cmd looks for it.
func (q *quickstart) printNext() {
	w := q.stdout
	fmt.Fprintln(w)
	if q.o.restrict {
		fmt.Fprintf(w, "The key is restricted by vIAM: it acts as service account %s and may read and write bucket %s; it can still list the project's buckets and create buckets.\n", q.sa.Name, q.o.bucket)
	}
	if q.o.install {
		fmt.Fprintf(w, "s3cmd finds it without -c:\n  s3cmd ls\n")
	} else {
		fmt.Fprintf(w, "Use it with -c:\n  s3cmd -c %s ls\n", shellQuote(q.path))
	}
	fmt.Fprintln(w, "Without -c, s3cmd reads its config from:")
	if q.hereErr != nil {
		fmt.Fprintf(w, "  this system (%s): unknown: %v\n", runtime.GOOS, q.hereErr)
	} else if q.o.install {
		fmt.Fprintf(w, "  this system (%s): %s (%s): installed there\n", runtime.GOOS, q.here.Path, q.here.Rule)
	} else {
		fmt.Fprintf(w, "  this system (%s): %s (%s): move the file there (mv %s %s), or run again with --install\n",
			runtime.GOOS, q.here.Path, q.here.Rule, shellQuote(q.path), shellQuote(q.here.Path))
	}
	// Elsewhere, the Windows line is for a typical Windows user.
	lookup := s3cfg.EnvMap(map[string]string{"USERPROFILE": `C:\Users\<User>`, "APPDATA": `C:\Users\<User>\AppData\Roaming`})
	if runtime.GOOS == "windows" {
		lookup = demo.Lookup(q.getenv)
	}
	if win, err := s3cfg.DestinationFor("windows", lookup); err != nil {
		fmt.Fprintf(w, "  Windows: unknown: %v\n", err)
	} else {
		fmt.Fprintf(w, "  Windows: %s (%s): save the file in %s and rename it from %s to %s\n", win.Path, win.Rule, win.Dir, filepath.Base(q.path), s3cfg.WindowsName)
	}
	if q.env.Demo {
		fmt.Fprintln(w, "(demo: this key was made by the in-memory services, not by vStorage, which does not know it; set VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET for a real key)")
	}
}

// shellQuote quotes a path for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == ':' || r == '\\' ||
			r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
