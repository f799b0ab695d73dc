#!/usr/bin/env bash
# Reproduces the figures of docs/BENCHMARKS.md. It is not part of the test
# command and CI does not run it.
#
# usage: .ci/bench.sh [-count N] [-out DIR] [-base DIR] [-only REGEXP]
#
#   -count N   runs of each benchmark (default 10; use 10 or more, the
#              medians and their variation come from benchstat)
#   -out DIR   where the raw results go (default bench-results/), one file
#              per benchmark group, plus uptime.txt, mutex.txt
#   -base DIR  the -out DIR of an earlier run (for example on the commit
#              before an optimisation): each table then compares that run
#              (before) with this one (after), implementation by
#              implementation
#   -only RE   runs only the groups whose name matches the extended
#              regular expression RE (for example 'vstorage|viam'); the
#              names are httpcore-get, vstorage-listbuckets,
#              vstorage-listbuckets1000, viam-listserviceaccounts,
#              viam-allserviceaccounts1000, s3cfg-config, token
#
# It prints one benchstat table per group: the SDK against bare net/http +
# encoding/json (or s3cfg against gopkg.in/ini.v1) side by side, the
# baseline first (-col '/impl@(bare sdk)'), so that "vs base" reads as the
# SDK's cost; and the token benchmarks. Run it on a quiet machine; it records
# the load (uptime) before and after.
set -euo pipefail
cd "$(dirname "$0")/.."

count=10
out=bench-results
base=
only=.
while [ $# -gt 0 ]; do
	case "$1" in
	-count) count=$2; shift 2 ;;
	-out) out=$2; shift 2 ;;
	-base) base=$2; shift 2 ;;
	-only) only=$2; shift 2 ;;
	*) echo "usage: $0 [-count N] [-out DIR] [-base DIR] [-only REGEXP]" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"

if command -v benchstat >/dev/null 2>&1; then
	benchstat=(benchstat)
elif [ -x "$HOME/go/bin/benchstat" ]; then
	benchstat=("$HOME/go/bin/benchstat")
else
	benchstat=(go run golang.org/x/perf/cmd/benchstat@latest)
fi

# group name; package; -bench pattern; benchstat's -col (the baseline
# implementation first, so that "vs base" is the SDK's cost over it)
groups=(
	"httpcore-get;./internal/httpcore;^BenchmarkGet$;/impl@(bare sdk)"
	"vstorage-listbuckets;./vstorage;^BenchmarkListBuckets$;/impl@(bare sdk)"
	"vstorage-listbuckets1000;./vstorage;^BenchmarkListBuckets1000$;/impl@(bare sdk)"
	"viam-listserviceaccounts;./viam;^BenchmarkListServiceAccounts$;/impl@(bare sdk)"
	"viam-allserviceaccounts1000;./viam;^BenchmarkAllServiceAccounts1000$;/impl@(bare sdk)"
	"s3cfg-config;./s3cfg;^Benchmark(Load|Build)FullConfig$;/impl@(ini.v1 s3cfg)"
	"token;.;^BenchmarkTokenCache;"
)

{
	echo "start: $(date -u +%FT%TZ) $(uptime)"
	go version
	grep -m1 'model name' /proc/cpuinfo || true
	echo "cores: $(nproc)"
} >"$out/uptime.txt"

selected=()
for g in "${groups[@]}"; do
	if grep -Eq -- "$only" <<<"${g%%;*}"; then
		selected+=("$g")
	fi
done

for g in "${selected[@]}"; do
	IFS=';' read -r name pkg pattern _ <<<"$g"
	echo "== $name: go test -run '^\$' -bench '$pattern' -count $count $pkg" >&2
	go test -run '^$' -bench "$pattern" -count "$count" "$pkg" >"$out/$name.txt"
done

# The steady state of the token cache under a mutex profile: no frame of
# TokenCache may appear (the cached token is read without a lock).
mutex=false
if grep -Eq -- "$only" <<<token; then
	mutex=true
	go test -run '^$' -bench '^BenchmarkTokenCache(Steady|Contended)$' -count 1 \
		-mutexprofile "$out/mutex.out" -o "$out/root.test" . >/dev/null
	go tool pprof -top "$out/root.test" "$out/mutex.out" >"$out/mutex.txt" 2>&1
fi
echo "end: $(date -u +%FT%TZ) $(uptime)" >>"$out/uptime.txt"

cat "$out/uptime.txt"
for g in "${selected[@]}"; do
	IFS=';' read -r name _ _ col <<<"$g"
	echo
	echo "### $name"
	if [ -n "$base" ] && [ -f "$base/$name.txt" ]; then
		# one column per run, one row per implementation
		"${benchstat[@]}" "before=$base/$name.txt" "after=$out/$name.txt"
	elif [ -n "$col" ]; then
		"${benchstat[@]}" -col "$col" "$out/$name.txt"
	else
		"${benchstat[@]}" "$out/$name.txt"
	fi
done
if ! $mutex; then
	exit 0
fi
echo
echo "### mutex profile of the steady state (go tool pprof -top)"
cat "$out/mutex.txt"
if grep -q 'TokenCache' "$out/mutex.txt"; then
	echo "FAIL: TokenCache shows in the mutex profile" >&2
	exit 1
fi
echo "no TokenCache frame in the mutex profile"
