package frame

import (
	"encoding/binary"
	"net/netip"
)

// Header sizes and field values used by Parse and Build.
const (
	// EthernetHeaderLen is the length of an untagged Ethernet II header.
	EthernetHeaderLen = 14
	// IPv4HeaderLen is the length of an IPv4 header without options
	// (RFC 791 section 3.1).
	IPv4HeaderLen = 20
	// UDPHeaderLen is the length of a UDP header (RFC 768).
	UDPHeaderLen = 8
	// HeadersLen is the length of the headers Build writes before the
	// payload.
	HeadersLen = EthernetHeaderLen + IPv4HeaderLen + UDPHeaderLen

	// ClientPort is the DHCP client UDP port (RFC 2131 section 4.1).
	ClientPort = 68
	// ServerPort is the DHCP server UDP port (RFC 2131 section 4.1).
	ServerPort = 67

	etherTypeIPv4 = 0x0800
	protoUDP      = 17
	flagMF        = 0x2000
	flagDF        = 0x4000
	offsetMask    = 0x1fff
)

// Frame is a parsed Ethernet II + IPv4 + UDP frame.
type Frame struct {
	// DstMAC and SrcMAC are the Ethernet destination and source addresses.
	DstMAC, SrcMAC [6]byte
	// Src and Dst are the IPv4 source and destination addresses.
	Src, Dst netip.Addr
	// SrcPort and DstPort are the UDP ports.
	SrcPort, DstPort uint16
	// Payload is the UDP payload. It aliases the slice given to Parse.
	Payload []byte
}

// Parse checks b as an untagged Ethernet II frame carrying an unfragmented
// IPv4 UDP datagram to port 68 and returns its fields. Ethernet padding
// after the IPv4 total length is ignored. A UDP checksum of zero means the
// sender computed none (RFC 768) and is accepted. On failure Parse returns
// one of the package's sentinel errors. It does not allocate.
func Parse(b []byte) (Frame, error) {
	return parse(b, true)
}

// ParseOffloaded is Parse for a frame whose UDP checksum the sender left
// to hardware offload and never computed, so that the field holds only a
// partial sum. The kernel marks such frames TP_STATUS_CSUMNOTREADY on an
// AF_PACKET socket; they come from the same host (a veth pair, a bridge
// to a local server), never from the wire. Everything but the UDP
// checksum is checked as in Parse.
func ParseOffloaded(b []byte) (Frame, error) {
	return parse(b, false)
}

// parse implements Parse and, without verifyUDP, ParseOffloaded.
func parse(b []byte, verifyUDP bool) (Frame, error) {
	var f Frame
	if len(b) < EthernetHeaderLen {
		return f, ErrTruncated
	}
	if binary.BigEndian.Uint16(b[12:14]) != etherTypeIPv4 {
		return f, ErrEtherType
	}
	copy(f.DstMAC[:], b[0:6])
	copy(f.SrcMAC[:], b[6:12])

	ip, err := parseIPv4(b[EthernetHeaderLen:], &f)
	if err != nil {
		return Frame{}, err
	}

	if err := parseUDP(ip, &f, verifyUDP); err != nil {
		return Frame{}, err
	}

	return f, nil
}

// parseIPv4 checks the IPv4 header at the start of b, fills the addresses
// in f and returns the IPv4 payload without Ethernet padding.
func parseIPv4(b []byte, f *Frame) ([]byte, error) {
	if len(b) < IPv4HeaderLen {
		return nil, ErrTruncated
	}
	if b[0]>>4 != 4 {
		return nil, ErrIPVersion
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < IPv4HeaderLen {
		return nil, ErrIPHeaderLength
	}
	if len(b) < ihl {
		return nil, ErrTruncated
	}
	total := int(binary.BigEndian.Uint16(b[2:4]))
	if total < ihl {
		return nil, ErrIPHeaderLength
	}
	if len(b) < total {
		return nil, ErrTruncated
	}
	if checksum(b[:ihl], 0) != 0 {
		return nil, ErrIPChecksum
	}
	frag := binary.BigEndian.Uint16(b[6:8])
	if frag&flagMF != 0 || frag&offsetMask != 0 {
		return nil, ErrFragment
	}
	if b[9] != protoUDP {
		return nil, ErrNotUDP
	}

	f.Src = netip.AddrFrom4([4]byte(b[12:16]))
	f.Dst = netip.AddrFrom4([4]byte(b[16:20]))

	return b[ihl:total], nil
}

// parseUDP checks the UDP datagram b, which is the whole IPv4 payload, and
// fills the ports and payload in f. It verifies a non-zero checksum only
// if verify is set.
func parseUDP(b []byte, f *Frame, verify bool) error {
	if len(b) < UDPHeaderLen {
		return ErrTruncated
	}
	if int(binary.BigEndian.Uint16(b[4:6])) != len(b) {
		return ErrUDPLength
	}
	if verify && binary.BigEndian.Uint16(b[6:8]) != 0 {
		sum := pseudoHeaderSum(f.Src, f.Dst, len(b))
		if checksum(b, sum) != 0 {
			return ErrUDPChecksum
		}
	}
	f.SrcPort = binary.BigEndian.Uint16(b[0:2])
	f.DstPort = binary.BigEndian.Uint16(b[2:4])
	if f.DstPort != ClientPort {
		return ErrPort
	}
	f.Payload = b[UDPHeaderLen:]

	return nil
}
