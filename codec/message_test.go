package codec

import (
	"net/netip"
	"testing"
)

func TestMessageEqual(t *testing.T) {
	base := func() *Message {
		m := &Message{Op: BootRequest, XID: 1, CIAddr: mustAddr("10.0.0.5")}
		if err := m.Options.SetMessageType(Request); err != nil {
			t.Fatal(err)
		}
		return m
	}

	tests := []struct {
		name   string
		change func(m *Message)
		want   bool
	}{
		{"same", func(m *Message) {}, true},
		{"zero addr equals 0.0.0.0", func(m *Message) {
			m.GIAddr = netip.IPv4Unspecified()
		}, true},
		{"xid", func(m *Message) { m.XID = 2 }, false},
		{"ciaddr", func(m *Message) { m.CIAddr = mustAddr("10.0.0.6") }, false},
		{"chaddr", func(m *Message) { m.CHAddr[15] = 1 }, false},
		{"file", func(m *Message) { m.File[127] = 1 }, false},
		{"option value", func(m *Message) {
			_ = m.Options.SetMessageType(Decline)
		}, false},
		{"extra option", func(m *Message) {
			_ = m.Options.Set(OptRapidCommit, nil)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, n := base(), base()
			tt.change(n)
			if got := m.Equal(n); got != tt.want {
				t.Errorf("Equal = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMessageReset(t *testing.T) {
	m := decode(t, ackPacket())
	m.Reset()
	var zero Message
	if !m.Equal(&zero) || m.YIAddr.IsValid() || m.Options.Len() != 0 {
		t.Errorf("Reset left %+v", headerOf(m))
	}
}

func TestHWAddrCap(t *testing.T) {
	m := Message{HLen: 255}
	if got := len(m.HWAddr()); got != 16 {
		t.Errorf("len(HWAddr) = %d with hlen 255, want 16", got)
	}
	m.HLen = 0
	if got := len(m.HWAddr()); got != 0 {
		t.Errorf("len(HWAddr) = %d with hlen 0, want 0", got)
	}
}

func TestMessageTypeString(t *testing.T) {
	for mt, want := range map[MessageType]string{
		Ack: "DHCPACK", Inform: "DHCPINFORM", 0: "DHCP(0)", 13: "DHCP(13)",
	} {
		if got := mt.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", mt, got, want)
		}
	}
}
