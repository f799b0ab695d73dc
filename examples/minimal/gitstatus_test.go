package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/internal/testsupport"
)

// TestExamplesLeaveGitStatusClean runs every example program the way the
// README says (no credentials: in-memory services; the working directory is
// the repository's root) in a fresh git repository holding only this
// repository's .gitignore, and checks that git sees nothing to commit: the
// config files they write, which hold a secret key, and their backups are
// ignored. It also checks that the programs did write files, so that the
// test is not passing on empty folders.
func TestExamplesLeaveGitStatusClean(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every example with the go command; skipped with -short")
	}
	gitTool, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not on PATH")
	}
	ignore, err := os.ReadFile("../../.gitignore")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	build := testsupport.GoCommand(t, "build", "-o", bin+string(filepath.Separator), "../...")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ../...: %v\n%s", err, out)
	}
	// Each run gets its own repository; runs listed together share one.
	runs := [][][]string{
		{{"quickstart"}, {"quickstart", "--force"}},
		{{"quickstart", "--restrict", "--bucket", "photos"}},
		{{"rotatekey"}, {"rotatekey", "--config", "s3cnf.s3cfg"}},
		{{"windowsconfig"}, {"windowsconfig"}},
		{{"quickstart"}, {"lockkey", "--bucket", "photos"}},
		{{"listall"}},
		{{"minimal"}},
		{{"s3cfg", "where", "-v"}},
	}
	wrote := 0
	for _, steps := range runs {
		repo := t.TempDir()
		home := t.TempDir()
		git := func(args ...string) string {
			cmd := exec.Command(gitTool, args...)
			cmd.Dir = repo
			cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "GIT_CONFIG_NOSYSTEM=1"}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			return string(out)
		}
		git("init", "-q")
		if err := os.WriteFile(filepath.Join(repo, ".gitignore"), ignore, 0o644); err != nil {
			t.Fatal(err)
		}
		git("add", ".gitignore")
		for _, args := range steps {
			cmd := exec.Command(filepath.Join(bin, args[0]), args[1:]...)
			cmd.Dir = repo
			cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8"}
			out, _ := cmd.CombinedOutput() // exit codes are the examples' own tests' business
			t.Logf("%s: %.200s", strings.Join(args, " "), out)
		}
		if st := git("status", "--porcelain"); strings.Contains(st, "??") {
			t.Errorf("after %q, git status shows files to commit:\n%s", steps, st)
		}
		ignored := git("status", "--porcelain", "--ignored")
		wrote += strings.Count(ignored, "!! ")
		t.Logf("%q wrote (ignored): %s", steps, strings.ReplaceAll(strings.TrimSpace(ignored), "\n", ", "))
	}
	if wrote < 5 {
		t.Fatalf("the examples wrote only %d ignored files; expected s3cnf.s3cfg, its backup and s3cmd.ini at least", wrote)
	}
}
