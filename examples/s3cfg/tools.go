package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/s3cfg/awscli"
	"github.com/vstorage-sdk/vngcloud/s3cfg/rclone"
)

// vstorageFlags registers the flags that describe the key pair's
// configuration, shared by new, rclone and aws.
func vstorageFlags(fs *flag.FlagSet, v *s3cfg.VStorage) {
	fs.StringVar(&v.AccessKey, "access-key", "", "S3 access key")
	fs.StringVar(&v.Region, "region", "", "vStorage region: HCM04, HAN02 or HCM03")
	fs.StringVar(&v.Endpoint, "endpoint", "", "endpoint URL instead of the region's host")
	fs.BoolVar(&v.PathStyle, "path-style", false, "path-style requests (https://host/bucket/key)")
}

// secretSource says where new, rclone and aws take the secret key from;
// their --help prints it.
const secretSource = `The secret key is read from the environment variable VSTORAGE_SECRET_KEY or,
when that is unset or empty, from the first line of standard input; never from
a flag, where other users of the machine could see it.
`

// parseKeyFlags parses the flags of new, rclone or aws (fs, made with
// vstorageFlags), and checks the required ones before anything else, so that
// a missing flag is reported before a missing secret. It returns the exit
// code to stop with, or -1 to go on. --help prints the usage line, where the
// secret comes from, and the flags, and exits 0.
func parseKeyFlags(fs *flag.FlagSet, v *s3cfg.VStorage, args []string, e env, synopsis string) int {
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: s3cfg %s %s\n\n%s\nFlags:\n", fs.Name(), synopsis, secretSource)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(e.stderr, "s3cfg %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return 2
	}
	var missing []string
	if v.AccessKey == "" {
		missing = append(missing, "--access-key")
	}
	if v.Region == "" {
		missing = append(missing, "--region (HCM04, HAN02 or HCM03)")
	}
	if len(missing) > 0 {
		fmt.Fprintf(e.stderr, "s3cfg %s: missing %s; see s3cfg %s --help\n", fs.Name(), strings.Join(missing, " and "), fs.Name())
		return 2
	}
	return -1
}

// existsOn returns how to tell whether a file exists, for destinations
// on the running system only: paths of another system are never looked up
// here.
func existsOn(goos string) func(string) bool {
	if goos != runtime.GOOS {
		return nil
	}
	return func(p string) bool { _, err := os.Stat(p); return err == nil }
}

// lookupFor returns the environment to compute goos's paths with: this
// process's on its own system; on another, this process's only if it
// describes a user of that system, else a typical user's there
// (s3cfg.EnvFor), since HOME=/root says nothing about a Windows machine.
func (e env) lookupFor(goos string) func(string) (string, bool) {
	if goos == e.goos {
		return e.lookup
	}
	return s3cfg.EnvFor(goos, e.lookup)
}

// notePlaceholder says what the user name in paths of a typical user of
// another system stands for, when path holds it.
func notePlaceholder(e env, goos, path string) {
	if strings.Contains(path, s3cfg.PlaceholderUser) {
		fmt.Fprintf(e.stderr, "s3cfg: %s stands for the %s user's name: this system's environment does not describe that system\n", s3cfg.PlaceholderUser, goos)
	}
}

// rcloneDestination is the rclone.conf rclone reads on goos.
func rcloneDestination(goos string, e env) (s3cfg.Destination, error) {
	return rclone.DestinationFor(goos, e.lookupFor(goos), existsOn(goos))
}

// awsDestinations are the AWS CLI's files on goos.
func awsDestinations(goos string, e env) (awscli.Destinations, error) {
	return awscli.DestinationsFor(goos, e.lookupFor(goos))
}

// otherSystem refuses to write a default destination computed for another
// system than this one.
func otherSystem(e env, goos, what, path string) int {
	fmt.Fprintf(e.stderr, "s3cfg: on %s, %s is %s; this is %s, so nothing is written there: give the file to write, or - to print\n", goos, what, path, runtime.GOOS)
	return 2
}

func rcloneConfig(args []string, e env) int {
	fs := flag.NewFlagSet("rclone", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var r rclone.Remote
	vstorageFlags(fs, &r.VStorage)
	fs.StringVar(&r.Name, "remote", rclone.DefaultRemote, "the remote's name")
	out := fs.String("out", "", "rclone.conf to add the remote to, or - for stdout (default: the file rclone reads)")
	goos := fs.String("goos", e.goos, "the system the file is for (default location)")
	noBackup := fs.Bool("no-backup", false, "do not keep the previous file as a backup")
	if code := parseKeyFlags(fs, &r.VStorage, args, e, rcloneSynopsis); code >= 0 {
		return code
	}
	secret, err := readSecret(e)
	if err != nil {
		printErr(e, err)
		return 1
	}
	r.VStorage.SecretKey = secret
	if *out == "-" {
		b, err := r.Section()
		if err != nil {
			printErr(e, err)
			return 1
		}
		e.stdout.Write(b)
		return 0
	}
	path, isDefault := *out, *out == ""
	if isDefault {
		d, err := rcloneDestination(*goos, e)
		if err != nil {
			printErr(e, err)
			return 1
		}
		if *goos != runtime.GOOS {
			return otherSystem(e, *goos, "the file rclone reads", d.Path)
		}
		path = d.Path
	}
	opts := s3cfg.WriteOptions{IfExists: s3cfg.Backup, MkdirAll: true}
	if *noBackup {
		opts.IfExists = s3cfg.Replace
	}
	res, err := r.WriteFile(path, opts)
	if err != nil {
		printErr(e, err)
		return 1
	}
	name := r.Name
	switch {
	case !res.Created && !res.Changed():
		fmt.Fprintf(e.stderr, "s3cfg: remote %s in %s is up to date\n", name, path)
	case res.Added:
		fmt.Fprintf(e.stderr, "s3cfg: added remote %s to %s%s\n", name, path, previous(res.Backup))
	default:
		changed := append(append([]string(nil), res.Set...), res.Removed...)
		fmt.Fprintf(e.stderr, "s3cfg: updated %s of remote %s in %s%s\n", strings.Join(changed, ", "), name, path, previous(res.Backup))
	}
	use := "rclone lsd " + name + ":"
	if !isDefault {
		use = "rclone --config " + path + " lsd " + name + ":"
	}
	fmt.Fprintf(e.stderr, "s3cfg: use it: %s\n", use)
	return 0
}

func awsConfig(args []string, e env) int {
	fs := flag.NewFlagSet("aws", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var p awscli.Profile
	vstorageFlags(fs, &p.VStorage)
	fs.StringVar(&p.Name, "profile", awscli.DefaultProfile, "the profile's name")
	credFile := fs.String("credentials-file", "", "the credentials file (default: AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials)")
	confFile := fs.String("config-file", "", "the config file (default: AWS_CONFIG_FILE, else ~/.aws/config)")
	print := fs.Bool("print", false, "print both sections instead of writing the files")
	goos := fs.String("goos", e.goos, "the system the files are for (default locations)")
	noBackup := fs.Bool("no-backup", false, "do not keep the previous files as backups")
	if code := parseKeyFlags(fs, &p.VStorage, args, e, awsSynopsis); code >= 0 {
		return code
	}
	secret, err := readSecret(e)
	if err != nil {
		printErr(e, err)
		return 1
	}
	p.VStorage.SecretKey = secret
	if *print {
		cred, err := p.CredentialsSection()
		if err == nil {
			var conf []byte
			if conf, err = p.ConfigSection(); err == nil {
				fmt.Fprintf(e.stdout, "# credentials file\n%s\n# config file\n%s", cred, conf)
				return 0
			}
		}
		printErr(e, err)
		return 1
	}
	cred, conf := *credFile, *confFile
	if cred == "" || conf == "" {
		ds, err := awsDestinations(*goos, e)
		if err != nil {
			printErr(e, err)
			return 1
		}
		if *goos != runtime.GOOS {
			return otherSystem(e, *goos, "the AWS CLI's files are", ds.Credentials.Path+" and "+ds.Config.Path)
		}
		if cred == "" {
			cred = ds.Credentials.Path
		}
		if conf == "" {
			conf = ds.Config.Path
		}
	}
	opts := s3cfg.WriteOptions{IfExists: s3cfg.Backup, MkdirAll: true}
	if *noBackup {
		opts.IfExists = s3cfg.Replace
	}
	res, err := p.WriteFiles(cred, conf, opts)
	if err != nil {
		printErr(e, err)
		return 1
	}
	for _, f := range []awscli.FileResult{res.Credentials, res.Config} {
		switch {
		case !f.Created && !f.Changed():
			fmt.Fprintf(e.stderr, "s3cfg: profile %s in %s is up to date\n", p.Name, f.Path)
		case f.Added:
			fmt.Fprintf(e.stderr, "s3cfg: added profile %s to %s%s\n", p.Name, f.Path, previous(f.Backup))
		default:
			changed := append(append([]string(nil), f.Set...), f.Removed...)
			fmt.Fprintf(e.stderr, "s3cfg: updated %s of profile %s in %s%s\n", strings.Join(changed, ", "), p.Name, f.Path, previous(f.Backup))
		}
	}
	_, endpoint, _ := p.VStorage.S3Endpoint()
	envs := ""
	if *credFile != "" || *confFile != "" {
		envs = awscli.EnvCredentials + "=" + cred + " " + awscli.EnvConfig + "=" + conf + " "
	}
	fmt.Fprintf(e.stderr, "s3cfg: use it: %saws --profile %s s3 ls (AWS CLI before 2.13, like Debian 12's 2.9, ignores endpoint_url: add --endpoint-url %s)\n", envs, p.Name, endpoint)
	return 0
}

// previous describes a backup for a message.
func previous(backup string) string {
	if backup == "" {
		return ""
	}
	return " (previous version: " + backup + ")"
}
