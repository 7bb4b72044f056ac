#!/bin/bash -eu
# OSS-Fuzz and ClusterFuzzLite build of the safedhcp fuzzers. It runs in
# the base-builder-go image, from the source tree, with $OUT and $WORK
# set. Every target fuzztargets lists is one harness in ./fuzzers, built
# from its go-fuzz style entry point (func(data []byte) int) by
# compile_go_fuzzer; each binary gets its seed corpus (corpus/TARGET) and
# dictionary next to it.
#
# fuzzers/oss-fuzz/local-build.sh reproduces this build without Docker.

cd "$SRC/safedhcp"

go run ./fuzzers/cmd/fuzztargets >"$WORK/safedhcp-targets"
while read -r target fn; do
	dir=corpus/$target/
	name=fuzz_${target//-/_}

	compile_go_fuzzer github.com/safedhcp/safedhcp/fuzzers "$fn" "$name"

	zip -j -q "$OUT/${name}_seed_corpus.zip" "$dir"*
	if [[ $target == config ]]; then
		cp corpus/config.dict "$OUT/$name.dict"
	else
		cp corpus/dhcp.dict "$OUT/$name.dict"
	fi
done <"$WORK/safedhcp-targets"
