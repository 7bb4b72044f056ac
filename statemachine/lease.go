package statemachine

import (
	"math"
	"net/netip"
	"time"

	"github.com/safedhcp/safedhcp/codec"
)

// Route is a classless static route from option 121 or 249 (RFC 3442
// section 2): Dest via Gateway, where an unspecified Gateway means the
// destination is on the link. It is codec.Route.
type Route = codec.Route

// Infinite is the LeaseTime, T1 and T2 of a lease that never expires
// (RFC 2131 section 3.3, option 51 value 0xffffffff).
const Infinite time.Duration = math.MaxInt64

// Lease is everything a DHCPACK gave the client and the client must apply
// (RFC 2131 section 4.4.1, RFC 2132). A Lease handed out by the machine
// is never changed afterwards.
type Lease struct {
	// Addr is the leased address with the subnet's prefix length
	// (yiaddr and option 1).
	Addr netip.Prefix

	// ServerID is the leasing server (option 54).
	ServerID netip.Addr

	// Routers are the default gateways (option 3), in preference order.
	// They are empty when Routes is not (RFC 3442 section "DHCP Client
	// Behavior": the client ignores option 3 when it has option 121).
	Routers []netip.Addr

	// Routes are the classless static routes of option 121, or of option
	// 249 when 121 is absent or malformed, including any default route.
	Routes []Route

	// DNS are the DNS servers (option 6).
	DNS []netip.Addr

	// Search is the domain search list (option 119, RFC 3397). Like
	// Domain and Hostname, every name in it passes codec.ValidHostname.
	Search []string

	// Domain is the domain name (option 15, RFC 2132 section 3.17).
	Domain string

	// Hostname is the host name the server gave (option 12, RFC 2132
	// section 3.14).
	Hostname string

	// MTU is the interface MTU (option 26), 0 when not given.
	MTU uint16

	// NTP are the NTP servers (option 42).
	NTP []netip.Addr

	// Acquired is when the DHCPREQUEST that obtained the lease was sent;
	// lease times count from it (RFC 2131 section 4.4.1).
	Acquired time.Time

	// LeaseTime, T1 and T2 are the lease duration and the renewal and
	// rebinding times (options 51, 58 and 59), counted from Acquired;
	// Infinite for a lease that never expires.
	LeaseTime time.Duration
	T1        time.Duration
	T2        time.Duration
}

// Expiry returns the time the lease ends and false for an infinite lease.
func (l *Lease) Expiry() (time.Time, bool) {
	if l.LeaseTime == Infinite {
		return time.Time{}, false
	}

	return l.Acquired.Add(l.LeaseTime), true
}

// Expired reports whether the lease has ended at now.
func (l *Lease) Expired(now time.Time) bool {
	end, ok := l.Expiry()

	return ok && !now.Before(end)
}

// renewAt returns the T1 time, or false when the lease never renews.
func (l *Lease) renewAt() (time.Time, bool) {
	if l.T1 == Infinite {
		return time.Time{}, false
	}

	return l.Acquired.Add(l.T1), true
}

// rebindAt returns the T2 time, or false when the lease never rebinds.
func (l *Lease) rebindAt() (time.Time, bool) {
	if l.T2 == Infinite {
		return time.Time{}, false
	}

	return l.Acquired.Add(l.T2), true
}
