package rawsock

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"time"

	"golang.org/x/sys/unix"
)

// Probe performs RFC 5227 section 2.1.1 address conflict detection for
// addr on the interface with index ifindex and hardware address mac: it
// broadcasts one ARP probe (sender IP 0.0.0.0) for each entry of listen,
// and after each listens for that long. The caller draws the random
// PROBE_MIN..PROBE_MAX gaps and ends listen with ANNOUNCE_WAIT, and waits
// the random PROBE_WAIT before calling. Probe reports a conflict as soon
// as another host sends any ARP packet with addr as its sender address,
// or probes for addr itself. When ctx ends, Probe closes its socket and
// returns ctx's error at once. It needs CAP_NET_RAW.
func Probe(ctx context.Context, ifindex int, mac [6]byte, addr netip.Addr,
	listen []time.Duration) (conflict bool, err error) {
	if !addr.Is4() || len(listen) == 0 || slices.ContainsFunc(listen,
		func(d time.Duration) bool { return d <= 0 }) {
		return false, fmt.Errorf("rawsock: probe: bad arguments %v, "+
			"listening %v", addr, listen)
	}
	s, err := openARP(ifindex)
	if err != nil {
		return false, err
	}
	defer s.Close()
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()

	found, err := s.probe(listen, mac, addr)
	if cerr := ctx.Err(); cerr != nil {
		return false, fmt.Errorf("rawsock: probe %v: %w", addr, cerr)
	}

	return found, err
}

// probe sends one probe for each entry of listen and watches that long
// after it, until a conflict shows.
func (s *arpSocket) probe(listen []time.Duration, mac [6]byte,
	addr netip.Addr) (bool, error) {
	probe := appendARP(nil, probePacket(mac, addr))
	buf := make([]byte, 1500)
	for _, d := range listen {
		if err := s.send(probe); err != nil {
			return false, err
		}
		found, err := s.watch(buf, time.Now().Add(d), mac, addr)
		if found || err != nil {
			return found, err
		}
	}

	return false, nil
}

// Announce broadcasts n ARP announcements of addr (RFC 5227 section 2.3)
// interval apart on the interface with index ifindex and hardware
// address mac, claiming the address it has just configured. It returns
// early, with an error, when ctx ends. It needs CAP_NET_RAW.
func Announce(ctx context.Context, ifindex int, mac [6]byte,
	addr netip.Addr, n int, interval time.Duration) error {
	if !addr.Is4() || n < 1 || interval <= 0 {
		return fmt.Errorf("rawsock: announce: bad arguments %v, %d "+
			"announcements, interval %v", addr, n, interval)
	}
	s, err := openARP(ifindex)
	if err != nil {
		return err
	}
	defer s.Close()

	p := appendARP(nil, announcePacket(mac, addr))
	t := time.NewTimer(0)
	defer t.Stop()
	for i := range n {
		if i > 0 {
			t.Reset(interval)
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return fmt.Errorf("rawsock: announce %v: %w", addr, ctx.Err())
		}
		if err := s.send(p); err != nil {
			return err
		}
	}

	return nil
}

// arpSocket is an AF_PACKET SOCK_DGRAM socket for ETH_P_ARP on one
// interface: the kernel adds and strips the Ethernet header.
type arpSocket struct {
	*Conn
}

// openARP opens an arpSocket on the interface with index ifindex, as
// Open opens its socket: ARP from another interface never reaches it,
// and neither does ARP that is not Ethernet/IPv4 (arpFilter).
func openARP(ifindex int) (*arpSocket, error) {
	c, err := openBound("arp", unix.SOCK_DGRAM, arpFilter(),
		unix.ETH_P_ARP, ifindex)
	if err != nil {
		return nil, err
	}

	return &arpSocket{c}, nil
}

// send broadcasts one ARP packet.
func (s *arpSocket) send(p []byte) error {
	sa := &unix.SockaddrLinklayer{
		Protocol: htons(unix.ETH_P_ARP),
		Ifindex:  s.ifindex,
		Halen:    6,
		Addr:     [8]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	}
	var serr error
	err := s.rc.Write(func(fd uintptr) bool {
		serr = unix.Sendto(int(fd), p, 0, sa)
		return serr != unix.EAGAIN
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("rawsock: send arp packet on interface %d: %w",
			s.ifindex, err)
	}

	return nil
}

// watch reads ARP packets until deadline and reports whether one of them
// shows a conflict for addr.
func (s *arpSocket) watch(buf []byte, deadline time.Time, mac [6]byte,
	addr netip.Addr) (bool, error) {
	if err := s.SetReadDeadline(deadline); err != nil {
		return false, fmt.Errorf("rawsock: arp deadline: %w", err)
	}
	for {
		n, err := s.Recv(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return false, nil
		}
		if errors.Is(err, ErrFrameTooLarge) {
			continue
		}
		if err != nil {
			return false, err
		}
		p, err := parseARP(buf[:n])
		if err != nil {
			continue
		}
		if conflicts(p, mac, addr) {
			return true, nil
		}
	}
}
