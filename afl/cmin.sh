#!/usr/bin/env bash
# Minimises a target's seed corpus in place with afl-cmin: keeps the
# smallest set of corpus/TARGET files that reaches every edge (hit-count
# bucket) the whole set reaches, plus every hand-made edge-* file, each of
# which is there for a path of its own.
#   afl/cmin.sh TARGET...
# Run it after go run ./fuzzers/mkcorpus for the targets seeded from the
# captures (codec-decode, codec-roundtrip, frame); the hand-made state
# machine scripts are each kept on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."

export AFL_SKIP_CPUFREQ=1 AFL_QUIET=1
export AFL_KILL_SIGNAL=12 # SIGUSR2: see afl/run.sh
for target in "$@"; do
	afl/build.sh "$target" >/dev/null
	tmp=out/cmin/$target
	rm -rf "$tmp"
	mkdir -p out/cmin
	afl-cmin -i "corpus/$target" -o "$tmp" -- "out/afl/$target" >/dev/null
	before=$(find "corpus/$target" -type f | wc -l)
	after=$(find "$tmp" -type f | wc -l)
	if ((after == 0)); then
		echo "afl/cmin.sh: $target: afl-cmin kept nothing" >&2
		exit 1
	fi
	find "corpus/$target" -type f ! -name 'edge-*' -delete
	cp -n "$tmp"/* "corpus/$target/"
	after=$(find "corpus/$target" -type f | wc -l)
	echo "$target: $before -> $after seeds"
done
