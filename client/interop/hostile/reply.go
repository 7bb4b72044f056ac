package hostile

import (
	"encoding/binary"
	"net/netip"

	"github.com/safedhcp/safedhcp/codec"
)

// Magic is the options magic cookie (RFC 2131 section 3).
var Magic = [4]byte{99, 130, 83, 99}

// Option is one option as it goes on the wire: its code and the bytes
// of its value, whose length byte is written by Reply.Marshal (RFC 2132
// section 2). A Raw option is written as its bytes alone, so a test can
// put a bad length or a bare code on the wire.
type Option struct {
	Code codec.OptionCode
	Data []byte
	Raw  bool
}

// Opt returns the option code with value data (RFC 2132 section 2).
func Opt(code codec.OptionCode, data ...byte) Option {
	return Option{Code: code, Data: data}
}

// RawBytes returns an option that is written as b exactly.
func RawBytes(b ...byte) Option {
	return Option{Raw: true, Data: b}
}

// Addr returns option code holding the IPv4 addresses as, such as the
// server identifier of RFC 2132 section 9.7.
func Addr(code codec.OptionCode, as ...netip.Addr) Option {
	var b []byte
	for _, a := range as {
		v := a.As4()
		b = append(b, v[:]...)
	}

	return Option{Code: code, Data: b}
}

// U32 returns option code holding v in network byte order, such as the
// lease time of RFC 2132 section 9.2.
func U32(code codec.OptionCode, v uint32) Option {
	return Option{Code: code, Data: binary.BigEndian.AppendUint32(nil, v)}
}

// Text returns option code holding the bytes of s, such as a host name
// (RFC 2132 section 3.14).
func Text(code codec.OptionCode, s string) Option {
	return Option{Code: code, Data: []byte(s)}
}

// Type returns option 53 holding t (RFC 2132 section 9.6).
func Type(t codec.MessageType) Option {
	return Opt(codec.OptMessageType, byte(t))
}

// Reply is a server message laid out field by field (RFC 2131 section
// 2). Zero fields are written as zeros; Op defaults to BOOTREPLY and
// HType and HLen to Ethernet.
type Reply struct {
	Op     codec.OpCode
	XID    uint32
	Flags  uint16
	CIAddr netip.Addr
	YIAddr netip.Addr
	SIAddr netip.Addr
	CHAddr []byte // up to 16 bytes

	SName []byte // up to 64 bytes, written as they are
	File  []byte // up to 128 bytes, written as they are

	Options []Option
	NoEnd   bool   // leave out the END option (RFC 2132 section 3.2)
	Tail    []byte // bytes after END
	PadTo   int    // pad with zeros to this many bytes
}

// headerLen is the fixed BOOTP header before the magic cookie.
const headerLen = 236

// Marshal returns r as the UDP payload a server sends.
func (r *Reply) Marshal() []byte {
	b := make([]byte, headerLen, headerLen+4+64)
	b[0] = byte(r.Op)
	if r.Op == 0 {
		b[0] = byte(codec.BootReply)
	}
	b[1], b[2] = 1, 6
	binary.BigEndian.PutUint32(b[4:8], r.XID)
	binary.BigEndian.PutUint16(b[10:12], r.Flags)
	putAddr(b[12:16], r.CIAddr)
	putAddr(b[16:20], r.YIAddr)
	putAddr(b[20:24], r.SIAddr)
	copy(b[28:44], r.CHAddr)
	copy(b[44:108], r.SName)
	copy(b[108:236], r.File)

	b = append(b, Magic[:]...)
	for _, o := range r.Options {
		b = o.append(b)
	}
	if !r.NoEnd {
		b = append(b, byte(codec.OptEnd))
	}
	b = append(b, r.Tail...)

	for len(b) < r.PadTo {
		b = append(b, 0)
	}

	return b
}

// append writes o to b. A value longer than 255 bytes is cut, as one
// option instance cannot say more (RFC 3396 splits are written by hand).
func (o Option) append(b []byte) []byte {
	if o.Raw {
		return append(b, o.Data...)
	}

	d := o.Data
	if len(d) > 255 {
		d = d[:255]
	}

	return append(append(b, byte(o.Code), byte(len(d))), d...)
}

// putAddr writes the IPv4 address a to b; the zero Addr is 0.0.0.0.
func putAddr(b []byte, a netip.Addr) {
	if a.Is4() {
		v := a.As4()
		copy(b, v[:])
	}
}
