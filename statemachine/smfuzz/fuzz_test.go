package smfuzz

import "testing"

// FuzzEvents is the native wrapper of FuzzSteps.
//
// While it runs, "0 execs/sec" lines for a few seconds do not mean a slow
// input: the go command counts the executions spent minimizing a new
// interesting input only when that minimization ends (up to
// -fuzzminimizetime, 60 s by default), so the rate reads zero while both
// workers minimize. With -fuzzminimizetime=100x the rate stays steady.
// Every input runs in a few milliseconds, and the Checker bounds the
// actions of every step.
func FuzzEvents(f *testing.F) {
	f.Add([]byte{0})
	f.Add([]byte{0x0b, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 0, 0, 0, 0x10, 0})
	f.Add([]byte{0x02, 9, 9, 9, 9, 9, 9, 9, 9, 1, 1, 9, 1, 0, 0, 0, 0, 0x40})
	f.Add([]byte{0x04, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0x10, 0, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		FuzzSteps(data)
	})
}

func TestFuzzSeedsRun(t *testing.T) {
	if got := FuzzSteps([]byte{0x0b, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1}); got != 1 {
		t.Errorf("FuzzSteps = %d, want 1 for a driving input", got)
	}
	if got := FuzzSteps(nil); got != 0 {
		t.Errorf("FuzzSteps(nil) = %d, want 0", got)
	}
}
