package frame

import (
	"encoding/binary"
	"net/netip"
)

// checksum returns the Internet checksum (RFC 1071) of b, starting from the
// partial one's-complement sum initial. Over a header that holds its own
// correct checksum the result is zero.
func checksum(b []byte, initial uint32) uint16 {
	sum := initial
	for len(b) >= 2 {
		sum += uint32(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}

	return ^uint16(sum)
}

// pseudoHeaderSum returns the partial sum of the IPv4 pseudo header that
// the UDP checksum covers (RFC 768): addresses, protocol and UDP length.
func pseudoHeaderSum(src, dst netip.Addr, udpLen int) uint32 {
	s, d := src.As4(), dst.As4()
	sum := uint32(binary.BigEndian.Uint16(s[0:2]))
	sum += uint32(binary.BigEndian.Uint16(s[2:4]))
	sum += uint32(binary.BigEndian.Uint16(d[0:2]))
	sum += uint32(binary.BigEndian.Uint16(d[2:4]))
	sum += protoUDP
	sum += uint32(udpLen)

	return sum
}
