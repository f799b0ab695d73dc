#!/usr/bin/env bash
# install-test-tools.sh installs the real tools that the tests in
# internal/realtools (and the packages that use it) drive on loopback:
#
#   s3cmd, rclone, awscli   Debian packages, installed with apt-get only when missing
#   versitygw v1.8.0        built with `go install` into
#                           ${XDG_CACHE_HOME:-$HOME/.cache}/vngcloud-test/bin/versitygw
#
# It is idempotent and quiet on success: it prints one line per tool with its
# version. It needs network access only to the Debian mirrors and the Go module
# proxy. Run it from anywhere; it never touches the repository's go.mod.
set -euo pipefail

VERSITYGW_MODULE="github.com/versity/versitygw/cmd/versitygw"
VERSITYGW_VERSION="v1.8.0"
BIN_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/vngcloud-test/bin"

die() {
	echo "install-test-tools: $*" >&2
	exit 1
}

# --- Debian packages -------------------------------------------------------
# command name -> package name
declare -A pkg_for=([s3cmd]=s3cmd [rclone]=rclone [aws]=awscli)
missing=()
for cmd in s3cmd rclone aws; do
	if [[ "$cmd" == aws ]]; then
		# `aws` on PATH may be a pyenv shim of AWS CLI v1; the tests want Debian's
		# awscli v2 at /usr/bin/aws.
		[[ -x /usr/bin/aws ]] || missing+=("${pkg_for[$cmd]}")
	elif ! command -v "$cmd" >/dev/null 2>&1; then
		missing+=("${pkg_for[$cmd]}")
	fi
done

if ((${#missing[@]} > 0)); then
	command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and apt-get is not available; install them by hand"
	sudo_cmd=()
	if [[ "$(id -u)" != 0 ]]; then
		command -v sudo >/dev/null 2>&1 || die "missing ${missing[*]}: run as root, or install sudo"
		sudo_cmd=(sudo)
	fi
	log="$(mktemp)"
	trap 'rm -f "$log"' EXIT
	if ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 ||
		! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
		cat "$log" >&2
		die "apt-get install ${missing[*]} failed"
	fi
fi

# --- versitygw -------------------------------------------------------------
vgw="$BIN_DIR/versitygw"
if [[ ! -x "$vgw" ]]; then
	command -v go >/dev/null 2>&1 || die "go is not on PATH; it is needed to build versitygw"
	mkdir -p "$BIN_DIR"
	work="$(mktemp -d)"
	# Build from an empty temp dir so that no go.mod (ours included) is consulted or modified.
	if ! (cd "$work" && GOBIN="$BIN_DIR" GOFLAGS=-mod=mod GO111MODULE=on GOWORK=off \
		go install "$VERSITYGW_MODULE@$VERSITYGW_VERSION") >"$work.log" 2>&1; then
		cat "$work.log" >&2
		rm -rf "$work" "$work.log"
		die "go install $VERSITYGW_MODULE@$VERSITYGW_VERSION failed"
	fi
	rm -rf "$work" "$work.log"
fi

# --- report ----------------------------------------------------------------
for cmd in s3cmd rclone; do
	command -v "$cmd" >/dev/null 2>&1 || die "$cmd is still missing after apt-get install"
done
aws_bin=/usr/bin/aws
[[ -x "$aws_bin" ]] || aws_bin="$(command -v aws || true)"
[[ -n "$aws_bin" ]] || die "aws is still missing after apt-get install"
[[ -x "$vgw" ]] || die "$vgw is missing after go install"
echo "s3cmd:     $(command -v s3cmd) ($(s3cmd --version 2>&1 | head -n1))"
echo "rclone:    $(command -v rclone) ($(rclone version 2>&1 | head -n1))"
echo "aws:       $aws_bin ($("$aws_bin" --version 2>&1 | head -n1))"
vgw_version="$(go version -m "$vgw" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/versity/versitygw" {print $3}' || true)"
echo "versitygw: $vgw (${vgw_version:-unknown version})"
