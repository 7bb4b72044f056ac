package priv

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestProbeTiming(t *testing.T) {
	type timing struct {
		Wait   time.Duration
		Listen []time.Duration
	}
	tests := []struct {
		name string
		n    func(time.Duration) time.Duration
		want timing
	}{
		{"smallest draws", func(time.Duration) time.Duration { return 0 },
			timing{0, []time.Duration{probeMin, probeMin, announceWait}}},
		{"largest draws", func(d time.Duration) time.Duration { return d - 1 },
			timing{probeWait - 1,
				[]time.Duration{probeMax, probeMax, announceWait}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, listen := probeTiming(tt.n)
			if diff := cmp.Diff(tt.want, timing{wait, listen}); diff != "" {
				t.Errorf("probeTiming (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProbeTimingRandom(t *testing.T) {
	// The sequence must fit in probeTimeout, and the draws must vary:
	// each gap on its own (RFC 5227 section 2.1.1).
	waits := map[time.Duration]bool{}
	gapsDiffer := false
	for range 100 {
		wait, listen := probeTiming(randomDuration)
		if wait < 0 || wait >= probeWait || len(listen) != probeNum {
			t.Fatalf("probeTiming = %v, %v", wait, listen)
		}

		total := wait
		for i, d := range listen {
			last := i == len(listen)-1
			if !last && (d < probeMin || d > probeMax) ||
				last && d != announceWait {
				t.Fatalf("listen %d = %v; want [%v, %v], then %v", i, d,
					probeMin, probeMax, announceWait)
			}
			total += d
		}
		if total >= probeTimeout {
			t.Fatalf("probe sequence of %v does not fit in %v", total,
				probeTimeout)
		}
		waits[wait] = true
		gapsDiffer = gapsDiffer || listen[0] != listen[1]
	}

	if len(waits) < 50 {
		t.Errorf("%d distinct waits in 100 draws; want random ones",
			len(waits))
	}
	if !gapsDiffer {
		t.Error("the gaps between probes were always equal; want each drawn")
	}
}

func TestSleepCtxEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleepCtx after cancel = %v, want context.Canceled", err)
	}
}
