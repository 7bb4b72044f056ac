//go:build !linux

package hostile

import (
	"context"
	"net/netip"
	"time"
)

// Packet is one reply frame; see the Linux documentation.
type Packet struct {
	Payload          []byte
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	DstMAC           [6]byte
	After            time.Duration
}

// Script answers one request with the packets to send.
type Script func(s *Server, r *Request) []Packet

// Server is a hostile DHCP server; it needs Linux.
type Server struct {
	Addr netip.Addr
	MAC  [6]byte
}

// Open returns ErrNotSupported.
func Open(ns, ifName string, addr netip.Addr) (*Server, error) {
	return nil, ErrNotSupported
}

// OpenSender returns ErrNotSupported.
func OpenSender(ns, ifName string, addr netip.Addr) (*Server, error) {
	return nil, ErrNotSupported
}

// Close does nothing.
func (s *Server) Close() error { return nil }

// Receive returns ErrNotSupported.
func (s *Server) Receive(time.Duration) (*Request, error) {
	return nil, ErrNotSupported
}

// Seen returns nil.
func (s *Server) Seen() []*Request { return nil }

// Serve returns ErrNotSupported.
func (s *Server) Serve(context.Context, Script) error {
	return ErrNotSupported
}

// Send returns ErrNotSupported.
func (s *Server) Send(Packet) error { return ErrNotSupported }

// SendFrame returns ErrNotSupported.
func (s *Server) SendFrame([]byte) error { return ErrNotSupported }
