package priv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// RFC 5227 section 1.1 probe parameters.
const (
	probeWait = time.Second     // PROBE_WAIT: longest delay before probing
	probeNum  = 3               // PROBE_NUM: probes to send
	probeMin  = time.Second     // PROBE_MIN: shortest gap between probes
	probeMax  = 2 * time.Second // PROBE_MAX: longest gap between probes
)

// probeTiming draws the random delay before the first probe, uniform in
// [0, PROBE_WAIT), and the gap between probes, uniform in
// [PROBE_MIN, PROBE_MAX] (RFC 5227 section 2.1.1), so that hosts started
// together do not probe in lock step. n returns a uniform value in
// [0, d); the supervisor passes rand.N of math/rand/v2, which the runtime
// seeds from the system's random source.
//
// TODO: rawsock.Probe takes one gap for all probes and listens one gap,
// not ANNOUNCE_WAIT, after the last; it sends no announcements (RFC 5227
// section 2.3).
func probeTiming(n func(time.Duration) time.Duration) (wait,
	gap time.Duration) {
	return n(probeWait), probeMin + n(probeMax-probeMin+1)
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
