package priv

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// queued returns the bytes waiting in the test's end of e's socket.
func queued(t *testing.T, e *fakeEngine) int {
	t.Helper()
	rc, err := e.peer.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}

	var n int
	var ierr error
	if err := rc.Control(func(fd uintptr) {
		n, ierr = unix.IoctlGetInt(int(fd), unix.SIOCINQ)
	}); err != nil {
		t.Fatal(err)
	}
	if ierr != nil {
		t.Fatalf("SIOCINQ: %v", ierr)
	}

	return n
}

// fillEngine feeds the supervisor frames for e, which the test does not
// read, until e's socket takes no more.
func fillEngine(t *testing.T, h *harness, e *fakeEngine) {
	t.Helper()
	f := make([]byte, 1000)
	last := -1
	for range 100 {
		for range 50 {
			select {
			case h.rec.in <- f:
			case <-time.After(5 * time.Second):
				t.Fatal("the supervisor stopped reading frames")
			}
		}

		time.Sleep(20 * time.Millisecond)
		n := queued(t, e)
		if n > 0 && n == last {
			return
		}
		last = n
	}

	t.Fatalf("the engine's socket never filled (%d bytes queued)", last)
}

// TestEngineBehindOnFrames checks that frames for an engine that does not
// read them are dropped and counted, never a reason to kill it, and that
// the supervisor still stops at once when its context ends (SIGTERM).
func TestEngineBehindOnFrames(t *testing.T) {
	h := newHarness(t, Options{StopGrace: 300 * time.Millisecond})
	h.sup.sendWait = 300 * time.Millisecond
	h.run()
	e, _ := h.engine()

	fillEngine(t, h, e)
	time.Sleep(2 * h.sup.sendWait)
	if e.wasKilled() {
		t.Error("the engine was killed for frames it did not read")
	}

	h.cancel()
	select {
	case err := <-h.done:
		h.done <- err
	case <-time.After(3 * time.Second):
		t.Error("Run still running 3s after its context ended")
		e.Kill() // so that the test ends
	}

	if h.sup.behind.count() == 0 {
		t.Error("no frame was counted as dropped")
	}
}

// TestEngineStopsReading checks that an engine that leaves an event other
// than a frame unread for longer than sendWait is killed and replaced.
func TestEngineStopsReading(t *testing.T) {
	h := newHarness(t, Options{})
	links := make(chan bool, 1)
	h.sup.deps.Links = links
	h.sup.sendWait = 300 * time.Millisecond
	h.run()
	e, _ := h.engine()

	fillEngine(t, h, e)
	links <- false
	h.engine()
	if !e.wasKilled() {
		t.Error("the engine was not killed")
	}

	if h.sup.Killed() != 1 || h.sup.Restarts() != 1 {
		t.Errorf("killed %d, restarts %d; want 1, 1", h.sup.Killed(),
			h.sup.Restarts())
	}
}

// TestEngineBlockedWriting checks that a benign engine that is busy
// writing requests while its own socket is full cannot deadlock with the
// supervisor: the supervisor goes on reading its requests while an
// event waits for room, so the engine gets to read again, and gets the
// event.
func TestEngineBlockedWriting(t *testing.T) {
	h := newHarness(t, Options{})
	links := make(chan bool, 1)
	h.sup.deps.Links = links
	h.run()
	e, _ := h.engine()

	fillEngine(t, h, e)
	links <- false

	// More requests than the engine's socket to the supervisor holds.
	b, err := ipc.Append(nil, &ipc.Status{State: ipc.StateRenewed,
		Reason: "renewed"})
	if err != nil {
		t.Fatal(err)
	}
	wrote := make(chan error, 1)
	go func() {
		for range 2000 {
			if _, err := e.peer.Write(b); err != nil {
				wrote <- err

				return
			}
		}
		wrote <- nil
	}()

	select {
	case err := <-wrote:
		if err != nil {
			t.Fatalf("engine write: %v", err)
		}
	case <-time.After(4 * time.Second):
		e.Kill() // so that the test ends
		t.Fatal("deadlock: the engine could not write its requests")
	}

	e.peer.SetReadDeadline(time.Now().Add(4 * time.Second))
	for {
		ev, err := e.event()
		if err != nil {
			t.Fatalf("reading events before the LinkState: %v", err)
		}

		if ls, ok := ev.(*ipc.LinkState); ok {
			if ls.Up {
				t.Error("LinkState up, want down")
			}

			break
		}
	}

	if e.wasKilled() {
		t.Error("the engine was killed")
	}
}
