#!/usr/bin/env bash
# Fuzzes afl/baseline.c, a bare C persistent loop, for SECONDS (default
# 30) and prints its execs_per_sec: the ceiling the Go targets' AFL++
# rates are compared with.
#   afl/baseline.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
out=out/afl
mkdir -p "$out/baseline.in"
AFL_QUIET=1 afl-clang-fast -O2 -Wall -o "$out/baseline" afl/baseline.c
printf 'seed' >"$out/baseline.in/seed"
rm -rf "$out/baseline.out"

export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_FAST_CAL=1
afl-fuzz -i "$out/baseline.in" -o "$out/baseline.out" -t 1000 \
	-V "$seconds" -- "$out/baseline" >"$out/baseline.log" 2>&1 || {
	tail -n 30 "$out/baseline.log" >&2
	exit 1
}
awk '$1 == "execs_per_sec" { print int($3) }' \
	"$out/baseline.out/default/fuzzer_stats"
