package engine

import "time"

// DropLogInterval is the shortest time between two debug log lines for
// the same drop reason; drops in between are only counted.
const DropLogInterval = 10 * time.Second

// maxDropReasons bounds the reasons a dropCounter tracks. The reasons come
// from fixed sets (frame, codec and statemachine errors), so the bound is
// never reached in practice; past it, new reasons share one entry.
const maxDropReasons = 64

// otherReason is the entry new reasons share once maxDropReasons is hit.
const otherReason = "other"

// dropStat is the count of one reason and its rate limit.
type dropStat struct {
	total      uint64 // drops since the engine started
	suppressed uint64 // drops not logged since the last log line
	lastLog    time.Time
}

// dropCounter counts dropped packets per reason and decides which drops to
// log, so a flood of bad packets costs a counter increment each and at
// most one log line per reason per DropLogInterval.
type dropCounter struct {
	stats map[string]*dropStat
}

// add counts one drop for reason at now. It reports whether the drop
// should be logged and, if so, how many drops of that reason were
// suppressed since the last line.
func (d *dropCounter) add(reason string, now time.Time) (bool, uint64) {
	if d.stats == nil {
		d.stats = make(map[string]*dropStat)
	}

	s, ok := d.stats[reason]
	if !ok {
		if len(d.stats) >= maxDropReasons {
			reason = otherReason
			s = d.stats[reason]
		}

		if s == nil {
			s = new(dropStat)
			d.stats[reason] = s
		}
	}

	s.total++
	if !s.lastLog.IsZero() && now.Sub(s.lastLog) < DropLogInterval {
		s.suppressed++

		return false, 0
	}

	n := s.suppressed
	s.suppressed = 0
	s.lastLog = now

	return true, n
}

// total returns how many drops of reason were counted.
func (d *dropCounter) total(reason string) uint64 {
	if s, ok := d.stats[reason]; ok {
		return s.total
	}

	return 0
}
