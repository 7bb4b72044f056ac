// Package simtest provides an in-memory DHCPv4 server (RFC 2131 section
// 4.3) for simulating the statemachine client: it answers encoded client
// messages with decoded replies, and can forget its bindings to model a
// restart. It is test support, not a production server.
package simtest

import (
	"errors"
	"net/netip"

	"github.com/safedhcp/safedhcp/codec"
)

// Server is an in-memory DHCP server for one subnet. Its fields configure
// the replies; set them before the first Handle.
type Server struct {
	// ID is the server identifier (option 54) and source of replies.
	ID netip.Addr

	// Subnet is the pool; addresses are handed out from .10 upwards.
	Subnet netip.Prefix

	// LeaseTime, T1 and T2 are options 51, 58 and 59 in seconds; T1 and
	// T2 are left out when 0.
	LeaseTime, T1, T2 uint32

	// Router and DNS are options 3 and 6 when valid.
	Router, DNS netip.Addr

	// RapidCommit answers a DHCPDISCOVER with option 80 by a DHCPACK
	// (RFC 4039 section 4).
	RapidCommit bool

	// V6OnlyWait, when not 0, is sent as option 108 to clients that
	// ask for it (RFC 8925 section 3.3).
	V6OnlyWait uint32

	bindings map[string]netip.Addr
	used     map[netip.Addr]bool
	next     uint32

	// Acks counts the DHCPACKs sent; Naks the DHCPNAKs.
	Acks, Naks int
}

var errNotRequest = errors.New("simtest: not a client request")

// Restart forgets every binding, as a server without stable storage
// does; renewals of forgotten bindings are then refused with DHCPNAK.
func (s *Server) Restart() {
	s.bindings, s.used = nil, nil
}

// Handle answers the encoded client message req into reply. It reports
// false when the server stays silent.
func (s *Server) Handle(req []byte, reply *codec.Message) (bool, error) {
	var m codec.Message
	if err := m.Decode(req); err != nil {
		return false, err
	}
	t, err := m.Options.MessageType()
	if err != nil || m.Op != codec.BootRequest {
		return false, errNotRequest
	}
	if s.bindings == nil {
		s.bindings = make(map[string]netip.Addr)
		s.used = make(map[netip.Addr]bool)
	}
	cid, ok := m.Options.Get(codec.OptClientID)
	if !ok {
		cid = m.HWAddr()
	}
	key := string(cid)

	switch t {
	case codec.Discover:
		return s.offer(&m, key, reply)
	case codec.Request:
		return s.request(&m, key, reply)
	case codec.Release:
		if a, ok := s.bindings[key]; ok && a == m.CIAddr {
			delete(s.bindings, key)
			delete(s.used, a)
		}
	case codec.Decline:
		if a, err := m.Options.RequestedIP(); err == nil {
			delete(s.bindings, key)
			s.used[a] = true
		}
	}

	return false, nil
}

// offer answers DHCPDISCOVER (RFC 2131 section 4.3.1).
func (s *Server) offer(m *codec.Message, key string, reply *codec.Message) (bool, error) {
	a, ok := s.bindings[key]
	if !ok {
		a, ok = s.allocate()
		if !ok {
			return false, nil
		}
		s.bindings[key] = a
		s.used[a] = true
	}
	if s.V6OnlyWait != 0 && asked(m, codec.OptIPv6OnlyPreferred) {
		s.reply(m, reply, codec.Offer, a)

		return true, reply.Options.SetUint32(
			codec.OptIPv6OnlyPreferred, s.V6OnlyWait)
	}
	if s.RapidCommit && m.Options.Has(codec.OptRapidCommit) {
		s.Acks++
		if err := s.reply(m, reply, codec.Ack, a); err != nil {
			return false, err
		}

		return true, reply.Options.Set(codec.OptRapidCommit, nil)
	}

	return true, s.reply(m, reply, codec.Offer, a)
}

// request answers DHCPREQUEST in all its forms (RFC 2131 section 4.3.2).
func (s *Server) request(m *codec.Message, key string, reply *codec.Message) (bool, error) {
	want, err := m.Options.RequestedIP()
	if err != nil {
		want = m.CIAddr
	}
	if id, err := m.Options.ServerID(); err == nil && id != s.ID {
		// The client chose another server: forget the offer.
		delete(s.bindings, key)

		return false, nil
	}
	have, ok := s.bindings[key]
	if !ok && s.Subnet.Contains(want) && !s.used[want] &&
		m.CIAddr.IsUnspecified() {
		// INIT-REBOOT after our restart: take the client's word.
		have, ok = want, true
		s.bindings[key] = want
		s.used[want] = true
	}
	if !ok || have != want {
		s.Naks++
		s.nak(m, reply)

		return true, nil
	}
	s.Acks++

	return true, s.reply(m, reply, codec.Ack, have)
}

// allocate returns a free address of the pool.
func (s *Server) allocate() (netip.Addr, bool) {
	size := uint32(1) << (32 - s.Subnet.Bits())
	for range size {
		s.next = (s.next + 1) % (size - 12)
		a := s.Subnet.Addr()
		for range 10 + s.next {
			a = a.Next()
		}
		if !s.used[a] {
			return a, true
		}
	}

	return netip.Addr{}, false
}

// asked reports whether option c is in the request's option 55.
func asked(m *codec.Message, c codec.OptionCode) bool {
	prl, _ := m.Options.Get(codec.OptParamRequest)
	for _, p := range prl {
		if codec.OptionCode(p) == c {
			return true
		}
	}

	return false
}

// header fills the reply header for request m.
func header(m, r *codec.Message, t codec.MessageType) {
	r.Reset()
	r.Op = codec.BootReply
	r.HType, r.HLen, r.XID = m.HType, m.HLen, m.XID
	r.Flags, r.GIAddr, r.CHAddr = m.Flags, m.GIAddr, m.CHAddr
	r.CIAddr = m.CIAddr
	r.YIAddr = netip.IPv4Unspecified()
	r.SIAddr = netip.IPv4Unspecified()
	_ = r.Options.SetMessageType(t)
}

// reply fills an OFFER or ACK of address a.
func (s *Server) reply(m, r *codec.Message, t codec.MessageType, a netip.Addr) error {
	header(m, r, t)
	r.YIAddr = a
	o := &r.Options
	errs := []error{
		o.SetAddr(codec.OptServerID, s.ID),
		o.SetUint32(codec.OptLeaseTime, s.LeaseTime),
		o.Set(codec.OptSubnetMask, maskBytes(s.Subnet.Bits())),
	}
	if s.T1 != 0 {
		errs = append(errs, o.SetUint32(codec.OptRenewalTime, s.T1))
	}
	if s.T2 != 0 {
		errs = append(errs, o.SetUint32(codec.OptRebindingTime, s.T2))
	}
	if s.Router.IsValid() {
		errs = append(errs, o.SetAddr(codec.OptRouter, s.Router))
	}
	if s.DNS.IsValid() {
		errs = append(errs, o.SetAddr(codec.OptDNSServer, s.DNS))
	}

	return errors.Join(errs...)
}

// nak fills a DHCPNAK (RFC 2131 section 4.3.2, table 3).
func (s *Server) nak(m, r *codec.Message) {
	header(m, r, codec.Nak)
	r.CIAddr = netip.IPv4Unspecified()
	_ = r.Options.SetAddr(codec.OptServerID, s.ID)
}

// maskBytes returns the subnet mask of a prefix length (RFC 2132 section
// 3.3).
func maskBytes(bits int) []byte {
	v := ^uint32(0) << (32 - bits)

	return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}
