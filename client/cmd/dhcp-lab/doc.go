// Command dhcp-lab runs DHCPv4 clients against real DHCP servers in a
// throwaway pair of network namespaces (see package client/lab). It needs
// root and Linux.
//
//	dhcp-lab demo -client PATH [-server dnsmasq|kea|isc|udhcpd] [-- ARGS]
//
// demo builds a lab, starts the server, runs the client in the client
// namespace with ARGS ({if} replaced by the client interface name, {resolv}
// by the host path of the namespace's resolv.conf), and
// prints the interface's addresses and routes and the namespace's
// resolv.conf once the client has exited or configured an address.
//
//	dhcp-lab capture [-out testdata/captures]
//
// capture records the exchanges of testdata/captures/README.md again,
// one pcap file each.
package main
