package frame

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

func TestBuildMatchesGopacket(t *testing.T) {
	discover := refFrame{
		dstMAC: BroadcastMAC, srcMAC: clientMAC,
		src:     netip.IPv4Unspecified(),
		dst:     netip.MustParseAddr("255.255.255.255"),
		srcPort: ClientPort, dstPort: ServerPort,
		flags: layers.IPv4DontFragment, payload: dhcpPayload,
	}
	unicast := reply()
	unicast.flags = layers.IPv4DontFragment
	even := reply()
	even.flags = layers.IPv4DontFragment
	even.payload = dhcpPayload[:300]

	tests := []struct {
		name string
		in   BuildParams
		ref  refFrame
	}{
		{
			name: "broadcast discover",
			in:   Broadcast(clientMAC, dhcpPayload),
			ref:  discover,
		},
		{name: "unicast", in: params(unicast), ref: unicast},
		{name: "even payload", in: params(even), ref: even},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("keep")
			got, err := Build(prefix, tt.in)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if string(got[:4]) != "keep" {
				t.Errorf("Build overwrote dst's contents: %q", got[:4])
			}
			want := tt.ref.serialize(t)
			if diff := cmp.Diff(want, got[4:]); diff != "" {
				t.Errorf("Build differs from gopacket (-want +got):\n%s",
					diff)
			}
		})
	}
}

// params converts a reference frame description into BuildParams.
func params(r refFrame) BuildParams {
	return BuildParams{
		DstMAC: r.dstMAC, SrcMAC: r.srcMAC, Src: r.src, Dst: r.dst,
		SrcPort: r.srcPort, DstPort: r.dstPort, ID: r.id,
		Payload: r.payload,
	}
}

func TestBuildDecodesWithGopacket(t *testing.T) {
	b, err := Build(nil, Broadcast(clientMAC, dhcpPayload))
	if err != nil {
		t.Fatal(err)
	}
	pkt := gopacket.NewPacket(b, layers.LayerTypeEthernet, gopacket.Default)
	if el := pkt.ErrorLayer(); el != nil {
		t.Fatalf("gopacket: %v", el.Error())
	}
	ip := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	udp := pkt.Layer(layers.LayerTypeUDP).(*layers.UDP)
	type summary struct {
		TTL              uint8
		Flags            layers.IPv4Flag
		Src, Dst         string
		SrcPort, DstPort layers.UDPPort
		IPSum, UDPSum    uint16
		Payload          []byte
	}
	got := summary{
		ip.TTL, ip.Flags, ip.SrcIP.String(), ip.DstIP.String(),
		udp.SrcPort, udp.DstPort, ip.Checksum, udp.Checksum, udp.Payload,
	}

	// Recompute both checksums with gopacket from the decoded fields.
	if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{ComputeChecksums: true}
	err = gopacket.SerializeLayers(buf, opts, ip, udp,
		gopacket.Payload(udp.Payload))
	if err != nil {
		t.Fatal(err)
	}
	want := summary{
		64, layers.IPv4DontFragment, "0.0.0.0", "255.255.255.255", 68, 67,
		ip.Checksum, udp.Checksum, dhcpPayload,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded frame mismatch (-want +got):\n%s", diff)
	}
}

func TestBuildErrors(t *testing.T) {
	v6 := Broadcast(clientMAC, nil)
	v6.Src = netip.MustParseAddr("fe80::1")
	zero := Broadcast(clientMAC, nil)
	zero.Dst = netip.Addr{}
	big := Broadcast(clientMAC, make([]byte, MaxPayloadLen+1))

	tests := []struct {
		name string
		in   BuildParams
	}{
		{name: "ipv6 source", in: v6},
		{name: "zero destination", in: zero},
		{name: "oversized payload", in: big},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Build([]byte("x"), tt.in)
			if !errors.Is(err, ErrBuild) {
				t.Fatalf("Build error = %v, want %v", err, ErrBuild)
			}
			if string(got) != "x" {
				t.Errorf("Build changed dst on error: %q", got)
			}
		})
	}
}

func TestBuildParseRoundTrip(t *testing.T) {
	in := params(reply())
	b, err := Build(nil, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse(Build()): %v", err)
	}
	want := Frame{
		DstMAC: in.DstMAC, SrcMAC: in.SrcMAC, Src: in.Src, Dst: in.Dst,
		SrcPort: in.SrcPort, DstPort: in.DstPort, Payload: in.Payload,
	}
	if diff := cmp.Diff(want, got, cmpAddr); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestBuildAllocs(t *testing.T) {
	p := Broadcast(clientMAC, dhcpPayload)
	buf := make([]byte, 0, 1500)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := Build(buf[:0], p); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Build allocates %v times, want 0", allocs)
	}
}

func BenchmarkBuild(b *testing.B) {
	p := Broadcast(clientMAC, dhcpPayload)
	buf := make([]byte, 0, 1500)
	b.SetBytes(int64(HeadersLen + len(dhcpPayload)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(buf[:0], p); err != nil {
			b.Fatal(err)
		}
	}
}
