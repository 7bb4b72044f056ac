package frame

import (
	"encoding/binary"
	"net/netip"
)

// BroadcastMAC is the Ethernet broadcast address.
var BroadcastMAC = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// MaxPayloadLen is the largest UDP payload one IPv4 datagram can carry
// without options.
const MaxPayloadLen = 0xffff - IPv4HeaderLen - UDPHeaderLen

// BuildParams describes the frame Build writes.
type BuildParams struct {
	// DstMAC and SrcMAC are the Ethernet destination and source addresses.
	DstMAC, SrcMAC [6]byte
	// Src and Dst are the IPv4 source and destination; both must be IPv4.
	Src, Dst netip.Addr
	// SrcPort and DstPort are the UDP ports.
	SrcPort, DstPort uint16
	// ID is the IPv4 identification field (RFC 791 section 3.1).
	ID uint16
	// Payload is the UDP payload, at most MaxPayloadLen bytes.
	Payload []byte
}

// Broadcast returns the BuildParams for a DHCP client message sent before
// the client has an address: from 0.0.0.0:68 to 255.255.255.255:67 and the
// Ethernet broadcast address (RFC 2131 section 4.1).
func Broadcast(srcMAC [6]byte, payload []byte) BuildParams {
	return BuildParams{
		DstMAC:  BroadcastMAC,
		SrcMAC:  srcMAC,
		Src:     netip.IPv4Unspecified(),
		Dst:     netip.AddrFrom4([4]byte{255, 255, 255, 255}),
		SrcPort: ClientPort,
		DstPort: ServerPort,
		Payload: payload,
	}
}

// Build appends to dst an Ethernet II frame carrying an IPv4 UDP datagram
// described by p and returns the extended slice. The IPv4 header has no
// options, TTL 64 and the don't-fragment flag (RFC 791 section 3.1); both
// the IPv4 header checksum and the UDP checksum (RFC 768) are filled in.
// It returns ErrBuild for a non-IPv4 address or an oversized payload.
func Build(dst []byte, p BuildParams) ([]byte, error) {
	if !p.Src.Is4() || !p.Dst.Is4() || len(p.Payload) > MaxPayloadLen {
		return dst, ErrBuild
	}
	udpLen := UDPHeaderLen + len(p.Payload)
	start := len(dst)
	dst = append(dst, make([]byte, HeadersLen)...)
	dst = append(dst, p.Payload...)
	b := dst[start:]

	copy(b[0:6], p.DstMAC[:])
	copy(b[6:12], p.SrcMAC[:])
	binary.BigEndian.PutUint16(b[12:14], etherTypeIPv4)

	ip := b[EthernetHeaderLen:]
	src, dstIP := p.Src.As4(), p.Dst.As4()
	ip[0] = 4<<4 | IPv4HeaderLen/4
	binary.BigEndian.PutUint16(ip[2:4], uint16(IPv4HeaderLen+udpLen))
	binary.BigEndian.PutUint16(ip[4:6], p.ID)
	binary.BigEndian.PutUint16(ip[6:8], flagDF)
	ip[8] = 64
	ip[9] = protoUDP
	copy(ip[12:16], src[:])
	copy(ip[16:20], dstIP[:])
	binary.BigEndian.PutUint16(ip[10:12], checksum(ip[:IPv4HeaderLen], 0))

	udp := ip[IPv4HeaderLen:]
	binary.BigEndian.PutUint16(udp[0:2], p.SrcPort)
	binary.BigEndian.PutUint16(udp[2:4], p.DstPort)
	binary.BigEndian.PutUint16(udp[4:6], uint16(udpLen))
	sum := checksum(udp, pseudoHeaderSum(p.Src, p.Dst, udpLen))
	if sum == 0 {
		// RFC 768: a computed zero is sent as all ones.
		sum = 0xffff
	}
	binary.BigEndian.PutUint16(udp[6:8], sum)

	return dst, nil
}
