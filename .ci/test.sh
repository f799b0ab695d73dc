#!/usr/bin/env bash
# test.sh runs every check of this repository, the same way on a laptop and
# in CI: it installs what the tests drive (s3cmd, rclone, the AWS CLI,
# versitygw) and staticcheck, checks formatting, go.mod (go mod tidy
# -diff), go vet and staticcheck, runs all tests with the race detector and
# the SDK's debug log on, and searches their whole output for the tests'
# secrets.
#
# usage: .ci/test.sh [--light]
#
#   --light   no installs, no staticcheck, no race detector: gofmt,
#             go mod tidy -diff, go vet and `go test ./...`. Tests that
#             need a real tool skip when it is missing (CI is unset for
#             this run), and the list of skipped tests, with the reason
#             each gave, is printed at the end.
#
# It says what it is doing and how long each step took. The installs run in
# the background while Go compiles (see .ci/install-test-tools.sh); builds
# of versitygw and staticcheck are cached in
# ${XDG_CACHE_HOME:-$HOME/.cache}/vngcloud-test/bin, and Go's own caches
# keep the rest, so a second run skips them. When a step waits for more than
# 30 seconds, a line says what it is waiting for.
#
# With CI set (CI=true), tests that need a real tool fail when it is missing
# instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Go compiler, linker and tools spend about a quarter of their CPU time
# collecting garbage at the default GOGC=100; at 400 they use a little more
# memory and build about 20% faster (go build -race std from an empty
# cache: 119 -> 94 CPU seconds). A GOGC you set wins.
export GOGC="${GOGC:-400}"

light=false
case "${1:-}" in
"") ;;
--light) light=true ;;
*)
	echo "usage: $0 [--light]" >&2
	exit 2
	;;
esac

BIN_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/vngcloud-test/bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$EPOCHSECONDS
timings=()

# record NAME SECONDS adds a line to the closing table.
record() { timings+=("$(printf '  %-44s %4d s' "$1" "$2")"); }

# run NAME CMD... runs a step in the foreground, says every 30 s that it is
# still running, and records its time.
run() {
	local name=$1 t0=$EPOCHSECONDS n=0 pid rc
	shift
	printf '\n== %s\n' "$name"
	"$@" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if ((++n % 30 == 0)) && kill -0 "$pid" 2>/dev/null; then
			echo "   ... $name: still running ($n s)$(background_status)"
		fi
	done
	if wait "$pid"; then rc=0; else rc=$?; fi
	record "$name" $((EPOCHSECONDS - t0))
	if ((rc != 0)); then
		printf -- '-- %s: FAILED after %d s\n' "$name" $((EPOCHSECONDS - t0)) >&2
		summary
		exit "$rc"
	fi
	printf -- '-- %s: %d s\n' "$name" $((EPOCHSECONDS - t0))
}

# Background steps: NAME -> pid; each writes its log and, when done, its
# time in seconds to $work/NAME.{log,secs}.
declare -A bg_pid=()
background() {
	local name=$1
	shift
	[[ $name != */* ]] || { echo "background: a name with a slash: $name" >&2; exit 2; }
	(
		t0=$EPOCHSECONDS
		if "$@" >"$work/$name.log" 2>&1; then rc=0; else rc=$?; fi
		echo $((EPOCHSECONDS - t0)) >"$work/$name.secs"
		exit "$rc"
	) &
	bg_pid[$name]=$!
	echo "   started in the background: $name"
}

# background_status says which background steps are still running.
background_status() {
	local name running=()
	for name in "${!bg_pid[@]}"; do
		[[ -e "$work/$name.secs" ]] || running+=("$name")
	done
	((${#running[@]} == 0)) || echo "; in the background: ${running[*]}"
}

# await NAME waits for a background step, printing a line every 30 s, then
# shows its log and records its time.
await() {
	local name=$1 t0=$EPOCHSECONDS n=0 rc
	while [[ ! -e "$work/$name.secs" ]]; do
		sleep 1
		if ((++n % 30 == 0)); then
			echo "   ... waiting for $name ($n s so far; its last line: $(tail -n1 "$work/$name.log" 2>/dev/null))"
		fi
	done
	if wait "${bg_pid[$name]}"; then rc=0; else rc=$?; fi
	sed 's/^/   /' "$work/$name.log"
	local secs
	secs=$(cat "$work/$name.secs")
	record "$name (background)" "$secs"
	if ((rc != 0)); then
		printf -- '-- %s: FAILED after %d s\n' "$name" "$secs" >&2
		summary
		exit "$rc"
	fi
	printf -- '-- %s: done, %d s in the background (waited %d s for it)\n' "$name" "$secs" $((EPOCHSECONDS - t0))
}

summary() {
	printf '\n== times\n'
	printf '%s\n' "${timings[@]}"
	printf '  %-44s %4d s\n' "total" $((EPOCHSECONDS - start))
}

gofmt_check() {
	local unformatted
	unformatted="$(gofmt -l .)"
	if [[ -n "$unformatted" ]]; then
		echo "these files need gofmt -w:" >&2
		echo "$unformatted" >&2
		return 1
	fi
}

# staticcheck_job builds staticcheck (when not cached), waits for go vet
# (so that it does not compile the packages a second time beside it), and
# runs it with the race run's flags, whose compiled packages it reuses.
staticcheck_job() {
	nice -n 10 .ci/install-test-tools.sh staticcheck || return
	while [[ ! -e "$work/vet.done" ]]; do
		[[ -d "$work" ]] || return 1 # the script ended
		sleep 1
	done
	echo "staticcheck ./..."
	nice -n 10 env GOFLAGS=-race "$BIN_DIR/staticcheck" -tags vngcloud_debuglog ./...
}

if $light; then
	export CI=
	echo "light run: no installs, no staticcheck, no race detector; tests that need a missing tool skip"
else
	printf '== installs, in the background while Go compiles (cache: %s)\n' "$BIN_DIR"
	background apt .ci/install-test-tools.sh apt
	background versitygw .ci/install-test-tools.sh versitygw
	# Nothing waits for staticcheck: it is built, then run once go vet has
	# compiled the packages, with the CPU time the other steps leave over
	# (nice), and its result is read at the end.
	background staticcheck staticcheck_job
fi

run gofmt gofmt_check
run "go mod tidy -diff" go mod tidy -diff
# A full run compiles every package once, with the flags of the race run
# below: go vet, the test reporter and staticcheck (GOFLAGS) use them too,
# so what one compiles serves the others, and most of it is compiled while
# the installs run.
build_flags=()
$light || build_flags=(-race -tags vngcloud_debuglog)
run "go vet" go vet "${build_flags[@]}" ./...
touch "$work/vet.done"
run "build the test reporter" go build "${build_flags[@]}" -o "$work/testreport" .ci/testreport.go

if $light; then
	run "go test" bash -o pipefail -c "go test -count=1 -json ./... | '$work/testreport'"
	summary
	exit 0
fi

# The tests run in two parts, both with the SDK's debug log on (-tags
# vngcloud_debuglog) and into one log, whose whole output is then searched
# for the tests' secrets and tokens (docs/RELIABILITY.md, "The whole test
# suite"). First the packages whose tests drive no real tool, while
# versitygw may still be building; then those whose tests import
# internal/testsupport/realtools, once the tools are in place. go vet ran
# above (-vet=off), and the test binaries need no debug symbols (-s -w:
# a shorter link; stack traces and race reports keep their lines).
rt="$(go list -m)/internal/testsupport/realtools"
go list -f '{{.ImportPath}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}' ./... >"$work/imports"
with_tools="$(awk -v rt="$rt" '{for (i = 1; i <= NF; i++) if ($i == rt) {print $1; next}}' "$work/imports" | tr '\n' ' ')"
without_tools="$(awk -v rt="$rt" '{for (i = 1; i <= NF; i++) if ($i == rt) next; print $1}' "$work/imports" | tr '\n' ' ')"
run "go test -race, packages without real tools" bash -o pipefail -c "go test -race -count=1 -timeout 12m -json -tags vngcloud_debuglog -vet=off -ldflags='-s -w' $without_tools | tee '$work/suite.json' | '$work/testreport'"
await apt
await versitygw
run "tool versions" .ci/install-test-tools.sh report
run "go test -race, packages with real tools" bash -o pipefail -c "go test -race -count=1 -timeout 12m -json -tags vngcloud_debuglog -vet=off -ldflags='-s -w' $with_tools | tee -a '$work/suite.json' | '$work/testreport'"
run "secret search over the whole test output" env RELIABILITY_SUITE_LOG="$work/suite.json" go test -race -tags vngcloud_debuglog -vet=off -ldflags='-s -w' -count=1 -run '^TestSuiteLogHasNoSecrets$' -v ./internal/reliability
await staticcheck
summary
printf '\nall checks passed\n'
