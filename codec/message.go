package codec

import "net/netip"

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
// section 3, RFC 2132 section 2).
var Cookie = [4]byte{99, 130, 83, 99}

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
}
