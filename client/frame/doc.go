// Package frame parses and builds the Ethernet II, IPv4 and UDP headers
// that carry DHCPv4 messages (RFC 2131 section 4.1) when a client talks
// through a raw AF_PACKET socket before it has an address.
//
// Parse checks an untrusted frame the way a host stack would: Ethernet
// length and type (IEEE 802.3), IPv4 version, header length, total length,
// header checksum and fragmentation (RFC 791 section 3.1), UDP length and
// checksum (RFC 768) and the DHCP client port 68 (RFC 2131 section 4.1).
// 802.1Q VLAN tags are rejected: the AF_PACKET socket sees untagged frames
// on the interface it is bound to, so a tag means a frame not meant for us.
// Every rejection wraps one of the exported sentinel errors so a caller can
// count drops per reason with errors.Is. The returned Frame's Payload
// aliases the input; Parse does not allocate.
//
// Build appends a complete Ethernet+IPv4+UDP frame around a DHCP payload to
// a caller's buffer, filling in both checksums.
//
// The package does no I/O and keeps no state.
package frame
