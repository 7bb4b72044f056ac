package priv

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// Bounds of the events queued for an engine. The loop never waits on the
// engine's socket: it queues events, and a goroutine of each engine
// writes them. A frame is queued only while fewer than outboxFrames
// events wait, so that the other events always find room.
const (
	outboxLen    = 32
	outboxFrames = outboxLen / 2

	// defaultSendWait is how long an event other than a frame may wait
	// for room in the engine's socket before the engine counts as no
	// longer reading (Supervisor.sendWait).
	defaultSendWait = 5 * time.Second
)

// sendFailure is a write to engine gen that failed.
type sendFailure struct {
	gen int
	typ ipc.Type
	err error
}

// sendEvent queues ev for the current engine once it has said Hello, and
// reports whether it did. It never waits. A frame is dropped and counted
// when the engine is behind (events are waiting, or its socket is full);
// any other event that finds the queue full means the engine stopped
// reading, and it is killed.
func (s *Supervisor) sendEvent(ev ipc.Event) bool {
	if s.eng == nil || !s.hello {
		return false
	}

	_, frame := ev.(*ipc.Frame)
	if frame && len(s.out) >= outboxFrames {
		s.dropFrame()

		return false
	}

	select {
	case s.out <- ev:
		return true
	default:
	}

	if frame {
		s.dropFrame()
	} else {
		s.kill("the engine stopped reading its events", fmt.Errorf(
			"priv: %d events wait for it", len(s.out)))
	}

	return false
}

// dropFrame counts a frame dropped because the engine is behind and
// logs the drops, rate-limited.
func (s *Supervisor) dropFrame() {
	if n := s.behind.add(time.Now()); n > 0 {
		s.log.Warn("frames dropped: the engine is behind", "dropped", n)
	}
}

// write sends the events queued on out to engine gen, in order, until
// the engine is gone. A frame goes out only if the socket has room for it
// at once, and is dropped otherwise. Any other event waits at most
// s.sendWait; the first write that fails, by then or otherwise, is
// reported to the loop, and the events after it are dropped.
func (s *Supervisor) write(gen int, eng Engine, out <-chan ipc.Event,
	gone <-chan struct{}) {
	failed := false
	for {
		var ev ipc.Event
		select {
		case ev = <-out:
		case <-gone:
			return
		}

		if failed {
			continue
		}

		var err error
		if _, ok := ev.(*ipc.Frame); ok {
			err = eng.TrySend(ev)
			if errors.Is(err, ipc.ErrFull) {
				s.dropFrame()

				continue
			}
		} else {
			err = eng.Send(ev, time.Now().Add(s.sendWait))
		}

		if err != nil {
			failed = true
			select {
			case s.sendErrs <- sendFailure{gen, ev.Type(), err}:
			case <-gone:
				return
			}
		}
	}
}

// sendFailed handles a write to an engine that failed. A write that
// timed out means the engine stopped reading its events, though the loop
// went on serving its requests: it is killed as a misbehaving one. Any
// other failure means the engine is going away; its reader reports its
// exit.
func (s *Supervisor) sendFailed(f sendFailure) {
	if f.gen != s.gen || s.eng == nil || s.dead {
		return
	}

	if errors.Is(f.err, os.ErrDeadlineExceeded) {
		s.kill("the engine stopped reading its events", f.err)

		return
	}

	s.log.Warn("sending to the engine failed", "event", f.typ,
		"err", f.err)
	s.eng.Kill()
}
