package codec

import (
	"encoding/binary"
	"net/netip"
	"slices"
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

	if !headerAddr(m.CIAddr) || !headerAddr(m.YIAddr) ||
		!headerAddr(m.SIAddr) || !headerAddr(m.GIAddr) {
		return dst, ErrMalformed
	}
	if m.Options.Has(OptOverload) {
		return dst, refusedError(OptOverload)
	}

	n := m.encodedLen()
	if n > maxLen {
		return dst, ErrTooLong
	}

	start := len(dst)
	dst = slices.Grow(dst, n)[:start+n]
	m.put(dst[start:])

	return dst, nil
}

// put writes m into b, which is exactly encodedLen bytes long: header,
// cookie, options, End and zero padding.
func (m *Message) put(b []byte) {
	m.putHeader(b)
	i := MinLen
	o := &m.Options
	for _, c := range o.order[:o.count] {
		s := o.spans[c]
		i = putOption(b, i, c, o.data[s.off:][:s.n])
	}
	b[i] = byte(OptEnd)
	clear(b[i+1:])
}

// headerAddr reports whether a can fill a header address field: IPv4, or
// the zero Addr standing for 0.0.0.0.
func headerAddr(a netip.Addr) bool { return !a.IsValid() || a.Is4() }

// encodedLen returns the length Append produces for m.
func (m *Message) encodedLen() int {
	n := MinLen + 1 // header, cookie, End
	o := &m.Options
	for _, c := range o.order[:o.count] {
		v := int(o.spans[c].n)
		n += 2 + v
		if v > maxChunk { // rare: RFC 3396 instances
			n += 2 * ((v - 1) / maxChunk)
		}
	}

	return max(n, MinEncodedLen)
}

// putHeader writes the fixed header and the magic cookie into b[:MinLen].
func (m *Message) putHeader(b []byte) {
	b = b[:MinLen]
	b[0], b[1], b[2], b[3] = byte(m.Op), m.HType, m.HLen, m.Hops
	binary.BigEndian.PutUint32(b[4:], m.XID)
	binary.BigEndian.PutUint16(b[8:], m.Secs)
	binary.BigEndian.PutUint16(b[10:], m.Flags)
	putAddr(b[12:], m.CIAddr)
	putAddr(b[16:], m.YIAddr)
	putAddr(b[20:], m.SIAddr)
	putAddr(b[24:], m.GIAddr)
	copy(b[28:offSName], m.CHAddr[:])
	copy(b[offSName:offFile], m.SName[:])
	copy(b[offFile:offCookie], m.File[:])
	copy(b[offCookie:], Cookie)
}

// putAddr writes the IPv4 address a, or 0.0.0.0 for the zero Addr, into
// b[:4].
func putAddr(b []byte, a netip.Addr) {
	if !a.IsValid() {
		a = netip.IPv4Unspecified()
	}
	*(*[4]byte)(b) = a.As4()
}

// putOption writes option c with value v into b at i, split into
// instances of at most 255 bytes (RFC 3396 section 5), and returns the
// offset after it. An empty value is one instance of length 0. The
// caller has sized b with encodedLen.
func putOption(b []byte, i int, c OptionCode, v []byte) int {
	for {
		k := min(len(v), maxChunk)
		b[i], b[i+1] = byte(c), byte(k)
		i += 2 + copy(b[i+2:], v[:k])
		v = v[k:]
		if len(v) == 0 {
			return i
		}
	}
}
