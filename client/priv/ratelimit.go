package priv

import "time"

// Bounds of the engine's log relay: a burst of logBurst lines, then
// logRate lines a second. An engine that logs more only has its lines
// counted, so a hostile engine cannot flood the supervisor's log.
const (
	logBurst = 100
	logRate  = 20
)

// tokenBucket admits up to burst events at once and rate a second after.
type tokenBucket struct {
	burst, rate float64
	tokens      float64
	last        time.Time
	dropped     uint64 // events refused since the last admitted one
}

// allow reports whether an event at now is admitted and, if so, how many
// were refused before it.
func (b *tokenBucket) allow(now time.Time) (bool, uint64) {
	if b.last.IsZero() {
		b.tokens = b.burst
	} else {
		b.tokens = min(b.burst,
			b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}

	b.last = now
	if b.tokens < 1 {
		b.dropped++

		return false, 0
	}

	b.tokens--
	n := b.dropped
	b.dropped = 0

	return true, n
}
