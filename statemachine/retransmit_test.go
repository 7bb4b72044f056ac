package statemachine_test

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

// reseed gives the harness a machine drawing from the PCG seed s, so a
// test can check a random wait over many draws.
func (h *harness) reseed(s uint64) {
	h.t.Helper()
	m, err := sm.New(h.cfg, rand.New(rand.NewPCG(s, s)))
	if err != nil {
		h.t.Fatalf("New: %v", err)
	}
	h.m = m
}

// TestDiscoverBackoff: an unanswered DHCPDISCOVER is sent again after 4,
// 8, 16, 32 and then 64 seconds, each randomised by -1 to +1 second (RFC
// 2131 section 4.1), with the same xid (section 4.4.1: the xid changes
// only when a new exchange starts).
func TestDiscoverBackoff(t *testing.T) {
	want := []time.Duration{4, 8, 16, 32, 64, 64}
	for i := range want {
		want[i] *= time.Second
	}
	for seed := range uint64(20) {
		t.Run("seed "+strconv.FormatUint(seed, 10), func(t *testing.T) {
			h := newHarness(t, sm.Config{})
			h.reseed(seed)
			h.feed("start", sm.Start(nil))
			xid := h.xidOf()

			var waits []time.Duration
			for range want {
				waits = append(waits, h.waitOf(sm.TimerRetransmit))
				m := sentIn(t, h.fire(sm.TimerRetransmit))
				if m.Type != codec.Discover || !m.Broadcast ||
					m.XID != xid {
					t.Errorf("retransmitted %+v, want a broadcast "+
						"DHCPDISCOVER with xid %#x", m, xid)
				}
			}
			if diff := cmp.Diff(want, waits, within1s); diff != "" {
				t.Errorf("waits (-want +got, ±1s):\n%s", diff)
			}
			h.check()
		})
	}
}

// TestRequestKeepsDiscoverSecs: the DHCPREQUEST of SELECTING, and each
// retransmission of it, carries the secs of the DHCPDISCOVER it answers
// and its xid (RFC 2131 section 3.1 step 3 and section 4.4.1), so relay
// agents forward it to the same servers.
func TestRequestKeepsDiscoverSecs(t *testing.T) {
	h := newHarness(t, sm.Config{InitialDelay: 10 * time.Second})
	h.feed("start", sm.Start(nil))
	discover := sentIn(t, h.fire(sm.TimerWait))
	if discover.Secs == 0 {
		t.Fatalf("DHCPDISCOVER secs 0; the test needs secs > 0:\n%s",
			h.transcript())
	}

	h.now = h.now.Add(3 * time.Second)
	h.deliver("offer")
	got := []sentMsg{sentIn(t, h.trace[len(h.trace)-1].Actions)}
	for range 2 {
		got = append(got, sentIn(t, h.fire(sm.TimerRetransmit)))
	}
	h.check()

	var want []sentMsg
	for range got {
		want = append(want, sentMsg{
			Type: codec.Request, Broadcast: true, XID: discover.XID,
			Secs: discover.Secs, CIAddr: zero,
			Requested: leased, ServerID: srvID, Params: true,
		})
	}
	if diff := cmp.Diff(want, got, netipCmp); diff != "" {
		t.Errorf("DHCPREQUESTs (-want +got):\n%s", diff)
	}
}

// TestTranscriptRequestingGivesUp: after five unanswered DHCPREQUESTs,
// 4+8+16+32+64 seconds, REQUESTING gives up and restarts at INIT with a
// new exchange (RFC 2131 section 3.1 step 5 and section 4.4.1).
func TestTranscriptRequestingGivesUp(t *testing.T) {
	h := newHarness(t, sm.Config{})
	h.feed("start", sm.Start(nil))
	h.deliver("offer")
	xid := h.xidOf()
	for range 5 {
		h.fire(sm.TimerRetransmit)
	}
	h.check()
	if h.xidOf() == xid {
		t.Errorf("new DHCPDISCOVER reuses xid %#x", xid)
	}

	want := `> start
  Log INFO "state change" STOPPED->INIT
  Log INFO "state change" INIT->SELECTING
  Send DHCPDISCOVER broadcast secs=0
  ArmTimer Retransmit +4.569s
> offer
  CancelTimer Retransmit
  Log INFO "state change" SELECTING->REQUESTING
  Send DHCPREQUEST broadcast secs=0 req=10.0.0.11 sid=10.0.0.1
  ArmTimer Retransmit +4.593s
> Retransmit at +4.593s
  Send DHCPREQUEST broadcast secs=0 req=10.0.0.11 sid=10.0.0.1
  ArmTimer Retransmit +12.061s
> Retransmit at +12.061s
  Send DHCPREQUEST broadcast secs=0 req=10.0.0.11 sid=10.0.0.1
  ArmTimer Retransmit +27.143s
> Retransmit at +27.143s
  Send DHCPREQUEST broadcast secs=0 req=10.0.0.11 sid=10.0.0.1
  ArmTimer Retransmit +59.143s
> Retransmit at +59.143s
  Send DHCPREQUEST broadcast secs=0 req=10.0.0.11 sid=10.0.0.1
  ArmTimer Retransmit +2m3.042s
> Retransmit at +2m3.042s
  Log INFO "state change" REQUESTING->INIT
  Log INFO "state change" INIT->SELECTING
  Send DHCPDISCOVER broadcast secs=0
  ArmTimer Retransmit +2m7.366s
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// TestInitialDelay: Config.InitialDelay 0 sends the DHCPDISCOVER at once;
// a positive delay waits a random time in [0, InitialDelay) first, to
// desynchronise clients that start together (RFC 2131 section 4.4.1).
func TestInitialDelay(t *testing.T) {
	tests := []struct {
		name  string
		delay time.Duration
	}{
		{"0 sends at once", 0},
		{"1ms waits below 1ms", time.Millisecond},
		{"1s waits below 1s", time.Second},
		{"10s waits below 10s", 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := range uint64(50) {
				h := newHarness(t, sm.Config{InitialDelay: tt.delay})
				h.reseed(seed)
				acts := h.feed("start", sm.Start(nil))
				h.check()
				if tt.delay == 0 {
					m := sentIn(t, acts)
					if m.Type != codec.Discover ||
						h.m.State() != sm.Selecting {
						t.Fatalf("sent %v in %v, want a DHCPDISCOVER"+
							" in SELECTING", m.Type, h.m.State())
					}
					if _, ok := h.armed()[sm.TimerWait]; ok {
						t.Fatal("Wait armed without a delay")
					}

					continue
				}

				d := h.waitOf(sm.TimerWait)
				if d < 0 || d >= tt.delay {
					t.Errorf("seed %d: wait %v, want in [0, %v)",
						seed, d, tt.delay)
				}
				if len(h.sent) != 0 || h.m.State() != sm.Init {
					t.Errorf("seed %d: sent %d in %v, want nothing"+
						" in INIT", seed, len(h.sent), h.m.State())
				}
			}
		})
	}
}

// TestDiscoverSecsCount: each retransmitted DHCPDISCOVER carries the
// seconds since the acquisition began (RFC 2131 section 2), which relay
// agents and servers may use to prefer waiting clients.
func TestDiscoverSecsCount(t *testing.T) {
	h := newHarness(t, sm.Config{})
	h.feed("start", sm.Start(nil))
	var want, got []uint16
	for range 5 {
		m := sentIn(t, h.fire(sm.TimerRetransmit))
		want = append(want, uint16(h.now.Sub(t0)/time.Second))
		got = append(got, m.Secs)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("secs (-want +got):\n%s", diff)
	}
}
