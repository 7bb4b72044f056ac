package main

import (
	"bytes"
	"net/netip"

	"github.com/safedhcp/safedhcp/client/frame"
)

// message returns a BOOTREPLY header (RFC 2131 section 2) for the client
// 02:00:00:00:00:01 offering 192.0.2.10, the magic cookie and opts.
func message(opts ...[]byte) []byte {
	b := make([]byte, 236, 576)
	b[0], b[1], b[2] = 2, 1, 6
	copy(b[4:8], []byte{0x12, 0x34, 0x56, 0x78})
	copy(b[16:20], []byte{192, 0, 2, 10})
	copy(b[28:34], []byte{2, 0, 0, 0, 0, 1})
	b = append(b, 99, 130, 83, 99)
	for _, o := range opts {
		b = append(b, o...)
	}

	return b
}

// opt encodes one option instance.
func opt(code byte, v ...byte) []byte {
	return append([]byte{code, byte(len(v))}, v...)
}

// offer is the options every edge case starts with: an OFFER from
// 192.0.2.1 with a lease time and a /24 mask.
var offer = [][]byte{
	opt(53, 2), opt(54, 192, 0, 2, 1), opt(51, 0, 0, 0x0e, 0x10),
	opt(1, 255, 255, 255, 0),
}

// withOffer returns offer followed by opts and End.
func withOffer(opts ...[]byte) []byte {
	all := append(append([][]byte{}, offer...), opts...)

	return message(append(all, []byte{255})...)
}

// codecEdges are hand-made messages that reach the codec's rarer paths.
func codecEdges() map[string][]byte {
	long := bytes.Repeat([]byte{'v'}, 300)
	overload := message(append(append([][]byte{}, offer...),
		opt(52, 3), []byte{255})...)
	// Options in file (RFC 2131 section 4.1), then sname.
	copy(overload[108:], append(optS(12, "host"), 255))
	copy(overload[44:], append(optS(15, "example.org"), 255))

	search := []byte("\x03eng\x07example\x03com\x00\x03lab\xc0\x04")

	return map[string][]byte{
		"edge-minimal":    message([]byte{255}),
		"edge-no-end":     message(opt(53, 2)),
		"edge-bad-cookie": append(message()[:236], 1, 2, 3, 4, 255),
		"edge-truncated":  withOffer()[:100],
		"edge-pad-only":   message(make([]byte, 40), []byte{255}),
		"edge-overload":   overload,
		"edge-long-split": withOffer(opt(43, long[:255]...),
			opt(43, long[255:]...)),
		"edge-search": withOffer(opt(119, search...)),
		"edge-classless": withOffer(opt(121, 24, 198, 51, 100, 192, 0, 2, 1,
			0, 192, 0, 2, 1)),
		"edge-ms-routes": withOffer(opt(249, 8, 10, 192, 0, 2, 1)),
		"edge-static":    withOffer(opt(33, 198, 51, 100, 0, 192, 0, 2, 1)),
		"edge-routers": withOffer(opt(3, 192, 0, 2, 1, 192, 0, 2, 2),
			opt(6, 192, 0, 2, 53), opt(42, 192, 0, 2, 123)),
		"edge-fqdn": withOffer(opt(81, append([]byte{5, 0, 0},
			"\x04host\x07example\x00"...)...)),
		"edge-user-class": withOffer(opt(77, 3, 'a', 'b', 'c', 1, 'x')),
		"edge-noncontig":  withOffer(opt(1, 255, 0, 255, 0)),
		"edge-captive":    withOffer(optS(114, "https://portal.example/")),
		"edge-v6only":     withOffer(opt(108, 0, 0, 1, 0x2c)),
		"edge-rapid":      withOffer(opt(80)),
		"edge-sizes": withOffer(opt(57, 5, 0xdc), opt(26, 5, 0x78),
			opt(28, 192, 0, 2, 255)),
		"edge-bad-name": withOffer(optS(12, "bad_name!"), optS(15, "..")),
		"edge-relay":    withOffer(opt(82, 1, 4, 'e', 't', 'h', '0')),
		"edge-times": withOffer(opt(58, 0, 0, 7, 8), opt(59, 0, 0, 0x0c, 0x4e),
			opt(51, 255, 255, 255, 255)),
		"edge-boot": withOffer(optS(66, "tftp.example"),
			optS(67, "pxelinux.0")),
		"edge-client-ids": withOffer(opt(61, 1, 2, 0, 0, 0, 0, 1),
			optS(60, "vendor"), opt(55, 1, 3, 6, 15)),
		"edge-nak": message(opt(53, 6), opt(54, 192, 0, 2, 1),
			optS(56, "wrong network"), []byte{255}),
		"edge-bad-lengths": withOffer(opt(53, 2, 2), opt(51, 1), opt(3, 1, 2, 3)),
	}
}

// frameEdges are frames around a DHCP message that reach frame.Parse's
// rarer paths: no UDP checksum, Ethernet padding, a fragment, a VLAN tag.
func frameEdges() (map[string][]byte, error) {
	b, err := frame.Build(nil, frame.BuildParams{
		DstMAC: [6]byte{2, 0, 0, 0, 0, 1}, SrcMAC: [6]byte{2, 0, 0, 0, 0, 2},
		Src:     netip.AddrFrom4([4]byte{192, 0, 2, 1}),
		Dst:     netip.AddrFrom4([4]byte{255, 255, 255, 255}),
		SrcPort: frame.ServerPort, DstPort: frame.ClientPort,
		Payload: withOffer(),
	})
	if err != nil {
		return nil, err
	}

	noSum := bytes.Clone(b)
	noSum[40], noSum[41] = 0, 0
	frag := bytes.Clone(b)
	frag[20] |= 0x20
	vlan := append(append(bytes.Clone(b[:12]), 0x81, 0, 0, 5), b[12:]...)

	return map[string][]byte{
		"edge-reply":      b,
		"edge-no-udp-sum": noSum,
		"edge-padded":     append(bytes.Clone(b), make([]byte, 18)...),
		"edge-fragment":   frag,
		"edge-vlan":       vlan,
	}, nil
}

// encodeHeader is the 44-byte header of a codec-encode seed: a
// BOOTREQUEST from 02:00:00:00:00:01 and the size limit maxLen.
func encodeHeader(maxLen uint16) []byte {
	b := make([]byte, 44)
	b[0], b[1], b[2] = 1, 1, 6
	copy(b[4:8], []byte{0x12, 0x34, 0x56, 0x78})
	copy(b[28:34], []byte{2, 0, 0, 0, 0, 1})
	b[42], b[43] = byte(maxLen>>8), byte(maxLen)

	return b
}

// encodeSeeds are setter scripts for FuzzCodecEncode (see setOptions):
// operation, code, value.
func encodeSeeds() map[string][]byte {
	discover := []byte{
		5, 53, 1, // SetMessageType(Discover)
		7, 55, 1, 0, 1, 3, 6, 15, // Set(55, 1 3 6 15)
		1, 57, 5, 0xdc, // SetUint16(57, 1500)
		3, 50, 10, // SetAddr(50, 192.0.2.10)
	}
	long := append([]byte{5, 53, 3, 7, 43, 75, 0},
		bytes.Repeat([]byte{'x'}, 300)...)

	return map[string][]byte{
		"edge-discover": append(encodeHeader(0), discover...),
		"edge-addrs": append(encodeHeader(1500),
			4, 6, 3, 4, 3, 2, 2, 51, 0, 0, 0x0e, 0x10, 6, 3, 0, 80, 0),
		"edge-long":       append(encodeHeader(1500), long...),
		"edge-too-long":   append(encodeHeader(300), long...),
		"edge-overload":   append(encodeHeader(0), 5, 53, 1, 0, 52, 3),
		"edge-pad-delete": append(encodeHeader(0), 0, 0, 0, 6, 53, 0),
	}
}

// addEdges adds the hand-made codec and frame cases.
func addEdges(c corpus) error {
	for name, b := range codecEdges() {
		c.add("codec-decode", name, b)
		c.add("codec-roundtrip", name, b)
	}
	for name, b := range encodeSeeds() {
		c.add("codec-encode", name, b)
	}
	fe, err := frameEdges()
	if err != nil {
		return err
	}
	for name, b := range fe {
		c.add("frame", name, b)
	}

	return nil
}

// optS encodes one option instance with a text value.
func optS(code byte, s string) []byte { return opt(code, []byte(s)...) }
