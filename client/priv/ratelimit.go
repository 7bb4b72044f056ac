package priv

import (
	"sync"
	"time"
)

// Bounds of the engine's log relay: a burst of logBurst lines, then
// logRate lines a second. An engine that logs more only has its lines
// counted, so a hostile engine cannot flood the supervisor's log.
const (
	logBurst = 100
	logRate  = 20
)

// Bounds of the payloads an engine may have sent: a burst of sendBurst,
// then sendRate a second. The state machine stays far below them: it
// sends at most two messages per exchange (DHCPDISCOVER, DHCPREQUEST),
// retransmits after 4 seconds or more (RFC 2131 section 4.1), waits 2
// seconds or more after a DHCPNAK and 10 after a DHCPDECLINE (section
// 3.1). Past them a payload is dropped with a rate-limited warning rather
// than the engine killed: the bound then holds exactly, where a killed
// engine would be back after its back-off to send as much again, and a
// benign engine pushed past it (by a link that flaps, say) loses no more
// than a retransmission recovers.
const (
	sendBurst = 10
	sendRate  = 2
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

// dropLogEvery is the least time between two log lines about drops of
// one kind.
const dropLogEvery = 10 * time.Second

// dropCount counts events dropped for one reason and says when to log
// them: at the first drop, then at most once per dropLogEvery, so that a
// flood of drops cannot flood the log. It is safe for concurrent use.
type dropCount struct {
	mu       sync.Mutex
	total    uint64
	unlogged uint64 // drops since the last log line
	last     time.Time
}

// add counts one drop at now. When a log line is due it returns the
// number of drops to report (this one included), otherwise 0.
func (d *dropCount) add(now time.Time) uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()

	d.total++
	d.unlogged++
	if !d.last.IsZero() && now.Sub(d.last) < dropLogEvery {
		return 0
	}

	d.last = now
	n := d.unlogged
	d.unlogged = 0

	return n
}

// count returns the number of drops so far.
func (d *dropCount) count() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()

	return d.total
}
