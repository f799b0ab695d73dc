package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/s3cfg/awscli"
	"github.com/vstorage-sdk/vngcloud/s3cfg/rclone"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// Where the configs go without --out or --install: the current folder.
const (
	rcloneName         = "rclone.conf"
	awsCredentialsName = "aws-credentials"
	awsConfigName      = "aws-config"
)

// target decides where the config goes: --out (a file, or a folder to put
// the usual name in), --install (where the tool looks by itself), or the
// current folder.
func (o *options) target(getenv func(string) string) (vstorage.ConfigTarget, error) {
	lookup := func(k string) (string, bool) { v := getenv(k); return v, v != "" }
	inFolder := func(name string) string {
		if st, err := os.Stat(o.out); err == nil && st.IsDir() {
			return filepath.Join(o.out, name)
		}
		return o.out
	}
	switch o.tool {
	case "rclone":
		t := &rcloneConf{remote: o.remote, path: rcloneName, mkdir: o.install}
		if o.out != "" {
			t.path = inFolder(rcloneName)
		} else if o.install {
			d, err := rclone.DestinationFor(runtime.GOOS, lookup, func(p string) bool { _, err := os.Stat(p); return err == nil })
			if err != nil {
				return nil, fmt.Errorf("--install: cannot tell which rclone.conf rclone reads: %w", err)
			}
			t.path = d.Path
		}
		return t, nil
	case "aws":
		t := &awsFiles{profile: o.profile, creds: awsCredentialsName, config: awsConfigName, mkdir: o.install}
		if o.out != "" {
			if st, err := os.Stat(o.out); err != nil || !st.IsDir() {
				return nil, fmt.Errorf("--out %s: with --tool aws, give a folder (the credentials and config files go in it)", o.out)
			}
			t.creds, t.config = filepath.Join(o.out, awsCredentialsName), filepath.Join(o.out, awsConfigName)
		} else if o.install {
			ds, err := awscli.DestinationsFor(runtime.GOOS, lookup)
			if err != nil {
				return nil, fmt.Errorf("--install: cannot tell which files the AWS CLI reads: %w", err)
			}
			t.creds, t.config = ds.Credentials.Path, ds.Config.Path
		}
		return t, nil
	}
	f := &vstorage.S3cmdFile{Path: s3cfg.DownloadName, Full: o.full, PathStyle: o.pathStyle}
	switch {
	case o.out != "":
		f.Path = inFolder(s3cfg.DownloadName)
	case o.install:
		d, err := s3cfg.DestinationFor(runtime.GOOS, lookup)
		if err != nil {
			return nil, fmt.Errorf("--install: cannot tell where s3cmd looks for its config: %w", err)
		}
		f.Path, f.IfExists, f.MkdirAll = d.Path, s3cfg.Backup, true
	}
	if o.force {
		f.IfExists = s3cfg.Replace
	}
	return f, nil
}

// placeholder stands for the new key while a merge is tried out.
var placeholder = vstorage.ConfigValues{AccessKey: "NEW-ACCESS-KEY", SecretKey: vngcloud.Secret(vngcloud.Redacted), Region: "HCM04"}

// rcloneConf is a vStorage remote merged into an rclone.conf, keeping
// the other remotes and a backup.
type rcloneConf struct {
	remote, path string
	mkdir        bool
}

func (t *rcloneConf) Check() (string, error) {
	return t.path, tryMerge(t.path, t.mkdir, func(b []byte) error {
		_, _, err := rclone.Remote{Name: t.remote, VStorage: s3cfg.VStorage(placeholder)}.Merge(b)
		return err
	})
}

func (t *rcloneConf) Write(v vstorage.ConfigValues) (string, error) {
	res, err := rclone.Remote{Name: t.remote, VStorage: s3cfg.VStorage(v)}.WriteFile(t.path, s3cfg.WriteOptions{IfExists: s3cfg.Backup, MkdirAll: t.mkdir})
	return "remote " + t.remote + " in " + t.path + kept(res.Backup), err
}

// awsFiles is a vStorage profile merged into the AWS CLI's credentials
// and config files, keeping the other profiles and backups.
type awsFiles struct {
	profile, creds, config string
	mkdir                  bool
}

func (t *awsFiles) Check() (string, error) {
	p := awscli.Profile{Name: t.profile, VStorage: s3cfg.VStorage(placeholder)}
	if err := tryMerge(t.creds, t.mkdir, func(b []byte) error { _, _, err := p.MergeCredentials(b); return err }); err != nil {
		return "", err
	}
	return t.creds + " and " + t.config, tryMerge(t.config, t.mkdir, func(b []byte) error { _, _, err := p.MergeConfig(b); return err })
}

func (t *awsFiles) Write(v vstorage.ConfigValues) (string, error) {
	res, err := awscli.Profile{Name: t.profile, VStorage: s3cfg.VStorage(v)}.WriteFiles(t.creds, t.config, s3cfg.WriteOptions{IfExists: s3cfg.Backup, MkdirAll: t.mkdir})
	return "profile " + t.profile + " in " + t.creds + " and " + t.config + kept(res.Credentials.Backup) + kept(res.Config.Backup), err
}

// tryMerge refuses a destination that cannot be written, or whose content
// the merge refuses.
func tryMerge(path string, mkdir bool, merge func([]byte) error) error {
	if err := s3cfg.CheckWritable(path, s3cfg.WriteOptions{IfExists: s3cfg.Backup, MkdirAll: mkdir}); err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err == nil {
		err = merge(data)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func kept(backup string) string {
	if backup == "" {
		return ""
	}
	return " (the previous file is kept as " + backup + ")"
}

// printNext says how to use what was written.
func (o *options) printNext(w io.Writer, res *vstorage.SetupResult, target vstorage.ConfigTarget, demo bool, getenv func(string) string) {
	fmt.Fprintln(w)
	if res.ServiceAccount != nil {
		fmt.Fprintf(w, "The key is restricted by vIAM: it acts as service account %s, whose principal may read and write bucket %s; it can still list the project's buckets and create buckets.\n", res.ServiceAccount.Name, o.bucket)
	}
	switch t := target.(type) {
	case *vstorage.S3cmdFile:
		if o.install {
			fmt.Fprintln(w, "s3cmd finds it without -c:\n  s3cmd ls")
		} else {
			fmt.Fprintf(w, "Use it with -c:\n  s3cmd -c %s ls\n", t.Path)
		}
		lookup := func(k string) (string, bool) { v := getenv(k); return v, v != "" }
		if d, err := s3cfg.DestinationFor(runtime.GOOS, lookup); err == nil && !o.install {
			fmt.Fprintf(w, "Without -c, s3cmd reads %s (%s): move the file there, or run again with --install.\n", d.Path, d.Rule)
		}
		if d, err := s3cfg.DestinationFor("windows", s3cfg.TypicalEnv("windows")); err == nil {
			fmt.Fprintf(w, "On Windows, s3cmd reads %s: save the file there as %s.\n", d.Path, s3cfg.WindowsName)
		}
	case *rcloneConf:
		fmt.Fprintf(w, "Use it:\n  rclone --config %s lsd %s:\n", t.path, t.remote)
	case *awsFiles:
		fmt.Fprintf(w, "Use it (AWS CLI 2.13 and later also read the endpoint from the profile):\n  AWS_SHARED_CREDENTIALS_FILE=%s AWS_CONFIG_FILE=%s aws --profile %s --endpoint-url %s s3 ls\n",
			t.creds, t.config, t.profile, res.Endpoint.URL)
	}
	if demo {
		fmt.Fprintln(w, "(demo: the key was made by the in-memory services, which are gone now; set VNGCLOUD_CLIENT_ID and VNGCLOUD_CLIENT_SECRET for a real key)")
	}
}
