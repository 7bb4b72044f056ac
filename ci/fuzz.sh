#!/usr/bin/env bash
# CI check of the fuzzing harness, about 7 minutes on two cores, as root
# and without a terminal:
#   1. go test ./fuzzers: every seed through its harness, the selftest;
#   2. every native target with go test -fuzz for $NATIVE_FUZZTIME (20s);
#   3. the OSS-Fuzz build reproduced with clang's libFuzzer, each fuzzer
#      run $LIBFUZZER_SECONDS (5) on its seed corpus;
#   4. the AFL++ driver on the selftest target (afl/selftest.sh): a panic
#      ends it with SIGABRT, and through its fork server panics and a hang
#      are reported as crashes and a timeout while good inputs go on;
#   5. AFL++ persistent mode on codec-decode for $AFL_SECONDS (60): fails
#      unless afl-fuzz detects persistent mode, finds new paths beyond the
#      seeds, keeps stability at 90% or more and saves no crash; then its
#      rate as a ratio to a bare C persistent loop (afl/baseline.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "seed corpus and selftest"
go test -count=1 ./fuzzers

step "native go test -fuzz targets"
fuzzers/run-native.sh "${NATIVE_FUZZTIME:-20s}"

step "libFuzzer (OSS-Fuzz build, reproduced locally)"
fuzzers/oss-fuzz/local-build.sh "${LIBFUZZER_SECONDS:-5}"

step "AFL++ driver reports panics and hangs"
afl/selftest.sh

step "AFL++ persistent mode on codec-decode"
afl/run.sh codec-decode "${AFL_SECONDS:-60}"
log=out/afl/codec-decode.out.log
stats=out/afl/codec-decode.out/default/fuzzer_stats
grep -q 'Persistent mode binary detected' "$log" || {
	echo "ci/fuzz.sh: afl-fuzz did not detect persistent mode" >&2
	exit 1
}
found=$(awk '$1 == "corpus_found" { print $3 }' "$stats")
stability=$(awk '$1 == "stability" { sub("%", "", $3); print $3 }' "$stats")
echo "new paths: $found, stability: $stability%"
if ((found == 0)); then
	echo "ci/fuzz.sh: AFL++ found no new paths beyond the seeds" >&2
	exit 1
fi
if awk -v s="$stability" 'BEGIN { exit !(s < 90) }'; then
	echo "ci/fuzz.sh: AFL++ stability $stability% is below 90%" >&2
	exit 1
fi

step "AFL++ rate against a bare C persistent loop, same machine"
rate=$(awk '$1 == "execs_per_sec" { print int($3) }' "$stats")
base=$(afl/baseline.sh "${AFL_BASELINE_SECONDS:-20}")
awk -v r="$rate" -v b="$base" 'BEGIN {
	printf "codec-decode %d exec/s, bare C loop %d exec/s: %.2fx\n", r, b, r / b
}'
