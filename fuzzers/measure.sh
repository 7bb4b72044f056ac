#!/usr/bin/env bash
# Measures every target under the three engines for SECONDS each (default
# 60), one core each, one run at a time, and prints the Markdown table of
# fuzzers/README.md:
#   fuzzers/measure.sh [SECONDS] [TARGET...]
# Columns: executions per second of go test -fuzz (-parallel 1), of
# libFuzzer and of AFL++ persistent mode; libFuzzer's cov/ft and AFL++'s
# edges_found/total_edges at the end; and the statement coverage of the
# target's package(s) reached by each engine's final corpus (replayed
# with go test -cover, so the three are comparable). go test -fuzz runs
# with a private GOCACHE so its corpus starts from the seeds alone.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
out=out/measure
rm -rf "$out"
mkdir -p "$out"
gocache=$PWD/$out/gocache

# coverpkgs is the package list whose coverage a target is measured on.
coverpkgs() {
	case $1 in
	codec-*) echo ./codec ;;
	frame) echo ./client/frame,./codec ;;
	ipc) echo ./client/ipc ;;
	statemachine | lease) echo ./statemachine ;;
	config) echo ./client/config ;;
	esac
}

# cover replays the directories $2 (colon-separated) through target $1.
cover() {
	go test -count=1 -run '^TestReplay$' -coverpkg="$(coverpkgs "$1")" \
		./fuzzers -replay "$2" -replay.target "$1" 2>&1 |
		grep -oE 'coverage: [0-9.]+%' | grep -oE '[0-9.]+%' || echo "?"
}

echo "| target | go test -fuzz exec/s | libFuzzer exec/s | AFL++ exec/s | libFuzzer cov/ft | AFL++ edges | stmt coverage: go / libFuzzer / AFL++ |"
echo "|---|---:|---:|---:|---|---|---|"
while read -r target fn; do
	if (($#)) && [[ " $* " != *" $target "* ]]; then
		continue
	fi

	GOCACHE=$gocache go test -run '^$' -fuzz "^$fn\$" -parallel 1 \
		-fuzztime "${seconds}s" ./fuzzers >"$out/$target.go.log" 2>&1
	execs=$(grep -oE 'execs: [0-9]+' "$out/$target.go.log" | tail -n 1 |
		grep -oE '[0-9]+')
	gorate=$((execs / seconds))
	found=$gocache/fuzz/github.com/safedhcp/safedhcp/fuzzers/$fn
	mkdir -p "$found"
	gocov=$(cover "$target" "corpus/$target:$found")

	fuzzers/oss-fuzz/local-build.sh "$seconds" "$target" >/dev/null
	lf=out/libfuzzer/$target.log
	lfrate=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$lf")
	lfcov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$lf" | tail -n 1)
	lfstmt=$(cover "$target" "corpus/$target:out/libfuzzer/$target.corpus")

	afl/run.sh "$target" "$seconds" >/dev/null
	st=out/afl/$target.out/default/fuzzer_stats
	aflrate=$(awk '$1 == "execs_per_sec" { print int($3) }' "$st")
	edges=$(awk '$1 == "edges_found" { e = $3 } $1 == "total_edges" { t = $3 }
		END { print e "/" t }' "$st")
	aflstmt=$(cover "$target" "out/afl/$target.out/default/queue")

	echo "| $target | $gorate | $lfrate | $aflrate | $lfcov | $edges | $gocov / $lfstmt / $aflstmt |"
done < <(go run ./fuzzers/cmd/fuzztargets)

echo
echo "AFL++ ceiling on this machine: a bare C persistent loop" \
	"(afl/baseline.sh $seconds) ran at $(afl/baseline.sh "$seconds") exec/s."
