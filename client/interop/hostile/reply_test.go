package hostile

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/codec"
)

func TestMarshal(t *testing.T) {
	srv := netip.MustParseAddr("10.77.1.1")
	yi := netip.MustParseAddr("10.77.1.50")
	tests := []struct {
		name  string
		reply Reply
		want  []byte // the bytes after the magic cookie
		size  int
	}{{
		name: "options and end",
		reply: Reply{XID: 7, YIAddr: yi, Options: []Option{
			Type(codec.Offer), Addr(codec.OptServerID, srv),
		}},
		want: []byte{53, 1, 2, 54, 4, 10, 77, 1, 1, 255},
	}, {
		name: "raw, no end, tail",
		reply: Reply{Options: []Option{RawBytes(3, 8, 10)},
			NoEnd: true, Tail: []byte{1, 2}},
		want: []byte{3, 8, 10, 1, 2},
	}, {
		name:  "padded",
		reply: Reply{PadTo: 300},
		want:  append([]byte{255}, make([]byte, 300-240-1)...),
	}, {
		name:  "long value cut to 255 bytes",
		reply: Reply{Options: []Option{Opt(12, make([]byte, 300)...)}},
		want: append(append([]byte{12, 255}, make([]byte, 255)...),
			255),
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.reply.Marshal()
			if len(b) < headerLen+4 {
				t.Fatalf("%d bytes, want at least %d", len(b), headerLen+4)
			}
			if b[0] != byte(codec.BootReply) || b[1] != 1 || b[2] != 6 {
				t.Errorf("op, htype, hlen = % x, want 02 01 06", b[:3])
			}
			if diff := cmp.Diff(tt.want, b[headerLen+4:]); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMarshalDecodes checks that a well-formed Reply decodes with the
// codec to the values it was built from.
func TestMarshalDecodes(t *testing.T) {
	srv := netip.MustParseAddr("10.77.1.1")
	r := &Request{XID: 0x01020304, CHAddr: [6]byte{2, 1, 2, 3, 4, 5}}
	rep := r.Answer(codec.Ack, Addr(codec.OptServerID, srv),
		U32(codec.OptLeaseTime, 600), Text(codec.OptHostName, "h1"))
	rep.YIAddr = netip.MustParseAddr("10.77.1.50")

	var m codec.Message
	if err := m.Decode(rep.Marshal()); err != nil {
		t.Fatal(err)
	}

	type got struct {
		XID    uint32
		YIAddr netip.Addr
		CHAddr [6]byte
		Type   codec.MessageType
		Lease  uint32
		Host   string
	}
	g := got{XID: m.XID, YIAddr: m.YIAddr, CHAddr: [6]byte(m.CHAddr[:6])}
	g.Type, _ = m.Options.MessageType()
	g.Lease, _ = m.Options.LeaseTime()
	g.Host, _ = m.Options.HostName()
	want := got{XID: r.XID, YIAddr: rep.YIAddr, CHAddr: r.CHAddr,
		Type: codec.Ack, Lease: 600, Host: "h1"}
	if diff := cmp.Diff(want, g, cmp.Comparer(func(a, b netip.Addr) bool {
		return a == b
	})); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
}
