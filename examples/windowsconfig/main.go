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
// It is one library call, vstorage.Setup, with a vstorage.S3cmdFile of CRLF
// line ends: the plan checks the destination before a key exists, and a
// failed write deletes the key again.
//
// Flags: --out FILE (default ./s3cmd.ini; an existing file is refused
// unless --force; a folder gets s3cmd.ini in it), --user NAME, --appdata
// PATH, --userprofile PATH, --path-style, --full, --timeout, -v. The region
// and project come from VNGCLOUD_REGION and VNGCLOUD_PROJECT_ID (default:
// HCM04 and its first project). Exit status: 0; 1 when the plan refuses or
// a step fails (what was created is undone); 2 for bad flags or a bad
// environment. The secret goes to the file only.
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
	"path/filepath"
	"strings"
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

const placeholderUser = "<User>"

func runWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, off *vstoragetest.Sandbox) int {
	var (
		out, user, appdata, userprofile string
		force, pathStyle, full, verbose bool
		timeout                         time.Duration
		fs                              = flag.NewFlagSet("windowsconfig", flag.ContinueOnError)
	)
	fs.SetOutput(stderr)
	fs.StringVar(&out, "out", s3cfg.WindowsName, "file (or folder) to write")
	fs.BoolVar(&force, "force", false, "replace an existing --out file")
	fs.StringVar(&user, "user", "", `the Windows user name, for C:\Users\NAME\AppData\Roaming`)
	fs.StringVar(&appdata, "appdata", "", `the user's %APPDATA% (default C:\Users\NAME\AppData\Roaming)`)
	fs.StringVar(&userprofile, "userprofile", "", `the user's %USERPROFILE% (default C:\Users\NAME)`)
	fs.BoolVar(&pathStyle, "path-style", false, "path-style requests (host_bucket = host_base)")
	fs.BoolVar(&full, "full", false, `write all of s3cmd's options, as "s3cmd --configure" does`)
	fs.DurationVar(&timeout, "timeout", 2*time.Minute, "give up (undoing what was created) after this long")
	fs.BoolVar(&verbose, "v", false, "log each API call to stderr (never secrets)")
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
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		out = filepath.Join(out, s3cfg.WindowsName)
	}
	var opts []vngcloud.Option
	if verbose {
		opts = append(opts, vngcloud.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	c, err := vstoragetest.ClientsFromEnv(getenv, off, stdout, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "windowsconfig: %v\n", err)
		return 2
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	file := &vstorage.S3cmdFile{Path: out, Full: full, PathStyle: pathStyle, Newline: s3cfg.NewlineFor("windows")}
	if force {
		file.IfExists = s3cfg.Replace
	}
	pr := vstorage.NewProgressPrinter(stdout)
	defer pr.Watch(ctx)()
	if _, err := vstorage.Setup(ctx, vstorage.SetupRequest{Storage: c.Storage, ProjectID: c.ProjectID, Config: file, Progress: pr.Event}); err != nil {
		fmt.Fprintf(stderr, "windowsconfig: %v\n", err)
		if errors.Is(err, s3cfg.ErrExist) {
			fmt.Fprintln(stderr, "windowsconfig: add --force to replace it, or give --out another name")
		}
		return 1
	}
	fmt.Fprintf(stdout, "\nOn the Windows machine, s3cmd reads %s (rule %s).\n", dest.Path, dest.Rule)
	fmt.Fprintf(stdout, "Copy %s into %s as %s; then, in the s3cmd folder: python s3cmd ls\n", filepath.Base(out), dest.Dir, dest.Name)
	if strings.Contains(dest.Path, placeholderUser) {
		fmt.Fprintf(stdout, "(%s stands for the Windows user name: give --user, or --appdata with what \"echo %%APPDATA%%\" prints in the user's Command Prompt)\n", placeholderUser)
	}
	if c.Sandbox != nil {
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
