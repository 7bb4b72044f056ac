// Package hostile is a scriptable, misbehaving DHCPv4 server for tests.
// It answers a client with whatever bytes a test scripts: replies built
// field by field with Reply (the BOOTP header of RFC 2131 section 2 and
// the options of RFC 2132, including the malformed forms a codec must
// survive: options after END, truncated options, overload loops of RFC
// 2132 section 9.3, option 119 pointer loops of RFC 1035 section 4.1.4,
// option 121 routes of bad width of RFC 3442 section 2), or whole frames
// for floods.
//
// A Server lives in a network namespace, typically a lab's server
// namespace (package lab). It reads client messages from a UDP socket
// bound to port 67 of one interface and writes replies through an
// AF_PACKET socket as complete Ethernet frames, so a test chooses every
// address of a reply and needs no ARP. It never sends anything outside
// the interface it was opened on.
//
// Reply building is pure and portable; the Server is Linux-only, and
// other platforms get ErrNotSupported.
package hostile
