#!/usr/bin/env bash
# Runs every native fuzz target of the module in turn with go test -fuzz:
#   fuzzers/run-native.sh [FUZZTIME]      (default 30s; also $FUZZTIME)
# FUZZ_PKGS (package patterns, default ./...) and FUZZ_TARGETS (names such
# as FuzzCodecDecode) narrow the run. A crash is saved by go test under the
# package's testdata/fuzz/FuzzX/ and from then on runs as a regression case
# with plain go test. Prints each target's executions, rate and corpus
# size; exits 1 if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${1:-${FUZZTIME:-30s}}
pkgs=$(go list ${FUZZ_PKGS:-./...})
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# wanted reports whether target $1 is selected by FUZZ_TARGETS.
wanted() {
	[[ -z ${FUZZ_TARGETS:-} ]] && return 0
	[[ " $FUZZ_TARGETS " == *" $1 "* ]]
}

failed=()
ran=0
for p in $pkgs; do
	for t in $(go test -list '^Fuzz' "$p" | grep '^Fuzz' || true); do
		wanted "$t" || continue
		ran=$((ran + 1))
		# Minimising each new input for long makes the reported rate
		# drop to zero for seconds at a time; keep it short.
		if go test -run '^$' -fuzz "^$t\$" -fuzztime "$fuzztime" \
			-fuzzminimizetime 5s "$p" >"$log" 2>&1; then
			grep -E '^fuzz: elapsed' "$log" | tail -n 1 |
				awk -v t="${p#github.com/safedhcp/safedhcp/}.$t" '{
				split($3, a, /[ms,]/)
				secs = ($3 ~ /m/) ? a[1] * 60 + a[2] : a[1]
				n = $5
				c = $NF
				sub(/\)/, "", c)
				printf "%-40s %9d execs in %3ds: %6d/s, corpus %s\n",
					t, n, secs, n / (secs ? secs : 1), c
			}'
		else
			printf '%-40s FAILED\n' "$p.$t"
			cat "$log" >&2
			failed+=("$p.$t")
		fi
	done
done

if ((${#failed[@]})); then
	echo "run-native.sh: ${#failed[@]} of $ran targets failed: ${failed[*]}" >&2
	exit 1
fi
echo "run-native.sh: all $ran targets ran for $fuzztime each without a failure"
