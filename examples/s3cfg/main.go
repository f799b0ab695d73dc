// Command s3cfg reads, edits and writes s3cmd configuration files with the
// s3cfg package, exactly as s3cmd 2.3.0 reads and writes them.
//
// Usage:
//
//	s3cfg dump FILE
//	    Print what "s3cmd -c FILE --dump-config" prints, with s3cmd's exit
//	    code and error message for a file it rejects. progress_meter and
//	    encoding follow s3cmd's rules for this process (is stdout a
//	    terminal, the locale); gpg_command is empty unless the file sets it.
//	    Findings about the file (ignored lines, unknown keys) go to stderr.
//
//	s3cfg where [--goos windows|linux|darwin] [--tool s3cmd|rclone|aws]
//	    Print where s3cmd looks for its config file (S3CMD_CONFIG,
//	    %APPDATA%\s3cmd.ini, $HOME/.s3cfg), using this process's
//	    environment; with --tool rclone, the rclone.conf rclone reads; with
//	    --tool aws, the AWS CLI's credentials and config files. With
//	    --goos naming another system whose users this process's
//	    environment does not describe, the paths are a typical user's there
//	    (C:\Users\<User>\AppData\Roaming\s3cmd.ini), and stderr says so.
//
//	s3cfg set FILE KEY=VALUE...
//	s3cfg unset FILE KEY...
//	    Edit FILE in place, changing only the lines s3cmd reads for KEY and
//	    keeping everything else byte for byte. The old file is kept as a
//	    backup (FILE.bak, or a timestamped name).
//
//	s3cfg new --access-key AK --region HCM04 [--endpoint URL] [--path-style]
//	          [--full] [--out FILE|-] [--update|--backup|--replace] [--goos G]
//	    Write a vStorage config. The secret key is read from the
//	    environment variable VSTORAGE_SECRET_KEY or, if unset, from the
//	    first line of stdin; never from the command line, where other users
//	    could see it. --out defaults to s3cmd's own config location on
//	    this system (for another --goos, give --out). An existing file is
//	    refused unless --update (change only what differs), --backup or
//	    --replace is given. Files meant for Windows get CRLF line ends, as
//	    s3cmd writes there.
//
//	s3cfg rclone --access-key AK --region HCM04 [--endpoint URL] [--path-style]
//	          [--remote NAME] [--out FILE|-] [--no-backup] [--goos G]
//	    Add an rclone remote (default name "vstorage") for the same key pair
//	    and region to rclone.conf, or update it there, keeping the other
//	    remotes and the comments byte for byte. --out defaults to the file
//	    rclone reads (RCLONE_CONFIG, else the first existing of its
//	    locations, else where it creates one); "-" prints the section. The
//	    previous file is kept as a backup unless --no-backup.
//
//	s3cfg aws --access-key AK --region HCM04 [--endpoint URL] [--path-style]
//	          [--profile NAME] [--credentials-file F] [--config-file F]
//	          [--print] [--no-backup] [--goos G]
//	    Add an AWS CLI profile (default "vstorage") to the credentials and
//	    config files, or update it there, the same way. The files default
//	    to AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE, else
//	    ~/.aws/credentials and ~/.aws/config. --print prints both sections
//	    instead. AWS CLI versions before 2.13 (Debian 12 has 2.9) ignore the
//	    profile's endpoint_url: give them --endpoint-url.
//
// rclone and aws read the secret key like new: from VSTORAGE_SECRET_KEY or
// the first line of stdin.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

func main() {
	os.Exit(run(os.Args[1:], env{
		lookup:   os.LookupEnv,
		stdin:    os.Stdin,
		stdout:   os.Stdout,
		stderr:   os.Stderr,
		terminal: isTerminal(os.Stdout),
		goos:     runtime.GOOS,
	}))
}

// env is everything the command uses from its process, so that tests can
// run it in-process.
type env struct {
	lookup         func(string) (string, bool)
	stdin          io.Reader
	stdout, stderr io.Writer
	terminal       bool // stdout is a terminal
	goos           string
}

// The synopses of the commands that take a key pair.
const (
	newSynopsis = `--access-key AK --region REGION [--endpoint URL] [--path-style] [--full]
            [--out FILE|-] [--update|--backup|--replace] [--goos GOOS]`
	rcloneSynopsis = `--access-key AK --region REGION [--endpoint URL] [--path-style]
            [--remote NAME] [--out FILE|-] [--no-backup] [--goos GOOS]`
	awsSynopsis = `--access-key AK --region REGION [--endpoint URL] [--path-style]
            [--profile NAME] [--credentials-file F] [--config-file F]
            [--print] [--no-backup] [--goos GOOS]`
)

const usage = `usage:
  s3cfg dump FILE
  s3cfg where [--goos windows|linux|darwin] [--tool s3cmd|rclone|aws]
  s3cfg set FILE KEY=VALUE...
  s3cfg unset FILE KEY...
  s3cfg new ` + newSynopsis + `
  s3cfg rclone ` + rcloneSynopsis + `
  s3cfg aws ` + awsSynopsis + `

` + secretSource

func run(args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return 2
	}
	switch args[0] {
	case "dump":
		return dump(args[1:], e)
	case "where":
		return where(args[1:], e)
	case "set", "unset":
		return edit(args[0], args[1:], e)
	case "new":
		return newConfig(args[1:], e)
	case "rclone":
		return rcloneConfig(args[1:], e)
	case "aws":
		return awsConfig(args[1:], e)
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return 0
	}
	fmt.Fprintf(e.stderr, "s3cfg: unknown command %q\n%s", args[0], usage)
	return 2
}

// isTerminal reports whether f is a character device, as isatty does for
// the cases that matter here (a terminal versus a pipe or file).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// preferredEncoding is Python's locale.getpreferredencoding() as s3cmd
// sees it on Linux: "UTF-8" under C.UTF-8 or another UTF-8 locale, and
// "utf-8" under the C or POSIX locale, where Python 3 switches to UTF-8
// mode. It assumes the named locale is installed (Python also falls back
// to "utf-8" for one that is not).
func preferredEncoding(lookup func(string) (string, bool)) string {
	loc := ""
	for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v, ok := lookup(k); ok && v != "" {
			loc = v
			break
		}
	}
	if v, _ := lookup("PYTHONUTF8"); v == "1" {
		return "utf-8"
	}
	if loc == "" || loc == "C" || loc == "POSIX" {
		return "utf-8"
	}
	if _, cs, ok := strings.Cut(loc, "."); ok {
		cs, _, _ = strings.Cut(cs, "@")
		if n := strings.ToLower(strings.ReplaceAll(cs, "-", "")); n == "utf8" {
			return "UTF-8"
		}
		return cs
	}
	return "utf-8"
}

func dump(args []string, e env) int {
	if len(args) != 1 {
		fmt.Fprint(e.stderr, usage)
		return 2
	}
	path := args[0]
	data, err := os.ReadFile(path)
	if err != nil {
		// s3cmd would first look for credentials in AWS_* and the EC2
		// metadata service; this tool stops here.
		fmt.Fprintf(e.stderr, "ERROR: %s: %v\nERROR: Configuration file not available.\n", path, errors.Unwrap(err))
		return s3cfg.ExitConfig
	}
	f, _ := s3cfg.Parse(data)
	for _, d := range f.Diagnostics() {
		if d.Severity >= s3cfg.Warning {
			fmt.Fprintf(e.stderr, "s3cfg: %s: %s\n", path, d)
		}
	}
	c := f.Resolve(s3cfg.Runtime{LookupEnv: e.lookup, Terminal: e.terminal, Encoding: preferredEncoding(e.lookup)})
	if err := c.Err(); err != nil {
		var oe *s3cfg.OptionError
		errors.As(err, &oe)
		switch oe.ExitCode {
		case s3cfg.ExitUsage:
			fmt.Fprintf(e.stderr, "ERROR: Parameter problem: %s\n", oe.Msg)
		case s3cfg.ExitConfig:
			fmt.Fprintf(e.stderr, "ERROR: %s\nERROR: Please re-run 's3cmd --configure' and supply it.\n", oe.Msg)
		default:
			fmt.Fprintf(e.stderr, "ERROR: s3cmd stops with an unexpected error: %s\n", oe.Msg)
		}
		return oe.ExitCode
	}
	if c.AccessKey() == "" {
		fmt.Fprintf(e.stderr, "ERROR: %s: access_key is empty, so s3cmd would take credentials from AWS_ACCESS_KEY(_ID)/AWS_SECRET_(ACCESS_)KEY or the EC2 metadata service; not emulated\n", path)
		return s3cfg.ExitConfig
	}
	e.stdout.Write(c.Dump())
	return 0
}

func where(args []string, e env) int {
	fs := flag.NewFlagSet("where", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	goos := fs.String("goos", e.goos, "the system to compute the path for: windows, linux, darwin")
	verbose := fs.Bool("v", false, "also print the rule that chose the path")
	tool := fs.String("tool", "s3cmd", "whose config: s3cmd, rclone or aws")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return 2
	}
	switch *tool {
	case "s3cmd":
	case "rclone":
		d, err := rcloneDestination(*goos, e)
		if err != nil {
			printErr(e, err)
			return 1
		}
		fmt.Fprintln(e.stdout, d.Path)
		notePlaceholder(e, *goos, d.Path)
		if *verbose {
			fmt.Fprintf(e.stdout, "rule: %s\nexists: %v\n", d.Rule, d.Exists)
		}
		return 0
	case "aws":
		ds, err := awsDestinations(*goos, e)
		if err != nil {
			printErr(e, err)
			return 1
		}
		fmt.Fprintf(e.stdout, "%s\n%s\n", ds.Credentials.Path, ds.Config.Path)
		notePlaceholder(e, *goos, ds.Credentials.Path)
		if *verbose {
			fmt.Fprintf(e.stdout, "rules: %s, %s\n", ds.Credentials.Rule, ds.Config.Rule)
		}
		return 0
	default:
		fmt.Fprintf(e.stderr, "s3cfg: --tool %q: want s3cmd, rclone or aws\n", *tool)
		return 2
	}
	var d s3cfg.Destination
	var err error
	if *goos == runtime.GOOS && e.goos == runtime.GOOS {
		d, err = s3cfg.DefaultDestination()
	} else {
		d, err = s3cfg.DestinationFor(*goos, e.lookupFor(*goos))
	}
	if err != nil {
		printErr(e, err)
		return 1
	}
	fmt.Fprintln(e.stdout, d.Path)
	notePlaceholder(e, *goos, d.Path)
	if *verbose {
		fmt.Fprintf(e.stdout, "rule: %s\nfolder: %s\nfile: %s\nportal download name: %s\n", d.Rule, d.Dir, d.Name, s3cfg.DownloadName)
	}
	return 0
}

func edit(cmd string, args []string, e env) int {
	if len(args) < 2 {
		fmt.Fprint(e.stderr, usage)
		return 2
	}
	path := args[0]
	data, err := os.ReadFile(path)
	if err != nil {
		printErr(e, err)
		return 1
	}
	f, err := s3cfg.Parse(data)
	if err != nil {
		printErr(e, err)
		return 1
	}
	for _, a := range args[1:] {
		if cmd == "unset" {
			if n := f.Delete(a); n == 0 {
				fmt.Fprintf(e.stderr, "s3cfg: %s is not set\n", a)
			}
			continue
		}
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			fmt.Fprintf(e.stderr, "s3cfg: %q is not KEY=VALUE\n", a)
			return 2
		}
		if err := f.Set(k, v); err != nil {
			printErr(e, err)
			return 1
		}
		if _, known := s3cfg.LookupOption(k); !known && k != "acl_public" {
			msg := fmt.Sprintf("s3cfg: warning: s3cmd 2.3.0 ignores the key %s", k)
			if s := s3cfg.Suggest(k); s != "" {
				msg += "; did you mean " + s + "?"
			}
			fmt.Fprintln(e.stderr, msg)
		}
	}
	if string(f.Bytes()) == string(data) {
		return 0
	}
	bak, err := s3cfg.WriteFile(path, f.Bytes(), s3cfg.WriteOptions{IfExists: s3cfg.Backup})
	if err != nil {
		printErr(e, err)
		return 1
	}
	fmt.Fprintf(e.stderr, "s3cfg: wrote %s (previous version: %s)\n", path, bak)
	return 0
}

func newConfig(args []string, e env) int {
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var v s3cfg.VStorage
	vstorageFlags(fs, &v)
	full := fs.Bool("full", false, "write all 87 options, as s3cmd --configure does")
	out := fs.String("out", "", "file to write, or - for stdout (default: where s3cmd looks)")
	goos := fs.String("goos", e.goos, "the system the file is for (line ends, default location)")
	upd := fs.Bool("update", false, "update an existing file, changing only what differs")
	bak := fs.Bool("backup", false, "replace an existing file, keeping it as a backup")
	repl := fs.Bool("replace", false, "replace an existing file")
	if code := parseKeyFlags(fs, &v, args, e, newSynopsis); code >= 0 {
		return code
	}
	secret, err := readSecret(e)
	if err != nil {
		printErr(e, err)
		return 1
	}
	v.SecretKey = secret

	path := *out
	if path == "" {
		var d s3cfg.Destination
		if *goos == runtime.GOOS && e.goos == runtime.GOOS {
			d, err = s3cfg.DefaultDestination()
		} else {
			d, err = s3cfg.DestinationFor(*goos, e.lookupFor(*goos))
		}
		if err != nil {
			printErr(e, err)
			return 1
		}
		if *goos != e.goos {
			return otherSystem(e, *goos, "s3cmd's config file", d.Path)
		}
		path = d.Path
	}
	if *upd {
		if path == "-" {
			fmt.Fprintln(e.stderr, "s3cfg: --update needs a file")
			return 2
		}
		return update(path, v, e)
	}
	var data []byte
	if *full {
		data, err = v.Full(nil)
	} else {
		data, err = v.Short()
	}
	if err != nil {
		printErr(e, err)
		return 1
	}
	if nl := s3cfg.NewlineFor(*goos); nl != s3cfg.LF {
		f, _ := s3cfg.Parse(data)
		f.SetNewline(nl)
		data = f.Bytes()
	}
	if path == "-" {
		e.stdout.Write(data)
		return 0
	}
	policy := s3cfg.Refuse
	switch {
	case *bak:
		policy = s3cfg.Backup
	case *repl:
		policy = s3cfg.Replace
	}
	b, err := s3cfg.WriteFile(path, data, s3cfg.WriteOptions{IfExists: policy, MkdirAll: true})
	if err != nil {
		if errors.Is(err, s3cfg.ErrExist) {
			fmt.Fprintf(e.stderr, "s3cfg: %s exists; use --update, --backup or --replace\n", path)
		} else {
			printErr(e, err)
		}
		return 1
	}
	fmt.Fprintf(e.stderr, "s3cfg: wrote %s", path)
	if b != "" {
		fmt.Fprintf(e.stderr, " (previous version: %s)", b)
	}
	fmt.Fprintln(e.stderr)
	return 0
}

func update(path string, v s3cfg.VStorage, e env) int {
	data, err := os.ReadFile(path)
	if err != nil {
		printErr(e, err)
		return 1
	}
	f, err := s3cfg.Parse(data)
	if err != nil {
		printErr(e, err)
		return 1
	}
	changed, err := v.Apply(f)
	if err != nil {
		printErr(e, err)
		return 1
	}
	if len(changed) == 0 {
		fmt.Fprintf(e.stderr, "s3cfg: %s is up to date\n", path)
		return 0
	}
	b, err := s3cfg.WriteFile(path, f.Bytes(), s3cfg.WriteOptions{IfExists: s3cfg.Backup})
	if err != nil {
		printErr(e, err)
		return 1
	}
	sort.Strings(changed)
	fmt.Fprintf(e.stderr, "s3cfg: updated %s in %s (previous version: %s)\n", strings.Join(changed, ", "), path, b)
	return 0
}

// readSecret takes the secret from VSTORAGE_SECRET_KEY or the first line
// of stdin.
func readSecret(e env) (vngcloud.Secret, error) {
	if s, ok := e.lookup("VSTORAGE_SECRET_KEY"); ok && s != "" {
		return vngcloud.Secret(s), nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", errors.New("no secret key: set VSTORAGE_SECRET_KEY or give it on stdin")
	}
	return vngcloud.Secret(line), nil
}

// printErr prints err, with the command's name in front unless the error
// already names its package.
func printErr(e env, err error) {
	msg := err.Error()
	if !strings.HasPrefix(msg, "s3cfg: ") && !strings.HasPrefix(msg, "safefile: ") {
		msg = "s3cfg: " + msg
	}
	fmt.Fprintln(e.stderr, msg)
}
