package priv

import (
	"net/netip"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// encode returns the encoding of r, changed by patch.
func encode(t *testing.T, r ipc.Request, patch func([]byte)) []byte {
	t.Helper()
	b, err := ipc.Append(nil, r)
	if err != nil {
		t.Fatal(err)
	}

	if patch != nil {
		patch(b)
	}

	return b
}

// TestHostileEngine plays an engine that sends malformed or out-of-policy
// requests. Each must kill the engine, leave the interface untouched and
// lead to a new engine.
func TestHostileEngine(t *testing.T) {
	leased := goodLease().Addr.Addr()
	foreign := [6]byte{2, 0, 0, 0, 0, 0x66}
	lease := func(mut func(*ipc.ApplyLease)) ipc.Request {
		l := goodLease()
		mut(l)

		return l
	}
	tests := []struct {
		name  string
		hello bool // do the handshake first
		raw   func(t *testing.T) []byte
	}{
		{"empty datagram", true, func(*testing.T) []byte { return nil }},
		{"garbage", true, func(*testing.T) []byte {
			return []byte{0xde, 0xad, 0xbe, 0xef}
		}},
		{"wrong version", true, func(t *testing.T) []byte {
			return encode(t, goodLease(), func(b []byte) { b[0] = 9 })
		}},
		{"oversized datagram", true, func(*testing.T) []byte {
			return make([]byte, ipc.MaxMessageLen+1)
		}},
		{"an event type", true, func(t *testing.T) []byte {
			b, err := ipc.Append(nil, &ipc.Stop{})
			if err != nil {
				t.Fatal(err)
			}

			return b
		}},
		{"trailing bytes", true, func(t *testing.T) []byte {
			return append(encode(t, goodLease(), nil), 0)
		}},
		{"prefix length 40", true, func(t *testing.T) []byte {
			return encode(t, goodLease(), func(b []byte) { b[6] = 40 })
		}},
		{"router count over the bound", true, func(t *testing.T) []byte {
			return encode(t, goodLease(), func(b []byte) { b[7] = 200 })
		}},
		{"lease before Hello", false, func(t *testing.T) []byte {
			return encode(t, goodLease(), nil)
		}},
		{"second Hello", true, func(t *testing.T) []byte {
			return encode(t, &ipc.Hello{}, nil)
		}},
		{"loopback address", true, func(t *testing.T) []byte {
			return encode(t, lease(func(l *ipc.ApplyLease) {
				l.Addr = netip.MustParsePrefix("127.0.0.5/8")
				l.Routers = nil
			}), nil)
		}},
		{"network address", true, func(t *testing.T) []byte {
			return encode(t, lease(func(l *ipc.ApplyLease) {
				l.Addr = netip.MustParsePrefix("10.77.1.0/24")
			}), nil)
		}},
		{"off-link router", true, func(t *testing.T) []byte {
			return encode(t, lease(func(l *ipc.ApplyLease) {
				l.Routers = []netip.Addr{
					netip.MustParseAddr("192.168.9.1")}
			}), nil)
		}},
		{"multicast DNS server", true, func(t *testing.T) []byte {
			return encode(t, lease(func(l *ipc.ApplyLease) {
				l.DNS = []netip.Addr{netip.MustParseAddr("224.0.0.1")}
			}), nil)
		}},
		{"bad search domain", true, func(t *testing.T) []byte {
			return encode(t, lease(func(l *ipc.ApplyLease) {
				l.Search = []string{"evil domain;rm -rf"}
			}), nil)
		}},
		{"MTU below 68", true, func(t *testing.T) []byte {
			return encode(t, lease(func(l *ipc.ApplyLease) {
				l.MTU = 20
			}), nil)
		}},
		{"MTU below 576", true, func(t *testing.T) []byte {
			return encode(t, lease(func(l *ipc.ApplyLease) {
				l.MTU = 575
			}), nil)
		}},
		{"payload with a foreign chaddr", true, func(t *testing.T) []byte {
			return encode(t, &ipc.SendPayload{Broadcast: true,
				Src: netip.IPv4Unspecified(), Dst: bcast,
				Payload: payload(t, foreign)}, nil)
		}},
		{"BOOTREPLY payload", true, func(t *testing.T) []byte {
			p := payload(t, testLink.MAC)
			p[0] = 2

			return encode(t, &ipc.SendPayload{Broadcast: true,
				Src: netip.IPv4Unspecified(), Dst: bcast, Payload: p}, nil)
		}},
		{"broadcast to a unicast address", true, func(t *testing.T) []byte {
			return encode(t, &ipc.SendPayload{Broadcast: true,
				Src:     netip.IPv4Unspecified(),
				Dst:     netip.MustParseAddr("10.77.1.1"),
				Payload: payload(t, testLink.MAC)}, nil)
		}},
		{"unicast without a lease", true, func(t *testing.T) []byte {
			return encode(t, &ipc.SendPayload{Src: leased,
				Dst:     netip.MustParseAddr("10.77.1.1"),
				Payload: payload(t, testLink.MAC)}, nil)
		}},
		{"remove a lease never applied", true, func(t *testing.T) []byte {
			return encode(t, &ipc.RemoveLease{Addr: goodLease().Addr}, nil)
		}},
		{"probe a multicast address", true, func(t *testing.T) []byte {
			return encode(t, &ipc.ProbeAddress{
				Addr: netip.MustParseAddr("224.0.0.1")}, nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{})
			h.run()

			var e *fakeEngine
			if tt.hello {
				e, _ = h.engine()
			} else {
				e = <-h.engines
			}

			e.write(t, tt.raw(t))

			// The next engine arrives after the back-off.
			h.engine()
			if !e.wasKilled() {
				t.Error("the engine was not killed")
			}

			if got := h.rec.counts(); got != [4]int{} {
				t.Errorf("applied, removed, frames, unicasts = %v, "+
					"want none", got)
			}

			// An empty datagram reads as a closed socket: the
			// engine is ended as one that went away.
			killed := 1
			if tt.name == "empty datagram" {
				killed = 0
			}

			if h.sup.Killed() != killed || h.sup.Restarts() != 1 {
				t.Errorf("killed %d, restarts %d; want %d, 1",
					h.sup.Killed(), h.sup.Restarts(), killed)
			}
		})
	}
}

// TestHostileEngineKeepsLease checks that an engine killed for a bad
// request leaves the applied lease in place and that its successor gets
// the persisted lease.
func TestHostileEngineKeepsLease(t *testing.T) {
	h := newHarness(t, Options{})
	h.run()
	e, _ := h.engine()
	e.request(t, goodLease())
	e.request(t, &ipc.PersistLease{Data: []byte("lease record")})
	e.write(t, []byte{ipc.Version, 0xff})

	start := time.Now()
	_, init := h.engine()
	if d := time.Since(start); d < MinBackoff/2 {
		t.Errorf("restarted after %v, want a back-off of %v", d, MinBackoff)
	}

	if string(init.Persisted) != "lease record" {
		t.Errorf("new engine's Init.Persisted = %q, want the stored lease",
			init.Persisted)
	}

	if got, want := h.rec.counts(), [4]int{1, 0, 0, 0}; got != want {
		t.Errorf("applied, removed, frames, unicasts = %v, want %v",
			got, want)
	}
}

// TestKilledEngineActsNoMore checks that once an engine is killed for a
// bad request, nothing it queued behind that request is carried out: not
// even a Hello that would open a new session for the requests after it.
func TestKilledEngineActsNoMore(t *testing.T) {
	h := newHarness(t, Options{})
	gate := make(chan struct{})
	h.sup.deps.Resolv = func(*ipc.ApplyLease) error {
		<-gate // hold the supervisor while the engine queues the rest

		return nil
	}
	h.run()
	e, _ := h.engine()

	// A RemoveLease of another lease than the applied one gets the
	// engine killed.
	other := goodLease()
	other.Addr = netip.MustParsePrefix("10.77.1.60/24")
	for _, r := range []ipc.Request{
		goodLease(),
		&ipc.RemoveLease{Addr: other.Addr},
		&ipc.Hello{},
		other,
		&ipc.PersistLease{Data: []byte("queued lease")},
		&ipc.SendPayload{Broadcast: true, Src: netip.IPv4Unspecified(),
			Dst: bcast, Payload: payload(t, testLink.MAC)},
	} {
		e.write(t, encode(t, r, nil))
	}
	close(gate)

	_, init := h.engine()
	if !e.wasKilled() {
		t.Error("the engine was not killed")
	}

	if got, want := h.rec.counts(), [4]int{1, 0, 0, 0}; got != want {
		t.Errorf("applied, removed, frames, unicasts = %v, want %v",
			got, want)
	}

	if init.Persisted != nil {
		t.Errorf("next engine's Init.Persisted = %q, want nothing stored",
			init.Persisted)
	}

	if h.sup.Killed() != 1 {
		t.Errorf("killed %d engines, want 1", h.sup.Killed())
	}
}
