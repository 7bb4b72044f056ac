package rawsock

import "golang.org/x/net/bpf"

// Offsets into an untagged Ethernet II frame (IEEE 802.3) and its IPv4
// header (RFC 791 section 3.1).
const (
	offEtherType = 12
	offIP        = 14
	offIPFrag    = offIP + 6
	offIPProto   = offIP + 9
	offUDPDst    = 2 // from the start of the UDP header
)

// Filter returns the classic BPF program Open attaches: it accepts whole
// frames that are IPv4 (ethertype 0x0800, version 4), UDP (protocol 17),
// not a fragment (RFC 791 section 3.2: MF clear, offset zero) and sent to
// the DHCP client port 68 (RFC 2131 section 4.1), and drops everything
// else. The header length is taken from IHL, so IPv4 options are allowed.
func Filter() []bpf.Instruction {
	return []bpf.Instruction{
		// 0: Ethernet type IPv4.
		bpf.LoadAbsolute{Off: offEtherType, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: 0x0800, SkipTrue: 10},
		// 2: IP version 4.
		bpf.LoadAbsolute{Off: offIP, Size: 1},
		bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0xf0},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: 0x40, SkipTrue: 7},
		// 5: protocol UDP.
		bpf.LoadAbsolute{Off: offIPProto, Size: 1},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: 17, SkipTrue: 5},
		// 7: no more-fragments flag and no fragment offset.
		bpf.LoadAbsolute{Off: offIPFrag, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x3fff, SkipTrue: 3},
		// 9: X = IPv4 header length; UDP destination port 68.
		bpf.LoadMemShift{Off: offIP},
		bpf.LoadIndirect{Off: offIP + offUDPDst, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 68, SkipTrue: 1},
		// 12: drop.
		bpf.RetConstant{Val: 0},
		// 13: accept the whole frame.
		bpf.RetConstant{Val: 0xffffffff},
	}
}

// arpFilter returns the classic BPF program of the ARP sockets of Probe
// and Announce, which receive the ARP packet without its Ethernet header:
// it accepts Ethernet/IPv4 ARP (RFC 826: hardware type 1, protocol type
// 0x0800, address lengths 6 and 4) and drops everything else.
func arpFilter() []bpf.Instruction {
	return []bpf.Instruction{
		// 0: hardware type Ethernet.
		bpf.LoadAbsolute{Off: 0, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: arpHWEther, SkipTrue: 5},
		// 2: protocol type IPv4.
		bpf.LoadAbsolute{Off: 2, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: arpProtoIPv4, SkipTrue: 3},
		// 4: hardware and protocol address lengths 6 and 4.
		bpf.LoadAbsolute{Off: 4, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: 0x0604, SkipTrue: 1},
		// 6: accept the whole packet.
		bpf.RetConstant{Val: 0xffffffff},
		// 7: drop.
		bpf.RetConstant{Val: 0},
	}
}
