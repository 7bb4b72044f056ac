package statemachine_test

import (
	"encoding/binary"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

// bound returns a harness whose machine holds a lease from DORA, and the
// DHCPACK that gave it.
func bound(t *testing.T, cfg sm.Config) (*harness, *codec.Message) {
	t.Helper()
	h := newHarness(t, cfg)
	h.feed("start", sm.Start(nil))
	h.deliver("offer")
	ack := h.reply(nil)
	h.feed("ack", sm.Packet(ack, srvID))
	if h.m.State() != sm.Bound {
		t.Fatalf("state %v after DORA", h.m.State())
	}

	return h, ack
}

// TestDropsDoNotAllocate feeds a machine in Bound or Renewing inputs it
// drops and fails if Handle allocates: a flood of stray packets or timer
// events must not cost the engine garbage.
func TestDropsDoNotAllocate(t *testing.T) {
	edit := func(ack *codec.Message, f func(*codec.Message)) *codec.Message {
		m := *ack
		f(&m)

		return &m
	}
	other := netip.MustParseAddr("10.0.0.2")
	tests := []struct {
		name  string
		renew bool // move to Renewing first
		ev    func(ack *codec.Message) sm.Event
	}{
		{"stray DHCPACK while bound", false, func(ack *codec.Message) sm.Event {
			return sm.Packet(ack, srvID)
		}},
		{"nil packet", false, func(*codec.Message) sm.Event {
			return sm.Packet(nil, srvID)
		}},
		{"retransmit timer not armed", false, func(*codec.Message) sm.Event {
			return sm.Timer(sm.TimerRetransmit)
		}},
		{"unknown timer", false, func(*codec.Message) sm.Event {
			return sm.Timer(200)
		}},
		{"early T2", false, func(*codec.Message) sm.Event {
			return sm.Timer(sm.TimerT2)
		}},
		{"link up while bound", false, func(*codec.Message) sm.Event {
			return sm.LinkUp()
		}},
		{"start while bound", false, func(*codec.Message) sm.Event {
			return sm.Start(nil)
		}},
		{"probe result while bound", false, func(*codec.Message) sm.Event {
			return sm.ProbeResult(other, true)
		}},
		{"foreign xid while renewing", true, func(ack *codec.Message) sm.Event {
			return sm.Packet(edit(ack, func(m *codec.Message) { m.XID++ }),
				srvID)
		}},
		{"DHCPOFFER while renewing", true, func(ack *codec.Message) sm.Event {
			return sm.Packet(edit(ack, func(m *codec.Message) {
				_ = m.Options.SetMessageType(codec.Offer)
			}), srvID)
		}},
		{"DHCPNAK from another server while renewing", true,
			func(ack *codec.Message) sm.Event {
				return sm.Packet(edit(ack, func(m *codec.Message) {
					_ = m.Options.SetMessageType(codec.Nak)
					_ = m.Options.SetAddr(codec.OptServerID, other)
				}), other)
			}},
		{"DHCPACK for another address while renewing", true,
			func(ack *codec.Message) sm.Event {
				return sm.Packet(edit(ack, func(m *codec.Message) {
					m.YIAddr = netip.MustParseAddr("10.0.0.99")
				}), srvID)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ack := bound(t, sm.Config{})
			h.at(10 * time.Minute)
			if tt.renew {
				h.at(30 * time.Minute)
				h.feed("T1", sm.Timer(sm.TimerT1))
				ack.XID = binary.BigEndian.Uint32(h.sent[0][4:8])
			}
			ev := tt.ev(ack)
			before := h.m.State()

			acts := h.m.Handle(h.now, ev)
			if len(acts) == 0 || acts[0].Kind != sm.ActLog ||
				acts[0].Reason == sm.ReasonNone {
				t.Fatalf("not dropped: %+v", acts)
			}
			allocs := testing.AllocsPerRun(100, func() {
				h.m.Handle(h.now, ev)
			})
			if allocs != 0 {
				t.Errorf("Handle: %v allocs per dropped event, want 0",
					allocs)
			}
			if h.m.State() != before {
				t.Errorf("state %v, want %v", h.m.State(), before)
			}
		})
	}
}

// TestExchangeAllocs bounds the allocations of a whole exchange on a
// reused machine: per lease bound, one block for the Lease and its lists
// and one for its record.
func TestExchangeAllocs(t *testing.T) {
	x := newExchange(t, sm.Config{HWAddr: hw})
	allocs := testing.AllocsPerRun(100, func() { x.replay(t) })
	if allocs > 4 {
		t.Errorf("%v allocs per exchange, want at most 4", allocs)
	}
}

// mallocs returns the heap allocations f makes.
func mallocs(f func()) uint64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)

	return b.Mallocs - a.Mallocs
}

// TestHandleWorkBounded feeds the steps that do the most work: a clock
// jump of a thousand years past the lease with each kind of event, and a
// DHCPACK whose every optional option is malformed. CheckTrace holds
// every step to its bound on actions; the allocations are bounded here.
func TestHandleWorkBounded(t *testing.T) {
	jump := []struct {
		name string
		ev   sm.Event
	}{
		{"timer", sm.Timer(sm.TimerT1)},
		{"expiry timer", sm.Timer(sm.TimerExpiry)},
		{"packet", sm.Packet(&codec.Message{}, srvID)},
		{"link down", sm.LinkDown()},
		{"release", sm.Release()},
		{"stop", sm.Stop()},
	}
	for _, tt := range jump {
		t.Run("jump then "+tt.name, func(t *testing.T) {
			h, _ := bound(t, sm.Config{})
			h.now = t0.AddDate(1000, 0, 0)
			var acts []sm.Action
			n := mallocs(func() { acts = h.m.Handle(h.now, tt.ev) })
			if n > 0 {
				t.Errorf("%d allocs, want 0", n)
			}
			if h.m.Lease() != nil {
				t.Errorf("lease still applied 1000 years on")
			}
			t.Logf("%d actions", len(acts))
			h.trace = append(h.trace, sm.Step{
				Now: h.now, Event: tt.ev, Before: sm.Bound,
				After: h.m.State(), Actions: acts,
			})
			h.check()
		})
	}

	t.Run("every optional option malformed", func(t *testing.T) {
		h := newHarness(t, sm.Config{})
		h.feed("start", sm.Start(nil))
		h.deliver("offer")
		bad := []byte{1, 2, 3}
		ack := h.reply(set(
			codec.OptClasslessRoute, bad, codec.OptMSClasslessRoute, bad,
			codec.OptRouter, bad, codec.OptDNSServer, bad,
			codec.OptNTPServer, bad, codec.OptDomainSearch, bad,
			codec.OptDomainName, []byte("a b"), codec.OptHostName, bad,
			codec.OptInterfaceMTU, bad,
			codec.OptRenewalTime, []byte{0, 0, 0x10, 0},
			codec.OptRebindingTime, []byte{0, 0, 0, 1}))
		var acts []sm.Action
		n := mallocs(func() { acts = h.m.Handle(h.now, sm.Packet(ack, srvID)) })
		warns := 0
		for _, a := range acts {
			if a.Kind == sm.ActLog && a.Msg != "state change" {
				warns++
			}
		}
		if h.m.State() != sm.Bound || warns != 10 {
			t.Errorf("state %v with %d warnings, want Bound with 10",
				h.m.State(), warns)
		}
		// Per malformed option the codec's error and the warning's
		// text; then the lease block, its record and a little slack.
		if n > 2*9+4 {
			t.Errorf("%d allocs, want at most %d", n, 2*9+4)
		}
		t.Logf("%d actions, %d allocs", len(acts), n)
	})
}
