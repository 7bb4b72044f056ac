#!/usr/bin/env bash
# Checks that the AFL++ driver reports what the selftest harness does
# (fuzzers.Lookup("selftest"): "crash" panics, "hang" sleeps a minute):
#   1. run by hand, a panic ends it with SIGABRT (exit 134), else exit 0;
#   2. through its fork server (afl-showmap), a sequence of good inputs,
#      panics and a hang gives a crash for each panic, a timeout for the
#      hang, and coverage for every good input after them.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(afl/build.sh selftest)

rc=0
{ "$bin" <<<crash >/dev/null 2>&1; } 2>/dev/null || rc=$?
if ((rc != 134)); then
	echo "afl/selftest.sh: a crash by hand exited $rc, want 134 (SIGABRT)" >&2
	exit 1
fi
"$bin" <<<fine

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/in"
i=0
for input in fine crash fine hang fine crash crash fine; do
	i=$((i + 1))
	printf '%s' "$input" >"$tmp/in/$i-$input"
done

afl-showmap -i "$tmp/in" -o "$tmp/out" -t 500 -- "$bin" >"$tmp/log" 2>&1 || true
crashes=$(grep -ac 'killed by signal 6' "$tmp/log" || true)
hangs=$(grep -ac 'Program timed off' "$tmp/log" || true)
if ((crashes != 3 || hangs != 1)); then
	cat "$tmp/log" >&2
	echo "afl/selftest.sh: $crashes crashes and $hangs timeouts through the" \
		"fork server, want 3 and 1" >&2
	exit 1
fi
for f in "$tmp/in"/*-fine; do
	if [[ ! -s $tmp/out/$(basename "$f") ]]; then
		echo "afl/selftest.sh: no coverage for $(basename "$f")" >&2
		exit 1
	fi
done
echo "selftest: SIGABRT on a panic, exit 0 otherwise; through the fork" \
	"server $crashes crashes, $hangs timeout, coverage for every good input"
