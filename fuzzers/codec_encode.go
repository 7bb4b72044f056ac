package fuzzers

import (
	"encoding/binary"
	"errors"
	"net/netip"

	"github.com/safedhcp/safedhcp/codec"
)

// FuzzCodecEncode builds a Message from data through the typed setters
// and checks the encoder against it: Append must refuse option 52 (the
// encoder never overloads, RFC 2131 section 4.1) and anything longer than
// maxLen with ErrTooLong, pad to MinEncodedLen (RFC 1542 section 2.1),
// split values over 255 bytes (RFC 3396), and produce bytes that decode to
// the Message it was given. The first 44 bytes are the header fields and
// the size limit; the rest is a list of setter calls (see setOptions).
func FuzzCodecEncode(data []byte) int {
	if len(data) < 44 {
		return 0
	}
	s := getScratch()
	defer scratchPool.Put(s)

	m := &s.m
	m.Reset()
	maxLen := headerFrom(m, data[:44])
	if !setOptions(&m.Options, data[44:]) {
		return 0
	}

	limit := maxLen
	switch {
	case limit == 0:
		limit = codec.DefaultMaxLen
	case limit > codec.MaxMessageLen:
		limit = codec.MaxMessageLen
	}
	need := max(encodedLen(&m.Options), codec.MinEncodedLen)

	out, err := m.Append(s.out[:0], maxLen)
	switch {
	case m.Options.Has(codec.OptOverload):
		if !errors.Is(err, codec.ErrMalformed) {
			bug("Append with option 52: %v, want ErrMalformed", err)
		}
		return 0
	case need > limit:
		if !errors.Is(err, codec.ErrTooLong) || len(out) != 0 {
			bug("Append of %d bytes over %d: %v", need, limit, err)
		}
		return 0
	case err != nil:
		bug("Append of %d bytes within %d: %v", need, limit, err)
	case len(out) != need:
		bug("Append wrote %d bytes, want %d", len(out), need)
	}

	back := &s.back
	if err := back.Decode(out); err != nil {
		bug("decode own encoding: %v", err)
	}
	if !back.Equal(m) {
		bug("decode(encode(m)) differs from m")
	}

	return 1
}

// headerFrom fills m's header from the 44 bytes b and returns the size
// limit they hold.
func headerFrom(m *codec.Message, b []byte) int {
	m.Op, m.HType, m.HLen, m.Hops = codec.OpCode(b[0]), b[1], b[2], b[3]
	m.XID = binary.BigEndian.Uint32(b[4:])
	m.Secs = binary.BigEndian.Uint16(b[8:])
	m.Flags = binary.BigEndian.Uint16(b[10:])
	m.CIAddr = netip.AddrFrom4([4]byte(b[12:16]))
	m.YIAddr = netip.AddrFrom4([4]byte(b[16:20]))
	m.SIAddr = netip.AddrFrom4([4]byte(b[20:24]))
	m.GIAddr = netip.AddrFrom4([4]byte(b[24:28]))
	copy(m.CHAddr[:], b[28:42])

	return int(binary.BigEndian.Uint16(b[42:]))
}

// setOptions applies the setter calls in b: each is an operation byte,
// an option code and the operation's value. It returns false when a
// setter fails, which it may only do with ErrFull or, for Pad and End,
// ErrMalformed.
func setOptions(o *codec.Options, b []byte) bool {
	var addrs [16]netip.Addr
	for len(b) >= 2 {
		op, c := b[0], codec.OptionCode(b[1])
		b = b[2:]

		var err error
		switch op % 8 {
		case 0:
			err = o.SetUint8(c, at(b, 0))
			b = skip(b, 1)
		case 1:
			err = o.SetUint16(c, uint16(at(b, 0))<<8|uint16(at(b, 1)))
			b = skip(b, 2)
		case 2:
			err = o.SetUint32(c, uint32(at(b, 0))<<24|uint32(at(b, 3)))
			b = skip(b, 4)
		case 3:
			err = o.SetAddr(c, netip.AddrFrom4([4]byte{192, 0, 2, at(b, 0)}))
			b = skip(b, 1)
		case 4:
			n := int(at(b, 0)) % (len(addrs) + 1)
			for i := range n {
				addrs[i] = netip.AddrFrom4([4]byte{10, 0, 0, byte(i)})
			}
			err = o.SetAddrs(c, addrs[:n])
			b = skip(b, 1)
		case 5:
			err = o.SetMessageType(codec.MessageType(at(b, 0)))
			b = skip(b, 1)
		case 6:
			o.Delete(c)
		case 7:
			n := int(at(b, 0))<<2 | int(at(b, 1))&3
			b = skip(b, 2)
			n = min(n, len(b))
			err = o.Set(c, b[:n])
			b = b[n:]
		}
		if err != nil {
			if !errors.Is(err, codec.ErrFull) &&
				!errors.Is(err, codec.ErrMalformed) {
				bug("setter %d for option %d: %v", op%8, c, err)
			}
			return false
		}
	}

	return true
}

// at returns b[i], or 0 past its end.
func at(b []byte, i int) byte {
	if i < len(b) {
		return b[i]
	}

	return 0
}

// skip drops n bytes from b, or all of it.
func skip(b []byte, n int) []byte { return b[min(n, len(b)):] }
