package netconf

// RTProtDHCP is the route protocol number of every route netconf adds
// (RTPROT_DHCP in linux/rtnetlink.h). Remove and Apply delete only
// routes with this protocol on the lease's interface.
const RTProtDHCP = 16

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
