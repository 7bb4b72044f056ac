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

// probing returns a harness whose machine, configured to probe, has been
// acked 10.0.0.11 and asked for its probe.
func probing(t *testing.T, cfg sm.Config) *harness {
	t.Helper()
	cfg.Probe = true
	h := newHarness(t, cfg)
	h.feed("start", sm.Start(nil))
	h.deliver("offer")
	h.at(time.Second)
	h.deliver("ack")
	probes := only(h.trace[len(h.trace)-1].Actions, sm.ActProbe)
	if h.m.State() != sm.Probing || len(probes) != 1 ||
		probes[0].Addr != leased {
		t.Fatalf("no probe of %v:\n%s", leased, h.transcript())
	}

	return h
}

// TestTranscriptProbeConflict: with Config.Probe the client checks the
// acknowledged address before using it (RFC 2131 section 2.2, RFC 5227);
// on a conflict it sends DHCPDECLINE and waits 10 seconds before INIT
// (RFC 2131 section 3.1 step 5). The new DHCPDISCOVER counts secs from
// the decline, as the initial delay counts in secs.
func TestTranscriptProbeConflict(t *testing.T) {
	h := probing(t, sm.Config{})
	h.at(3 * time.Second)
	h.feed("conflict", sm.ProbeResult(leased, true))
	h.fire(sm.TimerWait)
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
  Log INFO "state change" REQUESTING->PROBING
  Probe 10.0.0.11
  ArmTimer Wait +11s
> conflict
  Log WARN "address in use, declining"
  Send DHCPDECLINE broadcast secs=0 req=10.0.0.11 sid=10.0.0.1
  CancelTimer Wait
  Log INFO "state change" PROBING->INIT
  ArmTimer Wait +13s
> Wait at +13s
  Log INFO "state change" INIT->SELECTING
  Send DHCPDISCOVER broadcast secs=10
  ArmTimer Retransmit +17s
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// TestProbeOutcomes: no conflict binds the lease; silence until the
// probe timeout counts as no conflict (RFC 5227 section 2.1.1 reports
// only conflicts); a conflict declines it (RFC 2131 section 3.1 step 5);
// a result for another address is not ours and is dropped.
func TestProbeOutcomes(t *testing.T) {
	type outcome struct {
		State    sm.State
		Applied  bool
		Declined bool
		Wait     time.Duration
		Drop     sm.DropReason
	}
	elsewhere := netip.MustParseAddr("10.0.0.12")
	tests := []struct {
		name string
		ev   sm.Event // nil Kind: let the probe time out
		want outcome
	}{
		{"no conflict binds", sm.ProbeResult(leased, false),
			outcome{State: sm.Bound, Applied: true}},
		{"timeout binds", sm.Event{},
			outcome{State: sm.Bound, Applied: true}},
		{"conflict declines and waits 10s",
			sm.ProbeResult(leased, true),
			outcome{State: sm.Init, Declined: true, Wait: 10 * time.Second}},
		{"result for another address dropped",
			sm.ProbeResult(elsewhere, true),
			outcome{State: sm.Probing, Drop: sm.ReasonNotExpected}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := probing(t, sm.Config{})
			h.at(3 * time.Second)
			var acts []sm.Action
			if tt.ev.Kind == 0 {
				acts = h.fire(sm.TimerWait)
			} else {
				acts = h.feed("result", tt.ev)
			}
			h.check()

			got := outcome{State: h.m.State()}
			for _, a := range acts {
				switch {
				case a.Kind == sm.ActApply:
					got.Applied = true
				case a.Kind == sm.ActSend && a.MsgType == codec.Decline:
					got.Declined = true
				case a.Kind == sm.ActArmTimer && a.Timer == sm.TimerWait:
					got.Wait = a.At.Sub(h.now)
				case a.Kind == sm.ActLog && a.Reason != sm.ReasonNone:
					got.Drop = a.Reason
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDeclineFields: DHCPDECLINE has ciaddr 0, secs 0 and flags 0, even
// with Config.BroadcastFlag; it carries options 50 and 54 and, besides
// 53 and the client id, nothing else (RFC 2131 section 4.4.1, table 5).
// The client has no address, so it is broadcast.
func TestDeclineFields(t *testing.T) {
	h := probing(t, sm.Config{BroadcastFlag: true, Hostname: "box-1",
		VendorClass: []byte("safedhcp")})
	h.at(3 * time.Second)
	acts := h.feed("conflict", sm.ProbeResult(leased, true))
	h.check()

	sends := only(acts, sm.ActSend)
	if len(sends) != 1 {
		t.Fatalf("%d messages sent, want a DHCPDECLINE", len(sends))
	}
	want := sentMsg{
		Type: codec.Decline, Broadcast: true, CIAddr: zero,
		Requested: leased, ServerID: srvID,
	}
	xid := cmpopts.IgnoreFields(sentMsg{}, "XID")
	got := decodeSend(t, sends[0])
	if diff := cmp.Diff(want, got, netipCmp, xid); diff != "" {
		t.Errorf("DHCPDECLINE (-want +got):\n%s", diff)
	}
	codes := []codec.OptionCode{codec.OptMessageType, codec.OptClientID,
		codec.OptRequestedIP, codec.OptServerID}
	if diff := cmp.Diff(codes, optionCodes(t, sends[0])); diff != "" {
		t.Errorf("DHCPDECLINE options (-want +got):\n%s", diff)
	}
}
