package codec

import (
	"net/netip"
	"strconv"
)

// Sizes of the wire format (RFC 2131 section 2).
const (
	// HeaderLen is the length of the fixed BOOTP header, up to and
	// excluding the magic cookie.
	HeaderLen = 236

	// MinLen is the shortest valid message: the header and the cookie.
	MinLen = HeaderLen + 4

	// MaxMessageLen is the longest message Decode accepts. It covers a
	// full UDP payload on a 9000-byte jumbo frame; a DHCP server sends
	// at most the client's option 57, and 576 bytes without it.
	MaxMessageLen = 8972

	// DefaultMaxLen is the size every DHCP host must accept (RFC 2131
	// section 2): the encoder's limit when the peer sent no option 57.
	DefaultMaxLen = 576

	// MinEncodedLen is the length the encoder pads a message to, for
	// relay agents that drop shorter BOOTP messages (RFC 1542 section 2.1).
	MinEncodedLen = 300
)

// Cookie is the magic cookie that starts the options field (RFC 2131
// section 3, RFC 2132 section 2): 99, 130, 83, 99.
const Cookie = "\x63\x82\x53\x63"

// OpCode is the BOOTP op field.
type OpCode uint8

// Op codes (RFC 951, RFC 2131 section 2).
const (
	BootRequest OpCode = 1
	BootReply   OpCode = 2
)

// FlagBroadcast is the broadcast bit of the flags field (RFC 2131
// section 2, figure 2).
const FlagBroadcast uint16 = 0x8000

// MessageType is the value of option 53 (RFC 2132 section 9.6, RFC 4388
// and later registry entries).
type MessageType uint8

// Message types (RFC 2132 section 9.6).
const (
	Discover MessageType = 1
	Offer    MessageType = 2
	Request  MessageType = 3
	Decline  MessageType = 4
	Ack      MessageType = 5
	Nak      MessageType = 6
	Release  MessageType = 7
	Inform   MessageType = 8
)

// Message is a decoded DHCPv4 message. Its fields are the BOOTP header of
// RFC 2131 section 2; Options holds the options from the options field and,
// under option overload, from File and SName. The zero Message is ready to
// fill and encode. Addresses decoded from the wire are always IPv4.
type Message struct {
	Op     OpCode
	HType  uint8
	HLen   uint8
	Hops   uint8
	XID    uint32
	Secs   uint16
	Flags  uint16
	CIAddr netip.Addr
	YIAddr netip.Addr
	SIAddr netip.Addr
	GIAddr netip.Addr
	CHAddr [16]byte
	SName  [64]byte
	File   [128]byte

	Options Options

	err OptionError // the error Decode last returned; see Decode
}

// Reset clears m to the zero Message, keeping the storage of its Options
// so a reused Message allocates nothing.
func (m *Message) Reset() {
	m.Op, m.HType, m.HLen, m.Hops = 0, 0, 0, 0
	m.XID, m.Secs, m.Flags = 0, 0, 0
	m.CIAddr, m.YIAddr = netip.Addr{}, netip.Addr{}
	m.SIAddr, m.GIAddr = netip.Addr{}, netip.Addr{}
	m.CHAddr = [16]byte{}
	m.SName = [64]byte{}
	m.File = [128]byte{}
	m.Options.Reset()
}

// HWAddr returns the client hardware address, CHAddr[:HLen] (RFC 2131
// section 2), with HLen capped at 16, the size of the chaddr field. The
// slice aliases m.
func (m *Message) HWAddr() []byte {
	return m.CHAddr[:min(int(m.HLen), len(m.CHAddr))]
}

// Equal reports whether m and n have the same header fields (RFC 2131
// section 2) and equal Options. The zero Addr equals 0.0.0.0, since both
// encode the same way.
func (m *Message) Equal(n *Message) bool {
	return m.Op == n.Op && m.HType == n.HType && m.HLen == n.HLen &&
		m.Hops == n.Hops && m.XID == n.XID && m.Secs == n.Secs &&
		m.Flags == n.Flags &&
		sameAddr(m.CIAddr, n.CIAddr) && sameAddr(m.YIAddr, n.YIAddr) &&
		sameAddr(m.SIAddr, n.SIAddr) && sameAddr(m.GIAddr, n.GIAddr) &&
		m.CHAddr == n.CHAddr && m.SName == n.SName && m.File == n.File &&
		m.Options.Equal(&n.Options)
}

// sameAddr compares header addresses, the zero Addr standing for 0.0.0.0.
func sameAddr(a, b netip.Addr) bool {
	if !a.IsValid() {
		a = netip.IPv4Unspecified()
	}
	if !b.IsValid() {
		b = netip.IPv4Unspecified()
	}

	return a == b
}

// String returns the RFC 2132 section 9.6 name of t, such as "DHCPACK",
// or "DHCP(n)" for a type this package does not name.
func (t MessageType) String() string {
	names := [...]string{
		Discover: "DHCPDISCOVER", Offer: "DHCPOFFER",
		Request: "DHCPREQUEST", Decline: "DHCPDECLINE",
		Ack: "DHCPACK", Nak: "DHCPNAK",
		Release: "DHCPRELEASE", Inform: "DHCPINFORM",
	}
	if int(t) < len(names) && names[t] != "" {
		return names[t]
	}

	return "DHCP(" + strconv.Itoa(int(t)) + ")"
}
