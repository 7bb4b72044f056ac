#!/usr/bin/env bash
# Checks that the AFL++ driver reports what the selftest harness does
# (fuzzers.Lookup("selftest"): "crash" panics, "hang" sleeps a minute,
# "spinN" busy-waits N microseconds):
#   1. run by hand, a panic ends it with SIGABRT (exit 134), else exit 0;
#   2. through its fork server (afl-showmap), with afl-fuzz's default kill
#      signal and with the SIGUSR2 afl/run.sh sets, a sequence of good
#      inputs, panics and a hang gives a crash for each panic, a timeout
#      for the hang, and coverage for every good input after them, and
#      with SIGUSR2 for the panics and the hang too;
#   3. with SIGUSR2, 400 runs that end within 0.2 ms either side of a 20
#      ms timeout all get an answer (none leaves afl-showmap waiting).
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

# showmap runs the inputs in directory $1 through the fork server with
# timeout $2 ms and kill signal $3; its log goes to $1.log, maps to $1.out.
showmap() {
	AFL_KILL_SIGNAL=$3 timeout 300 afl-showmap -i "$1" -o "$1.out" -t "$2" \
		-- "$bin" >"$1.log" 2>&1 || true
	if ! grep -aq 'Processed' "$1.log"; then
		tail -n 20 "$1.log" >&2
		echo "afl/selftest.sh: afl-showmap did not finish ($3)" >&2
		exit 1
	fi
}

# covered fails unless every input named $2 in directory $1 has a map.
covered() {
	for f in "$1"/*-"$2"; do
		if [[ ! -s $1.out/$(basename "$f") ]]; then
			echo "afl/selftest.sh: no coverage for $(basename "$f")" >&2
			exit 1
		fi
	done
}

for sig in 9 12; do
	in=$tmp/seq-$sig
	mkdir "$in"
	i=0
	for input in fine crash fine hang fine crash crash fine; do
		i=$((i + 1))
		printf '%s' "$input" >"$in/$i-$input"
	done
	showmap "$in" 500 "$sig"
	crashes=$(grep -ac 'killed by signal 6' "$in.log" || true)
	hangs=$(grep -ac 'Program timed off' "$in.log" || true)
	if ((crashes != 3 || hangs != 1)); then
		cat "$in.log" >&2
		echo "afl/selftest.sh: signal $sig: $crashes crashes and $hangs" \
			"timeouts through the fork server, want 3 and 1" >&2
		exit 1
	fi
	covered "$in" fine
	if ((sig == 12)); then
		covered "$in" crash
		covered "$in" hang
	fi
done

in=$tmp/edge
mkdir "$in"
for ((us = 19800; us < 20200; us++)); do
	printf 'spin%d' "$us" >"$in/$us-spin"
done
printf fine >"$in/99999-fine"
showmap "$in" 20 12
covered "$in" fine
hangs=$(grep -ac 'Program timed off' "$in.log" || true)

echo "selftest: SIGABRT on a panic, exit 0 otherwise; through the fork" \
	"server 3 crashes, 1 timeout, coverage for every good input, with" \
	"SIGKILL and SIGUSR2; 400 runs at a 20 ms timeout answered ($hangs" \
	"timed out)"
