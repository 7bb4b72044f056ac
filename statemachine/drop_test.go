package statemachine_test

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

func TestDropReasons(t *testing.T) {
	addr := netip.MustParseAddr
	tests := []struct {
		name  string
		cfg   sm.Config
		stage string // "offer": reply to DISCOVER; "ack": to REQUEST
		edit  func(*codec.Message)
		want  sm.DropReason
	}{
		{"not a reply", sm.Config{}, "offer",
			func(m *codec.Message) { m.Op = codec.BootRequest },
			sm.ReasonNotReply},
		{"xid", sm.Config{}, "offer",
			func(m *codec.Message) { m.XID++ }, sm.ReasonXIDMismatch},
		{"chaddr", sm.Config{}, "offer",
			func(m *codec.Message) { m.CHAddr[5] ^= 1 },
			sm.ReasonCHAddrMismatch},
		{"hlen", sm.Config{}, "offer",
			func(m *codec.Message) { m.HLen = 16 },
			sm.ReasonCHAddrMismatch},
		{"client id", sm.Config{}, "offer",
			func(m *codec.Message) {
				_ = m.Options.Set(codec.OptClientID, []byte{1, 9, 9})
			}, sm.ReasonClientIDMismatch},
		{"no message type", sm.Config{}, "offer",
			func(m *codec.Message) { m.Options.Delete(codec.OptMessageType) },
			sm.ReasonNoMessageType},
		{"offer without server id", sm.Config{}, "offer",
			func(m *codec.Message) { m.Options.Delete(codec.OptServerID) },
			sm.ReasonNoServerID},
		{"nak while selecting", sm.Config{}, "offer",
			func(m *codec.Message) { _ = m.Options.SetMessageType(codec.Nak) },
			sm.ReasonUnexpectedType},
		{"ack without rapid commit", sm.Config{}, "offer",
			func(m *codec.Message) { _ = m.Options.SetMessageType(codec.Ack) },
			sm.ReasonNoRapidCommit},
		{"yiaddr zero", sm.Config{}, "offer",
			func(m *codec.Message) { m.YIAddr = addr("0.0.0.0") },
			sm.ReasonBadYIAddr},
		{"yiaddr broadcast", sm.Config{}, "offer",
			func(m *codec.Message) { m.YIAddr = addr("255.255.255.255") },
			sm.ReasonBadYIAddr},
		{"yiaddr multicast", sm.Config{}, "offer",
			func(m *codec.Message) { m.YIAddr = addr("224.0.0.1") },
			sm.ReasonBadYIAddr},
		{"yiaddr loopback", sm.Config{}, "offer",
			func(m *codec.Message) { m.YIAddr = addr("127.0.0.2") },
			sm.ReasonBadYIAddr},
		{"yiaddr class e", sm.Config{}, "offer",
			func(m *codec.Message) { m.YIAddr = addr("240.0.0.7") },
			sm.ReasonBadYIAddr},
		{"yiaddr network", sm.Config{}, "offer",
			func(m *codec.Message) { m.YIAddr = addr("10.0.0.0") },
			sm.ReasonBadYIAddr},
		{"yiaddr subnet broadcast", sm.Config{}, "offer",
			func(m *codec.Message) { m.YIAddr = addr("10.0.0.255") },
			sm.ReasonBadYIAddr},
		{"mask 0.0.0.0", sm.Config{}, "offer",
			func(m *codec.Message) {
				_ = m.Options.Set(codec.OptSubnetMask, []byte{0, 0, 0, 0})
			}, sm.ReasonBadSubnetMask},
		{"ack with mask 0.0.0.0", sm.Config{}, "ack",
			func(m *codec.Message) {
				_ = m.Options.Set(codec.OptSubnetMask, []byte{0, 0, 0, 0})
			}, sm.ReasonBadSubnetMask},
		{"malformed mask", sm.Config{}, "offer",
			func(m *codec.Message) {
				_ = m.Options.Set(codec.OptSubnetMask, []byte{255, 0, 255, 0})
			}, sm.ReasonBadSubnetMask},
		{"ack without server id", sm.Config{}, "ack",
			func(m *codec.Message) { m.Options.Delete(codec.OptServerID) },
			sm.ReasonNoServerID},
		{"ack from another server", sm.Config{}, "ack",
			func(m *codec.Message) {
				_ = m.Options.SetAddr(codec.OptServerID, addr("10.0.0.2"))
			}, sm.ReasonWrongServer},
		{"nak from another server", sm.Config{}, "ack",
			func(m *codec.Message) {
				_ = m.Options.SetMessageType(codec.Nak)
				_ = m.Options.SetAddr(codec.OptServerID, addr("10.0.0.2"))
			}, sm.ReasonWrongServer},
		{"ack without lease time", sm.Config{}, "ack",
			func(m *codec.Message) { m.Options.Delete(codec.OptLeaseTime) },
			sm.ReasonNoLeaseTime},
		{"ack for another address", sm.Config{}, "ack",
			func(m *codec.Message) { m.YIAddr = addr("10.0.0.99") },
			sm.ReasonWrongAddr},
		{"offer while requesting", sm.Config{}, "ack",
			func(m *codec.Message) { _ = m.Options.SetMessageType(codec.Offer) },
			sm.ReasonUnexpectedType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.cfg)
			h.feed("start", sm.Start(nil))
			if tt.stage == "ack" {
				h.deliver("offer")
			}
			before := h.m.State()
			acts := h.feed("reply", sm.Packet(h.reply(tt.edit), srvID))

			type drop struct {
				Kind     sm.ActionKind
				Reason   sm.DropReason
				From, To sm.State
			}
			want := []drop{{sm.ActLog, tt.want, before, before}}
			var got []drop
			for _, a := range acts {
				got = append(got, drop{a.Kind, a.Reason, a.From, a.To})
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
			if h.m.State() != before {
				t.Errorf("state %v, want %v", h.m.State(), before)
			}
			h.check()
		})
	}
}

func TestDropNotExpected(t *testing.T) {
	tests := []struct {
		name string
		ev   sm.Event
		want sm.DropReason
	}{
		{"packet while stopped", sm.Packet(&codec.Message{}, srvID),
			sm.ReasonNotExpected},
		{"nil packet", sm.Packet(nil, srvID), sm.ReasonNilMessage},
		{"timer not armed", sm.Timer(sm.TimerT1), sm.ReasonStaleTimer},
		{"probe while stopped",
			sm.ProbeResult(netip.MustParseAddr("10.0.0.5"), true),
			sm.ReasonNotExpected},
		{"link up while stopped", sm.LinkUp(), sm.ReasonNotExpected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sm.Config{})
			acts := h.feed(tt.name, tt.ev)
			if len(acts) != 1 || acts[0].Reason != tt.want {
				t.Fatalf("actions %+v, want one drop %v", acts, tt.want)
			}
			h.check()
		})
	}
}
