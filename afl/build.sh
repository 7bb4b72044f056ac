#!/usr/bin/env bash
# Builds the AFL++ persistent-mode binary for one fuzz target:
#   afl/build.sh TARGET        -> out/afl/TARGET
# TARGET is a name from fuzzers.Targets (codec-decode, frame, ...). The Go
# harness is compiled with the libFuzzer instrumentation into a C archive;
# afl/driver.c and afl/glue.c are compiled by plain clang, so AFL++ counts
# none of their edges, and afl-clang-fast links them with AFL++'s runtime.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: afl/build.sh TARGET}
out=out/afl
mkdir -p "$out"

# Only the project's packages are instrumented: the standard library and
# runtime would add edges that change with scheduling, not with input.
CGO_ENABLED=1 CC=clang go build -buildmode=c-archive -trimpath \
	-tags=libfuzzer \
	-gcflags='github.com/safedhcp/safedhcp/...=-d=libfuzzer' \
	-ldflags="-X main.target=$target" \
	-o "$out/$target.a" ./fuzzers/libfuzzer

# The number of Go edge counters: the size of the .go.fuzzcntrs section.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && ar x "$OLDPWD/$out/$target.a" go.o)
hex=$(objdump -h "$tmp/go.o" | awk '$2 == ".go.fuzzcntrs" { print $3 }')
n=$((16#${hex:-0}))
if ((n == 0)); then
	echo "afl/build.sh: no Go counters in $out/$target.a" >&2
	exit 1
fi

clang -O2 -Wall -DNCOUNTERS="$n" -c -o "$tmp/glue.o" afl/glue.c
clang -O2 -Wall -c -o "$tmp/driver.o" afl/driver.c
AFL_QUIET=1 afl-clang-fast -O2 -o "$out/$target" "$tmp/driver.o" \
	"$tmp/glue.o" "$out/$target.a" -lpthread
rm -f "$out/$target.h"
echo "$out/$target"
