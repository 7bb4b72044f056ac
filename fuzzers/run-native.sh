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

# fuzz_one runs target $2 of package $1 for $fuzztime, output in $log.
# Minimising each new input for long makes the reported rate drop to zero
# for seconds at a time; keep it short.
fuzz_one() {
	go test -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime" \
		-fuzzminimizetime 5s "$1" >"$log" 2>&1
}

# crashers counts the inputs go test has saved for target $2 of package $1.
crashers() {
	local dir
	dir=$(go list -f '{{.Dir}}' "$1")/testdata/fuzz/$2
	if [[ -d $dir ]]; then
		find "$dir" -type f | wc -l
	else
		echo 0
	fi
}

# coordinator_race reruns target $2 of package $1 once when its failure is
# Go 1.26's fuzzing coordinator racing its own -fuzztime deadline
# (go.dev/issue/75804, fixed in Go 1.27): the only error is "context
# deadline exceeded" and no new input was saved. Any other failure stands.
coordinator_race() {
	grep -q '^    context deadline exceeded$' "$log" || return 1
	grep -q -E '^(panic|    fuzzing process hung|    .*_test\.go:)' "$log" &&
		return 1
	(($(crashers "$1" "$2") == before)) || return 1
	echo "run-native.sh: $1.$2: coordinator deadline race, running again" >&2
	fuzz_one "$1" "$2"
}

failed=()
ran=0
for p in $pkgs; do
	for t in $(go test -list '^Fuzz' "$p" | grep '^Fuzz' || true); do
		wanted "$t" || continue
		ran=$((ran + 1))
		before=$(crashers "$p" "$t")
		if fuzz_one "$p" "$t" || coordinator_race "$p" "$t"; then
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
