package rawsock

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/frame"
	"golang.org/x/sys/unix"
)

// TestOpenARPOnlyItsInterface checks that an ARP socket never reads ARP
// that arrived on another interface, even while such ARP floods in as the
// socket is created: a conflicting packet from another network would
// otherwise make a free address look taken (RFC 5227 section 2.1.1).
func TestOpenARPOnlyItsInterface(t *testing.T) {
	p := newPair(t, "")

	// A second link in the client's namespace: ARP sent on its x end
	// arrives on its y end, not on the client's interface.
	x, y := p.client.name+"x", p.client.name+"y"
	run(t, "ip", "-n", p.client.name, "link", "add", x, "type", "veth",
		"peer", "name", y)
	for _, l := range []string{x, y} {
		run(t, "ip", "-n", p.client.name, "link", "set", l, "up")
	}
	other := end{name: p.client.name}
	var xIndex int
	other.in(t, func() {
		ifi, err := net.InterfaceByName(x)
		if err != nil {
			t.Fatal(err)
		}
		xIndex = ifi.Index
	})
	flooder := openRawPeer(t, end{name: p.client.name, ifindex: xIndex})

	addr := netip.MustParseAddr("192.0.2.60")
	eth := append(append(frame.BroadcastMAC[:], peerMAC[:]...), 8, 6)
	conflict := appendARP(eth, announcePacket(peerMAC, addr))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sa := &unix.SockaddrLinklayer{Ifindex: xIndex, Halen: 6,
			Addr: [8]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
		for {
			select {
			case <-stop:
				return
			default:
				unix.Sendto(flooder.fd, conflict, 0, sa)
			}
		}
	}()
	defer func() {
		close(stop)
		wg.Wait()
	}()

	const opens = 100
	read := 0
	buf := make([]byte, 1500)
	p.client.in(t, func() {
		for range opens {
			s, err := openARP(p.client.ifindex)
			if err != nil {
				t.Fatal(err)
			}
			s.SetReadDeadline(time.Now().Add(time.Millisecond))
			if _, err := s.Recv(buf); !errors.Is(err,
				os.ErrDeadlineExceeded) {
				read++
			}
			s.Close()
		}
	})
	if read != 0 {
		t.Errorf("%d of %d new ARP sockets read a packet from another "+
			"interface", read, opens)
	}
}

// TestProbeEndsWithContext checks that Probe stops listening as soon as
// its context ends, so that a probe that was superseded frees its socket
// at once.
func TestProbeEndsWithContext(t *testing.T) {
	p := newPair(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)

	var err error
	start := time.Now()
	p.client.in(t, func() {
		_, err = Probe(ctx, p.client.ifindex, p.client.mac,
			netip.MustParseAddr("192.0.2.61"),
			[]time.Duration{5 * time.Second})
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Probe = %v, want the context's error", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Probe returned %v after it started, want right after "+
			"its context ended (100ms)", d)
	}
}
