package frame

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

var (
	serverMAC = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}
	clientMAC = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}
	serverIP  = netip.MustParseAddr("192.0.2.1")
	offeredIP = netip.MustParseAddr("192.0.2.10")
	// dhcpPayload is a DHCPDISCOVER; the frame layer never looks inside
	// it. Pad options make it long enough that gopacket adds no Ethernet
	// padding and odd, which exercises the checksum's trailing byte.
	dhcpPayload = discoverPayload(301)

	cmpAddr = cmpopts.EquateComparable(netip.Addr{})
)

// discoverPayload serializes a DHCPDISCOVER with gopacket and pads it with
// pad options to n bytes.
func discoverPayload(n int) []byte {
	msg := &layers.DHCPv4{
		Operation: layers.DHCPOpRequest, HardwareType: layers.LinkTypeEthernet,
		HardwareLen: 6, Xid: 0xdeadbeef, ClientHWAddr: clientMAC[:],
		Options: layers.DHCPOptions{layers.NewDHCPOption(
			layers.DHCPOptMessageType, []byte{byte(layers.DHCPMsgTypeDiscover)})},
	}
	buf := gopacket.NewSerializeBuffer()
	if err := msg.SerializeTo(buf, gopacket.SerializeOptions{}); err != nil {
		panic(err)
	}
	b := buf.Bytes()

	return append(b, make([]byte, n-len(b))...)
}

// refFrame describes a frame for gopacket, the independent reference.
type refFrame struct {
	dstMAC, srcMAC [6]byte
	src, dst       netip.Addr
	srcPort        uint16
	dstPort        uint16
	id             uint16
	flags          layers.IPv4Flag
	fragOffset     uint16
	options        []layers.IPv4Option
	payload        []byte
}

// reply is the frame a server sends back to the client.
func reply() refFrame {
	return refFrame{
		dstMAC: clientMAC, srcMAC: serverMAC,
		src: serverIP, dst: offeredIP,
		srcPort: ServerPort, dstPort: ClientPort,
		id: 0x1234, payload: dhcpPayload,
	}
}

// serialize builds r with gopacket, which computes lengths and checksums.
func (r refFrame) serialize(t testing.TB) []byte {
	t.Helper()
	eth := &layers.Ethernet{
		SrcMAC:       net.HardwareAddr(r.srcMAC[:]),
		DstMAC:       net.HardwareAddr(r.dstMAC[:]),
		EthernetType: layers.EthernetTypeIPv4,
	}
	ip := &layers.IPv4{
		Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP,
		Id: r.id, Flags: r.flags, FragOffset: r.fragOffset,
		SrcIP: r.src.AsSlice(), DstIP: r.dst.AsSlice(),
		Options: r.options,
	}
	udp := &layers.UDP{
		SrcPort: layers.UDPPort(r.srcPort),
		DstPort: layers.UDPPort(r.dstPort),
	}
	if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	err := gopacket.SerializeLayers(buf, opts, eth, ip, udp,
		gopacket.Payload(r.payload))
	if err != nil {
		t.Fatal(err)
	}

	return buf.Bytes()
}

// edit returns a copy of b changed by f; with fixIP the IPv4 header
// checksum is recomputed afterwards so only the intended field is wrong.
func edit(b []byte, fixIP bool, f func(b []byte)) []byte {
	c := append([]byte(nil), b...)
	f(c)
	if fixIP {
		ip := c[EthernetHeaderLen:]
		ihl := int(ip[0]&0x0f) * 4
		ip[10], ip[11] = 0, 0
		binary.BigEndian.PutUint16(ip[10:12], checksum(ip[:ihl], 0))
	}

	return c
}

func TestParse(t *testing.T) {
	good := reply().serialize(t)
	want := Frame{
		DstMAC: clientMAC, SrcMAC: serverMAC,
		Src: serverIP, Dst: offeredIP,
		SrcPort: ServerPort, DstPort: ClientPort,
		Payload: dhcpPayload,
	}
	withOptions := reply()
	withOptions.options = []layers.IPv4Option{
		{OptionType: 148, OptionLength: 4, OptionData: []byte{0, 0}},
	}
	padded := append(append([]byte(nil), good...), make([]byte, 20)...)

	tests := []struct {
		name string
		in   []byte
		want Frame
	}{
		{name: "gopacket reply", in: good, want: want},
		{name: "ethernet padding", in: padded, want: want},
		{name: "ip options", in: withOptions.serialize(t), want: want},
		{
			name: "zero udp checksum",
			in: edit(good, false, func(b []byte) {
				b[HeadersLen-2], b[HeadersLen-1] = 0, 0
			}),
			want: want,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpAddr); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	good := reply().serialize(t)
	const ip = EthernetHeaderLen
	const udp = EthernetHeaderLen + IPv4HeaderLen
	port69 := reply()
	port69.dstPort = 69
	fragment := reply()
	fragment.flags = layers.IPv4MoreFragments
	offset := reply()
	offset.fragOffset = 8

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{name: "empty", in: nil, want: ErrTruncated},
		{name: "short ethernet", in: good[:13], want: ErrTruncated},
		{name: "short ipv4", in: good[:ip+19], want: ErrTruncated},
		{name: "cut payload", in: good[:len(good)-1], want: ErrTruncated},
		{
			name: "vlan tag",
			in:   edit(good, false, func(b []byte) { b[12], b[13] = 0x81, 0 }),
			want: ErrEtherType,
		},
		{
			name: "ipv6 ethertype",
			in:   edit(good, false, func(b []byte) { b[12], b[13] = 0x86, 0xdd }),
			want: ErrEtherType,
		},
		{
			name: "ip version 6",
			in:   edit(good, true, func(b []byte) { b[ip] = 0x65 }),
			want: ErrIPVersion,
		},
		{
			name: "ihl 4",
			in:   edit(good, false, func(b []byte) { b[ip] = 0x44 }),
			want: ErrIPHeaderLength,
		},
		{
			name: "ihl beyond frame",
			in:   edit(good[:ip+40], false, func(b []byte) { b[ip] = 0x4f }),
			want: ErrTruncated,
		},
		{
			name: "total length below ihl",
			in: edit(good, true, func(b []byte) {
				binary.BigEndian.PutUint16(b[ip+2:], 19)
			}),
			want: ErrIPHeaderLength,
		},
		{
			name: "total length beyond frame",
			in: edit(good, true, func(b []byte) {
				binary.BigEndian.PutUint16(b[ip+2:], uint16(len(b)))
			}),
			want: ErrTruncated,
		},
		{
			name: "ip checksum",
			in:   edit(good, false, func(b []byte) { b[ip+10] ^= 1 }),
			want: ErrIPChecksum,
		},
		{name: "more fragments", in: fragment.serialize(t), want: ErrFragment},
		{name: "fragment offset", in: offset.serialize(t), want: ErrFragment},
		{
			name: "icmp",
			in:   edit(good, true, func(b []byte) { b[ip+9] = 1 }),
			want: ErrNotUDP,
		},
		{
			name: "udp length short",
			in:   edit(good, false, func(b []byte) { b[udp+5]-- }),
			want: ErrUDPLength,
		},
		{
			name: "udp header cut",
			in: edit(good[:udp+4], true, func(b []byte) {
				binary.BigEndian.PutUint16(b[ip+2:], IPv4HeaderLen+4)
			}),
			want: ErrTruncated,
		},
		{
			name: "udp checksum",
			in:   edit(good, false, func(b []byte) { b[len(b)-1] ^= 0x40 }),
			want: ErrUDPChecksum,
		},
		{name: "port 69", in: port69.serialize(t), want: ErrPort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse error = %v, want %v", err, tt.want)
			}
			if diff := cmp.Diff(Frame{}, got, cmpAddr); diff != "" {
				t.Errorf("Parse returned a frame with its error "+
					"(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTruncatedIsUnexpectedEOF(t *testing.T) {
	_, err := Parse([]byte{1, 2, 3})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Parse(short) = %v, want an io.ErrUnexpectedEOF", err)
	}
}

func TestParseAllocs(t *testing.T) {
	b := reply().serialize(t)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := Parse(b); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Parse allocates %v times, want 0", allocs)
	}
}

func BenchmarkParse(b *testing.B) {
	frame := reply().serialize(b)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(frame); err != nil {
			b.Fatal(err)
		}
	}
}
