package ipc

import (
	"strconv"

	"github.com/safedhcp/safedhcp/codec"
)

// Version is the protocol version this package speaks. It is the first
// byte of every message; a peer of another version is refused.
const Version uint8 = 1

// Type is the second byte of every message and says which message the
// body holds.
type Type uint8

// Message types sent by the engine (requests).
const (
	TypeHello        Type = 1
	TypeSendPayload  Type = 2
	TypeApplyLease   Type = 3
	TypeRemoveLease  Type = 4
	TypePersistLease Type = 5
	TypeProbeAddress Type = 6
	TypeLog          Type = 7
	TypeStatus       Type = 8
)

// Message types sent by the privileged part (events).
const (
	TypeInit        Type = 64
	TypeFrame       Type = 65
	TypeProbeResult Type = 66
	TypeLinkState   Type = 67
	TypeStop        Type = 68
)

var typeNames = map[Type]string{
	TypeHello:        "Hello",
	TypeSendPayload:  "SendPayload",
	TypeApplyLease:   "ApplyLease",
	TypeRemoveLease:  "RemoveLease",
	TypePersistLease: "PersistLease",
	TypeProbeAddress: "ProbeAddress",
	TypeLog:          "Log",
	TypeStatus:       "Status",
	TypeInit:         "Init",
	TypeFrame:        "Frame",
	TypeProbeResult:  "ProbeResult",
	TypeLinkState:    "LinkState",
	TypeStop:         "Stop",
}

// String returns the message name, or "Type(N)" for an unknown type.
func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}

	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Fixed bounds of the protocol. Encoders refuse and decoders reject
// anything larger.
const (
	// MaxMessageLen bounds one datagram. Every message fits.
	MaxMessageLen = 16384

	// MaxFrameLen bounds a received Ethernet frame: a 9000-byte jumbo
	// payload, the Ethernet header and one VLAN tag.
	MaxFrameLen = 9018

	// MaxPayloadLen bounds a DHCP payload to send: the largest UDP
	// payload of a 9000-byte jumbo frame (codec.MaxMessageLen).
	MaxPayloadLen = codec.MaxMessageLen

	// MinPayloadLen is the shortest DHCP message: the BOOTP header and
	// the magic cookie (RFC 2131 section 2).
	MinPayloadLen = codec.MinLen

	// MaxPersistLen bounds the opaque lease bytes the engine persists.
	MaxPersistLen = 4096

	// MaxRouters, MaxRoutes, MaxDNS and MaxSearch bound the lists of
	// an ApplyLease.
	MaxRouters = 8
	MaxRoutes  = 32
	MaxDNS     = 8
	MaxSearch  = 8

	// MaxNameLen bounds a DNS name in text form (RFC 1035 section
	// 2.3.4: 255 octets on the wire, 253 characters without the root).
	MaxNameLen = 253

	// MaxIfNameLen bounds an interface name (Linux IFNAMSIZ minus NUL).
	MaxIfNameLen = 15

	// MaxHWAddrLen bounds a hardware address: the chaddr field of
	// RFC 2131 section 2.
	MaxHWAddrLen = 16

	// MaxOptionLen bounds a client id or vendor class value (RFC 2132
	// sections 9.13 and 9.14).
	MaxOptionLen = 255

	// MaxLogMsgLen, MaxLogAttrs, MaxLogKeyLen and MaxLogValueLen bound
	// a Log request.
	MaxLogMsgLen   = 512
	MaxLogAttrs    = 8
	MaxLogKeyLen   = 32
	MaxLogValueLen = 256

	// MaxReasonLen bounds the reason text of a Status request.
	MaxReasonLen = 256
)

// Infinite is the lifetime of a lease that never expires (RFC 2131
// section 3.3).
const Infinite uint32 = 0xffffffff
