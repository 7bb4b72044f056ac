package codec

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// addrCmp lets cmp compare netip values.
var addrCmp = cmp.Options{
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

// rawHeader returns the 240 bytes of a BOOTREPLY header with cookie: xid
// 0xdeadbeef, yiaddr 192.168.1.50, siaddr 192.168.1.1, an Ethernet chaddr
// 02:00:00:00:00:01 and empty sname and file.
func rawHeader() []byte {
	b := make([]byte, MinLen)
	copy(b, []byte{
		2, 1, 6, 0, // op, htype, hlen, hops
		0xde, 0xad, 0xbe, 0xef, // xid
		0, 3, 0x80, 0, // secs 3, flags broadcast
		0, 0, 0, 0, // ciaddr
		192, 168, 1, 50, // yiaddr
		192, 168, 1, 1, // siaddr
		0, 0, 0, 0, // giaddr
		2, 0, 0, 0, 0, 1, // chaddr
	})
	copy(b[HeaderLen:], Cookie[:])

	return b
}

// packet returns rawHeader followed by the raw option bytes opts.
func packet(opts ...byte) []byte {
	return append(rawHeader(), opts...)
}

// withFields returns p with sname and file replaced by the given bytes.
func withFields(p []byte, sname, file []byte) []byte {
	copy(p[offSName:offFile], sname)
	copy(p[offFile:offCookie], file)

	return p
}

// ackOpts are the options of an ACK as dnsmasq 2.90 sends it: type,
// server id, lease, T1, T2, mask, broadcast, router, DNS, domain, end.
var ackOpts = []byte{
	53, 1, 5,
	54, 4, 192, 168, 1, 1,
	51, 4, 0, 0, 0x0e, 0x10,
	58, 4, 0, 0, 0x07, 0x08,
	59, 4, 0, 0, 0x0c, 0x4e,
	1, 4, 255, 255, 255, 0,
	28, 4, 192, 168, 1, 255,
	3, 4, 192, 168, 1, 1,
	6, 8, 192, 168, 1, 1, 1, 1, 1, 1,
	15, 3, 'l', 'a', 'n',
	255,
}

// ackPacket is a hand-made ACK built like dnsmasq's.
func ackPacket() []byte {
	p := packet(ackOpts...)
	for len(p) < MinEncodedLen {
		p = append(p, 0)
	}

	return p
}

// opt is one option as a test expects it.
type opt struct {
	Code  OptionCode
	Value []byte
}

// optList returns o's options in order, for comparison with cmp.Diff.
func optList(o *Options) []opt {
	var l []opt
	for c, v := range o.All() {
		l = append(l, opt{c, append([]byte{}, v...)})
	}

	return l
}

// decode decodes p into a new Message and fails t on error.
func decode(t *testing.T, p []byte) *Message {
	t.Helper()
	m := new(Message)
	if err := m.Decode(p); err != nil {
		t.Fatalf("Decode: %v", err)
	}

	return m
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
