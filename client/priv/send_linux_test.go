package priv

import (
	"net/netip"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// waitHandled waits until the supervisor has handled every request e sent
// before: requests are handled in order, and a probe without a Prober
// reports at once.
func waitHandled(t *testing.T, e *fakeEngine) {
	t.Helper()
	a := netip.MustParseAddr("10.77.1.99")
	e.request(t, &ipc.ProbeAddress{Addr: a})
	e.peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	defer e.peer.SetReadDeadline(time.Time{})
	for {
		ev, err := e.event()
		if err != nil {
			t.Fatalf("waiting for the probe result: %v", err)
		}

		if r, ok := ev.(*ipc.ProbeResult); ok && r.Addr == a {
			return
		}
	}
}

// TestSendPayloadPolicy checks what a payload may be once a lease is
// applied: unicast only to the lease's server, never relayed. A payload
// that breaks either gets the engine killed and is not sent.
func TestSendPayloadPolicy(t *testing.T) {
	leased := goodLease().Addr.Addr()
	relayed := func(t *testing.T) []byte {
		p := payload(t, testLink.MAC)
		copy(p[24:28], []byte{203, 0, 113, 9})

		return p
	}
	tests := []struct {
		name   string
		req    func(t *testing.T) *ipc.SendPayload
		killed bool
		counts [4]int // applied, removed, frames, unicasts
	}{
		{"renewal to the server", func(t *testing.T) *ipc.SendPayload {
			return &ipc.SendPayload{Src: leased,
				Dst:     goodLease().ServerID,
				Payload: payload(t, testLink.MAC)}
		}, false, [4]int{1, 0, 0, 1}},
		{"unicast to another host", func(t *testing.T) *ipc.SendPayload {
			return &ipc.SendPayload{Src: leased,
				Dst:     netip.MustParseAddr("8.8.8.8"),
				Payload: payload(t, testLink.MAC)}
		}, true, [4]int{1, 0, 0, 0}},
		{"unicast to another server on the link",
			func(t *testing.T) *ipc.SendPayload {
				return &ipc.SendPayload{Src: leased,
					Dst:     netip.MustParseAddr("10.77.1.2"),
					Payload: payload(t, testLink.MAC)}
			}, true, [4]int{1, 0, 0, 0}},
		{"relayed broadcast", func(t *testing.T) *ipc.SendPayload {
			return &ipc.SendPayload{Broadcast: true,
				Src: netip.IPv4Unspecified(), Dst: bcast,
				Payload: relayed(t)}
		}, true, [4]int{1, 0, 0, 0}},
		{"relayed renewal", func(t *testing.T) *ipc.SendPayload {
			return &ipc.SendPayload{Src: leased,
				Dst: goodLease().ServerID, Payload: relayed(t)}
		}, true, [4]int{1, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{})
			h.run()
			e, _ := h.engine()
			e.request(t, goodLease())
			e.request(t, tt.req(t))

			if tt.killed {
				h.engine()
				if !e.wasKilled() {
					t.Error("the engine was not killed")
				}
			} else {
				waitHandled(t, e)
				if e.wasKilled() {
					t.Error("the engine was killed")
				}
			}

			if got := h.rec.counts(); got != tt.counts {
				t.Errorf("applied, removed, frames, unicasts = %v, "+
					"want %v", got, tt.counts)
			}
		})
	}
}

// TestSendRateLimit checks that an engine sending payload after payload
// gets sendBurst of them out at once and sendRate a second after that,
// the rest dropped, and is not killed for it.
func TestSendRateLimit(t *testing.T) {
	h := newHarness(t, Options{})
	h.run()
	e, _ := h.engine()
	discover := &ipc.SendPayload{Broadcast: true,
		Src: netip.IPv4Unspecified(), Dst: bcast,
		Payload: payload(t, testLink.MAC)}

	start := time.Now()
	for range 3 * sendBurst {
		e.request(t, discover)
	}
	waitHandled(t, e)

	// Tokens come back at sendRate a second while the requests go in.
	extra := int(time.Since(start).Seconds() * sendRate)
	if n := h.rec.counts()[2]; n < sendBurst || n > sendBurst+extra {
		t.Errorf("%d of %d payloads sent at once, want %d", n,
			3*sendBurst, sendBurst)
	}

	time.Sleep(time.Second / sendRate)
	before := h.rec.counts()[2]
	e.request(t, discover)
	waitHandled(t, e)
	if n := h.rec.counts()[2]; n != before+1 {
		t.Errorf("%d payloads sent after a pause, want 1", n-before)
	}

	if e.wasKilled() {
		t.Error("the engine was killed")
	}
}
