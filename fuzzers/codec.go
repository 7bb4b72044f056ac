package fuzzers

import (
	"bytes"
	"errors"
	"net/netip"
	"sync"

	"github.com/safedhcp/safedhcp/codec"
)

// codecErrors are the sentinel errors a codec error must wrap.
var codecErrors = []error{
	codec.ErrTruncated, codec.ErrBadCookie, codec.ErrTooLong,
	codec.ErrMalformed, codec.ErrBadName, codec.ErrFull,
}

// FuzzCodecDecode decodes data as a DHCP message (RFC 2131 section 2) and
// checks that errors wrap the codec's sentinels, that decoding into a
// reused Message gives the same result as into a new one, that header
// addresses are IPv4 and that every typed option accessor either returns
// a value that keeps its RFC 2132 bounds or the documented error.
func FuzzCodecDecode(data []byte) int {
	s := getScratch()
	defer scratchPool.Put(s)

	m := &s.m
	err := m.Decode(data)
	checkErr(err, "codec: ", codecErrors...)

	reused := &s.back
	*reused = *dirty
	rerr := reused.Decode(data)
	if (err == nil) != (rerr == nil) {
		bug("decode into a reused message: error %v, fresh: %v", rerr, err)
	}
	if err != nil {
		return 0
	}
	if !reused.Equal(m) {
		bug("decode into a reused message differs from a fresh decode")
	}

	checkHeader(m)
	checkOptions(&m.Options)

	return 1
}

// FuzzCodecRoundTrip decodes data and, when it is a valid message,
// encodes it again and checks that the encoding decodes to an equal
// Message and is deterministic. Option overload (RFC 2132 section 9.3) is
// dropped first, since the encoder never overloads; sname and file keep
// their raw bytes, so the comparison still covers them.
func FuzzCodecRoundTrip(data []byte) int {
	s := getScratch()
	defer scratchPool.Put(s)

	m := &s.m
	if m.Decode(data) != nil {
		return 0
	}
	m.Options.Delete(codec.OptOverload)

	need := encodedLen(&m.Options)
	out, err := m.Append(s.out[:0], codec.MaxMessageLen)
	if need > codec.MaxMessageLen {
		if !errors.Is(err, codec.ErrTooLong) {
			bug("encoding %d bytes over the limit: %v", need, err)
		}

		return 0
	}
	if err != nil {
		bug("encode a decoded message of %d bytes: %v", need, err)
	}
	if len(out) < codec.MinEncodedLen || len(out) > codec.MaxMessageLen {
		bug("encoded length %d out of bounds", len(out))
	}

	back := &s.back
	if err := back.Decode(out); err != nil {
		bug("decode own encoding: %v", err)
	}
	if !back.Equal(m) {
		bug("decode(encode(m)) differs from m")
	}

	prefix := append(s.again[:0], "prefix"...)
	again, err := back.Append(prefix, codec.MaxMessageLen)
	if err != nil || !bytes.Equal(again[len(prefix):], out) {
		bug("encoding is not deterministic: %v", err)
	}
	if string(again[:len(prefix)]) != "prefix" {
		bug("Append changed the bytes before dst's end")
	}

	return 1
}

// encodedLen is the length of the shortest encoding of o's options with
// values over 255 bytes split per RFC 3396, plus the header, the cookie
// and the End option.
func encodedLen(o *codec.Options) int {
	n := codec.MinLen + 1
	for _, v := range o.All() {
		chunks := (len(v) + 254) / 255
		n += len(v) + 2*max(chunks, 1)
	}

	return n
}

// checkHeader checks the header of a decoded message.
func checkHeader(m *codec.Message) {
	for _, a := range []netip.Addr{m.CIAddr, m.YIAddr, m.SIAddr, m.GIAddr} {
		if !a.Is4() {
			bug("header address %v is not IPv4", a)
		}
	}
	if n := len(m.HWAddr()); n > 16 || n != min(int(m.HLen), 16) {
		bug("HWAddr length %d for hlen %d", n, m.HLen)
	}
}

// scratch holds the large values one harness call needs. Messages are
// about 12 KB: allocating them on every call would cost more than the
// code under test.
type scratch struct {
	m, back    codec.Message
	out, again []byte
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{
		out:   make([]byte, 0, codec.MaxMessageLen),
		again: make([]byte, 0, codec.MaxMessageLen+8),
	}
}}

// getScratch returns a scratch from the pool.
func getScratch() *scratch { return scratchPool.Get().(*scratch) }

// dirty is a Message full of values a Decode must clear. It is never
// changed after start-up.
var dirty = dirtyMessage()

// dirtyMessage returns a Message full of values a Decode must clear.
func dirtyMessage() *codec.Message {
	m := &codec.Message{
		Op: codec.BootReply, HType: 1, HLen: 6, Hops: 3, XID: 7,
		Secs: 9, Flags: codec.FlagBroadcast,
		CIAddr: netip.AddrFrom4([4]byte{10, 0, 0, 1}),
		YIAddr: netip.AddrFrom4([4]byte{10, 0, 0, 2}),
	}
	m.SName[0], m.File[0] = 'x', 'y'
	_ = m.Options.SetMessageType(codec.Nak)
	_ = m.Options.Set(codec.OptHostName, []byte("dirty"))
	_ = m.Options.Set(200, make([]byte, 300))

	return m
}
