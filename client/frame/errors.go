package frame

import (
	"errors"
	"fmt"
	"io"
)

// The errors Parse and Build return. Parse returns them unwrapped so that it
// does not allocate; callers count drops per reason with errors.Is.
var (
	// ErrTruncated reports a frame shorter than a header or than a length
	// field claims. It wraps io.ErrUnexpectedEOF.
	ErrTruncated = fmt.Errorf("frame: truncated: %w", io.ErrUnexpectedEOF)

	// ErrEtherType reports an Ethernet type other than IPv4 (0x0800),
	// including an IEEE 802.1Q or 802.1ad VLAN tag.
	ErrEtherType = errors.New("frame: ethertype is not ipv4")

	// ErrIPVersion reports an IP version field other than 4 (RFC 791
	// section 3.1).
	ErrIPVersion = errors.New("frame: ip version is not 4")

	// ErrIPHeaderLength reports an IPv4 header length (IHL) below 5 words or
	// a total length shorter than the header (RFC 791 section 3.1).
	ErrIPHeaderLength = errors.New("frame: bad ipv4 header or total length")

	// ErrIPChecksum reports an IPv4 header checksum that does not verify
	// (RFC 791 section 3.1).
	ErrIPChecksum = errors.New("frame: bad ipv4 header checksum")

	// ErrFragment reports an IPv4 fragment: more-fragments set or a non-zero
	// fragment offset (RFC 791 section 3.2). DHCP never needs reassembly.
	ErrFragment = errors.New("frame: ipv4 fragment")

	// ErrNotUDP reports an IPv4 protocol other than UDP (17).
	ErrNotUDP = errors.New("frame: ip protocol is not udp")

	// ErrUDPLength reports a UDP length field below 8 or different from
	// the IPv4 payload length (RFC 768).
	ErrUDPLength = errors.New("frame: bad udp length")

	// ErrUDPChecksum reports a non-zero UDP checksum that does not verify
	// (RFC 768).
	ErrUDPChecksum = errors.New("frame: bad udp checksum")

	// ErrPort reports a UDP destination port other than the DHCP client
	// port 68 (RFC 2131 section 4.1).
	ErrPort = errors.New("frame: udp destination port is not 68")

	// ErrBuild reports BuildParams that cannot make a valid frame: an
	// address that is not IPv4 or a payload too large for one datagram.
	ErrBuild = errors.New("frame: bad build parameters")
)
