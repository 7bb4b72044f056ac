#!/usr/bin/env bash
# Runs every native fuzz target of ./fuzzers in turn with go test -fuzz:
#   fuzzers/run-native.sh [FUZZTIME]      (default 30s; also $FUZZTIME)
# Set FUZZ_TARGETS to a space-separated list (FuzzCodecDecode ...) to run
# fewer. A crash is saved by go test under fuzzers/testdata/fuzz/FuzzX/
# and from then on runs as a regression case with plain go test. Prints
# each target's executions, rate and corpus size; exits 1 if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${1:-${FUZZTIME:-30s}}
targets=${FUZZ_TARGETS:-$(go test -list '^Fuzz' ./fuzzers | grep '^Fuzz')}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

failed=()
for t in $targets; do
	if go test -run '^$' -fuzz "^$t\$" -fuzztime "$fuzztime" ./fuzzers \
		>"$log" 2>&1; then
		grep -E '^fuzz: elapsed' "$log" | tail -n 1 | awk -v t="$t" '{
			split($3, a, /[ms,]/)
			secs = ($3 ~ /m/) ? a[1] * 60 + a[2] : a[1]
			n = $5
			c = $NF
			sub(/\)/, "", c)
			printf "%-20s %9d execs in %3ds: %6d/s, corpus %s\n",
				t, n, secs, n / (secs ? secs : 1), c
		}' 
	else
		printf '%-22s FAILED\n' "$t"
		cat "$log" >&2
		failed+=("$t")
	fi
done

if ((${#failed[@]})); then
	echo "run-native.sh: failed: ${failed[*]}" >&2
	exit 1
fi
