// Command lockkey locks an existing S3 key to one bucket: it makes sure a
// vIAM service account exists for the key, creates the account's storage
// principal, adds read/write statements for that principal to the bucket's
// policy (keeping the statements already there), and only then links the
// key to the service account. From then on the key is restricted by vIAM:
// it acts as the service account, whose bucket rights come only from bucket
// policies naming its principal. (It can still list the project's buckets
// and create new ones: vStorage does not restrict those.)
//
// The key is named with --access-key (an access key or a key ID), or read
// from the access_key of an s3cmd config file (--config, default
// ./s3cnf.s3cfg). The file is only read.
//
// Without credentials it runs against in-memory services started in the
// same process; with neither --access-key nor an existing config file there,
// it first creates a key to lock:
//
//	go run ./examples/lockkey --bucket photos
//
// Against your account:
//
//	export VNGCLOUD_CLIENT_ID=... VNGCLOUD_CLIENT_SECRET=... VNGCLOUD_PROJECT_ID=...
//	go run ./examples/lockkey --bucket photos --config ~/.s3cfg
//
// Flags: --bucket NAME (required; created when missing), --service-account
// NAME (default lock-<bucket>; used when it exists, created otherwise),
// --access-key ID, --config FILE, --region, --project, -v. Exit status: 0,
// 1 when a step fails (the message lists what was created), 2 for bad flags
// or a bad environment.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/demo"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, getenv, stdout, stderr, demo.Options{})
}

const usage = `usage: lockkey --bucket NAME [--service-account NAME] [--access-key ID | --config FILE]
               [--region NAME] [--project ID] [-v]

Restricts an S3 key by vIAM to read/write on one bucket: service account,
principal, bucket policy, link.

`

type lock struct {
	bucket, saName, keyID, config string
	env                           *demo.Env
	stdout, stderr                io.Writer

	steps   *demo.Steps
	created demo.Created
	project vstorage.Project
	key     vstorage.S3Key
	sa      viam.ServiceAccount
}

func runWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, base demo.Options) int {
	var f demo.Flags
	l := &lock{stdout: stdout, stderr: stderr}
	fs := demo.NewFlagSet("lockkey", usage, stderr)
	fs.StringVar(&l.bucket, "bucket", "", "the bucket the key may read and write (created when missing)")
	fs.StringVar(&l.saName, "service-account", "", "the service account the key will act as (default lock-<bucket>; created when missing)")
	fs.StringVar(&l.keyID, "access-key", "", "the key to lock: its access key or key ID (default: the access_key of --config)")
	fs.StringVar(&l.config, "config", s3cfg.DownloadName, "an s3cmd config to read the access key from (only read)")
	f.Register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	bad := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "lockkey: "+format+"\n", args...)
		fs.Usage()
		return 2
	}
	if fs.NArg() > 0 {
		return bad("unexpected argument %q", fs.Arg(0))
	}
	if l.bucket == "" {
		return bad("--bucket is required")
	}
	if err := vstorage.ValidateBucketName(l.bucket); err != nil {
		return bad("--bucket: %v", err)
	}
	if l.saName == "" {
		l.saName = "lock-" + strings.ReplaceAll(l.bucket, ".", "-")
		if len(l.saName) > viam.MaxServiceAccountNameLength {
			l.saName = strings.TrimRight(l.saName[:viam.MaxServiceAccountNameLength], "-")
		}
	}
	if err := viam.ValidateServiceAccountName(l.saName); err != nil {
		return bad("--service-account: %v", err)
	}

	env, err := demo.Connect(ctx, stdout, getenv, f.Options(base, stderr))
	if err != nil {
		fmt.Fprintf(stderr, "lockkey: %v\n", err)
		return 2
	}
	defer env.Close()
	l.env = env
	return l.run(ctx)
}

func (l *lock) run(ctx context.Context) int {
	l.steps = demo.NewSteps(l.stdout, 8) // token, project, key, service account, bucket, principal, bucket policy, link
	s := l.steps

	var err error
	if l.project, err = l.env.Login(ctx, s); err != nil {
		return l.fail(err)
	}

	s.Start("key")
	if err := l.findKey(ctx); err != nil {
		return l.fail(err)
	}

	s.Start("service account")
	l.sa, err = demo.FindServiceAccount(ctx, l.env.IAM, l.saName)
	switch {
	case err == nil:
		s.Done("%s exists (ID %s); using it", l.sa.Name, l.sa.ID)
	case errors.Is(err, vngcloud.ErrNotFound):
		created, err := l.env.IAM.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{
			Name:        l.saName,
			Description: "read/write on bucket " + l.bucket + " (vngcloud lockkey)",
		})
		if created.ID != "" {
			l.sa = created.ServiceAccount
			l.created.Add("service account %s (ID %s): viam.Client.DeleteServiceAccount(ctx, %q), after removing bucket policies that name it", l.sa.Name, l.sa.ID, l.sa.ID)
		}
		if err != nil {
			if demo.MaybeApplied(err) {
				l.created.Add("perhaps service account %s: the answer was lost; look for it in the vIAM console", l.saName)
			}
			return l.fail(err)
		}
		s.Done("created %s (ID %s)", l.sa.Name, l.sa.ID)
	default:
		return l.fail(err)
	}

	s.Start("bucket")
	made, err := demo.EnsureBucket(ctx, l.env.Storage, l.project.ID, l.bucket)
	if err != nil {
		return l.fail(err)
	}
	if made {
		l.created.Add("bucket %s (created empty): vstorage.Client.DeleteBucket(ctx, %q, %q)", l.bucket, l.project.ID, l.bucket)
		s.Done("created %s", l.bucket)
	} else {
		s.Done("%s exists", l.bucket)
	}

	s.Start("principal")
	p, err := l.env.Storage.EnsureServiceAccountPrincipal(ctx, l.project.ID, l.sa.ID)
	if err != nil {
		return l.fail(err)
	}
	s.Done("%s", p.ARN)

	s.Start("bucket policy")
	kept, changed, err := demo.GrantReadWrite(ctx, l.env.Storage, l.project.ID, l.bucket, p.ARN)
	if err != nil {
		return l.fail(err)
	}
	switch {
	case !changed:
		s.Done("the policy of %s already gives %s read/write", l.bucket, p.ARN)
	case kept > 0:
		l.created.Add("read/write statements for %s in the policy of bucket %s (its %d earlier statements kept): remove them", p.ARN, l.bucket, kept)
		s.Done("added read/write statements for the principal to the policy of %s; its %d earlier statements kept", l.bucket, kept)
	default:
		l.created.Add("the policy of bucket %s, which grants %s read/write: vstorage.Client.DeleteBucketPolicy(ctx, %q, %q)", l.bucket, p.ARN, l.project.ID, l.bucket)
		s.Done("%s had no policy; it now gives the principal read/write", l.bucket)
	}

	s.Start("link key")
	if l.key.Restricted() {
		s.Done("%s acts as %s already", l.key.AccessKey, l.sa.Name)
	} else {
		if err := l.env.Storage.LinkS3Key(ctx, l.project.ID, l.key.ID, l.sa.ID); err != nil {
			if demo.MaybeApplied(err) {
				l.created.Add("perhaps the link of key %s to %s: the answer was lost; look at the key's restriction (go run ./examples/listall)", l.key.AccessKey, l.sa.Name)
			}
			return l.fail(err)
		}
		k, err := demo.FindKey(ctx, l.env.Storage, l.project.ID, l.key.ID)
		if err != nil {
			return l.fail(err)
		}
		s.Done("%s acts as %s now (restriction by vIAM: on, subUserId %s)", k.AccessKey, l.sa.Name, k.SubUserID)
	}
	fmt.Fprintf(l.stdout, "\nKey %s may read and write bucket %s and no other bucket (it can still list the project's buckets and create buckets).\n", l.key.AccessKey, l.bucket)
	return 0
}

// findKey finds the key to lock and refuses one that acts as another
// service account already. Nothing is created before it succeeds, except
// the demo's key.
func (l *lock) findKey(ctx context.Context) error {
	id, from := l.keyID, "--access-key"
	if id == "" {
		data, err := os.ReadFile(l.config)
		switch {
		case err == nil:
			f, err := s3cfg.Parse(data)
			if err != nil {
				return fmt.Errorf("%s: %w", l.config, err)
			}
			if id, _ = f.Get("access_key"); id == "" || strings.HasPrefix(id, "$") {
				return fmt.Errorf("%s names no access key; give --access-key", l.config)
			}
			from = l.config
		case errors.Is(err, os.ErrNotExist) && l.env.Demo:
			k, err := l.env.Storage.CreateS3Key(ctx, l.project.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(l.stdout, "demo: no --access-key and no %s; created S3 key %s to lock\n", l.config, k.AccessKey)
			id, from = k.ID, "the demo"
		case errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("no --access-key given and %s does not exist: name the key to lock", l.config)
		default:
			return err
		}
	}
	k, err := demo.FindKey(ctx, l.env.Storage, l.project.ID, id)
	if err != nil {
		return err
	}
	if k.Restricted() && k.ServiceAccountName() != l.saName {
		return fmt.Errorf("key %s acts as service account %q already (subUserId %s); detach it first (vstorage.Client.UnlinkS3Key) or name that account with --service-account", k.AccessKey, k.ServiceAccountName(), k.SubUserID)
	}
	l.key = k
	state := "unrestricted"
	if k.Restricted() {
		state = "restricted by vIAM to " + l.saName + " already"
	}
	l.steps.Done("%s (key ID %s, from %s), %s", k.AccessKey, k.ID, from, state)
	return nil
}

func (l *lock) fail(err error) int {
	return demo.Fail(l.stderr, "lockkey", l.steps, err, &l.created, l.env.Demo)
}
