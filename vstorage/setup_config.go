package vstorage

import (
	"fmt"
	"runtime"

	"github.com/vstorage-sdk/vngcloud/s3cfg"
)

// ConfigTarget is where a flow writes a key's configuration: an s3cmd file
// (S3cmdFile), or another tool's files (an rclone remote, an AWS CLI
// profile: the quickstart example has both).
type ConfigTarget interface {
	// Check says, without writing anything, where Write would write, or
	// why it could not. The plan calls it before any change.
	Check() (where string, err error)
	// Write writes the configuration for v and says where.
	Write(v ConfigValues) (where string, err error)
}

// ConfigValues are what a configuration needs: the key, the region and the
// S3 endpoint. The plan fills them in from GET regions.
type ConfigValues = s3cfg.VStorage

func (p *SetupPlan) configValues(k S3Key) ConfigValues {
	return ConfigValues{AccessKey: k.AccessKey, SecretKey: k.SecretKey, Region: p.Endpoint.Region,
		Endpoint: p.Endpoint.URL, PathStyle: p.Endpoint.IP()}
}

// S3cmdFile is an s3cmd configuration file as a ConfigTarget: the short
// form the console's "Download configuration file" button gives (the keys
// that matter), or the full one "s3cmd --configure" writes. It is written
// with s3cfg.WriteFile: atomically, mode 0600, an existing file refused,
// backed up or replaced as IfExists says.
type S3cmdFile struct {
	// Path is the file to write, for example s3cfg.DownloadName or the
	// Path of s3cfg.DefaultDestination.
	Path string
	// IfExists and MkdirAll are s3cfg.WriteOptions.
	IfExists s3cfg.IfExists
	MkdirAll bool
	// Full writes every option, as "s3cmd --configure" does.
	Full bool
	// PathStyle asks for path-style requests (it is implied when the
	// endpoint is an IP address).
	PathStyle bool
	// Newline is the line end; empty means the system's
	// (s3cfg.NewlineFor(runtime.GOOS)).
	Newline string
}

// Check reports whether Path can be written under IfExists, without
// creating or changing anything (s3cfg.CheckWritable).
func (f *S3cmdFile) Check() (string, error) {
	return f.Path, s3cfg.CheckWritable(f.Path, s3cfg.WriteOptions{IfExists: f.IfExists, MkdirAll: f.MkdirAll})
}

// Write renders the config for v and writes it. It says where, and where
// the previous file was kept.
func (f *S3cmdFile) Write(v ConfigValues) (string, error) {
	v.PathStyle = v.PathStyle || f.PathStyle
	data, err := f.render(v)
	if err != nil {
		return "", err
	}
	backup, err := s3cfg.WriteFile(f.Path, data, s3cfg.WriteOptions{IfExists: f.IfExists, MkdirAll: f.MkdirAll})
	if err != nil {
		return "", err
	}
	if backup != "" {
		return fmt.Sprintf("%s (mode 0600; the previous file is kept as %s)", f.Path, backup), nil
	}
	return f.Path + " (mode 0600)", nil
}

func (f *S3cmdFile) render(v ConfigValues) ([]byte, error) {
	var data []byte
	var err error
	if f.Full {
		data, err = v.Full(nil)
	} else {
		data, err = v.Short()
	}
	nl := f.Newline
	if nl == "" {
		nl = s3cfg.NewlineFor(runtime.GOOS)
	}
	if err != nil || nl == s3cfg.LF {
		return data, err
	}
	file, err := s3cfg.Parse(data)
	if err != nil {
		return nil, err
	}
	file.SetNewline(nl)
	return file.Bytes(), nil
}
