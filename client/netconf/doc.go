// Package netconf applies a validated DHCP lease to the system: the
// address, routes and MTU with netlink, the DNS settings in resolv.conf,
// and the engine's opaque lease bytes in the state directory. Only the
// privileged part of dhcp-client uses it, and only with a lease that
// passed ipc.ApplyLease.Validate.
//
// Apply replaces the address with its valid and preferred lifetimes
// (RFC 2131 section 4.4.1) and lets the kernel add the subnet route, so
// the subnet route leaves with the address. It installs the classless
// routes of option 121 or, when there are none, a default route through
// each router of option 3 in order of preference (RFC 3442 section 3,
// RFC 2132 section 3.5). Every route it adds carries the protocol
// RTPROT_DHCP and the configured metric; Remove, the next Apply and the
// rollback of a failed Apply delete only routes with that protocol on
// the lease's interface. Apply never replaces a route: the kernel keys
// an IPv4 route on its destination and metric, whatever its interface,
// so a lease route whose key a route netconf did not add already holds
// (another interface's default route, a connected route with route
// metric 0, a static route) is skipped, and so is a route whose gateway
// lies behind a skipped on-link route. Apply reports them in
// Report.Skipped and applies the lease without them.
//
// Apply sets the MTU of option 26 last, compared with the link's MTU of
// the moment. On a link with IPv6 addresses it never sets one below 1280
// (MinIPv6MTU, RFC 8200 section 5), below which Linux deletes them all:
// it sets 1280 instead and reports it in Report.RaisedMTU.
//
// WriteResolvConf and LeaseStore write files atomically: a temporary file
// in the same directory, fsync, rename, then fsync of the directory, so a
// crash or a full disk leaves either the old file or the new one.
//
// Netlink code is Linux-only; other platforms get ErrNotSupported.
package netconf
