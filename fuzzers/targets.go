package fuzzers

import (
	"bytes"
	"strconv"
	"time"
)

// Target names one harness. Name is the corpus directory under corpus/,
// the AFL and libFuzzer binary name and the OSS-Fuzz fuzzer name (with
// the prefix fuzz_ and dashes turned into underscores). Func is the name
// of the go-fuzz style function, as compile_go_fuzzer takes it, and of
// the native FuzzXxx wrapper in the package's tests.
type Target struct {
	Name string
	Func string
	Fn   func(data []byte) int
}

// Targets returns every harness, in the order CI runs them. The slice is
// new on each call, so callers may not change what others see.
func Targets() []Target {
	return []Target{
		{"codec-decode", "FuzzCodecDecode", FuzzCodecDecode},
		{"codec-roundtrip", "FuzzCodecRoundTrip", FuzzCodecRoundTrip},
		{"codec-encode", "FuzzCodecEncode", FuzzCodecEncode},
		{"frame", "FuzzFrame", FuzzFrame},
		{"ipc", "FuzzIPC", FuzzIPC},
		{"statemachine", "FuzzStateMachine", FuzzStateMachine},
		{"lease", "FuzzLease", FuzzLease},
		{"config", "FuzzConfig", FuzzConfig},
	}
}

// Lookup returns the harness called name and whether it exists. Besides
// Targets it knows "selftest", which panics on input starting with
// "crash", sleeps for a minute on "hang" and busy-waits N microseconds on
// "spinN": CI uses it to check that each engine reports a panic as a
// crash, and that the AFL++ driver reports panics and timeouts, however
// close to the timeout a run ends, and goes on.
func Lookup(name string) (func(data []byte) int, bool) {
	if name == "selftest" {
		return selftest, true
	}
	for _, t := range Targets() {
		if t.Name == name {
			return t.Fn, true
		}
	}

	return nil, false
}

// selftest panics when data starts with "crash", sleeps for a minute when
// it starts with "hang" and busy-waits N microseconds on "spinN".
func selftest(data []byte) int {
	if bytes.HasPrefix(data, []byte("crash")) {
		bug("selftest input")
	}
	if bytes.HasPrefix(data, []byte("hang")) {
		time.Sleep(time.Minute)
	}
	if n, ok := bytes.CutPrefix(data, []byte("spin")); ok {
		us, _ := strconv.Atoi(string(n))
		d := time.Duration(us) * time.Microsecond
		for start := time.Now(); time.Since(start) < d; {
		}
	}

	return 0
}
