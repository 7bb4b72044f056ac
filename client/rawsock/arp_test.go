package rawsock

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProbePacketWire(t *testing.T) {
	got := appendARP(nil, probePacket(testMAC, serverIP))
	want := []byte{
		0, 1, 8, 0, 6, 4, 0, 1, // Ethernet, IPv4, request
		0x02, 0x53, 0x44, 0x53, 0x00, 0x01, 0, 0, 0, 0, // sender
		0, 0, 0, 0, 0, 0, 192, 0, 2, 1, // target
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("probe bytes (-want +got):\n%s", diff)
	}
}

func TestAnnouncePacketWire(t *testing.T) {
	got := appendARP(nil, announcePacket(testMAC, serverIP))
	want := []byte{
		0, 1, 8, 0, 6, 4, 0, 1, // Ethernet, IPv4, request
		0x02, 0x53, 0x44, 0x53, 0x00, 0x01, 192, 0, 2, 1, // sender
		0, 0, 0, 0, 0, 0, 192, 0, 2, 1, // target
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("announcement bytes (-want +got):\n%s", diff)
	}
}

func TestParseARP(t *testing.T) {
	reply := arpPacket{
		op: arpReply, senderMAC: peerMAC, senderIP: serverIP,
		targetMAC: testMAC, targetIP: netip.IPv4Unspecified(),
	}
	padded := append(appendARP(nil, reply), make([]byte, 18)...)
	got, err := parseARP(padded)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(reply, got, cmp.AllowUnexported(arpPacket{}),
		cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("parseARP (-want +got):\n%s", diff)
	}

	bad := appendARP(nil, reply)
	bad[1] = 6 // IEEE 802 hardware type
	for name, b := range map[string][]byte{
		"short": padded[:27], "hardware type": bad,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parseARP(b); !errors.Is(err, errARP) {
				t.Errorf("parseARP = %v, want %v", err, errARP)
			}
		})
	}
}

func TestConflicts(t *testing.T) {
	other := netip.MustParseAddr("192.0.2.77")
	zero := netip.IPv4Unspecified()
	tests := []struct {
		name string
		p    arpPacket
		want bool
	}{
		{"reply from holder",
			arpPacket{op: arpReply, senderMAC: peerMAC, senderIP: serverIP,
				targetIP: zero}, true},
		{"request from holder",
			arpPacket{op: arpRequest, senderMAC: peerMAC, senderIP: serverIP,
				targetIP: other}, true},
		{"probe by another host",
			arpPacket{op: arpRequest, senderMAC: peerMAC, senderIP: zero,
				targetIP: serverIP}, true},
		{"our own probe", probePacket(testMAC, serverIP), false},
		{"unrelated request",
			arpPacket{op: arpRequest, senderMAC: peerMAC, senderIP: other,
				targetIP: serverIP}, false},
		{"unrelated probe",
			arpPacket{op: arpRequest, senderMAC: peerMAC, senderIP: zero,
				targetIP: other}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := conflicts(tt.p, testMAC, serverIP); got != tt.want {
				t.Errorf("conflicts = %v, want %v", got, tt.want)
			}
		})
	}
}
