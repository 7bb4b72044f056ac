package statemachine

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/safedhcp/safedhcp/codec"
)

// validate checks everything a lease must satisfy before it is used or
// stored: IPv4 addresses, a usable host address, consistent times (RFC
// 2131 section 4.4.5), bounded lists and host names (RFC 1123 section
// 2.1).
func (l *Lease) validate() error {
	a := l.Addr.Addr()
	switch {
	case !l.Addr.IsValid() || !a.Is4() || l.Addr.Bits() < 1:
		return fmt.Errorf("%w: address %v", ErrBadRecord, l.Addr)
	case a.IsUnspecified() || a.IsMulticast() || a.IsLoopback() ||
		a.As4()[0] >= 240:
		return fmt.Errorf("%w: address %v", ErrBadRecord, l.Addr)
	case !l.ServerID.Is4() || l.ServerID.IsUnspecified():
		return fmt.Errorf("%w: server id %v", ErrBadRecord, l.ServerID)
	case l.Acquired.IsZero() || l.Acquired.Unix() <= 0:
		return fmt.Errorf("%w: acquired %v", ErrBadRecord, l.Acquired)
	case l.MTU != 0 && l.MTU < 68:
		return fmt.Errorf("%w: mtu %d", ErrBadRecord, l.MTU)
	}
	if err := l.validateTimes(); err != nil {
		return err
	}
	if len(l.Routers) > maxList || len(l.Routes) > maxList ||
		len(l.DNS) > maxList || len(l.NTP) > maxList ||
		len(l.Search) > maxList {
		return fmt.Errorf("%w: list longer than %d", ErrBadRecord, maxList)
	}
	for _, as := range [][]netip.Addr{l.Routers, l.DNS, l.NTP} {
		for _, x := range as {
			if !x.Is4() {
				return fmt.Errorf("%w: address %v", ErrBadRecord, x)
			}
		}
	}
	for _, r := range l.Routes {
		if !r.Dest.IsValid() || !r.Dest.Addr().Is4() ||
			r.Dest != r.Dest.Masked() || !r.Gateway.Is4() {
			return fmt.Errorf("%w: route %v via %v",
				ErrBadRecord, r.Dest, r.Gateway)
		}
	}

	return l.validateNames()
}

// maxLeaseTime is the longest finite lease option 51 can express.
const maxLeaseTime = 0xfffffffe * time.Second

// validateTimes checks 0 < T1 <= T2 <= LeaseTime, or all three infinite.
func (l *Lease) validateTimes() error {
	if l.LeaseTime == Infinite && l.T1 == Infinite && l.T2 == Infinite {
		return nil
	}
	if l.LeaseTime <= 0 || l.LeaseTime > maxLeaseTime || l.T1 <= 0 ||
		l.T1 > l.T2 || l.T2 > l.LeaseTime {
		return fmt.Errorf("%w: times %v/%v/%v",
			ErrBadRecord, l.LeaseTime, l.T1, l.T2)
	}

	return nil
}

// validateNames checks the domain, host name and search list with
// codec.ValidHostname (RFC 1123 section 2.1), the rule buildLease and the
// privileged side apply.
func (l *Lease) validateNames() error {
	for _, s := range l.Search {
		if !codec.ValidHostname(s) {
			return fmt.Errorf("%w: search name %q", ErrBadRecord, s)
		}
	}
	if l.Domain != "" && !codec.ValidHostname(l.Domain) {
		return fmt.Errorf("%w: domain %q", ErrBadRecord, l.Domain)
	}
	if l.Hostname != "" && !codec.ValidHostname(l.Hostname) {
		return fmt.Errorf("%w: host name %q", ErrBadRecord, l.Hostname)
	}

	return nil
}
