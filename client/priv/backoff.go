package priv

import "time"

// Restart back-off of a failed engine.
const (
	// MinBackoff is the wait before the first restart of an engine.
	MinBackoff = time.Second

	// MaxBackoff caps the doubling wait between restarts.
	MaxBackoff = 30 * time.Second

	// stableAfter is how long an engine must run before a failure counts
	// as a first failure again.
	stableAfter = time.Minute
)

// backoff computes the wait before each restart of the engine: MinBackoff
// doubling up to MaxBackoff, reset once an engine has stayed up for
// stableAfter.
type backoff struct {
	next time.Duration
}

// wait returns how long to wait before restarting an engine that was
// started at started and failed at now.
func (b *backoff) wait(started, now time.Time) time.Duration {
	if b.next == 0 || now.Sub(started) >= stableAfter {
		b.next = MinBackoff
	}

	d := b.next
	b.next = min(2*b.next, MaxBackoff)

	return d
}
