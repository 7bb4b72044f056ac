package statemachine

import (
	"net/netip"
	"slices"
	"time"

	"github.com/safedhcp/safedhcp/codec"
)

// buildLease turns an accepted DHCPACK into a Lease, or returns the reason
// to drop it. Required parts (yiaddr, option 51) must be valid. A
// malformed optional option is left out of the lease, whole, with a
// warning, and the lease is kept: of the options of a DHCPACK, RFC 2131
// section 4.3.1 (table 3) requires only the lease time and the server
// identifier.
func (m *Machine) buildLease(msg *codec.Message,
	id netip.Addr) (*Lease, DropReason) {
	addr, r := leaseAddr(msg)
	if r != ReasonNone {
		return nil, r
	}
	secs, err := msg.Options.LeaseTime()
	if err != nil || secs == 0 {
		return nil, ReasonNoLeaseTime
	}

	b := new(leaseBlock)
	l := &b.lease
	*l = Lease{Addr: addr, ServerID: id, Acquired: m.sent}
	m.leaseTimes(l, msg, secs)

	o := &msg.Options
	m.leaseRoutes(l, o, b)
	l.DNS = m.addrList(o, codec.OptDNSServer, o.DNSServers, b)
	l.NTP = m.addrList(o, codec.OptNTPServer, o.NTPServers, b)
	m.leaseNames(l, o)
	if v, err := o.InterfaceMTU(); err == nil {
		l.MTU = v
	} else if o.Has(codec.OptInterfaceMTU) {
		m.ignored(codec.OptInterfaceMTU, id)
	}

	return l, ReasonNone
}

// leaseBlock is a Lease with room for the address lists and routes of a
// typical DHCPACK, so that building one costs a single allocation; longer
// lists go to the heap. The lists are cut with full slice expressions,
// and a Lease is never changed after it is handed out.
type leaseBlock struct {
	lease  Lease
	addrs  [6]netip.Addr
	routes [3]Route
	na, nr int // room used
}

// cloneAddrs returns a copy of as, in the block's room when it fits.
func (b *leaseBlock) cloneAddrs(as []netip.Addr) []netip.Addr {
	if len(as) == 0 {
		return nil
	}
	if len(as) > len(b.addrs)-b.na {
		return slices.Clone(as)
	}
	s := b.addrs[b.na : b.na+len(as) : b.na+len(as)]
	b.na += copy(s, as)

	return s
}

// cloneRoutes returns a copy of rs, in the block's room when it fits.
func (b *leaseBlock) cloneRoutes(rs []Route) []Route {
	if len(rs) == 0 {
		return nil
	}
	if len(rs) > len(b.routes)-b.nr {
		return slices.Clone(rs)
	}
	s := b.routes[b.nr : b.nr+len(rs) : b.nr+len(rs)]
	b.nr += copy(s, rs)

	return s
}

// leaseTimes sets the lease time and T1 and T2 from options 51, 58 and 59.
// T1 and T2 default to 0.5 and 0.875 of the lease, and both fall back to
// the defaults unless 0 < T1 < T2 < lease (RFC 2131 section 4.4.5). An
// infinite lease never renews.
func (m *Machine) leaseTimes(l *Lease, msg *codec.Message, secs uint32) {
	if secs == codec.Infinite {
		l.LeaseTime, l.T1, l.T2 = Infinite, Infinite, Infinite

		return
	}
	lt := time.Duration(secs) * time.Second
	l.LeaseTime = lt
	l.T1, l.T2 = lt/2, lt/8*7

	t1, err1 := msg.Options.RenewalTime()
	t2, err2 := msg.Options.RebindingTime()
	d1 := time.Duration(t1) * time.Second
	d2 := time.Duration(t2) * time.Second
	if err1 != nil {
		d1 = l.T1
	}
	if err2 != nil {
		d2 = l.T2
	}
	if 0 < d1 && d1 < d2 && d2 < lt {
		l.T1, l.T2 = d1, d2
	} else if err1 == nil || err2 == nil {
		m.warn("inconsistent T1/T2 repaired", l.ServerID)
	}
}

// leaseRoutes sets Routes from the classless static routes of option 121,
// or of option 249 when 121 is absent, and otherwise Routers from option
// 3.
//
// When classless routes are used, Routers stays empty: RFC 3442 section
// "DHCP Client Behavior" says the client MUST ignore option 3 then, and a
// default route, if the network has one, is among the classless routes.
// The client has no other use for the routers' addresses.
//
// A malformed option 121 or 249 (RFC 3442 section "DHCP Client
// Behavior" leaves it to the client) is ignored whole with a warning and
// treated as absent, so the lease falls back to the next source: a
// client that cannot use the routes behaves like one that was never sent
// them, rather than losing the default route option 3 gives. More routes
// than a lease record holds count as malformed.
//
// Option 33 (RFC 2132 section 5.8) is never read. RFC 3442 says to ignore
// it when 121 is present; without 121, its classful destinations are
// ambiguous (the codec has to guess host routes), it cannot carry a
// default route, and the client does not ask for it in option 55. Using
// it would also need option 3's routers folded into Routes, since a
// caller uses Routes instead of Routers whenever Routes is not empty.
func (m *Machine) leaseRoutes(l *Lease, o *codec.Options, b *leaseBlock) {
	if rs, ok := m.classless(o, codec.OptClasslessRoute,
		o.ClasslessRoutes, l.ServerID); ok {
		l.Routes = b.cloneRoutes(rs)

		return
	}
	if rs, ok := m.classless(o, codec.OptMSClasslessRoute,
		o.MSClasslessRoutes, l.ServerID); ok {
		l.Routes = b.cloneRoutes(rs)

		return
	}
	l.Routers = m.addrList(o, codec.OptRouter, o.Routers, b)
}

// classless reads the RFC 3442 routes of option c with get into the
// machine's scratch. It reports false when the option is absent, or
// malformed or too long, with a warning then.
func (m *Machine) classless(o *codec.Options, c codec.OptionCode,
	get func([]Route) ([]Route, error), id netip.Addr) ([]Route, bool) {
	rs, err := get(m.routes[:0])
	m.routes = rs[:0]
	if err == nil && len(rs) <= maxList {
		return rs, true
	}
	if o.Has(c) {
		m.ignored(c, id)
	}

	return nil, false
}

// addrList reads an address list option with get, ignoring it with a
// warning when malformed. Past maxList addresses the rest are left out;
// servers list them in order of preference (RFC 2132 section 3).
func (m *Machine) addrList(o *codec.Options, c codec.OptionCode,
	get func([]netip.Addr) ([]netip.Addr, error),
	b *leaseBlock) []netip.Addr {
	as, err := get(m.addrs[:0])
	m.addrs = as[:0]
	if err != nil {
		if o.Has(c) {
			m.ignored(c, b.lease.ServerID)
		}

		return nil
	}

	return b.cloneAddrs(as[:min(len(as), maxList)])
}

// leaseNames sets Search, Domain and Hostname from options 119, 15 and
// 12. Beyond the codec's checks, every name must be a host name
// (codec.ValidHostname, RFC 1123 section 2.1), the rule the privileged
// side applies before writing resolv.conf; an option that fails is left
// out whole with a warning, so that one odd name never costs the lease.
// Past maxList search names the rest are left out, and a name listed twice
// is kept once.
func (m *Machine) leaseNames(l *Lease, o *codec.Options) {
	id := l.ServerID
	if s, err := o.DomainSearch(nil, maxList); err == nil &&
		!slices.ContainsFunc(s, notHostname) {
		l.Search = dedup(s)
	} else if o.Has(codec.OptDomainSearch) {
		m.ignored(codec.OptDomainSearch, id)
	}
	l.Domain = m.name(o, codec.OptDomainName, o.DomainName, id)
	l.Hostname = m.name(o, codec.OptHostName, o.HostName, id)
}

// name reads the name option c with get, or returns "" with a warning
// when it is malformed or not a host name.
func (m *Machine) name(o *codec.Options, c codec.OptionCode,
	get func() (string, error), id netip.Addr) string {
	s, err := get()
	if err == nil && codec.ValidHostname(s) {
		return s
	}
	if o.Has(c) {
		m.ignored(c, id)
	}

	return ""
}

// dedup removes the later copies of names listed twice from s, in place,
// and returns the shortened slice, capped to its length.
func dedup(s []string) []string {
	n := 0
	for _, x := range s {
		if !slices.Contains(s[:n], x) {
			s[n] = x
			n++
		}
	}
	clear(s[n:])

	return s[:n:n]
}

// notHostname reports whether s fails codec.ValidHostname.
func notHostname(s string) bool { return !codec.ValidHostname(s) }

// ignored logs a malformed optional option that was left out of a lease.
func (m *Machine) ignored(c codec.OptionCode, peer netip.Addr) {
	m.warn("ignored malformed option "+itoa(uint64(c)), peer)
}
