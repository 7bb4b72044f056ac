#!/usr/bin/env bash
# Reproduces the OSS-Fuzz build (build.sh) without Docker, with Debian's
# clang and libFuzzer, and runs every fuzzer on its seed corpus:
#   fuzzers/oss-fuzz/local-build.sh [SECONDS] [TARGET...]
# SECONDS (default 10; also $LIBFUZZER_SECONDS) is each fuzzer's run time.
#
# By default it builds what compile_go_fuzzer builds underneath: the
# compiler's libFuzzer instrumentation (-d=libfuzzer) in a C archive
# (fuzzers/libfuzzer exports LLVMFuzzerTestOneInput), linked by clang
# -fsanitize=fuzzer. With LIBFUZZER_BUILDER=go-fuzz-build it uses
# go-fuzz-build -libfuzzer on the go-fuzz style functions instead, as
# compile_go_fuzzer does, in a copy of the tree whose go.mod gains
# go-fuzz-dep (this tree's go.mod is left alone). Binaries go to
# out/libfuzzer/fuzz_X, new inputs to out/libfuzzer/X.corpus, crashes to
# out/libfuzzer/X.crash-*.
# Replay a crash with:
#   go test ./fuzzers -run TestReplay -replay DIR -replay.target TARGET
# Prints libFuzzer's final stats per target; exits 1 on any failure.
# TODO: run the real OSS-Fuzz image (infra/helper.py build_fuzzers) in CI
# where Docker exists; this machine has none.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-${LIBFUZZER_SECONDS:-10}}
shift || true
out=out/libfuzzer
mkdir -p "$out"

gofuzz=github.com/dvyukov/go-fuzz
gofuzzver=v0.0.0-20220726122315-1d375ef9f9f6

# archive builds out/libfuzzer/TARGET.a for the target and function.
archive() {
	if [[ ${LIBFUZZER_BUILDER:-} != go-fuzz-build ]]; then
		CGO_ENABLED=1 CC=clang go build -buildmode=c-archive -trimpath \
			-tags=libfuzzer \
			-gcflags='github.com/safedhcp/safedhcp/...=-d=libfuzzer' \
			-ldflags="-X main.target=$1" \
			-o "$out/$1.a" ./fuzzers/libfuzzer
		return
	fi

	local src=$out/src dst=$PWD/$out/$1.a bin
	bin=$(go env GOPATH)/bin/go-fuzz-build
	if [[ ! -x $bin ]]; then
		go install "$gofuzz/go-fuzz-build@$gofuzzver"
	fi
	if [[ ! -d $src ]]; then
		mkdir -p "$src"
		git ls-files -co --exclude-standard | tar -cT - | tar -x -C "$src"
		(cd "$src" && GOFLAGS=-mod=mod go get "$gofuzz/go-fuzz-dep@$gofuzzver")
	fi
	(cd "$src" && "$bin" -libfuzzer -func "$2" -o "$dst" ./fuzzers)
}

rm -rf "$out/src"
mapfile -t all < <(go run ./fuzzers/cmd/fuzztargets)
failed=()
for line in "${all[@]}"; do
	target=${line%% *}
	fn=${line#* }
	if (($#)) && [[ " $* " != *" $target "* ]]; then
		continue
	fi
	name=fuzz_${target//-/_}
	dict=corpus/dhcp.dict
	if [[ $target == config ]]; then
		dict=corpus/config.dict
	fi

	archive "$target" "$fn"
	clang -fsanitize=fuzzer -o "$out/$name" "$out/$target.a" -lpthread
	rm -f "$out/$target.a" "$out/$target.h"

	rm -rf "$out/$target.corpus"
	mkdir -p "$out/$target.corpus"
	if "$out/$name" -max_total_time="$seconds" -print_final_stats=1 \
		-dict="$dict" -artifact_prefix="$out/$target." \
		"$out/$target.corpus" "corpus/$target" >"$out/$target.log" 2>&1; then
		execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$out/$target.log")
		rate=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$out/$target.log")
		cov=$(grep -oE '(cov: [0-9]+ )?ft: [0-9]+' "$out/$target.log" |
			tail -n 1 || true)
		printf '%-16s execs %s (%s/s) %s\n' "$target" "$execs" "$rate" "$cov"
	else
		printf '%-16s FAILED, see %s\n' "$target" "$out/$target.log"
		tail -n 40 "$out/$target.log" >&2
		failed+=("$target")
	fi
done

rm -rf "$out/src"
if ((${#failed[@]})); then
	echo "local-build.sh: failed: ${failed[*]}" >&2
	exit 1
fi
