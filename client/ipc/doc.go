// Package ipc is the protocol between the unprivileged engine and the
// privileged part of dhcp-client. The two talk over one SOCK_SEQPACKET
// socketpair, one message per datagram.
//
// Every message starts with two bytes: the protocol Version and its Type.
// The body follows in a fixed field order: integers big-endian, booleans
// one byte (0 or 1), IPv4 addresses four bytes, prefixes four bytes and a
// length, byte strings and text a 16-bit length then the bytes, lists an
// 8-bit count then the elements. Every length and count has a fixed
// maximum (see the Max constants), so no message exceeds MaxMessageLen.
//
// Decoding is strict: a wrong version, an unknown type, a type sent in the
// wrong direction, a short body, trailing bytes, a boolean other than 0 or
// 1, text that is not UTF-8 or any length or count over its bound is an
// error naming the message and the field (a *FieldError). Whatever decodes
// re-encodes to the same bytes.
//
// The engine sends Requests: Hello, SendPayload, ApplyLease, RemoveLease,
// PersistLease, ProbeAddress, Log and Status. The privileged part sends
// Events: Init, Frame, ProbeResult, LinkState and Stop. The exchange starts
// with the engine's Hello and the privileged part's Init.
//
// Decoding only checks the shape of a message. Before it acts on a request
// the privileged part calls its Validate method with a Policy: the address
// rules of RFC 1122 section 3.2.1.3 and RFC 5735, on-link routers
// (RFC 2131 section 3.5, RFC 3442), valid names (RFC 1123 section 2.1),
// an MTU of at least 576 (MinMTU, RFC 791 section 3.1) and a BOOTREQUEST
// from our own hardware address (RFC 2131 section 2). A request that
// fails validation must not be applied at all.
//
// The package is pure Go and does no I/O except the datagram helpers in
// conn_linux.go.
package ipc
