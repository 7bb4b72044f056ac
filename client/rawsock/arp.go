package rawsock

import (
	"encoding/binary"
	"errors"
	"net/netip"
)

// ARP field values for Ethernet and IPv4 (RFC 826).
const (
	arpLen       = 28
	arpHWEther   = 1
	arpProtoIPv4 = 0x0800
	arpRequest   = 1
	arpReply     = 2
)

// errARP reports an ARP packet that is not Ethernet/IPv4 or is truncated.
var errARP = errors.New("rawsock: not an ethernet/ipv4 arp packet")

// arpPacket is an Ethernet/IPv4 ARP packet (RFC 826).
type arpPacket struct {
	op                   uint16
	senderMAC, targetMAC [6]byte
	senderIP, targetIP   netip.Addr
}

// appendARP appends the wire form of p to b.
func appendARP(b []byte, p arpPacket) []byte {
	b = binary.BigEndian.AppendUint16(b, arpHWEther)
	b = binary.BigEndian.AppendUint16(b, arpProtoIPv4)
	b = append(b, 6, 4)
	b = binary.BigEndian.AppendUint16(b, p.op)
	sip, tip := p.senderIP.As4(), p.targetIP.As4()
	b = append(b, p.senderMAC[:]...)
	b = append(b, sip[:]...)
	b = append(b, p.targetMAC[:]...)

	return append(b, tip[:]...)
}

// parseARP decodes an Ethernet/IPv4 ARP packet; bytes after it (Ethernet
// padding) are ignored.
func parseARP(b []byte) (arpPacket, error) {
	if len(b) < arpLen ||
		binary.BigEndian.Uint16(b[0:2]) != arpHWEther ||
		binary.BigEndian.Uint16(b[2:4]) != arpProtoIPv4 ||
		b[4] != 6 || b[5] != 4 {
		return arpPacket{}, errARP
	}
	p := arpPacket{
		op:        binary.BigEndian.Uint16(b[6:8]),
		senderMAC: [6]byte(b[8:14]),
		senderIP:  netip.AddrFrom4([4]byte(b[14:18])),
		targetMAC: [6]byte(b[18:24]),
		targetIP:  netip.AddrFrom4([4]byte(b[24:28])),
	}

	return p, nil
}

// probePacket returns the ARP probe for addr (RFC 5227 section 2.1.1):
// a request with our hardware address, sender IP 0.0.0.0 and the target
// hardware address zero.
func probePacket(mac [6]byte, addr netip.Addr) arpPacket {
	return arpPacket{
		op:        arpRequest,
		senderMAC: mac,
		senderIP:  netip.IPv4Unspecified(),
		targetIP:  addr,
	}
}

// announcePacket returns the ARP announcement of addr (RFC 5227 section
// 2.3): a request like a probe, but with addr as the sender IP too.
func announcePacket(mac [6]byte, addr netip.Addr) arpPacket {
	p := probePacket(mac, addr)
	p.senderIP = addr

	return p
}

// conflicts reports whether p, received while probing addr from mac,
// shows that another host uses or wants addr (RFC 5227 section 2.1.1):
// any ARP packet whose sender IP is addr, or an ARP probe for addr from
// another hardware address.
func conflicts(p arpPacket, mac [6]byte, addr netip.Addr) bool {
	if p.senderMAC == mac {
		return false // our own probe, looped back
	}
	if p.senderIP == addr {
		return true
	}

	return p.op == arpRequest && p.targetIP == addr &&
		p.senderIP == netip.IPv4Unspecified()
}
