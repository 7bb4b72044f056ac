package e2e

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/safedhcp/safedhcp/codec"
)

// request is one client-to-server DHCP message seen in a capture.
type request struct {
	Src, Dst netip.Addr
	DstMAC   net.HardwareAddr
	Type     codec.MessageType
	CIAddr   netip.Addr
}

// unicast reports whether the message went to one host at both layers.
func (r request) unicast() bool {
	return r.Dst.IsGlobalUnicast() && !r.Dst.IsMulticast() &&
		r.Dst != netip.AddrFrom4([4]byte{255, 255, 255, 255}) &&
		r.DstMAC.String() != "ff:ff:ff:ff:ff:ff"
}

// readPackets returns the packets in the pcap file at path. tcpdump may
// still be writing it; a record cut short at the end is ignored.
func readPackets(t *testing.T, path string) []gopacket.Packet {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	r, err := pcapgo.NewReader(f)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}

		t.Fatalf("reading %s: %v", path, err)
	}

	var out []gopacket.Packet
	for {
		data, _, err := r.ReadPacketData()
		if err != nil {
			return out
		}

		out = append(out, gopacket.NewPacket(data,
			layers.LayerTypeEthernet, gopacket.Default))
	}
}

// readRequests returns the DHCP messages to port 67 in the pcap file at
// path.
func readRequests(t *testing.T, path string) []request {
	t.Helper()
	var out []request
	for _, p := range readPackets(t, path) {
		eth, _ := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
		ip, _ := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		udp, _ := p.Layer(layers.LayerTypeUDP).(*layers.UDP)
		if eth == nil || ip == nil || udp == nil || udp.DstPort != 67 {
			continue
		}

		var m codec.Message
		if err := m.Decode(udp.Payload); err != nil {
			t.Errorf("undecodable DHCP message in the capture: %v", err)

			continue
		}

		typ, _ := m.Options.MessageType()
		src, _ := netip.AddrFromSlice(ip.SrcIP.To4())
		dst, _ := netip.AddrFromSlice(ip.DstIP.To4())
		out = append(out, request{Src: src, Dst: dst,
			DstMAC: eth.DstMAC, Type: typ, CIAddr: m.CIAddr})
	}

	return out
}

// readARP returns the ARP packets in the pcap file at path.
func readARP(t *testing.T, path string) []*layers.ARP {
	t.Helper()
	var out []*layers.ARP
	for _, p := range readPackets(t, path) {
		if a, ok := p.Layer(layers.LayerTypeARP).(*layers.ARP); ok {
			out = append(out, a)
		}
	}

	return out
}
