package statemachine_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

// timesView is what TestLeaseTimes checks of the step that handles a
// DHCPACK: the times of the applied lease, the lease timers armed, as
// offsets from the DHCPREQUEST, whether the client warned that it
// repaired T1 and T2, and the reason the DHCPACK was dropped.
type timesView struct {
	Lease, T1, T2 time.Duration
	Armed         []string
	Repaired      bool
	Drop          sm.DropReason
}

// ackTimes runs DORA against a server offering a lease of lease seconds,
// with options 58 and 59 set to t1 and t2 when not 0.
func ackTimes(t *testing.T, lease, t1, t2 uint32) timesView {
	t.Helper()
	h := newHarness(t, sm.Config{})
	h.feed("start", sm.Start(nil))
	h.deliver("offer")
	acts := h.feed("ack", sm.Packet(h.reply(func(m *codec.Message) {
		_ = m.Options.Set(codec.OptLeaseTime, u32(lease))
		if t1 != 0 {
			_ = m.Options.Set(codec.OptRenewalTime, u32(t1))
		}
		if t2 != 0 {
			_ = m.Options.Set(codec.OptRebindingTime, u32(t2))
		}
	}), srvID))
	h.check()

	var v timesView
	for _, a := range acts {
		switch a.Kind {
		case sm.ActApply:
			v.Lease, v.T1, v.T2 = a.Lease.LeaseTime, a.Lease.T1, a.Lease.T2
		case sm.ActArmTimer:
			v.Armed = append(v.Armed, a.Format(t0))
		case sm.ActLog:
			v.Repaired = v.Repaired ||
				a.Msg == "inconsistent T1/T2 repaired"
			if a.Reason != sm.ReasonNone {
				v.Drop = a.Reason
			}
		}
	}

	return v
}

// times returns the view of an applied lease of lease, t1 and t2
// seconds, with its three timers armed.
func times(lease, t1, t2 time.Duration, repaired bool) timesView {
	arm := func(id string, d time.Duration) string {
		return "ArmTimer " + id + " +" + d.String()
	}

	return timesView{
		Lease: lease, T1: t1, T2: t2, Repaired: repaired,
		Armed: []string{arm("T1", t1), arm("T2", t2), arm("Expiry", lease)},
	}
}

// TestLeaseTimes: T1 and T2 default to 0.5 and 0.875 of the lease; a
// server's options 58 and 59 are used when 0 < T1 < T2 < lease (RFC 2131
// section 4.4.5). Other values are repaired; the case names give the
// value the machine uses now (RFC 2131 does not say what to do). A lease
// of 0xffffffff is infinite (section 3.3) and arms no timer; a lease of 0
// is malformed (RFC 2132 section 9.2) and the DHCPACK dropped.
func TestLeaseTimes(t *testing.T) {
	const s = time.Second
	tests := []struct {
		name          string
		lease, t1, t2 uint32
		want          timesView
	}{
		{"defaults 0.5 and 0.875", 3600, 0, 0,
			times(3600*s, 1800*s, 3150*s, false)},
		{"server values kept", 3600, 1000, 2000,
			times(3600*s, 1000*s, 2000*s, false)},
		{"odd lease keeps fractions of a second", 1001, 0, 0,
			times(1001*s, 500500*time.Millisecond, 875875*time.Millisecond,
				false)},
		{"T1 equal to T2 gives both defaults", 3600, 2000, 2000,
			times(3600*s, 1800*s, 3150*s, true)},
		{"T1 above T2 gives both defaults", 3600, 3000, 2000,
			times(3600*s, 1800*s, 3150*s, true)},
		{"T2 equal to lease gives both defaults", 3600, 1000, 3600,
			times(3600*s, 1800*s, 3150*s, true)},
		{"T2 above lease gives both defaults", 3600, 1000, 7200,
			times(3600*s, 1800*s, 3150*s, true)},
		{"only T1 keeps it with default T2", 3600, 1000, 0,
			times(3600*s, 1000*s, 3150*s, false)},
		{"only T2 keeps it with default T1", 3600, 0, 2000,
			times(3600*s, 1800*s, 2000*s, false)},
		{"only T1 above 0.875 lease gives both defaults", 3600, 3300, 0,
			times(3600*s, 1800*s, 3150*s, true)},
		{"only T2 below 0.5 lease gives both defaults", 3600, 0, 1000,
			times(3600*s, 1800*s, 3150*s, true)},
		{"infinite T1 gives both defaults", 3600, 0xffffffff, 0,
			times(3600*s, 1800*s, 3150*s, true)},
		{"infinite lease arms no timer", 0xffffffff, 0, 0,
			timesView{Lease: sm.Infinite, T1: sm.Infinite,
				T2: sm.Infinite}},
		{"infinite lease ignores T1 and T2", 0xffffffff, 1000, 2000,
			timesView{Lease: sm.Infinite, T1: sm.Infinite,
				T2: sm.Infinite}},
		{"lease 0 dropped", 0, 0, 0,
			timesView{Drop: sm.ReasonNoLeaseTime}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ackTimes(t, tt.lease, tt.t1, tt.t2)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("lease times (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTranscriptInfiniteLease: a lease of 0xffffffff never expires (RFC
// 2131 section 3.3), so the machine stays BOUND with no timer armed and
// an event days later changes nothing.
func TestTranscriptInfiniteLease(t *testing.T) {
	h := newHarness(t, sm.Config{})
	h.srv.LeaseTime = codec.Infinite
	h.feed("start", sm.Start(nil))
	h.deliver("offer")
	h.deliver("ack")
	h.at(1000 * 24 * time.Hour)
	h.feed("T1 a thousand days on", sm.Timer(sm.TimerT1))
	h.check()

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
> ack
  CancelTimer Retransmit
  Log INFO "state change" REQUESTING->BOUND
  Apply 10.0.0.11/24 sid=10.0.0.1 acquired=+0s lease=infinite router=10.0.0.1 dns=10.0.0.1
  Persist 67 bytes
> T1 a thousand days on
  Log DEBUG "dropped" reason="stale timer"
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
	if h.m.State() != sm.Bound || h.m.Lease() == nil {
		t.Errorf("state %v, lease %v: want BOUND with the lease",
			h.m.State(), h.m.Lease())
	}
}
