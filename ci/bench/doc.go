// Package bench compares the safedhcp codec with other Go DHCPv4 codecs
// (gopacket's layers.DHCPv4, insomniacslk/dhcp/dhcpv4 and krolaw/dhcp4)
// on the same real dnsmasq DHCPACK from testdata/captures (RFC 2131
// section 3.1), reading the same fields with each. It is a separate
// module so that the peers stay out of safedhcp's go.mod. README.md has
// the results and the command that made them.
package bench
