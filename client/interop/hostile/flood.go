package hostile

import (
	"net/netip"

	"github.com/safedhcp/safedhcp/client/frame"
	"github.com/safedhcp/safedhcp/codec"
)

// MalformedFrames returns frames a client must drop, one of each kind:
// a runt, a bad IPv4 header checksum, a bad UDP checksum, an IPv4
// length past the frame, a bad magic cookie, options cut short, a reply
// with a stranger's xid and a message from a client (RFC 791 section
// 3.1, RFC 768, RFC 2131 sections 2, 3 and 4.4.1). They come from src
// at srcMAC to the Ethernet broadcast address and port 68.
func MalformedFrames(srcMAC [6]byte, src netip.Addr) [][]byte {
	bp := frame.BuildParams{
		DstMAC: frame.BroadcastMAC, SrcMAC: srcMAC, Src: src,
		Dst:     netip.AddrFrom4([4]byte{255, 255, 255, 255}),
		SrcPort: frame.ServerPort, DstPort: frame.ClientPort,
	}
	build := func(payload []byte, corrupt func(b []byte)) []byte {
		p := bp
		p.Payload = payload
		b, err := frame.Build(nil, p)
		if err != nil {
			return nil
		}
		if corrupt != nil {
			corrupt(b)
		}

		return b
	}

	ack := (&Reply{XID: 0x5afe0001, CHAddr: []byte{2, 0, 0, 0, 0, 9},
		YIAddr:  netip.AddrFrom4([4]byte{10, 77, 0, 9}),
		Options: []Option{Type(codec.Ack)}}).Marshal()
	ip := frame.EthernetHeaderLen
	udp := ip + frame.IPv4HeaderLen

	frames := [][]byte{
		build(ack, nil)[:20],
		build(ack, func(b []byte) { b[ip+10] ^= 0xff }),
		build(ack, func(b []byte) { b[udp+6] ^= 0xff }),
		build(ack, func(b []byte) { b[ip+2] = 0xff }),
		build(badCookie(ack), nil),
		build(append(ack[:len(ack)-1:len(ack)-1], 3, 200, 10), nil),
		build(ack, nil),
		build(asRequest(ack), nil),
	}

	out := frames[:0]
	for _, f := range frames {
		if f != nil {
			out = append(out, f)
		}
	}

	return out
}

// badCookie returns a copy of a marshalled message with its magic
// cookie broken.
func badCookie(m []byte) []byte {
	b := append([]byte(nil), m...)
	b[headerLen] ^= 0xff

	return b
}

// asRequest returns a copy of a marshalled message with op BOOTREQUEST.
func asRequest(m []byte) []byte {
	b := append([]byte(nil), m...)
	b[0] = byte(codec.BootRequest)

	return b
}
