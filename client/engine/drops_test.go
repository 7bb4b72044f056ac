package engine

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDropCounter(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type step struct {
		reason string
		at     time.Duration
	}
	type result struct {
		Log        bool
		Suppressed uint64
	}
	tests := []struct {
		name  string
		steps []step
		want  []result
	}{
		{
			name: "first drop is logged, the burst after it is not",
			steps: []step{
				{"bad-checksum", 0}, {"bad-checksum", time.Second},
				{"bad-checksum", 2 * time.Second},
				{"bad-checksum", DropLogInterval},
			},
			want: []result{{true, 0}, {false, 0}, {false, 0}, {true, 2}},
		},
		{
			name: "reasons are limited separately",
			steps: []step{
				{"a", 0}, {"b", time.Second}, {"a", 2 * time.Second},
			},
			want: []result{{true, 0}, {true, 0}, {false, 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d dropCounter
			var got []result
			for _, s := range tt.steps {
				log, n := d.add(s.reason, t0.Add(s.at))
				got = append(got, result{log, n})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("add (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDropCounterBounded(t *testing.T) {
	var d dropCounter
	now := time.Now()
	for i := range 3 * maxDropReasons {
		d.add(fmt.Sprint("reason-", i), now)
	}

	if got := len(d.stats); got > maxDropReasons+1 {
		t.Errorf("tracked %d reasons, want at most %d", got,
			maxDropReasons+1)
	}

	if got, want := d.total(otherReason), uint64(2*maxDropReasons); got !=
		want {
		t.Errorf("total(%q) = %d, want %d", otherReason, got, want)
	}
}
