package frame

import (
	"errors"
	"io"
	"net/netip"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/gopacket/pcapgo"
)

// TestCapturedFrames parses real frames: testdata/udhcpc-dnsmasq.pcap was
// captured with tcpdump on the client end of a veth pair while busybox
// udhcpc asked dnsmasq for a lease. udhcpc's DISCOVERs are well formed but
// go to port 67. dnsmasq's OFFERs are unicast to the offered address and,
// sent across a veth pair with checksum offload, carry only a partial UDP
// checksum: Parse rejects them and ParseOffloaded accepts them.
func TestCapturedFrames(t *testing.T) {
	for _, tt := range []struct {
		name  string
		parse func([]byte) (Frame, error)
		offer error
	}{
		{name: "Parse", parse: Parse, offer: ErrUDPChecksum},
		{name: "ParseOffloaded", parse: ParseOffloaded},
	} {
		t.Run(tt.name, func(t *testing.T) {
			testCapture(t, tt.parse, tt.offer)
		})
	}
}

// testCapture parses the capture with parse and compares the results,
// expecting offerErr for the offers.
func testCapture(t *testing.T, parse func([]byte) (Frame, error),
	offerErr error) {
	t.Helper()
	f, err := os.Open("testdata/udhcpc-dnsmasq.pcap")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}

	type summary struct {
		Err              error
		Src, Dst         netip.Addr
		SrcPort, DstPort uint16
		PayloadLen       int
		Op               byte
	}
	var got []summary
	for {
		data, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		fr, err := parse(data)
		s := summary{Err: err}
		if err == nil {
			s = summary{nil, fr.Src, fr.Dst, fr.SrcPort, fr.DstPort,
				len(fr.Payload), fr.Payload[0]}
		}
		got = append(got, s)
	}

	offer := summary{
		Src: netip.MustParseAddr("192.0.2.1"),
		Dst: netip.MustParseAddr("192.0.2.12"), SrcPort: 67, DstPort: 68,
		PayloadLen: 300, Op: 2,
	}
	if offerErr != nil {
		offer = summary{Err: offerErr}
	}
	discover := summary{Err: ErrPort}
	want := []summary{discover, discover, discover, offer, offer, offer}
	if diff := cmp.Diff(want, got, cmpAddr, cmp.Comparer(func(a,
		b error) bool {
		return errors.Is(a, b)
	})); diff != "" {
		t.Errorf("captured frames (-want +got):\n%s", diff)
	}
}
