package smfuzz

import "testing"

// FuzzEvents is the native wrapper of FuzzSteps.
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
