// Package interop proves the dhcp-client binary against the networks it
// meets: an interoperability matrix against dnsmasq, kea-dhcp4, ISC
// dhcpd and busybox udhcpd (acquire, renew, rebind after the server
// moves, DHCPNAK and DHCPRELEASE of RFC 2131 sections 3 and 4.4), a
// hostile server (package hostile) sending malformed and misdirected
// replies, fault tests (server gone, link flaps, killed processes,
// unwritable state and resolv.conf) and a load test of malformed frames
// while bound.
//
// The tests live in _linux_test.go files, need root and build their
// own network-namespace labs (package lab) named with the prefix "sdi".
// Each test records its outcome, and TestMain prints the tables at the
// end of the run. Set SAFEDHCP_LOAD_FULL=1 for the full 30-second load
// test; CI runs a 5-second one.
package interop
