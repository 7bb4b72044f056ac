package statemachine

import (
	"slices"
	"time"

	"net/netip"

	"github.com/safedhcp/safedhcp/codec"
)

// buildLease turns an accepted DHCPACK into a Lease, or returns the reason
// to drop it. Required parts (yiaddr, option 51) must be valid; a
// malformed optional option is ignored with a warning.
func (m *Machine) buildLease(msg *codec.Message, id netip.Addr) (*Lease, DropReason) {
	addr, r := leaseAddr(msg)
	if r != ReasonNone {
		return nil, r
	}
	secs, err := msg.Options.LeaseTime()
	if err != nil || secs == 0 {
		return nil, ReasonNoLeaseTime
	}

	l := &Lease{Addr: addr, ServerID: id, Acquired: m.sent}
	m.leaseTimes(l, msg, secs)
	m.leaseRoutes(l, msg)

	o := &msg.Options
	l.DNS = m.addrList(o, codec.OptDNSServer, o.DNSServers)
	l.NTP = m.addrList(o, codec.OptNTPServer, o.NTPServers)
	if s, err := domainSearch(o); err == nil {
		l.Search = s
	} else if o.Has(codec.OptDomainSearch) {
		m.ignored(codec.OptDomainSearch, id)
	}
	if s, err := nameOpt(o, "DomainName"); err == nil {
		l.Domain = s
	} else if o.Has(codec.OptDomainName) {
		m.ignored(codec.OptDomainName, id)
	}
	if s, err := nameOpt(o, "HostName"); err == nil {
		l.Hostname = s
	} else if o.Has(codec.OptHostName) {
		m.ignored(codec.OptHostName, id)
	}
	if v, err := o.InterfaceMTU(); err == nil {
		l.MTU = v
	} else if o.Has(codec.OptInterfaceMTU) {
		m.ignored(codec.OptInterfaceMTU, id)
	}

	return l, ReasonNone
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

// leaseRoutes sets Routes from option 121 (or 249), which replaces option
// 3 (RFC 3442), and Routers from option 3 otherwise.
func (m *Machine) leaseRoutes(l *Lease, msg *codec.Message) {
	o := &msg.Options
	// TODO: read options 121 and 249 once the codec's ClasslessRoutes
	// lands; until then option 3 alone gives the routers.
	// TODO: option 33 (classful static routes) is not applied; RFC 3442
	// deprecates it and few servers still send it.
	l.Routers = m.addrList(o, codec.OptRouter, o.Routers)
}

// addrList reads an address list option with get, ignoring it with a
// warning when malformed.
func (m *Machine) addrList(o *codec.Options, c codec.OptionCode,
	get func([]netip.Addr) ([]netip.Addr, error)) []netip.Addr {
	as, err := get(m.addrs[:0])
	if err != nil {
		if o.Has(c) {
			m.ignored(c, netip.Addr{})
		}

		return nil
	}

	return slices.Clone(as)
}

// ignored logs a malformed optional option that was left out of a lease.
func (m *Machine) ignored(c codec.OptionCode, peer netip.Addr) {
	m.warn("ignored malformed option "+itoa(uint64(c)), peer)
}

// domainSearch reads option 119 through the codec's DomainSearch.
// TODO: call o.DomainSearch directly once the codec exports it.
func domainSearch(o *codec.Options) ([]string, error) {
	f, ok := any(o).(interface {
		DomainSearch([]string) ([]string, error)
	})
	if !ok {
		return nil, codec.ErrNoOption
	}

	return f.DomainSearch(nil)
}

// nameOpt reads option 15 or 12 through the codec's validating accessor.
// TODO: call o.DomainName and o.HostName directly once they land.
func nameOpt(o *codec.Options, which string) (string, error) {
	type named interface {
		DomainName() (string, error)
		HostName() (string, error)
	}
	f, ok := any(o).(named)
	if !ok {
		return "", codec.ErrNoOption
	}
	if which == "HostName" {
		return f.HostName()
	}

	return f.DomainName()
}
