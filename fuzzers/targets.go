package fuzzers

// Target names one harness. Name is the corpus directory under corpus/,
// the AFL and libFuzzer binary name and the OSS-Fuzz fuzzer name (with
// the prefix fuzz_ and dashes turned into underscores).
type Target struct {
	Name string
	Fn   func(data []byte) int
}

// Targets returns every harness, in the order CI runs them. The slice is
// new on each call, so callers may not change what others see.
func Targets() []Target {
	return []Target{
		{"codec-decode", FuzzCodecDecode},
		{"codec-roundtrip", FuzzCodecRoundTrip},
		{"frame", FuzzFrame},
		{"ipc", FuzzIPC},
		{"statemachine", FuzzStateMachine},
		{"lease", FuzzLease},
		{"config", FuzzConfig},
	}
}

// Lookup returns the harness called name and whether it exists.
func Lookup(name string) (func(data []byte) int, bool) {
	for _, t := range Targets() {
		if t.Name == name {
			return t.Fn, true
		}
	}

	return nil, false
}
