// Command rotatekey replaces the S3 key of an s3cmd config file with a new
// one: it creates the new key (linked to the same service account when the
// old key is restricted by vIAM, so the new key has the same rights and no
// more), rewrites only the access_key and secret_key lines of the file (every
// other byte stays: comments, order, line ends), keeps the previous file as
// a backup, and deletes the old key only after the new file is in place.
//
// Without credentials it runs against in-memory services started in the
// same process; when the config file does not exist there, it first creates
// a key and writes the file as the quickstart would, so that there is
// something to rotate:
//
//	go run ./examples/rotatekey --config /tmp/demo.s3cfg
//
// Against your account:
//
//	export VNGCLOUD_CLIENT_ID=... VNGCLOUD_CLIENT_SECRET=... VNGCLOUD_PROJECT_ID=...
//	go run ./examples/rotatekey --config ~/.s3cfg
//
// Flags: --config FILE (default ./s3cnf.s3cfg), --keep-old (do not delete
// the old key), --region, --project, -v. Exit status: 0, 1 when a step
// fails (the message says what exists and which key the file holds), 2 for
// bad flags or a bad environment. Secrets go to the file only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
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

const usage = `usage: rotatekey [--config FILE] [--keep-old] [--region NAME] [--project ID] [-v]

Creates a new S3 key, puts it in the s3cmd config FILE in place of the old
one (changing nothing else, keeping a backup), then deletes the old key.

`

type rotation struct {
	path    string
	keepOld bool
	env     *demo.Env
	stdout  io.Writer
	stderr  io.Writer

	steps   *demo.Steps
	created demo.Created
	project vstorage.Project
	file    *s3cfg.File
	old     vstorage.S3Key
	sa      *viam.ServiceAccount // the old key's service account, if restricted
	fresh   vstorage.S3Key
}

func runWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, base demo.Options) int {
	var f demo.Flags
	r := &rotation{stdout: stdout, stderr: stderr}
	fs := demo.NewFlagSet("rotatekey", usage, stderr)
	fs.StringVar(&r.path, "config", s3cfg.DownloadName, "the s3cmd config file whose key to rotate")
	fs.BoolVar(&r.keepOld, "keep-old", false, "do not delete the old key")
	f.Register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || r.path == "" {
		fmt.Fprintln(stderr, "rotatekey: give the file with --config FILE")
		fs.Usage()
		return 2
	}
	env, err := demo.Connect(ctx, stdout, getenv, f.Options(base, stderr))
	if err != nil {
		fmt.Fprintf(stderr, "rotatekey: %v\n", err)
		return 2
	}
	defer env.Close()
	r.env = env
	if env.Demo {
		if _, err := os.Lstat(r.path); errors.Is(err, os.ErrNotExist) {
			if err := seed(ctx, env, r.path, stdout); err != nil {
				fmt.Fprintf(stderr, "rotatekey: demo: %v\n", err)
				return 1
			}
		}
	}
	return r.run(ctx)
}

// seed creates a key and writes its config to path, as the quickstart
// does, so that the demo has a key to rotate.
func seed(ctx context.Context, env *demo.Env, path string, w io.Writer) error {
	p, err := env.Project(ctx)
	if err != nil {
		return err
	}
	ep, err := env.S3(ctx)
	if err != nil {
		return err
	}
	k, err := env.Storage.CreateS3Key(ctx, p.ID)
	if err != nil {
		return err
	}
	data, err := demo.Config(s3cfg.VStorage{AccessKey: k.AccessKey, SecretKey: k.SecretKey, Region: ep.Region, Endpoint: ep.URL, PathStyle: ep.IP()},
		false, s3cfg.NewlineFor(runtime.GOOS))
	if err != nil {
		return err
	}
	if _, err := s3cfg.WriteFile(path, data, s3cfg.WriteOptions{}); err != nil {
		return err
	}
	fmt.Fprintf(w, "demo: %s did not exist; created S3 key %s and wrote it there, as the quickstart does, to have a key to rotate\n", path, k.AccessKey)
	return nil
}

func (r *rotation) run(ctx context.Context) int {
	total := 6 // token, project, current key, new key, update config, old key
	r.steps = demo.NewSteps(r.stdout, total)
	s := r.steps

	var err error
	if r.project, err = r.env.Login(ctx, s); err != nil {
		return r.fail(err)
	}

	s.Start("current key")
	if err := r.current(ctx); err != nil {
		return r.fail(err)
	}

	s.Start("new key")
	r.fresh, err = r.env.Storage.CreateS3Key(ctx, r.project.ID)
	if r.fresh.ID != "" {
		r.created.Add("new S3 key %s (key ID %s), whose secret was not saved: delete it with vstorage.Client.DeleteS3Key(ctx, %q, %q); %s still holds the old key %s, which still works",
			r.fresh.AccessKey, r.fresh.ID, r.project.ID, r.fresh.ID, r.path, r.old.AccessKey)
	}
	if err != nil {
		if demo.MaybeApplied(err) {
			r.created.Add("perhaps a new S3 key in project %s: the answer was lost; list the keys (go run ./examples/listall) and delete any you do not know", r.project.ID)
		}
		return r.fail(err)
	}
	if r.sa != nil {
		if err := r.env.Storage.LinkS3Key(ctx, r.project.ID, r.fresh.ID, r.sa.ID); err != nil {
			return r.fail(fmt.Errorf("linking the new key to service account %s, as the old one is: %w", r.sa.Name, err))
		}
		s.Done("created %s (key ID %s), linked to service account %s like the old key", r.fresh.AccessKey, r.fresh.ID, r.sa.Name)
	} else {
		s.Done("created %s (key ID %s), unrestricted like the old key", r.fresh.AccessKey, r.fresh.ID)
	}

	s.Start("update config")
	if err := r.file.Set("access_key", r.fresh.AccessKey); err != nil {
		return r.fail(err)
	}
	if err := r.file.Set("secret_key", r.fresh.SecretKey.Reveal()); err != nil {
		return r.fail(err)
	}
	backup, err := s3cfg.WriteFile(r.path, r.file.Bytes(), s3cfg.WriteOptions{IfExists: s3cfg.Backup})
	if err != nil {
		return r.fail(err)
	}
	r.created = demo.Created{} // the new key is in the file now: nothing is left over
	s.Done("wrote the new access_key and secret_key to %s, every other line unchanged; previous version kept as %s (it holds the old key: delete it once the new key works)", r.path, backup)

	s.Start("old key")
	if r.keepOld {
		s.Done("kept %s (--keep-old); delete it with vstorage.Client.DeleteS3Key(ctx, %q, %q) when nothing uses it", r.old.AccessKey, r.project.ID, r.old.ID)
		return 0
	}
	if err := r.env.Storage.DeleteS3Key(ctx, r.project.ID, r.old.ID); err != nil {
		return r.fail(fmt.Errorf("%w\n%s holds the new key %s already; the old key %s still exists: delete it with vstorage.Client.DeleteS3Key(ctx, %q, %q)",
			err, r.path, r.fresh.AccessKey, r.old.AccessKey, r.project.ID, r.old.ID))
	}
	s.Done("deleted %s; it stops working now", r.old.AccessKey)
	return 0
}

// current reads the config and finds its key in the project, and the
// service account the key is linked to. Nothing is created before it
// succeeds.
func (r *rotation) current(ctx context.Context) error {
	data, err := os.ReadFile(r.path)
	if err != nil {
		return err
	}
	if r.file, err = s3cfg.Parse(data); err != nil {
		return fmt.Errorf("%s: s3cmd could not read it either: %w", r.path, err)
	}
	ak, ok := r.file.Get("access_key")
	if !ok || ak == "" {
		return fmt.Errorf("%s sets no access_key", r.path)
	}
	for _, k := range []string{"access_key", "secret_key"} {
		if v, _ := r.file.Get(k); strings.HasPrefix(v, "$") {
			return fmt.Errorf("%s reads %s from an environment variable; rotate the variable's value instead", r.path, k)
		}
	}
	r.old, err = demo.FindKey(ctx, r.env.Storage, r.project.ID, ak)
	if err != nil {
		if errors.Is(err, vngcloud.ErrNotFound) && r.env.Demo {
			err = fmt.Errorf("%w (the in-memory demo starts empty on every run, so a file written by an earlier run names a key it never had: give --config a new file name to see a whole rotation)", err)
		}
		return err
	}
	if !r.old.Restricted() {
		r.steps.Done("%s (key ID %s) from %s, unrestricted", r.old.AccessKey, r.old.ID, r.path)
		return nil
	}
	sa, err := demo.FindServiceAccount(ctx, r.env.IAM, r.old.ServiceAccountName())
	if err != nil {
		return fmt.Errorf("the key acts as service account %q (subUserId %s), which the new key must be linked to: %w", r.old.ServiceAccountName(), r.old.SubUserID, err)
	}
	r.sa = &sa
	r.steps.Done("%s (key ID %s) from %s, restricted by vIAM: acts as service account %s", r.old.AccessKey, r.old.ID, r.path, sa.Name)
	return nil
}

func (r *rotation) fail(err error) int {
	return demo.Fail(r.stderr, "rotatekey", r.steps, err, &r.created, r.env.Demo)
}
