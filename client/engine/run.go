package engine

import (
	"fmt"
	"time"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// received is one result of the receive function.
type received struct {
	ev  ipc.Event
	err error
}

// Run feeds the engine every event recv returns and every timer firing,
// one at a time, until the engine has handled Stop, recv fails or a
// request cannot be sent. recv is called from a goroutine of its own and
// must block until the next event.
func (e *Engine) Run(recv func() (ipc.Event, error)) error {
	defer e.tm.stop()

	in := make(chan received)
	go func() {
		for {
			ev, err := recv()
			select {
			case in <- received{ev, err}:
			case <-e.tm.quit:
				return
			}

			if err != nil {
				return
			}
		}
	}()

	for !e.done {
		var err error
		select {
		case r := <-in:
			if r.err != nil {
				return fmt.Errorf("engine: receiving an event: %w", r.err)
			}

			err = e.Event(time.Now(), r.ev)
		case f := <-e.tm.c:
			err = e.Fire(time.Now(), f)
		}

		if err != nil {
			return err
		}
	}

	return nil
}
