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

// gauge counts the calls in flight and the most ever in flight at once.
type gauge struct {
	mu         sync.Mutex
	live, peak int
}

// enter counts a call in; the function it returns counts it out.
func (g *gauge) enter() func() {
	g.mu.Lock()
	g.live++
	g.peak = max(g.peak, g.live)
	g.mu.Unlock()

	return func() {
		g.mu.Lock()
		g.live--
		g.mu.Unlock()
	}
}

// max returns the most calls ever in flight at once.
func (g *gauge) max() int {
	g.mu.Lock()
	defer g.mu.Unlock()

	return g.peak
}

// TestProbeOneAtATime plays an engine that asks for probe after probe.
// Each new probe must cancel the one before, whose result is dropped,
// and start only once it has ended: one probe at most is in flight, and
// the engine hears only about the last.
func TestProbeOneAtATime(t *testing.T) {
	h := newHarness(t, Options{})
	var running gauge
	h.sup.deps.Probe = func(ctx context.Context, _ netip.Addr) (bool,
		error) {
		defer running.enter()()

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

	if n := running.max(); n != 1 {
		t.Errorf("%d probes ran at once, want 1", n)
	}

	if e.wasKilled() {
		t.Error("the engine was killed")
	}
}

// TestAnnounceOneAtATime: an engine that switches addresses again and
// again gets one announcement running at a time, for the address applied
// last; removing that lease stops its announcement.
func TestAnnounceOneAtATime(t *testing.T) {
	h := newHarness(t, Options{})
	var (
		announcements gauge
		mu            sync.Mutex
		finished      []netip.Addr
	)
	h.sup.deps.Announce = func(ctx context.Context, addr netip.Addr,
		_ int) error {
		defer announcements.enter()()

		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
			mu.Lock()
			finished = append(finished, addr)
			mu.Unlock()

			return nil
		}
	}
	h.run()
	e, _ := h.engine()

	leases := []*ipc.ApplyLease{goodLease(), otherLease()}
	for i := range 20 {
		e.request(t, leases[i%2])
	}
	last := leases[1]
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(finished)
		mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	e.request(t, &ipc.RemoveLease{Addr: last.Addr})
	e.request(t, goodLease())
	e.request(t, &ipc.RemoveLease{Addr: goodLease().Addr})
	time.Sleep(500 * time.Millisecond)

	if n := announcements.max(); n != 1 {
		t.Errorf("%d announcements ran at once, want 1", n)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []netip.Addr{last.Addr.Addr()}
	if diff := cmp.Diff(want, finished, cmp.Comparer(
		func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("announcements completed (-want +got):\n%s", diff)
	}
	if e.wasKilled() {
		t.Error("the engine was killed")
	}
}
