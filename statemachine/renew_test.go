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

// other is a second server on the subnet.
var other = netip.MustParseAddr("10.0.0.2")

// TestTranscriptRenewRebindExpire: at T1 the client unicasts DHCPREQUEST
// to the leasing server and retransmits after half the time left until
// T2, never less than 60 seconds; at T2 it broadcasts, waiting half the
// time left until expiry, never less than 60 seconds; at expiry it stops
// using the address and restarts at INIT (RFC 2131 section 4.4.5).
func TestTranscriptRenewRebindExpire(t *testing.T) {
	h, _ := bound(t, sm.Config{})
	h.lines = nil
	h.at(30 * time.Minute)
	h.feed("T1 at +30m0s", sm.Timer(sm.TimerT1))
	for h.m.State() != sm.Selecting {
		h.next()
	}
	h.check()

	want := `> T1 at +30m0s
  Log INFO "state change" BOUND->RENEWING
  Send DHCPREQUEST to 10.0.0.1 from 10.0.0.11 secs=0 ciaddr=10.0.0.11
  ArmTimer Retransmit +41m15s
> Retransmit at +41m15s
  Send DHCPREQUEST to 10.0.0.1 from 10.0.0.11 secs=675 ciaddr=10.0.0.11
  ArmTimer Retransmit +46m52.5s
> Retransmit at +46m52.5s
  Send DHCPREQUEST to 10.0.0.1 from 10.0.0.11 secs=1012 ciaddr=10.0.0.11
  ArmTimer Retransmit +49m41.25s
> Retransmit at +49m41.25s
  Send DHCPREQUEST to 10.0.0.1 from 10.0.0.11 secs=1181 ciaddr=10.0.0.11
  ArmTimer Retransmit +51m5.625s
> Retransmit at +51m5.625s
  Send DHCPREQUEST to 10.0.0.1 from 10.0.0.11 secs=1265 ciaddr=10.0.0.11
  ArmTimer Retransmit +52m5.625s
> Retransmit at +52m5.625s
  Send DHCPREQUEST to 10.0.0.1 from 10.0.0.11 secs=1325 ciaddr=10.0.0.11
> T2 at +52m30s
  Log INFO "state change" RENEWING->REBINDING
  Send DHCPREQUEST broadcast secs=1350 ciaddr=10.0.0.11
  ArmTimer Retransmit +56m15s
> Retransmit at +56m15s
  Send DHCPREQUEST broadcast secs=1575 ciaddr=10.0.0.11
  ArmTimer Retransmit +58m7.5s
> Retransmit at +58m7.5s
  Send DHCPREQUEST broadcast secs=1687 ciaddr=10.0.0.11
  ArmTimer Retransmit +59m7.5s
> Retransmit at +59m7.5s
  Send DHCPREQUEST broadcast secs=1747 ciaddr=10.0.0.11
> Expiry at +1h0m0s
  Remove 10.0.0.11/24 sid=10.0.0.1 acquired=+0s lease=1h0m0s t1=30m0s t2=52m30s router=10.0.0.1 dns=10.0.0.1
  CancelTimer Expiry
  Persist 0 bytes
  Log INFO "state change" REBINDING->INIT
  Log INFO "state change" INIT->SELECTING
  Send DHCPDISCOVER broadcast secs=0
  ArmTimer Retransmit +1h0m3.899s
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// TestRenewRequestFields: the DHCPREQUEST of RENEWING goes to the leasing
// server from the leased address, that of REBINDING is broadcast; both
// carry ciaddr and neither option 50 nor 54 (RFC 2131 section 4.3.2 and
// table 5). The client is configured by then, so the broadcast bit stays
// clear even when Config.BroadcastFlag is set (RFC 2131 section 4.1).
// REBINDING keeps the xid of RENEWING (pinned; RFC 2131 leaves it open).
func TestRenewRequestFields(t *testing.T) {
	renewing := sentMsg{
		Type: codec.Request, Src: leased, Dst: srvID, CIAddr: leased,
		Params: true,
	}
	rebinding := sentMsg{
		Type: codec.Request, Broadcast: true, Src: leased, CIAddr: leased,
		Params: true,
	}
	tests := []struct {
		name   string
		state  sm.State
		resend bool // check the first retransmission
		want   sentMsg
	}{
		{"renewing", sm.Renewing, false, renewing},
		{"renewing retransmission", sm.Renewing, true, renewing},
		{"rebinding", sm.Rebinding, false, rebinding},
		{"rebinding retransmission", sm.Rebinding, true, rebinding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := bound(t, sm.Config{BroadcastFlag: true})
			h.at(30 * time.Minute)
			acts := h.feed("T1", sm.Timer(sm.TimerT1))
			xid := h.xidOf()
			for h.m.State() != tt.state {
				acts = h.next()
			}
			if tt.resend {
				acts = h.fire(sm.TimerRetransmit)
			}
			h.check()

			got := sentIn(t, acts)
			if got.XID != xid {
				t.Errorf("xid %#x, want %#x from T1", got.XID, xid)
			}
			ignore := cmpopts.IgnoreFields(sentMsg{}, "XID", "Secs")
			if diff := cmp.Diff(tt.want, got, netipCmp, ignore); diff != "" {
				t.Errorf("DHCPREQUEST (-want +got):\n%s", diff)
			}
		})
	}
}

// renewView is what TestRenewReplies checks after a reply: the state,
// the drop reason, the lease applied or removed and the wait armed.
type renewView struct {
	State   sm.State
	Drop    sm.DropReason
	Applied netip.Addr // server id of the lease applied
	Removed bool
	Wait    time.Duration
}

// TestRenewReplies: in RENEWING only the leasing server may answer (RFC
// 2131 section 4.4.5: the DHCPREQUEST was unicast to it); in REBINDING
// any server may. A DHCPNAK ends the lease and restarts INIT (figure 5,
// section 3.1 step 5), here after 2 seconds. A DHCPACK for another
// address is dropped (pinned): RFC 2131 does not say what to do, and
// the machine keeps the lease it has.
func TestRenewReplies(t *testing.T) {
	typ := func(mt codec.MessageType) func(*codec.Message) {
		return func(m *codec.Message) { _ = m.Options.SetMessageType(mt) }
	}
	from := func(id netip.Addr, f func(*codec.Message)) func(*codec.Message) {
		return func(m *codec.Message) {
			if f != nil {
				f(m)
			}
			_ = m.Options.SetAddr(codec.OptServerID, id)
		}
	}
	yiaddr := func(a string) func(*codec.Message) {
		return func(m *codec.Message) { m.YIAddr = netip.MustParseAddr(a) }
	}
	dropped := func(s sm.State, r sm.DropReason) renewView {
		return renewView{State: s, Drop: r}
	}
	nakked := renewView{State: sm.Init, Removed: true, Wait: 2 * time.Second}
	tests := []struct {
		name   string
		rebind bool
		edit   func(*codec.Message)
		want   renewView
	}{
		{"renewing ack from leasing server", false, nil,
			renewView{State: sm.Bound, Applied: srvID}},
		{"renewing ack from another server dropped wrong server", false,
			from(other, nil), dropped(sm.Renewing, sm.ReasonWrongServer)},
		{"renewing ack for another address dropped wrong addr", false,
			yiaddr("10.0.0.99"), dropped(sm.Renewing, sm.ReasonWrongAddr)},
		{"renewing ack with yiaddr 0 dropped bad yiaddr", false,
			yiaddr("0.0.0.0"), dropped(sm.Renewing, sm.ReasonBadYIAddr)},
		{"renewing nak from leasing server removes the lease", false,
			typ(codec.Nak), nakked},
		{"renewing nak from another server dropped wrong server", false,
			from(other, typ(codec.Nak)),
			dropped(sm.Renewing, sm.ReasonWrongServer)},
		{"renewing nak without server id dropped wrong server", false,
			func(m *codec.Message) {
				typ(codec.Nak)(m)
				m.Options.Delete(codec.OptServerID)
			}, dropped(sm.Renewing, sm.ReasonWrongServer)},
		{"rebinding ack from another server accepted", true,
			from(other, nil), renewView{State: sm.Bound, Applied: other}},
		{"rebinding ack for another address dropped wrong addr", true,
			yiaddr("10.0.0.99"), dropped(sm.Rebinding, sm.ReasonWrongAddr)},
		{"rebinding nak from another server removes the lease", true,
			from(other, typ(codec.Nak)), nakked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := bound(t, sm.Config{})
			h.at(30 * time.Minute)
			h.feed("T1", sm.Timer(sm.TimerT1))
			if tt.rebind {
				h.fire(sm.TimerT2)
			}
			msg := h.reply(tt.edit)
			src := srvID
			if id, err := msg.Options.ServerID(); err == nil {
				src = id
			}
			acts := h.feed("reply", sm.Packet(msg, src))
			h.check()

			got := renewView{State: h.m.State()}
			for _, a := range acts {
				switch a.Kind {
				case sm.ActLog:
					if a.Reason != sm.ReasonNone {
						got.Drop = a.Reason
					}
				case sm.ActApply:
					got.Applied = a.Lease.ServerID
				case sm.ActRemove:
					got.Removed = true
				case sm.ActArmTimer:
					if a.Timer == sm.TimerWait {
						got.Wait = a.At.Sub(h.now)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got, netipCmp); diff != "" {
				t.Errorf("after reply (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNakBackoff: each DHCPNAK restarts INIT (RFC 2131 section 3.1 step
// 5); the machine's own rule waits 2 seconds first, doubling with each
// further DHCPNAK up to 64, so a server that always refuses is not
// flooded. A lease bound resets the wait to 2 seconds.
func TestNakBackoff(t *testing.T) {
	h := newHarness(t, sm.Config{})
	h.feed("start", sm.Start(nil))
	nak := func(m *codec.Message) { _ = m.Options.SetMessageType(codec.Nak) }

	var got []time.Duration
	for i := range 8 {
		if i > 0 {
			h.fire(sm.TimerWait)
		}
		h.deliver("offer")
		h.feed("nak", sm.Packet(h.reply(nak), srvID))
		got = append(got, h.waitOf(sm.TimerWait))
	}
	h.fire(sm.TimerWait)
	h.deliver("offer")
	h.deliver("ack")
	h.fire(sm.TimerT1)
	h.feed("nak", sm.Packet(h.reply(nak), srvID))
	got = append(got, h.waitOf(sm.TimerWait))
	h.check()

	want := []time.Duration{2, 4, 8, 16, 32, 64, 64, 64, 2}
	for i := range want {
		want[i] *= time.Second
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("waits after DHCPNAK (-want +got):\n%s", diff)
	}
}

// TestLateRenewalAckInRebinding: REBINDING keeps the xid of RENEWING, so
// an ACK that answers either request is taken; the lease counts from the
// first DHCPREQUEST of the renewal, the earlier of the two possible
// times (RFC 2131 section 4.4.5).
func TestLateRenewalAckInRebinding(t *testing.T) {
	h, _ := bound(t, sm.Config{})
	h.fire(sm.TimerT1)
	renewed := h.now
	h.fire(sm.TimerT2)
	h.now = h.now.Add(time.Second)
	acts := h.feed("late ack", sm.Packet(h.reply(nil), srvID))
	h.check()

	for _, a := range acts {
		if a.Kind == sm.ActApply {
			if !a.Lease.Acquired.Equal(renewed) {
				t.Errorf("acquired %v, want the renewal's %v",
					a.Lease.Acquired.Sub(t0), renewed.Sub(t0))
			}

			return
		}
	}
	t.Fatalf("no lease applied:\n%s", h.transcript())
}
