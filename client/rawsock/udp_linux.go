package rawsock

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// UDPConn is a UDP socket bound to a leased address and the DHCP client
// port on one interface, for unicast DHCPREQUESTs while renewing (RFC 2131
// section 4.4.5). It is send-only: replies arrive through the Conn, and a
// locked socket filter that accepts nothing keeps the kernel from queueing
// any datagram on it.
type UDPConn struct {
	c *net.UDPConn
}

// udpRecvBuf is the receive buffer asked for: the socket is only for
// sending and replies are read from the Conn, so the kernel's minimum
// keeps unread copies from piling up.
const udpRecvBuf = 1

// dropAll is the classic BPF program attached to a UDPConn: it accepts
// nothing, so no datagram is ever queued on the send-only socket.
func dropAll() []bpf.Instruction {
	return []bpf.Instruction{bpf.RetConstant{Val: 0}}
}

// ListenUDP returns a UDPConn bound to laddr:68 on the interface named
// ifname (SO_BINDTODEVICE), with SO_REUSEADDR and, before the bind, the
// locked filter dropAll and a minimal receive buffer. laddr must be an IPv4
// address assigned to the interface. It needs CAP_NET_BIND_SERVICE for
// port 68 and CAP_NET_RAW for SO_BINDTODEVICE.
func ListenUDP(ifname string, laddr netip.Addr) (*UDPConn, error) {
	if !laddr.Is4() {
		return nil, fmt.Errorf("rawsock: udp: %v is not an ipv4 address",
			laddr)
	}
	lc := net.ListenConfig{Control: func(_, _ string,
		rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = setUDPOptions(int(fd), ifname)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	addr := netip.AddrPortFrom(laddr, 68).String()
	pc, err := lc.ListenPacket(context.Background(), "udp4", addr)
	if err != nil {
		return nil, fmt.Errorf("rawsock: udp on %s: %w", ifname, err)
	}

	return &UDPConn{c: pc.(*net.UDPConn)}, nil
}

// setUDPOptions binds fd to ifname, sets SO_REUSEADDR, attaches and locks
// dropAll and asks for a minimal receive buffer as a second bound.
func setUDPOptions(fd int, ifname string) error {
	err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err != nil {
		return fmt.Errorf("set SO_REUSEADDR: %w", err)
	}
	err = unix.SetsockoptString(fd, unix.SOL_SOCKET, unix.SO_BINDTODEVICE,
		ifname)
	if err != nil {
		return fmt.Errorf("bind to device %s: %w", ifname, err)
	}
	if err := attachLocked(fd, dropAll()); err != nil {
		return err
	}
	err = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF,
		udpRecvBuf)
	if err != nil {
		return fmt.Errorf("set SO_RCVBUF: %w", err)
	}

	return nil
}

// SendTo sends payload, a DHCP message, to the server dst on port 67.
func (u *UDPConn) SendTo(payload []byte, dst netip.Addr) error {
	if !dst.Is4() {
		return fmt.Errorf("rawsock: udp send: %v is not an ipv4 address",
			dst)
	}
	_, err := u.c.WriteToUDPAddrPort(payload, netip.AddrPortFrom(dst, 67))
	if err != nil {
		return fmt.Errorf("rawsock: udp send to %v: %w", dst, err)
	}

	return nil
}

// Close closes the socket.
func (u *UDPConn) Close() error {
	return u.c.Close()
}
