package codec

import (
	"errors"
	"io"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// capturesDir holds the real exchanges recorded by dhcp-lab capture; its
// README.md says how each was made.
const capturesDir = "../testdata/captures"

// captureCmp compares the netip values in served.
var captureCmp = cmp.Options{
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

// capturePayloads returns the UDP payloads of the pcap file at path.
func capturePayloads(t *testing.T, path string) [][]byte {
	t.Helper()

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}

	var ps [][]byte
	for {
		data, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return ps
		}
		if err != nil {
			t.Fatalf("%s packet %d: %v", path, len(ps), err)
		}

		pkt := gopacket.NewPacket(data, r.LinkType(), gopacket.Default)
		udp, ok := pkt.Layer(layers.LayerTypeUDP).(*layers.UDP)
		if !ok {
			t.Fatalf("%s packet %d: no UDP layer", path, len(ps))
		}
		ps = append(ps, udp.Payload)
	}
}

// served is what a lab server hands out in an OFFER or ACK, read back
// through the typed accessors.
type served struct {
	ServerID netip.Addr
	Lease    uint32
	Mask     int
	Routers  []netip.Addr
	DNS      []netip.Addr
	Domain   string
	Search   []string
	Routes   []Route
	MTU      uint16
	HostName string
}

// readServed reads s from o, failing t on any accessor error.
func readServed(t *testing.T, o *Options) served {
	t.Helper()

	var s served
	var errs [10]error
	s.ServerID, errs[0] = o.ServerID()
	s.Lease, errs[1] = o.LeaseTime()
	s.Mask, errs[2] = o.SubnetMask()
	s.Routers, errs[3] = o.Routers(nil)
	s.DNS, errs[4] = o.DNSServers(nil)
	s.Domain, errs[5] = o.DomainName()
	s.Search, errs[6] = o.DomainSearch(nil, math.MaxInt)
	s.Routes, errs[7] = o.ClasslessRoutes(nil)
	s.MTU, errs[8] = o.InterfaceMTU()
	s.HostName, errs[9] = o.HostName()
	if err := errors.Join(errs[:]...); err != nil {
		t.Errorf("reading served options: %v", err)
	}

	return s
}

// labServed is the scope of testdata/lab with the server at 10.77.n.1,
// as dhcp-lab capture configures it.
func labServed(n byte) served {
	srv := netip.AddrFrom4([4]byte{10, 77, n, 1})

	return served{
		ServerID: srv,
		Lease:    1200,
		Mask:     24,
		Routers:  []netip.Addr{srv},
		DNS:      []netip.Addr{srv},
		Domain:   "lab.example",
		Search:   []string{"lab.example", "example.net"},
		Routes: []Route{{
			Dest:    netip.MustParsePrefix("192.0.2.0/24"),
			Gateway: srv,
		}},
		MTU:      1400,
		HostName: "labclient",
	}
}

// firstSeen returns the distinct message types of ms in order of first
// appearance, so that retransmissions do not change it.
func firstSeen(ms []*Message) []MessageType {
	var seen []MessageType
	has := map[MessageType]bool{}
	for _, m := range ms {
		mt, err := m.Options.MessageType()
		if err == nil && !has[mt] {
			has[mt] = true
			seen = append(seen, mt)
		}
	}

	return seen
}

func TestCaptures(t *testing.T) {
	dora := []MessageType{Discover, Offer, Request, Ack}
	renew := []MessageType{Request, Ack}
	nak := []MessageType{Request, Nak, Discover, Offer, Ack}
	tests := []struct {
		file  string
		net   byte          // N of the lab subnet 10.77.N.0/24
		types []MessageType // in order of first appearance
		check func(t *testing.T, ms []*Message, n byte)
	}{
		{"dnsmasq-dora.pcap", 1, dora, nil},
		{"kea-dora.pcap", 2, dora, nil},
		{"isc-dora.pcap", 3, dora, nil},
		{"udhcpd-dora.pcap", 4, dora, nil},
		{"dnsmasq-dhclient-dora.pcap", 1, dora, nil},
		{"dnsmasq-dhcpcd-dora.pcap", 1, dora, nil},
		{"dnsmasq-renew.pcap", 1, renew, checkRenew},
		{"kea-renew.pcap", 2, renew, checkRenew},
		{"isc-renew.pcap", 3, renew, checkRenew},
		{"udhcpd-renew.pcap", 4, renew, checkRenew},
		{"dnsmasq-nak.pcap", 1, nak, checkNak("wrong network")},
		{"kea-nak.pcap", 2, nak, checkNak("")},
		{"isc-nak.pcap", 3, nak, checkNak("")},
		{"udhcpd-nak.pcap", 4, nak, checkNak("")},
	}

	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var ms []*Message
			for i, p := range capturePayloads(t,
				filepath.Join(capturesDir, tt.file)) {
				m := new(Message)
				if err := m.Decode(p); err != nil {
					t.Fatalf("packet %d: Decode: %v", i, err)
				}
				ms = append(ms, m)
			}

			if diff := cmp.Diff(tt.types, firstSeen(ms)); diff != "" {
				t.Errorf("message types (-want +got):\n%s", diff)
			}
			checkReplies(t, ms, tt.net)
			if tt.check != nil {
				tt.check(t, ms, tt.net)
			}
		})
	}
}

// checkReplies checks every OFFER and ACK against the lab scope, and that
// it answers a request of the capture.
func checkReplies(t *testing.T, ms []*Message, n byte) {
	t.Helper()

	pool := netip.MustParsePrefix("10.77.0.0/24")
	pool = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 77, n, 0}),
		pool.Bits())
	xids := map[uint32]bool{}
	for _, m := range ms {
		if m.Op == BootRequest {
			xids[m.XID] = true
		}
	}

	for i, m := range ms {
		mt, err := m.Options.MessageType()
		if err != nil {
			t.Errorf("packet %d: %v", i, err)
			continue
		}
		if mt != Offer && mt != Ack {
			continue
		}

		if m.Op != BootReply || !xids[m.XID] {
			t.Errorf("packet %d: %v op %d xid %#x answers no request",
				i, mt, m.Op, m.XID)
		}
		if a := m.YIAddr.As4(); !pool.Contains(m.YIAddr) ||
			a[3] < 100 || a[3] > 200 {
			t.Errorf("packet %d: yiaddr %v outside the pool", i, m.YIAddr)
		}
		got := readServed(t, &m.Options)
		if diff := cmp.Diff(labServed(n), got, captureCmp); diff != "" {
			t.Errorf("packet %d %v (-want +got):\n%s", i, mt, diff)
		}
	}
}

// checkRenew checks that the first request is a renewal from the bound
// address: ciaddr set, no server id and no requested address (RFC 2131
// section 4.3.2, RENEWING).
func checkRenew(t *testing.T, ms []*Message, n byte) {
	t.Helper()

	m := ms[0]
	if !m.CIAddr.IsValid() || m.CIAddr.As4()[2] != n {
		t.Errorf("renewal ciaddr %v, want the bound address", m.CIAddr)
	}
	if m.Options.Has(OptServerID) || m.Options.Has(OptRequestedIP) {
		t.Errorf("renewal carries option 54 or 50")
	}
}

// checkNak returns a check of the INIT-REBOOT request for the foreign
// address and the server's DHCPNAK (RFC 2131 section 4.3.2 and table 3),
// whose option 56 must be msg, or absent if msg is empty.
func checkNak(msg string) func(*testing.T, []*Message, byte) {
	return func(t *testing.T, ms []*Message, n byte) {
		t.Helper()

		req, err := ms[0].Options.RequestedIP()
		if err != nil || req != netip.MustParseAddr("10.99.0.50") {
			t.Errorf("INIT-REBOOT requested IP = %v, %v", req, err)
		}
		if ms[0].Options.Has(OptServerID) {
			t.Errorf("INIT-REBOOT request carries a server id")
		}

		nak := ms[1]
		id, err := nak.Options.ServerID()
		want := netip.AddrFrom4([4]byte{10, 77, n, 1})
		if err != nil || id != want {
			t.Errorf("NAK server id = %v, %v; want %v", id, err, want)
		}
		if nak.YIAddr.IsValid() && !nak.YIAddr.IsUnspecified() {
			t.Errorf("NAK yiaddr %v, want 0.0.0.0", nak.YIAddr)
		}
		got, _ := nak.Options.Get(OptMessage)
		if diff := cmp.Diff(msg, string(got)); diff != "" {
			t.Errorf("NAK message (-want +got):\n%s", diff)
		}
		if nak.Options.Has(OptLeaseTime) {
			t.Errorf("NAK carries a lease time")
		}
	}
}
