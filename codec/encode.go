package codec

import (
	"encoding/binary"
	"net/netip"
	"strconv"
)

// refusedError reports an option Append does not encode. Being one byte
// wide, it converts to an error without allocating.
type refusedError OptionCode

// Error names the option.
func (e refusedError) Error() string {
	return "codec: option " + strconv.Itoa(int(e)) + " not encodable"
}

// Unwrap returns ErrMalformed.
func (e refusedError) Unwrap() error { return ErrMalformed }

// maxChunk is the longest value one option instance carries (RFC 2132
// section 2); longer values are split (RFC 3396 section 5).
const maxChunk = 255

// Append encodes m after dst and returns the extended slice. maxLen is the
// largest message the peer accepts, its option 57 (RFC 2132 section
// 9.10); 0 means DefaultMaxLen, and values above MaxMessageLen are capped.
// The options are written in m.Options order, each value longer than 255
// bytes split into consecutive instances (RFC 3396 section 5), followed by
// End and zero padding up to MinEncodedLen bytes (RFC 1542 section 2.1).
// The encoder never overloads sname or file, so option 52 is refused.
//
// Append writes nothing and returns dst unchanged with an error when m
// cannot be encoded: an error wrapping ErrMalformed for option 52,
// ErrMalformed for a header address that is not IPv4 (the zero Addr
// encodes as 0.0.0.0), ErrTooLong when the message exceeds maxLen. It
// allocates only when dst lacks the capacity.
func (m *Message) Append(dst []byte, maxLen int) ([]byte, error) {
	switch {
	case maxLen == 0:
		maxLen = DefaultMaxLen
	case maxLen > MaxMessageLen:
		maxLen = MaxMessageLen
	}

	for _, a := range [...]netip.Addr{m.CIAddr, m.YIAddr, m.SIAddr, m.GIAddr} {
		if a.IsValid() && !a.Is4() {
			return dst, ErrMalformed
		}
	}
	if m.Options.Has(OptOverload) {
		return dst, refusedError(OptOverload)
	}

	n := m.encodedLen()
	if n > maxLen {
		return dst, ErrTooLong
	}

	start := len(dst)
	dst = m.appendHeader(dst)
	for c, v := range m.Options.All() {
		dst = appendOption(dst, c, v)
	}
	dst = append(dst, byte(OptEnd))
	for len(dst)-start < MinEncodedLen {
		dst = append(dst, 0)
	}

	return dst, nil
}

// encodedLen returns the length Append produces for m.
func (m *Message) encodedLen() int {
	n := MinLen + 1 // header, cookie, End
	for _, v := range m.Options.All() {
		chunks := (len(v) + maxChunk - 1) / maxChunk
		n += 2*max(chunks, 1) + len(v)
	}

	return max(n, MinEncodedLen)
}

// appendHeader appends the fixed header and the magic cookie.
func (m *Message) appendHeader(dst []byte) []byte {
	dst = append(dst, byte(m.Op), m.HType, m.HLen, m.Hops)
	dst = binary.BigEndian.AppendUint32(dst, m.XID)
	dst = binary.BigEndian.AppendUint16(dst, m.Secs)
	dst = binary.BigEndian.AppendUint16(dst, m.Flags)
	for _, a := range [...]netip.Addr{m.CIAddr, m.YIAddr, m.SIAddr, m.GIAddr} {
		dst = appendAddr(dst, a)
	}
	dst = append(dst, m.CHAddr[:]...)
	dst = append(dst, m.SName[:]...)
	dst = append(dst, m.File[:]...)

	return append(dst, Cookie[:]...)
}

// appendAddr appends the IPv4 address a, or 0.0.0.0 for the zero Addr.
func appendAddr(dst []byte, a netip.Addr) []byte {
	if !a.IsValid() {
		return append(dst, 0, 0, 0, 0)
	}
	b := a.As4()

	return append(dst, b[:]...)
}

// appendOption appends option c with value v, split into instances of at
// most 255 bytes (RFC 3396 section 5). An empty value is one instance of
// length 0.
func appendOption(dst []byte, c OptionCode, v []byte) []byte {
	for {
		k := min(len(v), maxChunk)
		dst = append(dst, byte(c), byte(k))
		dst = append(dst, v[:k]...)
		v = v[k:]
		if len(v) == 0 {
			return dst
		}
	}
}
