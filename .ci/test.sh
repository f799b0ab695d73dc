#!/usr/bin/env bash
# test.sh runs every check of this repository, the same way on a laptop and
# in CI: it installs the real tools the tests drive (s3cmd, rclone, the AWS
# CLI, versitygw), then checks formatting, go vet, staticcheck, and runs all
# tests with the race detector.
#
# With CI set (CI=true), tests that need a real tool fail when it is missing
# instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK_VERSION=v0.8.2

step() { printf '\n== %s\n' "$*"; }

step "installing test tools"
.ci/install-test-tools.sh

step "gofmt"
unformatted="$(gofmt -l .)"
if [[ -n "$unformatted" ]]; then
	echo "these files need gofmt -w:" >&2
	echo "$unformatted" >&2
	exit 1
fi

step "go mod tidy -diff"
go mod tidy -diff

step "go vet"
go vet ./...

step "staticcheck $STATICCHECK_VERSION"
go run "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" ./...

step "go test -race"
go test -race -count=1 -timeout 12m ./...

step "all checks passed"
