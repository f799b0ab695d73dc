// Command windowsconfig writes an s3cmd config for someone on Windows, from
// any system: it creates an S3 key, writes s3cmd.ini with Windows line ends
// (CRLF, as s3cmd writes it there), and says where it goes on the Windows
// machine: %APPDATA%\s3cmd.ini, computed with s3cmd's own rules for the
// Windows user's environment (given with --user, --appdata or
// --userprofile, or assumed).
//
// It is the console's "Download configuration file" followed by the
// Windows steps of the vendor guide (save it under
// C:\Users\<User>\AppData\Roaming and rename s3cnf.s3cfg to s3cmd.ini),
// done in one go.
//
// Without credentials it runs against in-memory services started in the
// same process and touches nothing:
//
//	go run ./examples/windowsconfig --user alice --out /tmp/s3cmd.ini
//
// Against your account:
//
//	export VNGCLOUD_CLIENT_ID=... VNGCLOUD_CLIENT_SECRET=... VNGCLOUD_PROJECT_ID=...
//	go run ./examples/windowsconfig --user alice
//
// Flags: --out FILE (default ./s3cmd.ini; an existing file is refused
// unless --force), --user NAME, --appdata PATH, --userprofile PATH,
// --path-style, --full, --region, --project, -v. Exit status: 0, 1 when a
// step fails (the message lists what was created), 2 for bad flags or a bad
// environment. The secret goes to the file only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/vstorage-sdk/vngcloud/internal/demo"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
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

const usage = `usage: windowsconfig [--out FILE] [--force] [--user NAME | --appdata PATH | --userprofile PATH]
                     [--path-style] [--full] [--region NAME] [--project ID] [-v]

Creates an S3 key and writes s3cmd.ini (CRLF line ends) for a Windows user,
saying where to put it on the Windows machine.

`

const placeholderUser = "<User>"

func runWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, base demo.Options) int {
	var (
		f                               demo.Flags
		out, user, appdata, userprofile string
		force, pathStyle, full          bool
		fs                              = demo.NewFlagSet("windowsconfig", usage, stderr)
	)
	fs.StringVar(&out, "out", s3cfg.WindowsName, "file to write")
	fs.BoolVar(&force, "force", false, "replace an existing --out file")
	fs.StringVar(&user, "user", "", `the Windows user name, for C:\Users\NAME\AppData\Roaming`)
	fs.StringVar(&appdata, "appdata", "", `the user's %APPDATA% (default C:\Users\NAME\AppData\Roaming)`)
	fs.StringVar(&userprofile, "userprofile", "", `the user's %USERPROFILE% (default C:\Users\NAME)`)
	fs.BoolVar(&pathStyle, "path-style", false, "path-style requests (host_bucket = host_base)")
	fs.BoolVar(&full, "full", false, `write all 87 options, as "s3cmd --configure" does`)
	f.Register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	bad := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "windowsconfig: "+format+"\n", args...)
		fs.Usage()
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return bad("unexpected argument %q", fs.Arg(0))
	case out == "":
		return bad("--out is empty")
	case strings.ContainsAny(user, `\/:*?"<>|`):
		return bad("--user %q: a Windows user name has none of \\ / : * ? \" < > |", user)
	}
	dest, err := s3cfg.DestinationFor("windows", s3cfg.EnvMap(windowsEnv(user, appdata, userprofile)))
	if err != nil {
		return bad("cannot tell where s3cmd looks on Windows: %v", err)
	}
	if err := demo.CheckDest(out, force, false); err != nil {
		fmt.Fprintf(stderr, "windowsconfig: %v\n", err)
		return 1
	}

	env, err := demo.Connect(ctx, stdout, getenv, f.Options(base, stderr))
	if err != nil {
		fmt.Fprintf(stderr, "windowsconfig: %v\n", err)
		return 2
	}
	defer env.Close()

	var created demo.Created
	steps := demo.NewSteps(stdout, 5)
	fail := func(err error) int { return demo.Fail(stderr, "windowsconfig", steps, err, &created, env.Demo) }

	p, err := env.Login(ctx, steps)
	if err != nil {
		return fail(err)
	}

	steps.Start("S3 key")
	k, err := env.Storage.CreateS3Key(ctx, p.ID)
	if k.ID != "" {
		created.Add("S3 key %s (key ID %s), whose secret was not saved: delete it with vstorage.Client.DeleteS3Key(ctx, %q, %q)", k.AccessKey, k.ID, p.ID, k.ID)
	}
	if err != nil {
		if demo.MaybeApplied(err) {
			created.Add("perhaps an S3 key in project %s: the answer was lost; list the keys (go run ./examples/listall) and delete any you do not know", p.ID)
		}
		return fail(err)
	}
	steps.Done("created access key %s (key ID %s); restriction by vIAM: off", k.AccessKey, k.ID)

	steps.Start("s3cmd config")
	ep, err := env.S3(ctx)
	if err != nil {
		return fail(err)
	}
	v := s3cfg.VStorage{AccessKey: k.AccessKey, SecretKey: k.SecretKey, Region: ep.Region, Endpoint: ep.URL, PathStyle: pathStyle || ep.IP()}
	data, err := demo.Config(v, full, s3cfg.NewlineFor("windows"))
	if err != nil {
		return fail(err)
	}
	steps.Done("%s; CRLF line ends, as s3cmd writes on Windows", demo.Describe(data))

	steps.Start("write")
	policy := s3cfg.Refuse
	if force {
		policy = s3cfg.Replace
	}
	if _, err := s3cfg.WriteFile(out, data, s3cfg.WriteOptions{IfExists: policy}); err != nil {
		return fail(err)
	}
	created = demo.Created{}
	abs, _ := filepath.Abs(out)
	steps.Done("wrote %s (mode 0600)", abs)

	fmt.Fprintf(stdout, "\nOn the Windows machine, s3cmd reads %s (rule %s).\n", dest.Path, dest.Rule)
	fmt.Fprintf(stdout, "Copy %s into %s as %s; then, in the s3cmd folder: python s3cmd ls\n", filepath.Base(out), dest.Dir, dest.Name)
	if strings.Contains(dest.Path, placeholderUser) {
		fmt.Fprintf(stdout, "(%s stands for the Windows user name: give --user, or --appdata with what \"echo %%APPDATA%%\" prints in the user's Command Prompt)\n", placeholderUser)
	}
	if env.Demo {
		fmt.Fprintln(stdout, "(demo: the key exists only in the in-memory services, which are gone now)")
	}
	return 0
}

// windowsEnv is the part of the Windows user's environment that decides
// where s3cmd looks, from the flags, with the usual layout
// (C:\Users\NAME, C:\Users\NAME\AppData\Roaming) for what they leave out.
func windowsEnv(user, appdata, userprofile string) map[string]string {
	if user == "" {
		user = placeholderUser
	}
	if userprofile == "" {
		userprofile = `C:\Users\` + user
	}
	if appdata == "" {
		appdata = strings.TrimRight(userprofile, `\`) + `\AppData\Roaming`
	}
	return map[string]string{"USERPROFILE": userprofile, "APPDATA": appdata}
}
