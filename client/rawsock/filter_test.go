package rawsock

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/safedhcp/safedhcp/client/frame"
	"golang.org/x/net/bpf"
)

var (
	testMAC  = [6]byte{0x02, 0x53, 0x44, 0x53, 0x00, 0x01}
	peerMAC  = [6]byte{0x02, 0x53, 0x44, 0x53, 0x00, 0x02}
	serverIP = netip.MustParseAddr("192.0.2.1")
	clientIP = netip.MustParseAddr("192.0.2.10")
)

// udpFrame builds a frame from the server to dstPort.
func udpFrame(t testing.TB, dstPort uint16, payload []byte) []byte {
	t.Helper()
	b, err := frame.Build(nil, frame.BuildParams{
		DstMAC: testMAC, SrcMAC: peerMAC, Src: serverIP, Dst: clientIP,
		SrcPort: frame.ServerPort, DstPort: dstPort, Payload: payload,
	})
	if err != nil {
		t.Fatal(err)
	}

	return b
}

// mutate returns a copy of b changed by f with the IPv4 checksum fixed.
func mutate(b []byte, f func(ip []byte)) []byte {
	c := append([]byte(nil), b...)
	ip := c[frame.EthernetHeaderLen:]
	f(ip)
	ihl := int(ip[0]&0x0f) * 4
	ip[10], ip[11] = 0, 0
	var sum uint32
	for i := 0; i < ihl; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))

	return c
}

// withOptions inserts 4 bytes of IPv4 options (NOPs) into b.
func withOptions(b []byte) []byte {
	h := frame.EthernetHeaderLen + frame.IPv4HeaderLen
	c := append(append(append([]byte(nil), b[:h]...), 1, 1, 1, 1), b[h:]...)

	return mutate(c, func(ip []byte) {
		ip[0] = 0x46
		binary.BigEndian.PutUint16(ip[2:], binary.BigEndian.Uint16(ip[2:])+4)
	})
}

func TestFilter(t *testing.T) {
	dhcp := udpFrame(t, 68, []byte("offer"))
	tests := []struct {
		name string
		in   []byte
		pass bool
	}{
		{name: "dhcp to 68", in: dhcp, pass: true},
		{name: "ip options", in: withOptions(dhcp), pass: true},
		{name: "udp to 69", in: udpFrame(t, 69, []byte("tftp")), pass: false},
		{name: "udp to 67", in: udpFrame(t, 67, []byte("relay")), pass: false},
		{
			name: "icmp",
			in:   mutate(dhcp, func(ip []byte) { ip[9] = 1 }),
			pass: false,
		},
		{
			name: "more fragments",
			in:   mutate(dhcp, func(ip []byte) { ip[6] |= 0x20 }),
			pass: false,
		},
		{
			name: "fragment offset",
			in:   mutate(dhcp, func(ip []byte) { ip[7] = 1 }),
			pass: false,
		},
		{
			name: "ip version 6",
			in:   mutate(dhcp, func(ip []byte) { ip[0] = 0x65 }),
			pass: false,
		},
		{
			name: "arp",
			in: append(append(append(frame.BroadcastMAC[:0:0],
				frame.BroadcastMAC[:]...), peerMAC[:]...), 0x08, 0x06),
			pass: false,
		},
		{name: "runt", in: dhcp[:13], pass: false},
	}
	vm, err := bpf.NewVM(Filter())
	if err != nil {
		t.Fatalf("bpf.NewVM: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := vm.Run(tt.in)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got := n > 0; got != tt.pass {
				t.Errorf("filter passed = %v (%d bytes), want %v", got, n,
					tt.pass)
			}
			if tt.pass && n < len(tt.in) {
				t.Errorf("filter kept %d of %d bytes", n, len(tt.in))
			}
		})
	}
}

func TestFilterAssembles(t *testing.T) {
	if _, err := bpf.Assemble(Filter()); err != nil {
		t.Fatalf("Assemble: %v", err)
	}
}

func TestARPFilter(t *testing.T) {
	probe := appendARP(nil, probePacket(testMAC, clientIP))
	tests := []struct {
		name string
		in   []byte
		pass bool
	}{
		{name: "probe", in: probe, pass: true},
		{name: "padded", in: append(probe, make([]byte, 18)...), pass: true},
		{name: "token ring", in: append([]byte{0, 6}, probe[2:]...)},
		{name: "ipv6", in: append([]byte{0, 1, 0x86, 0xdd}, probe[4:]...)},
		{name: "8-byte hardware address",
			in: append([]byte{0, 1, 8, 0, 8, 4}, probe[6:]...)},
		{name: "runt", in: probe[:5]},
	}
	vm, err := bpf.NewVM(arpFilter())
	if err != nil {
		t.Fatalf("bpf.NewVM: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := vm.Run(tt.in)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got := n > 0; got != tt.pass {
				t.Errorf("filter passed = %v (%d bytes), want %v", got, n,
					tt.pass)
			}
			if tt.pass && n < len(tt.in) {
				t.Errorf("filter kept %d of %d bytes", n, len(tt.in))
			}
		})
	}
}
