//go:build !linux

package rawsock

import (
	"context"
	"net/netip"
	"time"
)

// Conn is an AF_PACKET socket; it exists only on Linux.
type Conn struct{}

// Open returns ErrNotSupported: AF_PACKET sockets exist only on Linux.
func Open(ifindex int) (*Conn, error) { return nil, ErrNotSupported }

// Recv returns ErrNotSupported.
func (c *Conn) Recv(b []byte) (int, error) { return 0, ErrNotSupported }

// DroppedForeign returns 0.
func (c *Conn) DroppedForeign() uint64 { return 0 }

// Send returns ErrNotSupported.
func (c *Conn) Send(frame []byte) error { return ErrNotSupported }

// SetReadDeadline returns ErrNotSupported.
func (c *Conn) SetReadDeadline(t time.Time) error { return ErrNotSupported }

// Close returns ErrNotSupported.
func (c *Conn) Close() error { return ErrNotSupported }

// UDPConn is a bound UDP socket; it is implemented only on Linux.
type UDPConn struct{}

// ListenUDP returns ErrNotSupported: SO_BINDTODEVICE is Linux-only.
func ListenUDP(ifname string, laddr netip.Addr) (*UDPConn, error) {
	return nil, ErrNotSupported
}

// SendTo returns ErrNotSupported.
func (u *UDPConn) SendTo(payload []byte, dst netip.Addr) error {
	return ErrNotSupported
}

// Close returns ErrNotSupported.
func (u *UDPConn) Close() error { return ErrNotSupported }

// Probe returns ErrNotSupported: it needs AF_PACKET sockets.
func Probe(ctx context.Context, ifindex int, mac [6]byte, addr netip.Addr,
	listen []time.Duration) (bool, error) {
	return false, ErrNotSupported
}

// Announce returns ErrNotSupported: it needs AF_PACKET sockets.
func Announce(ctx context.Context, ifindex int, mac [6]byte,
	addr netip.Addr, n int, interval time.Duration) error {
	return ErrNotSupported
}
