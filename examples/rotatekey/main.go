// Command rotatekey replaces the S3 key of an s3cmd config file with a new
// one, with one library call, vstorage.RotateKey: it checks first, creates
// the new key (linked to the same service account when the old key is
// restricted by vIAM), rewrites only the access_key and secret_key lines of
// the file (keeping the previous file as FILE.bak), and deletes the old key
// only after the new file is in place.
//
// Without credentials it runs against in-memory services started in the
// same process; when --config does not exist there, it first makes a key
// and writes the file with vstorage.Setup, as quickstart does, so that
// there is something to rotate:
//
//	go run ./examples/rotatekey --config /tmp/demo.s3cfg
//
// Against your account:
//
//	export VNGCLOUD_CLIENT_ID=... VNGCLOUD_CLIENT_SECRET=... VNGCLOUD_PROJECT_ID=...
//	go run ./examples/rotatekey --config ~/.s3cfg
//
// Exit status: 0; 1 when the plan refuses or a step fails (the message says
// what became of the new key and which key the file holds); 2 for bad
// flags or a bad environment. Secrets go to the file only.
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
	var path string
	var keepOld, verbose bool
	var timeout time.Duration
	fs := flag.NewFlagSet("rotatekey", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&path, "config", s3cfg.DownloadName, "the s3cmd config file whose key to rotate")
	fs.BoolVar(&keepOld, "keep-old", false, "do not delete the old key")
	fs.DurationVar(&timeout, "timeout", 2*time.Minute, "give up (undoing what was created) after this long")
	fs.BoolVar(&verbose, "v", false, "log each API call to stderr (never secrets)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || path == "" {
		fmt.Fprintln(stderr, "rotatekey: give the file with --config FILE")
		fs.Usage()
		return 2
	}
	var opts []vngcloud.Option
	if verbose {
		opts = append(opts, vngcloud.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	c, err := vstoragetest.ClientsFromEnv(getenv, off, stdout, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "rotatekey: %v\n", err)
		return 2
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pr := vstorage.NewProgressPrinter(stdout)
	defer pr.Watch(ctx)()
	if _, err := os.Lstat(path); c.Sandbox != nil && errors.Is(err, os.ErrNotExist) {
		// Something to rotate: a key and its file, as quickstart makes them.
		res, err := vstorage.Setup(ctx, vstorage.SetupRequest{Storage: c.Storage, ProjectID: c.ProjectID, Config: &vstorage.S3cmdFile{Path: path}})
		if err != nil {
			fmt.Fprintf(stderr, "rotatekey: demo: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "demo: %s did not exist; made S3 key %s and wrote it there with vstorage.Setup, to have a key to rotate\n", path, res.Key.AccessKey)
	}
	res, err := vstorage.RotateKey(ctx, vstorage.RotateRequest{Storage: c.Storage, IAM: c.IAM, ProjectID: c.ProjectID, Path: path, KeepOld: keepOld, Progress: pr.Event})
	if err != nil {
		fmt.Fprintf(stderr, "rotatekey: %v\n", err)
		if c.Sandbox != nil && errors.Is(err, vstorage.ErrRefused) {
			fmt.Fprintln(stderr, "rotatekey: (the in-memory demo starts empty on every run, so a file written by an earlier run names a key it never had: give --config a new file name)")
		}
		return 1
	}
	if keepOld {
		fmt.Fprintf(stdout, "\nThe old key %s is kept (--keep-old): delete it when nothing uses it.\n", res.Old.AccessKey)
	}
	return 0
}
