package rawsock

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/safedhcp/safedhcp/client/frame"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// openConn opens a Conn on e and closes it when the test ends.
func openConn(t *testing.T, e end) *Conn {
	t.Helper()
	var c *Conn
	e.in(t, func() {
		var err error
		if c, err = Open(e.ifindex); err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { c.Close() })

	return c
}

// toClient builds a frame from the peer to the client's MAC and dstPort.
func toClient(t *testing.T, p *pair, dstPort uint16, payload string) []byte {
	t.Helper()
	b, err := frame.Build(nil, frame.BuildParams{
		DstMAC: p.client.mac, SrcMAC: p.peer.mac, Src: serverIP,
		Dst: clientIP, SrcPort: 67, DstPort: dstPort,
		Payload: []byte(payload),
	})
	if err != nil {
		t.Fatal(err)
	}

	return b
}

func TestConnFilterDropsOtherTraffic(t *testing.T) {
	p := newPair(t, "")
	c := openConn(t, p.client)
	peer := openRawPeer(t, p.peer)

	dhcp := toClient(t, p, 68, "offer")
	peer.send(t, toClient(t, p, 69, "tftp"))
	peer.send(t, mutate(dhcp, func(ip []byte) { ip[9] = 1 })) // ICMP
	peer.send(t, mutate(dhcp, func(ip []byte) { ip[6] |= 0x20 }))
	peer.send(t, dhcp)

	buf := make([]byte, 2048)
	if err := c.SetReadDeadline(time.Now().Add(2 * time.Second)); err != nil {
		t.Fatal(err)
	}
	n, err := c.Recv(buf)
	if err != nil {
		t.Fatalf("Recv: %v", err)
	}
	if diff := cmp.Diff(dhcp, buf[:n]); diff != "" {
		t.Errorf("first frame received (-want +got):\n%s", diff)
	}

	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	n, err = c.Recv(buf)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("second Recv = %d bytes, %v; want a deadline error "+
			"(a filtered frame got through?)", n, err)
	}
}

func TestConnSendReachesPeer(t *testing.T) {
	p := newPair(t, "")
	c := openConn(t, p.client)
	peer := openRawPeer(t, p.peer)

	discover, err := frame.Build(nil, frame.Broadcast(p.client.mac,
		[]byte("discover")))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Send(discover); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if !peer.waitFor(t, discover) {
		t.Error("the peer never saw the frame Send sent")
	}
}

func TestConnRecvTooLarge(t *testing.T) {
	p := newPair(t, "")
	c := openConn(t, p.client)
	peer := openRawPeer(t, p.peer)

	peer.send(t, toClient(t, p, 68, "a long offer"))
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Recv(make([]byte, 20)); !errors.Is(err,
		ErrFrameTooLarge) {
		t.Errorf("Recv into a short buffer = %v, want %v", err,
			ErrFrameTooLarge)
	}
}

func TestFilterIsLocked(t *testing.T) {
	p := newPair(t, "")
	c := openConn(t, p.client)

	raw, err := bpf.Assemble([]bpf.Instruction{
		bpf.RetConstant{Val: 0xffffffff},
	})
	if err != nil {
		t.Fatal(err)
	}
	all := []unix.SockFilter{{Code: raw[0].Op, K: raw[0].K}}
	var detach, attach error
	err = c.rc.Control(func(fd uintptr) {
		detach = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET,
			unix.SO_DETACH_FILTER, 0)
		attach = unix.SetsockoptSockFprog(int(fd), unix.SOL_SOCKET,
			unix.SO_ATTACH_FILTER, &unix.SockFprog{Len: 1, Filter: &all[0]})
	})
	if err != nil {
		t.Fatal(err)
	}
	got := []error{detach, attach}
	want := []error{unix.EPERM, unix.EPERM}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b error) bool {
		return errors.Is(a, b)
	})); diff != "" {
		t.Errorf("detach, attach errors (-want +got):\n%s", diff)
	}
}

func TestListenUDPSendTo(t *testing.T) {
	p := newPair(t, "192.0.2.1/24")
	run(t, "ip", "-n", p.client.name, "addr", "add", "192.0.2.10/24",
		"dev", p.client.name)

	var server net.PacketConn
	p.peer.in(t, func() {
		var err error
		server, err = net.ListenPacket("udp4", "192.0.2.1:67")
		if err != nil {
			t.Fatal(err)
		}
	})
	defer server.Close()
	var u *UDPConn
	p.client.in(t, func() {
		var err error
		if u, err = ListenUDP(p.client.name, clientIP); err != nil {
			t.Fatal(err)
		}
	})
	defer u.Close()

	if err := u.SendTo([]byte("renew"), serverIP); err != nil {
		t.Fatalf("SendTo: %v", err)
	}
	server.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 100)
	n, from, err := server.ReadFrom(buf)
	if err != nil {
		t.Fatalf("server read: %v", err)
	}
	got := []string{string(buf[:n]), from.String()}
	want := []string{"renew", "192.0.2.10:68"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("server received (-want +got):\n%s", diff)
	}
}

func TestListenUDPErrors(t *testing.T) {
	_, err := ListenUDP("lo", netip.MustParseAddr("::1"))
	if err == nil {
		t.Error("ListenUDP on an ipv6 address succeeded")
	}
}

func TestProbe(t *testing.T) {
	p := newPair(t, "192.0.2.1/24")
	tests := []struct {
		name string
		addr netip.Addr
		want bool
	}{
		{name: "held by peer", addr: serverIP, want: true},
		{name: "free", addr: netip.MustParseAddr("192.0.2.99"), want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got bool
			var err error
			p.client.in(t, func() {
				got, err = Probe(context.Background(), p.client.ifindex,
					p.client.mac, tt.addr, []time.Duration{
						200 * time.Millisecond, 200 * time.Millisecond})
			})
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if got != tt.want {
				t.Errorf("Probe(%v) conflict = %v, want %v", tt.addr, got,
					tt.want)
			}
		})
	}
}

func TestProbeSeesOtherProber(t *testing.T) {
	p := newPair(t, "")
	peer := openRawPeer(t, p.peer)
	addr := netip.MustParseAddr("192.0.2.50")

	eth := append(append(frame.BroadcastMAC[:], p.peer.mac[:]...), 8, 6)
	theirs := appendARP(eth, probePacket(p.peer.mac, addr))
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(30 * time.Millisecond):
				unix.Sendto(peer.fd, theirs, 0, &unix.SockaddrLinklayer{
					Ifindex: peer.ifindex, Halen: 6,
					Addr: [8]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
				})
			}
		}
	}()
	defer close(done)

	var got bool
	var err error
	p.client.in(t, func() {
		got, err = Probe(context.Background(), p.client.ifindex,
			p.client.mac, addr, []time.Duration{100 * time.Millisecond,
				100 * time.Millisecond, 100 * time.Millisecond})
	})
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	if !got {
		t.Error("Probe missed another host probing for the same address")
	}
}

func TestProbeBadArguments(t *testing.T) {
	v4 := netip.MustParseAddr("192.0.2.9")
	for _, tt := range []struct {
		name   string
		addr   netip.Addr
		listen []time.Duration
	}{
		{"ipv6", netip.MustParseAddr("::1"), []time.Duration{time.Second}},
		{"no probes", v4, nil},
		{"zero wait", v4, []time.Duration{time.Second, 0}},
	} {
		_, err := Probe(context.Background(), 1, testMAC, tt.addr,
			tt.listen)
		if err == nil {
			t.Errorf("Probe with %s succeeded", tt.name)
		}
	}
	if err := Announce(context.Background(), 1, testMAC,
		netip.MustParseAddr("::1"), 2, time.Second); err == nil {
		t.Error("Announce of an ipv6 address succeeded")
	}
}

// capturedARP is an ARP packet the peer received, and when.
type capturedARP struct {
	at time.Time
	p  arpPacket
}

// captureARP reads the ARP packets the peer receives until stop is
// closed, and returns them once it is.
func captureARP(t *testing.T, p *pair,
	stop <-chan struct{}) func() []capturedARP {
	t.Helper()
	peer := openRawPeer(t, p.peer)
	out := make(chan []capturedARP, 1)
	go func() {
		var got []capturedARP
		buf := make([]byte, 1600)
		for {
			select {
			case <-stop:
				out <- got
				return
			default:
			}
			fds := []unix.PollFd{{Fd: int32(peer.fd), Events: unix.POLLIN}}
			if n, _ := unix.Poll(fds, 20); n <= 0 {
				continue
			}
			n, _, err := unix.Recvfrom(peer.fd, buf, unix.MSG_DONTWAIT)
			if err != nil || n < 14 || buf[12] != 8 || buf[13] != 6 {
				continue
			}
			if a, err := parseARP(buf[14:n]); err == nil {
				got = append(got, capturedARP{time.Now(), a})
			}
		}
	}()

	return func() []capturedARP { return <-out }
}

// TestProbeWaits checks that Probe sends one probe per wait and listens
// each wait after its probe: the gaps between probes follow the waits,
// and Probe returns only after the last one.
func TestProbeWaits(t *testing.T) {
	p := newPair(t, "")
	stop := make(chan struct{})
	captured := captureARP(t, p, stop)
	addr := netip.MustParseAddr("192.0.2.77")
	waits := []time.Duration{100 * time.Millisecond,
		400 * time.Millisecond, 300 * time.Millisecond}

	var took time.Duration
	var err error
	p.client.in(t, func() {
		start := time.Now()
		_, err = Probe(context.Background(), p.client.ifindex,
			p.client.mac, addr, waits)
		took = time.Since(start)
	})
	close(stop)
	got := captured()
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}

	if len(got) != len(waits) {
		t.Fatalf("peer saw %d probes, want %d", len(got), len(waits))
	}
	for i, c := range got {
		if c.p != probePacket(p.client.mac, addr) {
			t.Errorf("probe %d = %+v", i, c.p)
		}
		if i == 0 {
			continue
		}
		gap := c.at.Sub(got[i-1].at)
		if want := waits[i-1]; gap < want-50*time.Millisecond ||
			gap > want+150*time.Millisecond {
			t.Errorf("gap before probe %d = %v, want about %v", i, gap,
				want)
		}
	}
	if want := waits[0] + waits[1] + waits[2]; took < want-50*time.Millisecond {
		t.Errorf("Probe returned after %v, want after %v: it must listen "+
			"the last wait after the last probe", took, want)
	}
}

// TestAnnounce checks the announcements' count, content and spacing
// (RFC 5227 section 2.3).
func TestAnnounce(t *testing.T) {
	p := newPair(t, "")
	stop := make(chan struct{})
	captured := captureARP(t, p, stop)
	addr := netip.MustParseAddr("192.0.2.78")

	var err error
	p.client.in(t, func() {
		err = Announce(context.Background(), p.client.ifindex,
			p.client.mac, addr, 2, 300*time.Millisecond)
	})
	time.Sleep(100 * time.Millisecond)
	close(stop)
	got := captured()
	if err != nil {
		t.Fatalf("Announce: %v", err)
	}

	if len(got) != 2 {
		t.Fatalf("peer saw %d announcements, want 2", len(got))
	}
	want := arpPacket{op: arpRequest, senderMAC: p.client.mac,
		senderIP: addr, targetIP: addr}
	for i, c := range got {
		if c.p != want {
			t.Errorf("announcement %d = %+v, want %+v", i, c.p, want)
		}
	}
	if gap := got[1].at.Sub(got[0].at); gap < 250*time.Millisecond {
		t.Errorf("announcements %v apart, want 300ms", gap)
	}
}

// TestAnnounceStops checks that Announce ends with its context.
func TestAnnounceStops(t *testing.T) {
	p := newPair(t, "")
	ctx, cancel := context.WithTimeout(context.Background(),
		200*time.Millisecond)
	defer cancel()

	var err error
	start := time.Now()
	p.client.in(t, func() {
		err = Announce(ctx, p.client.ifindex, p.client.mac,
			netip.MustParseAddr("192.0.2.79"), 2, 10*time.Second)
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Announce = %v, want the context's error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Announce took %v after its context ended", d)
	}
}

func TestConnRecvOffloadedChecksum(t *testing.T) {
	// The peer's kernel sends a real UDP datagram across the veth pair,
	// leaving its checksum to offload, as a local DHCP server does.
	p := newPair(t, "192.0.2.1/24")
	run(t, "ip", "-n", p.peer.name, "neigh", "replace", clientIP.String(),
		"lladdr", net.HardwareAddr(p.client.mac[:]).String(), "dev",
		p.peer.name)
	c := openConn(t, p.client)

	var server net.PacketConn
	p.peer.in(t, func() {
		var err error
		server, err = net.ListenPacket("udp4", "192.0.2.1:67")
		if err != nil {
			t.Fatal(err)
		}
	})
	defer server.Close()
	dst := &net.UDPAddr{IP: clientIP.AsSlice(), Port: 68}
	if _, err := server.WriteTo([]byte("offer"), dst); err != nil {
		t.Fatalf("server send: %v", err)
	}

	buf := make([]byte, 2048)
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, err := c.Recv(buf)
	if err != nil {
		t.Fatalf("Recv: %v", err)
	}
	f, err := frame.Parse(buf[:n])
	if err != nil {
		t.Fatalf("frame.Parse of the received frame: %v", err)
	}
	got := []string{f.Src.String(), f.Dst.String(), string(f.Payload)}
	want := []string{"192.0.2.1", "192.0.2.10", "offer"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("received frame (-want +got):\n%s", diff)
	}
}

func TestZeroUDPChecksum(t *testing.T) {
	b := udpFrame(t, 68, []byte("x"))
	zeroUDPChecksum(b)
	if _, err := frame.Parse(b); err != nil {
		t.Errorf("Parse after zeroUDPChecksum: %v", err)
	}
	for _, short := range [][]byte{nil, b[:14], b[:15], b[:40]} {
		zeroUDPChecksum(short) // must not panic
	}
}

// tagged returns b with an IEEE 802.1Q tag for vid inserted after the
// MAC addresses.
func tagged(b []byte, vid uint16) []byte {
	tag := []byte{0x81, 0x00, byte(vid >> 8), byte(vid)}

	return append(append(append([]byte(nil), b[:12]...), tag...), b[12:]...)
}

// TestConnRecvDropsForeign checks that a DHCP frame tagged for a VLAN
// the host has no device for, or addressed to another host, never reads
// as a frame for this host, while a priority-tagged frame (VLAN id 0,
// IEEE 802.1p) does.
func TestConnRecvDropsForeign(t *testing.T) {
	other := [6]byte{0x02, 0x53, 0x44, 0x53, 0x00, 0x99}
	tests := []struct {
		name  string
		mod   func(b []byte) []byte
		drops uint64
	}{
		{"vlan 42", func(b []byte) []byte { return tagged(b, 42) }, 1},
		{"vlan 4094", func(b []byte) []byte { return tagged(b, 4094) }, 1},
		{"broadcast on vlan 42", func(b []byte) []byte {
			copy(b, frame.BroadcastMAC[:])

			return tagged(b, 42)
		}, 1},
		{"another host's MAC", func(b []byte) []byte {
			copy(b, other[:])

			return b
		}, 1},
		{"priority tag", func(b []byte) []byte { return tagged(b, 0) }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, "")
			c := openConn(t, p.client)
			peer := openRawPeer(t, p.peer)

			first := toClient(t, p, 68, "offer for elsewhere")
			second := toClient(t, p, 68, "offer for this host")
			peer.send(t, tt.mod(append([]byte(nil), first...)))
			peer.send(t, second)

			want := [][]byte{second}
			if tt.drops == 0 {
				want = [][]byte{first, second}
			}
			var got [][]byte
			buf := make([]byte, 2048)
			c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
			for {
				n, err := c.Recv(buf)
				if errors.Is(err, os.ErrDeadlineExceeded) {
					break
				}
				if err != nil {
					t.Fatalf("Recv: %v", err)
				}
				got = append(got, append([]byte(nil), buf[:n]...))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("frames received (-want +got):\n%s", diff)
			}
			if n := c.DroppedForeign(); n != tt.drops {
				t.Errorf("DroppedForeign() = %d, want %d", n, tt.drops)
			}
		})
	}
}
