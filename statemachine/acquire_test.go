package statemachine_test

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

// TestTranscriptV6OnlyWithoutAddress: an IPv6-only network's DHCPOFFER
// carries option 108 and need not offer an address (RFC 8925 section
// 3.3). The machine pauses for the server's V6ONLY_WAIT and then starts
// a new acquisition, whose secs count from the end of the pause.
func TestTranscriptV6OnlyWithoutAddress(t *testing.T) {
	h := newHarness(t, sm.Config{IPv6OnlyPreferred: true})
	h.feed("start", sm.Start(nil))
	h.at(time.Second)
	wait := binary.BigEndian.AppendUint32(nil, 1800)
	h.feed("offer", sm.Packet(h.reply(func(m *codec.Message) {
		m.YIAddr = netip.IPv4Unspecified()
		m.Options.Delete(codec.OptSubnetMask)
		m.Options.Delete(codec.OptLeaseTime)
		_ = m.Options.Set(codec.OptIPv6OnlyPreferred, wait)
	}), srvID))
	h.at(time.Second + 30*time.Minute)
	h.feed("wait over", sm.Timer(sm.TimerWait))
	h.check()

	want := `> start
  Log INFO "state change" STOPPED->INIT
  Log INFO "state change" INIT->SELECTING
  Send DHCPDISCOVER broadcast secs=0
  ArmTimer Retransmit +4.569s
> offer
  CancelTimer Retransmit
  Log INFO "state change" SELECTING->V6ONLY-WAIT
  ArmTimer Wait +30m1s
> wait over
  Log INFO "state change" V6ONLY-WAIT->INIT
  Log INFO "state change" INIT->SELECTING
  Send DHCPDISCOVER broadcast secs=0
  ArmTimer Retransmit +30m4.468s
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// TestTranscriptRapidCommitAfterDelay: a lease acked straight away (RFC
// 4039) counts from the DHCPDISCOVER that asked for it, not from the
// start of the random initial delay before it (RFC 2131 section 4.4.1).
func TestTranscriptRapidCommitAfterDelay(t *testing.T) {
	h := newHarness(t, sm.Config{RapidCommit: true,
		InitialDelay: 10 * time.Second})
	h.srv.RapidCommit = true
	h.feed("start", sm.Start(nil))
	h.at(9 * time.Second)
	h.feed("delay over", sm.Timer(sm.TimerWait))
	h.at(10 * time.Second)
	h.deliver("rapid ack")
	h.check()

	want := `> start
  Log INFO "state change" STOPPED->INIT
  ArmTimer Wait +6.164362237s
> delay over
  Log INFO "state change" INIT->SELECTING
  Send DHCPDISCOVER broadcast secs=9 rapid
  ArmTimer Retransmit +13.593s
> rapid ack
  CancelTimer Retransmit
  Log INFO "state change" SELECTING->BOUND
  Apply 10.0.0.11/24 sid=10.0.0.1 acquired=+9s lease=1h0m0s t1=30m0s t2=52m30s router=10.0.0.1 dns=10.0.0.1
  Persist 67 bytes
  ArmTimer T1 +30m9s
  ArmTimer T2 +52m39s
  ArmTimer Expiry +1h0m9s
`
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// TestConfigMessageSize: New refuses a client id, host name and vendor
// class that together leave no DHCPREQUEST within 576 bytes (RFC 2131
// section 2), rather than start a machine that can send nothing.
func TestConfigMessageSize(t *testing.T) {
	label := strings.Repeat("a", 63)
	long := strings.Join([]string{label, label, label, label[:61]}, ".")
	tests := []struct {
		name string
		cfg  sm.Config
		ok   bool
	}{
		{"defaults", sm.Config{}, true},
		{"one long option", sm.Config{Hostname: long}, true},
		{"two long options", sm.Config{Hostname: long,
			VendorClass: []byte(long)}, false},
		{"long client id and vendor class", sm.Config{
			ClientID:    []byte(long),
			VendorClass: []byte(long)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.HWAddr = hw
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok %v", err, tt.ok)
			}
			if !tt.ok {
				return
			}

			h := newHarness(t, tt.cfg)
			acts := h.feed("start", sm.Start(nil))
			if len(h.sent) != 1 {
				t.Errorf("sent %d messages, want a DHCPDISCOVER:\n%s",
					len(h.sent), h.transcript())
			}
			for _, a := range acts {
				if a.Kind == sm.ActLog && a.Level > 0 {
					t.Errorf("logged %q", a.Msg)
				}
			}
		})
	}
}
