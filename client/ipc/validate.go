package ipc

import (
	"bytes"
	"net/netip"

	"github.com/safedhcp/safedhcp/codec"
)

// Policy is what the privileged part knows and trusts when it validates a
// request: its own interface and the lease it applied.
type Policy struct {
	// HWAddr is the interface's hardware address. A payload must carry
	// it in chaddr (RFC 2131 section 2).
	HWAddr []byte

	// Leased is the address currently applied, if any. Unicast payloads
	// must come from it (RFC 2131 section 4.4.5).
	Leased netip.Addr

	// Server is the server identifier (option 54) of the applied lease,
	// if any. Unicast payloads may go only to it: a client unicasts
	// nothing but its renewals and releases, to the server that granted
	// the lease (RFC 2131 sections 4.4.5 and 4.4.6).
	Server netip.Addr

	// MaxPayload bounds a payload to send; 0 means MaxPayloadLen.
	MaxPayload int

	// MaxMTU bounds the MTU a lease may set; 0 means no bound beyond the
	// protocol's. The lower bound is always MinMTU.
	MaxMTU uint16
}

// MinMTU is the smallest MTU a lease may set: 576, the datagram every
// IPv4 host must accept (RFC 791 section 3.1), the floor dhcpcd uses
// too. Option 26 may go down to 68 (RFC 2132 section 5.1), but a link
// that small cannot carry a DHCP message of the default maximum size
// (RFC 2131 section 2) and, below 1280, loses its IPv6 addresses (RFC
// 8200 section 5).
const MinMTU = 576

var (
	thisNet   = netip.MustParsePrefix("0.0.0.0/8")
	loopback  = netip.MustParsePrefix("127.0.0.0/8")
	linkLocal = netip.MustParsePrefix("169.254.0.0/16")
	multicast = netip.MustParsePrefix("224.0.0.0/4")
	classE    = netip.MustParsePrefix("240.0.0.0/4") // and broadcast

	limitedBroadcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})
)

// checkUnicast returns a reason when a is not a usable IPv4 unicast
// address (RFC 1122 section 3.2.1.3, RFC 5735 section 3, RFC 3927).
func checkUnicast(a netip.Addr) string {
	switch {
	case !a.Is4():
		return "not an IPv4 address"
	case thisNet.Contains(a):
		return "in 0.0.0.0/8"
	case loopback.Contains(a):
		return "a loopback address"
	case linkLocal.Contains(a):
		return "a link-local address"
	case multicast.Contains(a):
		return "a multicast address"
	case classE.Contains(a):
		return "a class E or broadcast address"
	}

	return ""
}

// checkHost returns a reason when p is not a usable host address on its
// own subnet: a unicast address that is neither the network nor the
// directed broadcast address (RFC 1122 section 3.2.1.3; RFC 3021 allows
// both in a /31).
func checkHost(p netip.Prefix) string {
	if !p.IsValid() || !p.Addr().Is4() {
		return "not an IPv4 prefix"
	}

	if why := checkUnicast(p.Addr()); why != "" {
		return why
	}

	if p.Bits() > 30 {
		return ""
	}

	if p.Addr() == p.Masked().Addr() {
		return "the network address of its prefix"
	}

	if p.Addr() == lastAddr(p) {
		return "the broadcast address of its prefix"
	}

	return ""
}

// lastAddr returns the directed broadcast address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	for i := 3; i >= 0; i-- {
		a[i] |= byte(host >> (8 * (3 - i)))
	}

	return netip.AddrFrom4(a)
}

// Validate checks a lease against the rules the privileged part enforces
// before it touches the interface. It returns a *FieldError wrapping
// ErrPolicy that names the first field that fails.
func (m *ApplyLease) Validate(p Policy) error {
	fail := func(field, format string, args ...any) error {
		return fieldErr(TypeApplyLease, field, ErrPolicy, format, args...)
	}

	if why := checkHost(m.Addr); why != "" {
		return fail("Addr", "%v is %s", m.Addr, why)
	}

	if err := m.validateRoutes(fail); err != nil {
		return err
	}

	if len(m.Routers) > MaxRouters {
		return fail("Routers", "%d entries > %d", len(m.Routers), MaxRouters)
	}

	for _, r := range m.Routers {
		if why := m.checkGateway(r); why != "" {
			return fail("Routers", "%v is %s", r, why)
		}

		if !m.onLink(r) && !m.routed(r) {
			return fail("Routers", "%v is neither on-link nor routed", r)
		}
	}

	if len(m.DNS) > MaxDNS {
		return fail("DNS", "%d entries > %d", len(m.DNS), MaxDNS)
	}

	for _, a := range m.DNS {
		if why := checkUnicast(a); why != "" {
			return fail("DNS", "%v is %s", a, why)
		}
	}

	return m.validateRest(p, fail)
}

// validateRest checks the names, MTU, lifetimes and server id.
func (m *ApplyLease) validateRest(p Policy,
	fail func(string, string, ...any) error) error {
	if len(m.Search) > MaxSearch {
		return fail("Search", "%d entries > %d", len(m.Search), MaxSearch)
	}

	for _, s := range m.Search {
		if !ValidName(s) {
			return fail("Search", "%q is not a valid domain name", s)
		}
	}

	if m.Domain != "" && !ValidName(m.Domain) {
		return fail("Domain", "%q is not a valid domain name", m.Domain)
	}

	if m.MTU != 0 && m.MTU < MinMTU {
		return fail("MTU", "%d below the minimum %d", m.MTU, MinMTU)
	}

	if p.MaxMTU != 0 && m.MTU > p.MaxMTU {
		return fail("MTU", "%d above the maximum %d", m.MTU, p.MaxMTU)
	}

	if m.ValidLifetime == 0 {
		return fail("ValidLifetime", "zero")
	}

	if m.PreferredLifetime > m.ValidLifetime {
		return fail("PreferredLifetime", "%d > ValidLifetime %d",
			m.PreferredLifetime, m.ValidLifetime)
	}

	if m.ServerID.IsValid() && !m.ServerID.IsUnspecified() {
		if why := checkUnicast(m.ServerID); why != "" {
			return fail("ServerID", "%v is %s", m.ServerID, why)
		}
	}

	return nil
}

// validateRoutes checks the classless routes of RFC 3442: masked
// destinations, no duplicates, no special-purpose destinations and
// gateways that are on-link.
func (m *ApplyLease) validateRoutes(
	fail func(string, string, ...any) error) error {
	if len(m.Routes) > MaxRoutes {
		return fail("Routes", "%d entries > %d", len(m.Routes), MaxRoutes)
	}

	seen := make(map[netip.Prefix]bool, len(m.Routes))
	for _, rt := range m.Routes {
		d := rt.Dest
		if !d.IsValid() || !d.Addr().Is4() || d != d.Masked() {
			return fail("Routes.Dest", "%v is not a masked IPv4 prefix", d)
		}

		if seen[d] {
			return fail("Routes.Dest", "%v appears twice", d)
		}
		seen[d] = true

		for _, bad := range []netip.Prefix{loopback, multicast, classE} {
			if d.Bits() >= bad.Bits() && bad.Contains(d.Addr()) {
				return fail("Routes.Dest", "%v is inside %v", d, bad)
			}
		}

		if rt.Gateway.IsUnspecified() {
			continue
		}

		if why := m.checkGateway(rt.Gateway); why != "" {
			return fail("Routes.Gateway", "%v is %s", rt.Gateway, why)
		}

		if !m.onLink(rt.Gateway) {
			return fail("Routes.Gateway", "%v is not on-link", rt.Gateway)
		}
	}

	return nil
}

// checkGateway returns a reason when a cannot be a next hop: it must be
// unicast, not our own address and not our subnet's broadcast address.
func (m *ApplyLease) checkGateway(a netip.Addr) string {
	if why := checkUnicast(a); why != "" {
		return why
	}

	if a == m.Addr.Addr() {
		return "the leased address itself"
	}

	if m.Addr.Bits() <= 30 && a == lastAddr(m.Addr) {
		return "the broadcast address of the lease's prefix"
	}

	return ""
}

// onLink reports whether a is inside the leased prefix or inside the
// destination of a route with an unspecified (on-link) gateway.
func (m *ApplyLease) onLink(a netip.Addr) bool {
	if m.Addr.Masked().Contains(a) {
		return true
	}

	for _, rt := range m.Routes {
		if rt.Gateway.IsUnspecified() && rt.Dest.Contains(a) {
			return true
		}
	}

	return false
}

// routed reports whether a classless route with an on-link gateway
// reaches a.
func (m *ApplyLease) routed(a netip.Addr) bool {
	for _, rt := range m.Routes {
		if !rt.Gateway.IsUnspecified() && rt.Dest.Contains(a) &&
			m.onLink(rt.Gateway) {
			return true
		}
	}

	return false
}

// Validate checks an address to remove: it must be a usable host address
// (the privileged part also checks that it applied it).
func (m *RemoveLease) Validate(Policy) error {
	if why := checkHost(m.Addr); why != "" {
		return fieldErr(TypeRemoveLease, "Addr", ErrPolicy, "%v is %s",
			m.Addr, why)
	}

	return nil
}

// Validate checks that the address to probe is unicast (RFC 5227
// section 2.1.1).
func (m *ProbeAddress) Validate(Policy) error {
	if why := checkUnicast(m.Addr); why != "" {
		return fieldErr(TypeProbeAddress, "Addr", ErrPolicy, "%v is %s",
			m.Addr, why)
	}

	return nil
}

// Validate checks that the payload is a BOOTREQUEST from the interface's
// own hardware address (RFC 2131 section 2), not relayed (giaddr 0.0.0.0),
// of a size the privileged part sends, and that its addresses fit the
// destination kind: broadcast to 255.255.255.255 from 0.0.0.0 or the
// leased address, or unicast from the leased address to the lease's
// server (RFC 2131 sections 4.4.5 and 4.4.6).
func (m *SendPayload) Validate(p Policy) error {
	fail := func(field, format string, args ...any) error {
		return fieldErr(TypeSendPayload, field, ErrPolicy, format, args...)
	}

	if err := checkPayload(m.Payload, p, fail); err != nil {
		return err
	}

	if m.Broadcast {
		if m.Dst != limitedBroadcast {
			return fail("Dst", "%v is not 255.255.255.255", m.Dst)
		}

		if !m.Src.IsUnspecified() && (!p.Leased.IsValid() ||
			m.Src != p.Leased) {
			return fail("Src", "%v is neither 0.0.0.0 nor the lease", m.Src)
		}

		return nil
	}

	if why := checkUnicast(m.Dst); why != "" {
		return fail("Dst", "%v is %s", m.Dst, why)
	}

	if !p.Leased.IsValid() || m.Src != p.Leased {
		return fail("Src", "%v is not the leased address %v", m.Src,
			p.Leased)
	}

	if !p.Server.IsValid() || m.Dst != p.Server {
		return fail("Dst", "%v is not the lease's server %v", m.Dst,
			p.Server)
	}

	return nil
}

// checkPayload checks the size, op, htype/hlen, giaddr, chaddr and cookie
// of a DHCP message the engine wants sent (RFC 2131 section 2).
func checkPayload(b []byte, p Policy,
	fail func(string, string, ...any) error) error {
	max := p.MaxPayload
	if max <= 0 || max > MaxPayloadLen {
		max = MaxPayloadLen
	}

	if len(b) < MinPayloadLen || len(b) > max {
		return fail("Payload", "length %d not in %d..%d", len(b),
			MinPayloadLen, max)
	}

	if codec.OpCode(b[0]) != codec.BootRequest {
		return fail("Payload", "op %d is not BOOTREQUEST", b[0])
	}

	hlen := int(b[2])
	if len(p.HWAddr) == 0 || len(p.HWAddr) > MaxHWAddrLen ||
		hlen != len(p.HWAddr) {
		return fail("Payload", "hlen %d does not match the interface", hlen)
	}

	if giaddr := b[24:28]; !allZero(giaddr) {
		return fail("Payload", "giaddr %v is not 0.0.0.0: a client "+
			"does not relay", netip.AddrFrom4([4]byte(giaddr)))
	}

	chaddr := b[28:44]
	if !bytes.Equal(chaddr[:hlen], p.HWAddr) ||
		!allZero(chaddr[hlen:]) {
		return fail("Payload", "chaddr %x is not the interface's %x",
			chaddr[:hlen], p.HWAddr)
	}

	if string(b[236:240]) != codec.Cookie {
		return fail("Payload", "no magic cookie")
	}

	return nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}

	return true
}
