package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/demo"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/s3cfg/awscli"
	"github.com/vstorage-sdk/vngcloud/s3cfg/rclone"
)

// The tools --tool configures.
const (
	toolS3cmd  = "s3cmd"
	toolRclone = "rclone"
	toolAWS    = "aws"
)

// checkToolFlags checks --tool and the flags that belong to one tool, and
// fills in the default names. It returns what is wrong, or "".
func checkToolFlags(o *options, set map[string]bool) string {
	switch o.tool {
	case toolS3cmd, toolRclone, toolAWS:
	default:
		return fmt.Sprintf("--tool %q: want s3cmd, rclone or aws", o.tool)
	}
	if o.tool != toolS3cmd {
		for _, f := range []string{"install", "force", "full"} {
			if set[f] {
				return fmt.Sprintf("--%s is for --tool s3cmd; the %s config is merged into the tool's own files, keeping the other entries and a backup", f, o.tool)
			}
		}
	}
	if o.tool == toolAWS && set["out"] {
		return "--out is for --tool s3cmd and rclone; the AWS CLI's files are $AWS_SHARED_CREDENTIALS_FILE and $AWS_CONFIG_FILE, else ~/.aws/credentials and ~/.aws/config"
	}
	if set["remote"] && o.tool != toolRclone {
		return "--remote needs --tool rclone"
	}
	if set["profile"] && o.tool != toolAWS {
		return "--profile needs --tool aws"
	}
	if o.remote == "" {
		o.remote = rclone.DefaultRemote
	}
	if o.profile == "" {
		o.profile = awscli.DefaultProfile
	}
	if err := rclone.CheckName(o.remote); err != nil {
		return "--remote: " + err.Error()
	}
	if err := awscli.CheckName(o.profile); err != nil {
		return "--profile: " + err.Error()
	}
	return ""
}

// toolDest is where an rclone or AWS CLI config goes.
type toolDest struct {
	path      string // rclone.conf, or the AWS credentials file
	config    string // the AWS config file
	rule      string // what chose path ("--out" or the tool's rule)
	isDefault bool   // path is where the tool looks by itself
}

// prepareTool decides where the config goes and checks, before any key is
// created, that it can be merged there: the file is readable by the tool,
// not encrypted, and holds no other kind of entry of that name. It returns
// the exit status for an error: 2 when the environment names no place, 1
// when the place is unusable.
func prepareTool(o options, getenv func(string) string) (toolDest, int, error) {
	lookup := demo.Lookup(getenv)
	placeholder := s3cfg.VStorage{AccessKey: "NEW-ACCESS-KEY", SecretKey: vngcloud.Secret(vngcloud.Redacted), Region: "HCM04"}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	var td toolDest
	switch o.tool {
	case toolRclone:
		td.path, td.rule = o.out, "--out"
		if !o.outSet {
			d, err := rclone.DestinationFor(runtime.GOOS, lookup, exists)
			if err != nil {
				return td, 2, fmt.Errorf("cannot tell which rclone.conf rclone reads: %w", err)
			}
			td.path, td.rule, td.isDefault = d.Path, d.Rule, true
		}
		if err := checkMerge(td.path, td.isDefault, func(b []byte) error {
			_, _, err := rclone.Remote{Name: o.remote, VStorage: placeholder}.Merge(b)
			return err
		}); err != nil {
			return td, 1, err
		}
	case toolAWS:
		ds, err := awscli.DestinationsFor(runtime.GOOS, lookup)
		if err != nil {
			return td, 2, fmt.Errorf("cannot tell which files the AWS CLI reads: %w", err)
		}
		td.path, td.config, td.rule, td.isDefault = ds.Credentials.Path, ds.Config.Path, ds.Credentials.Rule, true
		p := awscli.Profile{Name: o.profile, VStorage: placeholder}
		if err := checkMerge(td.path, td.isDefault, func(b []byte) error { _, _, err := p.MergeCredentials(b); return err }); err != nil {
			return td, 1, err
		}
		if err := checkMerge(td.config, true, func(b []byte) error { _, _, err := p.MergeConfig(b); return err }); err != nil {
			return td, 1, err
		}
	}
	if abs, err := filepath.Abs(td.path); err == nil {
		td.path = abs
	}
	if abs, err := filepath.Abs(td.config); err == nil && td.config != "" {
		td.config = abs
	}
	return td, 0, nil
}

// checkMerge refuses a destination that is not a file, one in a missing
// folder unless mkdir (the tool's own location, whose folder is created),
// and one whose content the merge refuses.
func checkMerge(path string, mkdir bool, merge func([]byte) error) error {
	if err := demo.CheckDest(path, true, mkdir); err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := merge(data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// runTool runs the config and write steps for rclone or the AWS CLI.
func (q *quickstart) runTool(v s3cfg.VStorage, ep demo.S3Endpoint) int {
	o, s := q.o, q.steps
	region, endpoint, err := v.S3Endpoint()
	if err != nil {
		return q.fail(err)
	}
	style := "virtual-host style"
	if v.PathStyle {
		style = "path style"
	}
	note := ""
	if ep.IP() && !o.pathStyle {
		note = " (the endpoint is an IP address, where only path style works)"
	}
	r := rclone.Remote{Name: o.remote, VStorage: v}
	p := awscli.Profile{Name: o.profile, VStorage: v}
	var preview []byte
	if o.tool == toolRclone {
		if preview, err = r.Section(); err != nil {
			return q.fail(err)
		}
		s.Done("remote %s: endpoint %s, region %s, %s%s; endpoint %s", o.remote, endpoint, region, style, note, ep.Source)
	} else {
		cred, err := p.CredentialsSection()
		if err != nil {
			return q.fail(err)
		}
		conf, err := p.ConfigSection()
		if err != nil {
			return q.fail(err)
		}
		preview = append(append(append([]byte("# "+q.td.path+"\n"), cred...), "\n# "+q.td.config+"\n"...), conf...)
		s.Done("profile %s: endpoint_url %s, region %s, checksums when_required, %s%s; endpoint %s", o.profile, endpoint, region, style, note, ep.Source)
	}

	s.Start("write")
	if o.dryRun {
		if o.tool == toolRclone {
			s.Done("would add remote %s to %s (%s), keeping the other remotes and a backup", o.remote, q.td.path, q.td.rule)
		} else {
			s.Done("would add profile %s to %s and %s, keeping the other profiles and backups", o.profile, q.td.path, q.td.config)
		}
		fmt.Fprintf(q.stdout, "\n--- %s (dry run: not written; the new key's access key and secret are placeholders) ---\n", o.tool)
		q.stdout.Write(preview)
		fmt.Fprintln(q.stdout, "---")
		return 0
	}
	opts := s3cfg.WriteOptions{IfExists: s3cfg.Backup, MkdirAll: q.td.isDefault}
	if o.tool == toolRclone {
		res, err := r.WriteFile(q.td.path, opts)
		if err != nil {
			return q.fail(err)
		}
		q.saved = true
		s.Done("%s remote %s in %s (mode 0600)%s", verb(res.Added), o.remote, q.td.path, kept(res.Backup))
	} else {
		res, err := p.WriteFiles(q.td.path, q.td.config, opts)
		if err != nil {
			return q.fail(err)
		}
		q.saved = true
		s.Done("%s profile %s in %s and %s (mode 0600)%s%s", verb(res.Credentials.Added), o.profile, q.td.path, q.td.config, kept(res.Credentials.Backup), kept(res.Config.Backup))
	}
	q.printNextTool(endpoint)
	return 0
}

func verb(added bool) string {
	if added {
		return "added"
	}
	return "updated"
}

func kept(backup string) string {
	if backup == "" {
		return ""
	}
	return "; the previous file is kept as " + backup
}

// printNextTool says how to use the remote or profile and where the tool
// looks for it.
func (q *quickstart) printNextTool(endpoint string) {
	w, o := q.stdout, q.o
	fmt.Fprintln(w)
	if o.restrict {
		fmt.Fprintf(w, "The key is restricted by vIAM: it acts as service account %s and may read and write bucket %s; it can still list the project's buckets and create buckets.\n", q.sa.Name, o.bucket)
	}
	// Elsewhere, the Windows line is for a typical Windows user.
	winEnv := s3cfg.EnvMap(map[string]string{"USERPROFILE": `C:\Users\<User>`, "APPDATA": `C:\Users\<User>\AppData\Roaming`})
	if runtime.GOOS == "windows" {
		winEnv = demo.Lookup(q.getenv)
	}
	switch o.tool {
	case toolRclone:
		if q.td.isDefault {
			fmt.Fprintf(w, "rclone finds it without --config (%s, %s):\n  rclone lsd %s:\n", q.td.path, q.td.rule, o.remote)
		} else {
			fmt.Fprintf(w, "Use it with --config:\n  rclone --config %s lsd %s:\n", shellQuote(q.td.path), o.remote)
		}
		if d, err := rclone.DestinationFor("windows", winEnv, nil); err == nil {
			fmt.Fprintf(w, "  Windows: rclone reads %s (%s) when no older rclone.conf exists\n", d.Path, d.Rule)
		}
	case toolAWS:
		fmt.Fprintf(w, "Use it with --profile:\n  aws --profile %s --endpoint-url %s s3 ls\n", o.profile, endpoint)
		fmt.Fprintf(w, "AWS CLI 2.13 and later also read the endpoint from the profile (endpoint_url); older ones, like Debian 12's 2.9, need --endpoint-url.\n")
		if ds, err := awscli.DestinationsFor("windows", winEnv); err == nil {
			fmt.Fprintf(w, "  Windows: %s and %s\n", ds.Credentials.Path, ds.Config.Path)
		}
	}
	if q.env.Demo {
		fmt.Fprintln(w, "(demo: this key was made by the in-memory services, not by vStorage, which does not know it; set VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET for a real key)")
	}
}
