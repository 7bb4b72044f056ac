package priv

import (
	"context"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// TestProbeOneAtATime plays an engine that asks for probe after probe.
// Each new probe must cancel the one before, whose result is dropped,
// and start only once it has ended: one probe at most is in flight, and
// the engine hears only about the last.
func TestProbeOneAtATime(t *testing.T) {
	h := newHarness(t, Options{})
	var (
		mu         sync.Mutex
		live, peak int
	)
	h.sup.deps.Probe = func(ctx context.Context, _ netip.Addr) (bool,
		error) {
		mu.Lock()
		live++
		peak = max(peak, live)
		mu.Unlock()
		defer func() {
			mu.Lock()
			live--
			mu.Unlock()
		}()

		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(300 * time.Millisecond):
			return true, nil
		}
	}
	h.run()
	e, _ := h.engine()

	const probes = 50
	var last netip.Addr
	for i := range probes {
		last = netip.AddrFrom4([4]byte{10, 77, 1, byte(10 + i)})
		e.request(t, &ipc.ProbeAddress{Addr: last})
	}

	// Only the last probe reports, and nothing more comes after it.
	var got []ipc.Event
	e.peer.SetReadDeadline(time.Now().Add(2 * time.Second))
	for {
		ev, err := e.event()
		if err != nil {
			break
		}
		got = append(got, ev)
	}
	want := []ipc.Event{&ipc.ProbeResult{Addr: last, Conflict: true}}
	if diff := cmp.Diff(want, got, cmp.Comparer(
		func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	mu.Lock()
	defer mu.Unlock()
	if peak != 1 {
		t.Errorf("%d probes ran at once, want 1", peak)
	}

	if e.wasKilled() {
		t.Error("the engine was killed")
	}
}
