package statemachine_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

// saved returns the lease an earlier run persisted: 10.0.0.11 from the
// simtest server, acquired ten minutes before t0.
func saved() *sm.Lease {
	return &sm.Lease{
		Addr:      netip.MustParsePrefix("10.0.0.11/24"),
		ServerID:  srvID,
		Acquired:  t0.Add(-10 * time.Minute),
		LeaseTime: time.Hour,
		T1:        30 * time.Minute,
		T2:        52*time.Minute + 30*time.Second,
	}
}

// rebooting returns a harness whose machine verifies a lease with
// INIT-REBOOT: one loaded from disk by Start, or, with flap, the applied
// lease after the link went down and up (RFC 2131 section 3.7).
func rebooting(t *testing.T, cfg sm.Config, flap bool) *harness {
	t.Helper()
	if !flap {
		h := newHarness(t, cfg)
		h.feed("start", sm.Start(saved()))

		return h
	}
	h, _ := bound(t, cfg)
	h.lines = nil
	h.at(10 * time.Minute)
	h.feed("link down", sm.LinkDown())
	h.at(20 * time.Minute)
	h.feed("link up", sm.LinkUp())

	return h
}

// TestRebootRequestFields: the DHCPREQUEST of INIT-REBOOT is broadcast
// with ciaddr 0, option 50 and no option 54 (RFC 2131 section 4.4.2 and
// table 5), the broadcast bit set as Config.BroadcastFlag asks (section
// 4.1), and keeps its xid when retransmitted.
func TestRebootRequestFields(t *testing.T) {
	want := sentMsg{
		Type: codec.Request, Broadcast: true, Flags: codec.FlagBroadcast,
		CIAddr: zero, Requested: leased, Params: true,
	}
	for _, tt := range []struct {
		name   string
		flap   bool
		resend bool
	}{
		{"from disk", false, false},
		{"from disk, retransmission", false, true},
		{"after link flap", true, false},
		{"after link flap, retransmission", true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := rebooting(t, sm.Config{BroadcastFlag: true}, tt.flap)
			acts := h.trace[len(h.trace)-1].Actions
			xid := h.xidOf()
			if tt.resend {
				acts = h.fire(sm.TimerRetransmit)
			}
			h.check()

			got := sentIn(t, acts)
			if got.XID != xid {
				t.Errorf("xid %#x, want %#x", got.XID, xid)
			}
			ignore := cmpopts.IgnoreFields(sentMsg{}, "XID", "Secs")
			if diff := cmp.Diff(want, got, netipCmp, ignore); diff != "" {
				t.Errorf("DHCPREQUEST (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRebootReplies: a DHCPACK binds the lease; a DHCPNAK removes it,
// even one loaded from disk that this run never applied, forgets the
// record and restarts INIT after 2 seconds (RFC 2131 sections 3.2 and
// 4.4.2).
func TestRebootReplies(t *testing.T) {
	type outcome struct {
		State   sm.State
		Applied bool
		Removed netip.Prefix
		Forgot  bool // empty ActPersist
		Wait    time.Duration
	}
	nak := func(m *codec.Message) { _ = m.Options.SetMessageType(codec.Nak) }
	p := netip.MustParsePrefix("10.0.0.11/24")
	nakked := outcome{State: sm.Init, Removed: p, Forgot: true,
		Wait: 2 * time.Second}
	tests := []struct {
		name string
		flap bool
		edit func(*codec.Message)
		want outcome
	}{
		{"ack from disk binds", false, nil,
			outcome{State: sm.Bound, Applied: true}},
		{"nak from disk removes", false, nak, nakked},
		{"ack after link flap binds", true, nil,
			outcome{State: sm.Bound, Applied: true}},
		{"nak after link flap removes", true, nak, nakked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := rebooting(t, sm.Config{}, tt.flap)
			h.now = h.now.Add(time.Second)
			acts := h.feed("reply", sm.Packet(h.reply(tt.edit), srvID))
			h.check()

			got := outcome{State: h.m.State()}
			for _, a := range acts {
				switch a.Kind {
				case sm.ActApply:
					got.Applied = true
				case sm.ActRemove:
					got.Removed = a.Lease.Addr
				case sm.ActPersist:
					got.Forgot = len(a.Data) == 0
				case sm.ActArmTimer:
					if a.Timer == sm.TimerWait {
						got.Wait = a.At.Sub(h.now)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got, netipCmp); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTranscriptRebootTimeoutFromDisk: after maxReboots (3) unanswered
// DHCPREQUESTs the client gives up a lease loaded from disk and starts
// INIT. RFC 2131 section 4.4.2 lets it use the lease instead; the
// machine does not, and it neither removes the address nor forgets the
// record (pinned: the DHCPNAK path does both).
func TestTranscriptRebootTimeoutFromDisk(t *testing.T) {
	h := rebooting(t, sm.Config{}, false)
	for h.m.State() == sm.Rebooting {
		h.next()
	}
	h.check()

	want := `> start
  Log INFO "state change" STOPPED->INIT-REBOOT
  Send DHCPREQUEST broadcast secs=0 req=10.0.0.11
  Log INFO "state change" INIT-REBOOT->REBOOTING
  ArmTimer Retransmit +4.233s
> Retransmit at +4.233s
  Send DHCPREQUEST broadcast secs=4 req=10.0.0.11
  ArmTimer Retransmit +12.802s
> Retransmit at +12.802s
  Send DHCPREQUEST broadcast secs=12 req=10.0.0.11
  ArmTimer Retransmit +29.395s
> Retransmit at +29.395s
  Log INFO "state change" REBOOTING->INIT
  Log INFO "state change" INIT->SELECTING
  Send DHCPDISCOVER broadcast secs=0
  ArmTimer Retransmit +33.395s
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// TestTranscriptRebootTimeoutAfterFlap: a lease still applied when the
// link came back is kept after three unanswered DHCPREQUESTs, for the
// rest of its time (RFC 2131 section 4.4.2), with its timers armed
// again.
func TestTranscriptRebootTimeoutAfterFlap(t *testing.T) {
	h := rebooting(t, sm.Config{}, true)
	for h.m.State() == sm.Rebooting {
		h.next()
	}
	h.check()

	want := `> link down
  CancelTimer T1
  CancelTimer T2
  Log INFO "state change" BOUND->LINK-WAIT
> link up
  Log INFO "state change" LINK-WAIT->INIT-REBOOT
  Send DHCPREQUEST broadcast secs=0 req=10.0.0.11
  Log INFO "state change" INIT-REBOOT->REBOOTING
  ArmTimer Retransmit +20m3.082s
> Retransmit at +20m3.082s
  Send DHCPREQUEST broadcast secs=3 req=10.0.0.11
  ArmTimer Retransmit +20m11.082s
> Retransmit at +20m11.082s
  Send DHCPREQUEST broadcast secs=11 req=10.0.0.11
  ArmTimer Retransmit +20m26.981s
> Retransmit at +20m26.981s
  Log INFO "state change" REBOOTING->BOUND
  CancelTimer Expiry
  ArmTimer T1 +30m0s
  ArmTimer T2 +52m30s
  ArmTimer Expiry +1h0m0s
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
	if h.m.Lease() == nil {
		t.Error("lease dropped")
	}
}
