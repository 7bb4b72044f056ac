package fuzzers_test

import (
	"testing"

	"github.com/safedhcp/safedhcp/fuzzers"
)

// The native go test -fuzz targets: each seeds from corpus/NAME/ and runs
// the same harness libFuzzer and AFL++ run. A crash go test finds is saved
// under testdata/fuzz/FuzzXxx/ and from then on runs as a regression case.

func FuzzCodecDecode(f *testing.F) {
	fuzzTarget(f, "codec-decode", fuzzers.FuzzCodecDecode)
}

func FuzzCodecRoundTrip(f *testing.F) {
	fuzzTarget(f, "codec-roundtrip", fuzzers.FuzzCodecRoundTrip)
}

func FuzzCodecEncode(f *testing.F) {
	fuzzTarget(f, "codec-encode", fuzzers.FuzzCodecEncode)
}

func FuzzFrame(f *testing.F) { fuzzTarget(f, "frame", fuzzers.FuzzFrame) }

func FuzzIPC(f *testing.F) { fuzzTarget(f, "ipc", fuzzers.FuzzIPC) }

func FuzzStateMachine(f *testing.F) {
	fuzzTarget(f, "statemachine", fuzzers.FuzzStateMachine)
}

func FuzzLease(f *testing.F) { fuzzTarget(f, "lease", fuzzers.FuzzLease) }

func FuzzConfig(f *testing.F) { fuzzTarget(f, "config", fuzzers.FuzzConfig) }

// fuzzTarget adds the seed corpus of name to f and fuzzes fn.
func fuzzTarget(f *testing.F, name string, fn func([]byte) int) {
	f.Helper()

	for _, s := range readCorpus(f, name) {
		f.Add(s.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) { fn(data) })
}
