// Package rawsock owns the sockets a DHCPv4 client needs before and after it
// has an address (RFC 2131 section 4.1):
//
//   - Conn, an AF_PACKET socket bound to one interface with a locked
//     classic BPF filter that passes only unfragmented IPv4 UDP to port
//     68, used to receive offers and acknowledgements and to send
//     broadcast frames built by package frame; it drops frames tagged
//     for a VLAN or addressed to another host;
//   - UDPConn, a UDP socket bound to the leased address and port 68 on
//     the interface (SO_BINDTODEVICE), used only to send unicast renewals
//     (RFC 2131 section 4.4.5): a locked filter that accepts nothing keeps
//     the kernel from queueing the replies, which Conn receives;
//   - Probe, the RFC 5227 section 2.1.1 ARP probe that detects an address
//     already in use before the client configures it, and Announce, the
//     section 2.3 announcements that claim it once configured.
//
// The sockets are Linux-only; on other systems every constructor returns
// ErrNotSupported.
package rawsock
