package hostile

import (
	"fmt"
	"net/netip"

	"github.com/safedhcp/safedhcp/codec"
)

// Request is a client message the Server received, with the fields a
// script answers from (RFC 2131 section 4.4).
type Request struct {
	Type      codec.MessageType
	XID       uint32
	CHAddr    [6]byte
	CIAddr    netip.Addr
	Requested netip.Addr // option 50, if present
	ServerID  netip.Addr // option 54, if present
	Src       netip.Addr // IP source of the datagram
	Broadcast bool       // sent to 255.255.255.255

	// Msg is the whole decoded message.
	Msg *codec.Message
}

// ParseRequest decodes a client message received from src: a
// BOOTREQUEST (RFC 2131 section 2) with a message type (RFC 2132
// section 9.6). bcast tells whether it was sent to 255.255.255.255.
func ParseRequest(b []byte, src netip.Addr, bcast bool) (*Request, error) {
	m := new(codec.Message)
	if err := m.Decode(b); err != nil {
		return nil, fmt.Errorf("hostile: decoding a request: %w", err)
	}
	if m.Op != codec.BootRequest {
		return nil, fmt.Errorf("hostile: op %d is not BOOTREQUEST", m.Op)
	}

	t, err := m.Options.MessageType()
	if err != nil {
		return nil, fmt.Errorf("hostile: request type: %w", err)
	}

	r := &Request{
		Type: t, XID: m.XID, CIAddr: m.CIAddr, Src: src,
		Broadcast: bcast, Msg: m,
	}
	copy(r.CHAddr[:], m.CHAddr[:6])
	if a, err := m.Options.RequestedIP(); err == nil {
		r.Requested = a
	}
	if a, err := m.Options.ServerID(); err == nil {
		r.ServerID = a
	}

	return r, nil
}

// Answer returns a Reply to r of type t, with r's xid and chaddr and
// the message type as first option (RFC 2131 section 4.3.1, table 3);
// the caller adds the rest.
func (r *Request) Answer(t codec.MessageType, opts ...Option) *Reply {
	return &Reply{
		XID:     r.XID,
		CHAddr:  r.CHAddr[:],
		Options: append([]Option{Type(t)}, opts...),
	}
}
