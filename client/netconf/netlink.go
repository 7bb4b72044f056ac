package netconf

import "net/netip"

// RTProtDHCP is the route protocol number of every route netconf adds
// (RTPROT_DHCP in linux/rtnetlink.h). Remove and Apply delete only
// routes with this protocol on the lease's interface.
const RTProtDHCP = 16

// MinIPv6MTU is the smallest MTU of a link that carries IPv6 (RFC 8200
// section 5). Linux deletes every IPv6 address of a link whose MTU drops
// below it, and setting the MTU back does not bring static ones back.
const MinIPv6MTU = 1280

// Options says what Apply configures besides the address.
type Options struct {
	// Metric is the priority of the routes added. With several routers
	// the n-th (from 0) default route gets Metric+n.
	Metric int

	// Routes installs the lease's routes.
	Routes bool

	// MTU sets the link MTU of option 26 (RFC 2132 section 5.1).
	MTU bool
}

// Report says what of a lease Apply did not configure as the lease asked,
// for the caller to log.
type Report struct {
	// Skipped lists the lease's routes Apply left out, in the order it
	// tried them.
	Skipped []SkippedRoute

	// RaisedMTU is the MTU Apply set in place of the lease's smaller
	// one, MinIPv6MTU on a link with IPv6 addresses; 0 otherwise.
	RaisedMTU int
}

// SkippedRoute is a route of a lease that Apply did not install because
// a route netconf did not add holds its destination and metric (the
// kernel's key for an IPv4 route in a table), or because its gateway is
// reached only through such a route. netconf never replaces a route it
// did not add.
type SkippedRoute struct {
	Dst     netip.Prefix
	Gateway netip.Addr // 0.0.0.0 for an on-link route
	Metric  int

	// Reason names what holds the route, for a log line.
	Reason string
}
