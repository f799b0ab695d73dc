package demo

import (
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/vstorage-sdk/vngcloud"
)

// Flags are the command-line flags every example takes.
type Flags struct {
	Region, Project string
	Verbose         bool
}

// Register adds --region, --project and -v to fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Region, "region", "", "storage region (default $"+EnvRegion+", else "+DefaultRegion+")")
	fs.StringVar(&f.Project, "project", "", "project ID (default $"+EnvProjectID+", else the region's first)")
	fs.BoolVar(&f.Verbose, "v", false, "log each API call to stderr (method, path, status; never secrets)")
}

// Options returns base with the flags applied; -v sends the SDK's debug
// lines to stderr.
func (f *Flags) Options(base Options, stderr io.Writer) Options {
	o := base
	o.Region, o.ProjectID = f.Region, f.Project
	if f.Verbose {
		l := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		o.ClientOptions = append(append([]vngcloud.Option(nil), base.ClientOptions...), vngcloud.WithLogger(l))
	}
	return o
}

// NewFlagSet returns a flag set that reports errors to stderr and prints
// usage followed by the flags' defaults.
func NewFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}

// Fail prints that a step failed, the error, and what exists because of
// the run. It returns the exit status 1.
func Fail(stderr io.Writer, prog string, steps *Steps, err error, created *Created, demo bool) int {
	fmt.Fprintf(stderr, "%s: %s failed: %v\n", prog, steps.Current(), err)
	created.Report(stderr, demo)
	return 1
}
