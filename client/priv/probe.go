package priv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// RFC 5227 section 1.1 parameters.
const (
	probeWait        = time.Second     // PROBE_WAIT: longest delay before probing
	probeNum         = 3               // PROBE_NUM: probes to send
	probeMin         = time.Second     // PROBE_MIN: shortest gap between probes
	probeMax         = 2 * time.Second // PROBE_MAX: longest gap between probes
	announceWait     = 2 * time.Second // ANNOUNCE_WAIT: listening after the last probe
	announceNum      = 2               // ANNOUNCE_NUM: announcements to send
	announceInterval = 2 * time.Second // ANNOUNCE_INTERVAL: between announcements
)

// probeTiming draws the random delay before the first probe, uniform in
// [0, PROBE_WAIT), and how long to listen after each probe: a gap
// uniform in [PROBE_MIN, PROBE_MAX] after each but the last, ANNOUNCE_WAIT
// after the last (RFC 5227 section 2.1.1), so that hosts started together
// do not probe in lock step. n returns a uniform value in [0, d); the
// supervisor passes rand.N of math/rand/v2, which the runtime seeds from
// the system's random source.
func probeTiming(n func(time.Duration) time.Duration) (wait time.Duration,
	listen []time.Duration) {
	listen = make([]time.Duration, probeNum)
	for i := range probeNum - 1 {
		listen[i] = probeMin + n(probeMax-probeMin+1)
	}
	listen[probeNum-1] = announceWait

	return n(probeWait), listen
}

// randomDuration is rand.N for durations.
func randomDuration(d time.Duration) time.Duration { return rand.N(d) }

// sleepCtx waits for d or until ctx ends, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()

	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("priv: waiting to probe: %w", ctx.Err())
	}
}
