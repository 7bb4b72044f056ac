package engine

import (
	"time"

	"github.com/safedhcp/safedhcp/statemachine"
)

// maxTimerID bounds the timer ids the engine tracks; the machine uses a
// handful.
const maxTimerID = 16

// timerFire is sent on the timers channel when a timer's deadline passes.
// gen tells a firing that is still current from one of an earlier
// deadline that was replaced or cancelled.
type timerFire struct {
	id  statemachine.TimerID
	gen uint64
}

// timers runs one Go timer per statemachine.TimerID. Arming an id again
// replaces its deadline (statemachine section on timers); stale firings
// are filtered by generation.
type timers struct {
	c    chan timerFire
	quit chan struct{} // closed by stop, so no callback blocks forever
	t    [maxTimerID]*time.Timer
	gen  [maxTimerID]uint64
}

// init makes the channels.
func (ts *timers) init() {
	ts.c = make(chan timerFire, maxTimerID)
	ts.quit = make(chan struct{})
}

// arm sets id to fire at at, replacing any earlier deadline.
func (ts *timers) arm(id statemachine.TimerID, at time.Time) {
	if int(id) >= maxTimerID {
		return
	}

	ts.cancel(id)
	f := timerFire{id: id, gen: ts.gen[id]}
	ts.t[id] = time.AfterFunc(time.Until(at), func() {
		select {
		case ts.c <- f:
		case <-ts.quit:
		}
	})
}

// cancel stops id; a firing already queued is dropped by fired.
func (ts *timers) cancel(id statemachine.TimerID) {
	if int(id) >= maxTimerID {
		return
	}

	ts.gen[id]++
	if ts.t[id] != nil {
		ts.t[id].Stop()
		ts.t[id] = nil
	}
}

// fired reports which timer f belongs to and whether it is still current.
func (ts *timers) fired(f timerFire) (statemachine.TimerID, bool) {
	if int(f.id) >= maxTimerID || f.gen != ts.gen[f.id] {
		return 0, false
	}

	ts.t[f.id] = nil
	ts.gen[f.id]++

	return f.id, true
}

// stop cancels every timer and releases callbacks waiting to deliver. It
// may be called more than once.
func (ts *timers) stop() {
	for id := range ts.t {
		ts.cancel(statemachine.TimerID(id))
	}

	select {
	case <-ts.quit:
	default:
		close(ts.quit)
	}
}
