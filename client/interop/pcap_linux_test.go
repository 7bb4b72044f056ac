package interop

import (
	"encoding/binary"
	"errors"
	"io"
	"net/netip"
	"os"
	"testing"

	"github.com/google/gopacket/pcapgo"

	"github.com/safedhcp/safedhcp/codec"
)

// sent is one client message read back from a capture.
type sent struct {
	Src, Dst netip.Addr
	Type     codec.MessageType
	CIAddr   netip.Addr
	ServerID netip.Addr
}

// readSent returns the DHCP messages to port 67 in the pcap file at path.
// Frames that are not IPv4 UDP to port 67, or do not decode, are skipped.
func readSent(t *testing.T, path string) []sent {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}

	var out []sent
	var m codec.Message
	for {
		data, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return out
		}
		if err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}

		src, dst, payload, ok := udpTo67(data)
		if !ok || m.Decode(payload) != nil {
			continue
		}

		s := sent{Src: src, Dst: dst, CIAddr: m.CIAddr}
		s.Type, _ = m.Options.MessageType()
		s.ServerID, _ = m.Options.ServerID()
		out = append(out, s)
	}
}

// udpTo67 returns the addresses and payload of an Ethernet frame that
// carries IPv4 UDP to port 67.
func udpTo67(b []byte) (src, dst netip.Addr, payload []byte, ok bool) {
	if len(b) < 14+20+8 || binary.BigEndian.Uint16(b[12:14]) != 0x0800 {
		return src, dst, nil, false
	}

	ip := b[14:]
	ihl := int(ip[0]&0x0f) * 4
	if ip[9] != 17 || ihl < 20 || len(ip) < ihl+8 {
		return src, dst, nil, false
	}

	udp := ip[ihl:]
	if binary.BigEndian.Uint16(udp[2:4]) != 67 {
		return src, dst, nil, false
	}
	src = netip.AddrFrom4([4]byte(ip[12:16]))
	dst = netip.AddrFrom4([4]byte(ip[16:20]))

	return src, dst, udp[8:], true
}
