package statemachine_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

// TestLinkDownKeepsLease: losing the link stops the exchange and the
// renewal timers, but the lease stays applied until it expires, and the
// client verifies it when the link returns (RFC 2131 section 3.7; the
// address may still be valid, section 4.4.5).
func TestLinkDownKeepsLease(t *testing.T) {
	type view struct {
		State     sm.State
		Cancelled []sm.TimerID
		Removed   bool
		Armed     []sm.TimerID
	}
	tests := []struct {
		name  string
		state sm.State
		want  view
	}{
		{"bound", sm.Bound, view{State: sm.LinkWait,
			Cancelled: []sm.TimerID{sm.TimerT1, sm.TimerT2},
			Armed:     []sm.TimerID{sm.TimerExpiry}}},
		{"renewing", sm.Renewing, view{State: sm.LinkWait,
			Cancelled: []sm.TimerID{sm.TimerRetransmit, sm.TimerT2},
			Armed:     []sm.TimerID{sm.TimerExpiry}}},
		{"rebinding", sm.Rebinding, view{State: sm.LinkWait,
			Cancelled: []sm.TimerID{sm.TimerRetransmit},
			Armed:     []sm.TimerID{sm.TimerExpiry}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := bound(t, sm.Config{})
			for h.m.State() != tt.state {
				h.next()
			}
			h.now = h.now.Add(time.Second)
			acts := h.feed("link down", sm.LinkDown())
			h.check()

			got := view{State: h.m.State()}
			for _, a := range acts {
				switch a.Kind {
				case sm.ActCancelTimer:
					got.Cancelled = append(got.Cancelled, a.Timer)
				case sm.ActRemove:
					got.Removed = true
				}
			}
			for id := range h.armed() {
				got.Armed = append(got.Armed, id)
			}
			slices.Sort(got.Armed)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("after link down (-want +got):\n%s", diff)
			}
			if h.m.Lease() == nil {
				t.Error("lease dropped with the link")
			}
		})
	}
}

// TestTranscriptExpiryWhileLinkDown: a lease that expires while the
// link is down is removed and forgotten at once (RFC 2131 section 4.4.5);
// the client waits for the link, then starts INIT with no lease to
// verify.
func TestTranscriptExpiryWhileLinkDown(t *testing.T) {
	h, _ := bound(t, sm.Config{})
	h.lines = nil
	h.at(10 * time.Minute)
	h.feed("link down", sm.LinkDown())
	h.fire(sm.TimerExpiry)
	h.at(2 * time.Hour)
	h.feed("link up", sm.LinkUp())
	h.check()

	want := `> link down
  CancelTimer T1
  CancelTimer T2
  Log INFO "state change" BOUND->LINK-WAIT
> Expiry at +1h0m0s
  Remove 10.0.0.11/24 sid=10.0.0.1 acquired=+0s lease=1h0m0s t1=30m0s t2=52m30s router=10.0.0.1 dns=10.0.0.1
  CancelTimer Expiry
  Persist 0 bytes
> link up
  Log INFO "state change" LINK-WAIT->INIT
  Log INFO "state change" INIT->SELECTING
  Send DHCPDISCOVER broadcast secs=0
  ArmTimer Retransmit +2h0m4s
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// TestTranscriptClockJump: a T1 timer that fires after the end of the
// lease, as after a suspend, finds the lease expired: the client removes
// it before anything else and restarts INIT (RFC 2131 section 4.4.5),
// and the timer, cancelled by then, is stale.
func TestTranscriptClockJump(t *testing.T) {
	h, _ := bound(t, sm.Config{})
	h.lines = nil
	h.at(2 * time.Hour)
	h.feed("T1 at +2h0m0s", sm.Timer(sm.TimerT1))
	h.check()

	want := `> T1 at +2h0m0s
  Remove 10.0.0.11/24 sid=10.0.0.1 acquired=+0s lease=1h0m0s t1=30m0s t2=52m30s router=10.0.0.1 dns=10.0.0.1
  CancelTimer T1
  CancelTimer T2
  CancelTimer Expiry
  Persist 0 bytes
  Log INFO "state change" BOUND->INIT
  Log INFO "state change" INIT->SELECTING
  Send DHCPDISCOVER broadcast secs=0
  ArmTimer Retransmit +2h0m4s
  Log DEBUG "dropped" reason="stale timer"
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// TestClockJumpRemovesFirst: whatever event arrives first after the end
// of the lease, the lease is removed and forgotten before the event is
// handled (RFC 2131 section 4.4.5: the client "MUST immediately stop any
// other network processing"). The states after are pinned.
func TestClockJumpRemovesFirst(t *testing.T) {
	tests := []struct {
		name  string
		state sm.State // where the lease is when time jumps
		ev    func(h *harness) sm.Event
		want  sm.State
	}{
		{"T2 timer while bound", sm.Bound, timerEv(sm.TimerT2),
			sm.Selecting},
		{"expiry timer while bound", sm.Bound, timerEv(sm.TimerExpiry),
			sm.Selecting},
		{"late renewal ack", sm.Renewing, func(h *harness) sm.Event {
			return sm.Packet(h.reply(nil), srvID)
		}, sm.Selecting},
		{"retransmit while rebinding", sm.Rebinding,
			timerEv(sm.TimerRetransmit), sm.Selecting},
		{"link down", sm.Bound, fixedEv(sm.LinkDown()), sm.LinkWait},
		{"link up", sm.LinkWait, fixedEv(sm.LinkUp()), sm.Selecting},
		{"release", sm.Bound, fixedEv(sm.Release()), sm.Stopped},
		{"stop", sm.Renewing, fixedEv(sm.Stop()), sm.Stopped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := bound(t, sm.Config{})
			if tt.state == sm.LinkWait {
				h.feed("link down", sm.LinkDown())
			}
			for h.m.State() != tt.state {
				h.next()
			}
			ev := tt.ev(h)
			h.at(3 * time.Hour)
			acts := h.feed("event", ev)
			h.check()

			if len(acts) < 2 || acts[0].Kind != sm.ActRemove ||
				acts[0].Lease.Addr.Addr() != leased {
				t.Errorf("first actions, want Remove %v:\n%s", leased,
					h.transcript())
			}
			forgot := slices.ContainsFunc(acts, func(a sm.Action) bool {
				return a.Kind == sm.ActPersist && len(a.Data) == 0
			})
			if !forgot || h.m.Lease() != nil {
				t.Errorf("record forgotten %v, lease %v: want forgotten"+
					" and none", forgot, h.m.Lease())
			}
			if h.m.State() != tt.want {
				t.Errorf("state %v, want %v", h.m.State(), tt.want)
			}
		})
	}
}

// timerEv returns an event constructor for timer id.
func timerEv(id sm.TimerID) func(*harness) sm.Event {
	return func(*harness) sm.Event { return sm.Timer(id) }
}

// fixedEv returns an event constructor for ev.
func fixedEv(ev sm.Event) func(*harness) sm.Event {
	return func(*harness) sm.Event { return ev }
}

// TestEndAfterExpiry: a release, stop or link loss that arrives after the
// lease has ended removes it and starts no new exchange: no DHCPDISCOVER
// goes out just before the client stops or on a link that is down.
func TestEndAfterExpiry(t *testing.T) {
	for _, ev := range []sm.Event{sm.Release(), sm.Stop(), sm.LinkDown()} {
		t.Run(ev.Kind.String(), func(t *testing.T) {
			h, _ := bound(t, sm.Config{})
			h.at(2 * time.Hour)
			acts := h.feed(ev.Kind.String(), ev)
			h.check()

			if len(h.sent) != 0 {
				t.Errorf("sent %d message(s):\n%s", len(h.sent),
					h.transcript())
			}
			if len(acts) == 0 || acts[0].Kind != sm.ActRemove {
				t.Errorf("the lease is not removed first:\n%s",
					h.transcript())
			}
		})
	}
}
