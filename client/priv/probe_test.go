package priv

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestProbeTiming(t *testing.T) {
	type timing struct{ Wait, Gap time.Duration }
	tests := []struct {
		name string
		n    func(time.Duration) time.Duration
		want timing
	}{
		{"smallest draws", func(time.Duration) time.Duration { return 0 },
			timing{0, probeMin}},
		{"largest draws", func(d time.Duration) time.Duration { return d - 1 },
			timing{probeWait - 1, probeMax}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, gap := probeTiming(tt.n)
			if diff := cmp.Diff(tt.want, timing{wait, gap}); diff != "" {
				t.Errorf("probeTiming (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProbeTimingRandom(t *testing.T) {
	// The sequence must fit in probeTimeout, and the draws must vary.
	waits := map[time.Duration]bool{}
	for range 100 {
		wait, gap := probeTiming(randomDuration)
		if wait < 0 || wait >= probeWait || gap < probeMin || gap > probeMax {
			t.Fatalf("probeTiming = %v, %v; want [0, %v) and [%v, %v]",
				wait, gap, probeWait, probeMin, probeMax)
		}

		if total := wait + (probeNum+1)*gap; total >= probeTimeout {
			t.Fatalf("probe sequence of %v does not fit in %v", total,
				probeTimeout)
		}
		waits[wait] = true
	}

	if len(waits) < 50 {
		t.Errorf("%d distinct waits in 100 draws; want random ones",
			len(waits))
	}
}

func TestSleepCtxEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleepCtx after cancel = %v, want context.Canceled", err)
	}
}
