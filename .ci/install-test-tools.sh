#!/usr/bin/env bash
# install-test-tools.sh installs what the test command needs beyond Go:
#
#   s3cmd, rclone, awscli   Debian packages, installed with apt-get only when missing
#   versitygw v1.8.0        an S3 server, built from source with `go install` (about
#                           3 minutes the first time) and kept in the cache folder below
#   staticcheck v0.8.2      built once and kept in the same cache folder
#
# The cache folder is ${XDG_CACHE_HOME:-$HOME/.cache}/vngcloud-test/bin. A
# cached build is reused only when it is the expected version; delete the
# folder to force a rebuild.
#
# usage: .ci/install-test-tools.sh [apt|versitygw|staticcheck|report]...
#
# Without arguments it does the three installs at the same time (apt-get
# downloads while Go compiles), prints how long each took, then one line per
# tool with its path and version. With arguments it does only the named
# steps, one after the other (.ci/test.sh starts them in the background
# itself). It needs network access only to the Debian mirrors and the Go
# module proxy, runs from anywhere, and never touches the repository's go.mod.
set -euo pipefail

# Builds use less CPU with a larger GOGC (see .ci/test.sh); a GOGC you set wins.
export GOGC="${GOGC:-400}"

VERSITYGW_MODULE="github.com/versity/versitygw"
VERSITYGW_VERSION="v1.8.0"
STATICCHECK_MODULE="honnef.co/go/tools"
STATICCHECK_VERSION="v0.8.2"
BIN_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/vngcloud-test/bin"

die() {
	echo "install-test-tools: $*" >&2
	exit 1
}

# module_version BINARY MODULE prints the version of MODULE that a Go binary
# was built from, or nothing.
module_version() {
	[[ -x "$1" ]] || return 0
	go version -m "$1" 2>/dev/null | awk -v m="$2" '($1 == "mod" || $1 == "dep") && $2 == m {print $3; exit}'
}

# go_install PACKAGE@VERSION [BUILD FLAGS...] builds a tool into BIN_DIR from an empty folder,
# so that no go.mod (ours included) is consulted or changed.
go_install() {
	command -v go >/dev/null 2>&1 || die "go is not on PATH; it is needed to build $1"
	mkdir -p "$BIN_DIR"
	local work
	work="$(mktemp -d)"
	# -trimpath and -s -w: smaller binaries and a shorter link; the tests
	# need neither paths nor symbols. Build info (the version) is kept.
	# Extra flags (for versitygw, no optimisation) come after the module.
	local mod=$1
	shift
	if ! (cd "$work" && GOBIN="$BIN_DIR" GOFLAGS=-mod=mod GO111MODULE=on GOWORK=off \
		go install -trimpath -ldflags='-s -w' "$@" "$mod") >"$work.log" 2>&1; then
		cat "$work.log" >&2
		rm -rf "$work" "$work.log"
		die "go install $mod failed"
	fi
	rm -rf "$work" "$work.log"
}

# --- Debian packages -------------------------------------------------------
apt_missing() {
	local missing=()
	command -v s3cmd >/dev/null 2>&1 || missing+=(s3cmd)
	command -v rclone >/dev/null 2>&1 || missing+=(rclone)
	# `aws` on PATH may be a pyenv shim of AWS CLI v1; the tests want Debian's
	# awscli v2 at /usr/bin/aws.
	[[ -x /usr/bin/aws ]] || missing+=(awscli)
	echo "${missing[*]}"
}

step_apt() {
	local missing
	missing="$(apt_missing)"
	if [[ -z "$missing" ]]; then
		echo "apt: s3cmd, rclone and awscli are installed"
		return 0
	fi
	command -v apt-get >/dev/null 2>&1 || die "missing $missing and apt-get is not available; install them by hand"
	local sudo_cmd=()
	if [[ "$(id -u)" != 0 ]]; then
		command -v sudo >/dev/null 2>&1 || die "missing $missing: run as root, or install sudo"
		sudo_cmd=(sudo)
	fi
	local log
	log="$(mktemp)"
	echo "apt: installing $missing"
	# shellcheck disable=SC2086 # $missing is a list of package names
	if ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 ||
		! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >>"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "apt-get install $missing failed"
	fi
	rm -f "$log"
}

# --- versitygw -------------------------------------------------------------
step_versitygw() {
	local have
	have="$(module_version "$BIN_DIR/versitygw" "$VERSITYGW_MODULE")"
	if [[ "$have" == "$VERSITYGW_VERSION" ]]; then
		echo "versitygw: $VERSITYGW_VERSION is cached in $BIN_DIR"
		return 0
	fi
	echo "versitygw: building $VERSITYGW_VERSION from source into $BIN_DIR (a few minutes the first time)"
	# Without optimisation or inlining (-N -l) the compiler does less work,
	# which is most of this build; the tests ask little of its speed.
	go_install "$VERSITYGW_MODULE/cmd/versitygw@$VERSITYGW_VERSION" -gcflags='all=-N -l'
}

# --- staticcheck -----------------------------------------------------------
step_staticcheck() {
	local have
	have="$(module_version "$BIN_DIR/staticcheck" "$STATICCHECK_MODULE")"
	if [[ "$have" == "$STATICCHECK_VERSION" ]]; then
		echo "staticcheck: $STATICCHECK_VERSION is cached in $BIN_DIR"
		return 0
	fi
	echo "staticcheck: building $STATICCHECK_VERSION into $BIN_DIR"
	go_install "$STATICCHECK_MODULE/cmd/staticcheck@$STATICCHECK_VERSION"
}

# --- report ----------------------------------------------------------------
step_report() {
	local cmd
	for cmd in s3cmd rclone; do
		command -v "$cmd" >/dev/null 2>&1 || die "$cmd is missing; run $0 apt"
	done
	local aws_bin=/usr/bin/aws
	[[ -x "$aws_bin" ]] || aws_bin="$(command -v aws || true)"
	[[ -n "$aws_bin" ]] || die "aws is missing; run $0 apt"
	[[ -x "$BIN_DIR/versitygw" ]] || die "$BIN_DIR/versitygw is missing; run $0 versitygw"
	echo "s3cmd:       $(command -v s3cmd) ($(s3cmd --version 2>&1 | head -n1))"
	echo "rclone:      $(command -v rclone) ($(rclone version 2>&1 | head -n1))"
	echo "aws:         $aws_bin ($("$aws_bin" --version 2>&1 | head -n1))"
	echo "versitygw:   $BIN_DIR/versitygw ($(module_version "$BIN_DIR/versitygw" "$VERSITYGW_MODULE"))"
	if [[ -x "$BIN_DIR/staticcheck" ]]; then
		echo "staticcheck: $BIN_DIR/staticcheck ($(module_version "$BIN_DIR/staticcheck" "$STATICCHECK_MODULE"))"
	else
		echo "staticcheck: not built yet (.ci/test.sh builds it in the background)"
	fi
}

if (($# > 0)); then
	for s in "$@"; do
		case "$s" in
		apt | versitygw | staticcheck | report) "step_$s" ;;
		*) die "unknown step $s (want apt, versitygw, staticcheck or report)" ;;
		esac
	done
	exit 0
fi

# All three at once, each timed; a failure of one is reported after all end.
start=$EPOCHSECONDS
declare -A pid
for s in apt versitygw staticcheck; do
	(
		t0=$EPOCHSECONDS
		"step_$s"
		echo "$s: done in $((EPOCHSECONDS - t0)) s"
	) &
	pid[$s]=$!
done
failed=()
for s in apt versitygw staticcheck; do
	wait "${pid[$s]}" || failed+=("$s")
done
((${#failed[@]} == 0)) || die "failed: ${failed[*]}"
step_report
echo "installs: done in $((EPOCHSECONDS - start)) s"
