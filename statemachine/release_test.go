package statemachine_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

// TestTranscriptRelease: EvRelease gives the lease back with a
// DHCPRELEASE unicast to the leasing server, removes the address,
// forgets the record and stops (RFC 2131 section 4.4.6).
func TestTranscriptRelease(t *testing.T) {
	h, _ := bound(t, sm.Config{})
	h.lines = nil
	h.at(10 * time.Minute)
	h.feed("release", sm.Release())
	h.check()

	want := `> release
  Send DHCPRELEASE to 10.0.0.1 from 10.0.0.11 secs=0 ciaddr=10.0.0.11 sid=10.0.0.1
  Remove 10.0.0.11/24 sid=10.0.0.1 acquired=+0s lease=1h0m0s t1=30m0s t2=52m30s router=10.0.0.1 dns=10.0.0.1
  CancelTimer T1
  CancelTimer T2
  CancelTimer Expiry
  Persist 0 bytes
  Log INFO "state change" BOUND->STOPPED
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// TestReleaseFields: DHCPRELEASE carries ciaddr, option 54 and, besides
// 53 and the client id, nothing else; secs and flags are 0 (RFC 2131
// section 4.4.6 and table 5). It goes to the server that gave the
// lease, from any state that holds one; without a lease the client just
// stops.
func TestReleaseFields(t *testing.T) {
	release := &sentMsg{
		Type: codec.Release, Src: leased, Dst: srvID, CIAddr: leased,
		ServerID: srvID,
	}
	codes := []codec.OptionCode{codec.OptMessageType, codec.OptClientID,
		codec.OptServerID}
	tests := []struct {
		name  string
		state sm.State
		want  *sentMsg // nil: nothing sent
	}{
		{"bound", sm.Bound, release},
		{"renewing", sm.Renewing, release},
		{"rebinding", sm.Rebinding, release},
		{"selecting after expiry, no lease", sm.Selecting, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := sm.Config{BroadcastFlag: true, Hostname: "box-1"}
			h, _ := bound(t, cfg)
			for h.m.State() != tt.state {
				h.next()
			}
			h.now = h.now.Add(time.Second)
			acts := h.feed("release", sm.Release())
			h.check()

			sends := only(acts, sm.ActSend)
			var got *sentMsg
			if len(sends) > 0 {
				m := decodeSend(t, sends[0])
				got = &m
				if diff := cmp.Diff(codes,
					optionCodes(t, sends[0])); diff != "" {
					t.Errorf("options (-want +got):\n%s", diff)
				}
			}
			xid := cmpopts.IgnoreFields(sentMsg{}, "XID")
			if diff := cmp.Diff(tt.want, got, netipCmp, xid); diff != "" {
				t.Errorf("DHCPRELEASE (-want +got):\n%s", diff)
			}
			if h.m.State() != sm.Stopped || h.m.Lease() != nil ||
				len(h.armed()) != 0 {
				t.Errorf("state %v, lease %v, timers %v: want STOPPED"+
					" with neither", h.m.State(), h.m.Lease(), h.armed())
			}
		})
	}
}
