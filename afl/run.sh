#!/usr/bin/env bash
# Fuzzes one target with AFL++ in persistent mode, seeded from corpus/:
#   afl/run.sh TARGET [SECONDS]     (default 60)
# Builds out/afl/TARGET first (afl/build.sh). Findings go to
# out/afl/TARGET.out/default/{queue,crashes,hangs}; fuzzer_stats there
# has the figures. Exits 1 if AFL++ saved a crash, and prints how to
# replay the crashes with go test. Runs as root without a terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: afl/run.sh TARGET [SECONDS]}
seconds=${2:-60}
out=out/afl/$target.out
dict=corpus/dhcp.dict
if [[ $target == config ]]; then
	dict=corpus/config.dict
fi

afl/build.sh "$target" >/dev/null
rm -rf "$out"

export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
# SIGUSR2 on a timeout: the driver ends the run itself (afl/driver.c).
export AFL_KILL_SIGNAL=12
export AFL_FAST_CAL=1
afl-fuzz -i "corpus/$target" -o "$out" -x "$dict" -t 1000 -V "$seconds" \
	-- "out/afl/$target" >"$out.log" 2>&1 || {
	tail -n 30 "$out.log" >&2
	exit 1
}

stats=$out/default/fuzzer_stats
grep -E '^(execs_done|execs_per_sec|corpus_count|corpus_found|stability|edges_found|total_edges|bitmap_cvg|saved_crashes|saved_hangs) ' "$stats"

crashes=$(find "$out/default/crashes" -type f -name 'id:*' | wc -l)
if ((crashes > 0)); then
	echo "afl/run.sh: $crashes crash(es); replay them with:" >&2
	echo "  go test ./fuzzers -run TestReplay -replay $out/default/crashes -replay.target $target" >&2
	exit 1
fi
