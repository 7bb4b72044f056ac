package statemachine_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

func TestTranscriptDORAAndRenew(t *testing.T) {
	h := newHarness(t, sm.Config{})
	h.feed("start", sm.Start(nil))
	h.deliver("offer")
	h.at(time.Second)
	h.deliver("ack")
	h.at(30 * time.Minute)
	h.feed("T1", sm.Timer(sm.TimerT1))
	h.deliver("renew ack")
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
  Apply 10.0.0.11/24 sid=10.0.0.1 acquired=+0s lease=1h0m0s t1=30m0s t2=52m30s router=10.0.0.1 dns=10.0.0.1
  Persist 67 bytes
  ArmTimer T1 +30m0s
  ArmTimer T2 +52m30s
  ArmTimer Expiry +1h0m0s
> T1
  Log INFO "state change" BOUND->RENEWING
  Send DHCPREQUEST to 10.0.0.1 from 10.0.0.11 secs=0 ciaddr=10.0.0.11
  ArmTimer Retransmit +41m15s
> renew ack
  CancelTimer Retransmit
  Log INFO "state change" RENEWING->BOUND
  Apply 10.0.0.11/24 sid=10.0.0.1 acquired=+30m0s lease=1h0m0s t1=30m0s t2=52m30s router=10.0.0.1 dns=10.0.0.1
  Persist 67 bytes
  CancelTimer T2
  CancelTimer Expiry
  ArmTimer T1 +1h0m0s
  ArmTimer T2 +1h22m30s
  ArmTimer Expiry +1h30m0s
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// TestTranscriptRebootNak starts from a remembered lease of another
// subnet: the server refuses it with DHCPNAK, and the machine removes
// it (an earlier run may have left it configured), forgets the record
// and starts over (RFC 2131 section 3.2 step 3).
func TestTranscriptRebootNak(t *testing.T) {
	h := newHarness(t, sm.Config{})
	old := &sm.Lease{
		Addr:      netip.MustParsePrefix("10.1.0.11/24"),
		ServerID:  netip.MustParseAddr("10.1.0.1"),
		Acquired:  t0.Add(-10 * time.Minute),
		LeaseTime: time.Hour,
		T1:        30 * time.Minute,
		T2:        52*time.Minute + 30*time.Second,
	}
	h.feed("start", sm.Start(old))
	h.deliver("nak")
	h.check()

	want := `> start
  Log INFO "state change" STOPPED->INIT-REBOOT
  Send DHCPREQUEST broadcast secs=0 req=10.1.0.11
  Log INFO "state change" INIT-REBOOT->REBOOTING
  ArmTimer Retransmit +4.233s
> nak
  Log WARN "DHCPNAK received"
  Remove 10.1.0.11/24 sid=10.1.0.1 acquired=+-10m0s lease=1h0m0s t1=30m0s t2=52m30s
  Persist 0 bytes
  CancelTimer Retransmit
  Log INFO "state change" REBOOTING->INIT
  ArmTimer Wait +2s
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}
