// Command lockkey locks an existing S3 key to one bucket, with one library
// call, vstorage.LockKey: it checks first, reuses or creates the vIAM
// service account, gives the account's storage principal read/write on the
// bucket through the bucket's policy (keeping the statements already
// there), and only then links the key to the account. From then on the key
// is restricted by vIAM: its bucket rights are those that bucket policies
// give the service account. (It can still list the project's buckets and
// create buckets: vStorage does not restrict those.) A failed step undoes
// what the run created.
//
// The key is named with --access-key (an access key or a key ID), or read
// from the access_key of an s3cmd config file (--config; only read).
//
// Without credentials it runs against in-memory services started in the
// same process, and first makes a key to lock:
//
//	go run ./examples/lockkey --bucket photos
//
// Against your account:
//
//	export VNGCLOUD_CLIENT_ID=... VNGCLOUD_CLIENT_SECRET=... VNGCLOUD_PROJECT_ID=...
//	go run ./examples/lockkey --bucket photos --config ~/.s3cfg
//
// Exit status: 0; 1 when the plan refuses or a step fails; 2 for bad flags
// (--bucket is required) or a bad environment.
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
	"strings"
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

func runWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, off *vstoragetest.Sandbox) int {
	var bucket, saName, key, config, policy string
	var timeout time.Duration
	var verbose bool
	fs := flag.NewFlagSet("lockkey", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&bucket, "bucket", "", "the bucket the key may read and write (created when missing); required")
	fs.StringVar(&saName, "service-account", "", "the service account the key will act as (default lock-<bucket>; reused when it exists)")
	fs.StringVar(&policy, "policy", "", "a managed vIAM policy to attach to the service account, by name (default none)")
	fs.StringVar(&key, "access-key", "", "the key to lock: its access key or key ID (default: the access_key of --config)")
	fs.StringVar(&config, "config", "", "an s3cmd config to read the access key from (only read)")
	fs.DurationVar(&timeout, "timeout", 2*time.Minute, "give up (undoing what was created) after this long")
	fs.BoolVar(&verbose, "v", false, "log each API call to stderr (never secrets)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	bad := ""
	switch {
	case fs.NArg() > 0:
		bad = fmt.Sprintf("unexpected argument %q", fs.Arg(0))
	case bucket == "":
		bad = "--bucket is required"
	case key != "" && config != "":
		bad = "--access-key and --config both name the key; give one"
	}
	if bad != "" {
		fmt.Fprintf(stderr, "lockkey: %s\n", bad)
		fs.Usage()
		return 2
	}
	if saName == "" {
		saName = strings.TrimRight(("lock-" + strings.ReplaceAll(bucket, ".", "-"))[:min(len(bucket)+5, viam.MaxServiceAccountNameLength)], "-")
	}
	if config != "" {
		data, err := os.ReadFile(config)
		if err == nil {
			var file *s3cfg.File
			if file, err = s3cfg.Parse(data); err == nil {
				key, _ = file.Get("access_key")
			}
		}
		if err != nil || key == "" || strings.HasPrefix(key, "$") {
			fmt.Fprintf(stderr, "lockkey: --config %s names no access key (%v); give --access-key\n", config, err)
			return 1
		}
	}
	var opts []vngcloud.Option
	if verbose {
		opts = append(opts, vngcloud.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	c, err := vstoragetest.ClientsFromEnv(getenv, off, stdout, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "lockkey: %v\n", err)
		return 2
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if c.Sandbox != nil && key == "" {
		k, err := c.Storage.CreateS3Key(ctx, c.ProjectID)
		if err != nil {
			fmt.Fprintf(stderr, "lockkey: demo: %v\n", err)
			return 1
		}
		key = k.AccessKey
		fmt.Fprintf(stdout, "demo: made S3 key %s to lock\n", key)
	}
	if key == "" {
		fmt.Fprintln(stderr, "lockkey: name the key to lock with --access-key or --config")
		fs.Usage()
		return 2
	}
	pr := vstorage.NewProgressPrinter(stdout)
	defer pr.Watch(ctx)()
	req := vstorage.SetupRequest{Storage: c.Storage, IAM: c.IAM, ProjectID: c.ProjectID, Bucket: bucket, ExistingKey: key,
		Restrict: &vstorage.Restriction{ServiceAccount: saName, ManagedPolicy: policy}, Progress: pr.Event}
	res, err := vstorage.LockKey(ctx, req)
	if err != nil {
		fmt.Fprintf(stderr, "lockkey: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "\nKey %s acts as service account %s: it may read and write bucket %s and no other bucket (it can still list the project's buckets and create buckets).\n",
		res.Key.AccessKey, res.ServiceAccount.Name, bucket)
	return 0
}
