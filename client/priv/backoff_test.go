package priv

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBackoff(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		runs []time.Duration // how long each engine ran before failing
		want []time.Duration
	}{
		{
			name: "doubles to the cap",
			runs: []time.Duration{0, 0, 0, 0, 0, 0, 0},
			want: []time.Duration{
				time.Second, 2 * time.Second, 4 * time.Second,
				8 * time.Second, 16 * time.Second, 30 * time.Second,
				30 * time.Second,
			},
		},
		{
			name: "a stable engine resets it",
			runs: []time.Duration{0, 0, 0, 2 * time.Minute, 0},
			want: []time.Duration{
				time.Second, 2 * time.Second, 4 * time.Second,
				time.Second, 2 * time.Second,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b backoff
			var got []time.Duration
			for _, run := range tt.runs {
				got = append(got, b.wait(t0, t0.Add(run)))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}
