package priv

import (
	"testing"
	"time"
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
