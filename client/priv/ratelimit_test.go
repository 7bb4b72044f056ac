package priv

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTokenBucket(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := tokenBucket{burst: 3, rate: 2}
	tests := []struct {
		name    string
		at      time.Duration
		allowed bool
		dropped uint64
	}{
		{"burst 1", 0, true, 0},
		{"burst 2", 0, true, 0},
		{"burst 3", 0, true, 0},
		{"empty", 0, false, 0},
		{"still empty", 100 * time.Millisecond, false, 0},
		{"refilled one", 600 * time.Millisecond, true, 2},
		{"empty again", 600 * time.Millisecond, false, 0},
	}
	for _, tt := range tests {
		ok, n := b.allow(t0.Add(tt.at))
		if ok != tt.allowed || n != tt.dropped {
			t.Errorf("%s: allow = %v, %d; want %v, %d", tt.name, ok, n,
				tt.allowed, tt.dropped)
		}
	}
}

func TestDropCount(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var d dropCount
	var got []uint64
	for _, at := range []time.Duration{0, time.Second, 2 * time.Second,
		dropLogEvery, dropLogEvery + time.Second, 3 * dropLogEvery} {
		got = append(got, d.add(t0.Add(at)))
	}

	// The first drop is logged at once; the next three together once
	// dropLogEvery has passed; then the one after, later still.
	want := []uint64{1, 0, 0, 3, 0, 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("drops to log (-want +got):\n%s", diff)
	}
	if n := d.count(); n != 6 {
		t.Errorf("count() = %d, want 6", n)
	}
}
