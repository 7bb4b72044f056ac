// Package lab builds a throwaway network lab for testing DHCPv4 clients
// against real servers: two network namespaces, "server" and "client",
// joined by a veth pair, with dnsmasq, kea-dhcp4, isc-dhcp-server or
// busybox udhcpd serving one scope (RFC 2131 section 4.3) on the server
// side. Nothing leaves the namespaces; the addresses live in 10.77.N.0/24.
//
// The lab needs root and Linux. Every namespace gets its own
// /etc/netns/NAME/resolv.conf, so a peer client run through
// Lab.ClientCommand rewrites that file and never the machine's. Close
// ends every process the lab started and removes what it created; it is
// safe to call twice and after a failed New.
//
// The servers are configured from the templates in testdata/lab/, which
// Options.Templates names; see Scope for what they serve.
package lab
