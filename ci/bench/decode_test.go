package bench

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/krolaw/dhcp4"
	"github.com/safedhcp/safedhcp/codec"
)

// ackCapture holds the dnsmasq DHCPACK every decoder reads.
const ackCapture = "../../testdata/captures/dnsmasq-dora.pcap"

// loadAck returns the UDP payload of the last packet of ackCapture, the
// DHCPACK.
func loadAck(tb testing.TB) []byte {
	tb.Helper()

	f, err := os.Open(ackCapture)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()

	r, err := pcapgo.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}

	var last []byte
	for {
		data, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		pkt := gopacket.NewPacket(data, r.LinkType(), gopacket.Default)
		if udp, ok := pkt.Layer(layers.LayerTypeUDP).(*layers.UDP); ok {
			last = udp.Payload
		}
	}
	if len(last) == 0 {
		tb.Fatalf("%s: no UDP packet", ackCapture)
	}

	return last
}

// fields are the values every benchmark reads from the ACK.
type fields struct {
	Type     uint8
	ServerID netip.Addr
	Lease    uint32
	MaskBits int
	Routers  []netip.Addr
	DNS      []netip.Addr
}

// reset empties f, keeping the slices' storage.
func (f *fields) reset() {
	*f = fields{Routers: f.Routers[:0], DNS: f.DNS[:0]}
}

// safedhcpFields decodes b with the safedhcp codec into f.
func safedhcpFields(m *codec.Message, b []byte, f *fields) error {
	f.reset()
	if err := m.Decode(b); err != nil {
		return err
	}

	o := &m.Options
	mt, err1 := o.MessageType()
	id, err2 := o.ServerID()
	lease, err3 := o.LeaseTime()
	bits, err4 := o.SubnetMask()
	rs, err5 := o.Routers(f.Routers)
	dns, err6 := o.DNSServers(f.DNS)
	if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil {
		return err
	}
	f.Type, f.ServerID, f.Lease, f.MaskBits = uint8(mt), id, lease, bits
	f.Routers, f.DNS = rs, dns

	return nil
}

// appendIPv4s appends the addresses in a list of 4-byte values.
func appendIPv4s(dst []netip.Addr, v []byte) []netip.Addr {
	for ; len(v) >= 4; v = v[4:] {
		dst = append(dst, netip.AddrFrom4([4]byte(v[:4])))
	}

	return dst
}

// maskBits returns the prefix length of a 4-byte subnet mask.
func maskBits(v []byte) int {
	if len(v) != 4 {
		return -1
	}
	ones, bits := net.IPMask(v).Size()
	if bits == 0 {
		return -1
	}

	return ones
}

// addr4 returns v as an IPv4 address.
func addr4(v []byte) netip.Addr {
	a, _ := netip.AddrFromSlice(v)

	return a
}

// gopacketFields decodes b with gopacket's layers.DHCPv4 into f.
func gopacketFields(d *layers.DHCPv4, b []byte, f *fields) error {
	f.reset()
	if err := d.DecodeFromBytes(b, gopacket.NilDecodeFeedback); err != nil {
		return err
	}

	for _, o := range d.Options {
		switch o.Type {
		case layers.DHCPOptMessageType:
			if len(o.Data) == 1 {
				f.Type = o.Data[0]
			}
		case layers.DHCPOptServerID:
			f.ServerID = addr4(o.Data)
		case layers.DHCPOptLeaseTime:
			if len(o.Data) == 4 {
				f.Lease = binary.BigEndian.Uint32(o.Data)
			}
		case layers.DHCPOptSubnetMask:
			f.MaskBits = maskBits(o.Data)
		case layers.DHCPOptRouter:
			f.Routers = appendIPv4s(f.Routers, o.Data)
		case layers.DHCPOptDNS:
			f.DNS = appendIPv4s(f.DNS, o.Data)
		}
	}

	return nil
}

// netIPs appends net.IP values as netip addresses.
func netIPs(dst []netip.Addr, ips []net.IP) []netip.Addr {
	for _, ip := range ips {
		dst = append(dst, addr4(ip.To4()))
	}

	return dst
}

// insomniacFields decodes b with insomniacslk/dhcp/dhcpv4 into f.
func insomniacFields(b []byte, f *fields) error {
	f.reset()
	d, err := dhcpv4.FromBytes(b)
	if err != nil {
		return err
	}

	f.Type = uint8(d.MessageType())
	f.ServerID = addr4(d.ServerIdentifier().To4())
	f.Lease = uint32(d.IPAddressLeaseTime(0) / time.Second)
	f.MaskBits = maskBits(d.SubnetMask())
	f.Routers = netIPs(f.Routers, d.Router())
	f.DNS = netIPs(f.DNS, d.DNS())

	return nil
}

// krolawFields decodes b with krolaw/dhcp4 into f.
func krolawFields(b []byte, f *fields) error {
	f.reset()
	if len(b) < 240 {
		return errors.New("bench: krolaw: short packet")
	}

	opts := dhcp4.Packet(b).ParseOptions()
	if v := opts[dhcp4.OptionDHCPMessageType]; len(v) == 1 {
		f.Type = v[0]
	}
	f.ServerID = addr4(opts[dhcp4.OptionServerIdentifier])
	if v := opts[dhcp4.OptionIPAddressLeaseTime]; len(v) == 4 {
		f.Lease = binary.BigEndian.Uint32(v)
	}
	f.MaskBits = maskBits(opts[dhcp4.OptionSubnetMask])
	f.Routers = appendIPv4s(f.Routers, opts[dhcp4.OptionRouter])
	f.DNS = appendIPv4s(f.DNS, opts[dhcp4.OptionDomainNameServer])

	return nil
}

// decoders are the codecs compared, each with its state reused across
// calls where its API allows.
func decoders() []struct {
	name   string
	decode func(b []byte, f *fields) error
} {
	var m codec.Message
	var d layers.DHCPv4

	return []struct {
		name   string
		decode func(b []byte, f *fields) error
	}{
		{"safedhcp", func(b []byte, f *fields) error {
			return safedhcpFields(&m, b, f)
		}},
		{"gopacket", func(b []byte, f *fields) error {
			return gopacketFields(&d, b, f)
		}},
		{"insomniacslk", insomniacFields},
		{"krolaw", krolawFields},
	}
}

func TestDecodersAgree(t *testing.T) {
	ack := loadAck(t)
	srv := netip.MustParseAddr("10.77.1.1")
	want := fields{
		Type: uint8(codec.Ack), ServerID: srv, Lease: 1200, MaskBits: 24,
		Routers: []netip.Addr{srv}, DNS: []netip.Addr{srv},
	}
	addrCmp := cmp.Comparer(func(a, b netip.Addr) bool { return a == b })

	for _, d := range decoders() {
		t.Run(d.name, func(t *testing.T) {
			var got fields
			if err := d.decode(ack, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, addrCmp); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkDecodeAck(b *testing.B) {
	ack := loadAck(b)
	for _, d := range decoders() {
		b.Run(d.name, func(b *testing.B) {
			f := fields{
				Routers: make([]netip.Addr, 0, 4),
				DNS:     make([]netip.Addr, 0, 4),
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(ack)))
			for b.Loop() {
				if err := d.decode(ack, &f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
