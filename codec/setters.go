package codec

import (
	"encoding/binary"
	"net/netip"
)

// SetUint8 sets option c to the one-byte value v, the format of options
// such as 52 and 53 (RFC 2132 section 2). It returns ErrFull when o has no
// room.
func (o *Options) SetUint8(c OptionCode, v uint8) error {
	return o.Set(c, []byte{v})
}

// SetUint16 sets option c to v in network byte order, the format of
// options such as 26 and 57 (RFC 2132 sections 5.1 and 9.10).
func (o *Options) SetUint16(c OptionCode, v uint16) error {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)

	return o.Set(c, b[:])
}

// SetUint32 sets option c to v in network byte order, the format of
// options such as 51, 58 and 59 (RFC 2132 sections 9.2, 9.11, 9.12).
func (o *Options) SetUint32(c OptionCode, v uint32) error {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)

	return o.Set(c, b[:])
}

// SetAddr sets option c to the IPv4 address a, the format of options such
// as 50 and 54 (RFC 2132 sections 9.1 and 9.7). An address that is not
// IPv4 is refused with an *OptionError wrapping ErrMalformed.
func (o *Options) SetAddr(c OptionCode, a netip.Addr) error {
	if !a.Is4() {
		return &OptionError{Code: c, Offset: -1, Err: ErrMalformed}
	}
	b := a.As4()

	return o.Set(c, b[:])
}

// SetAddrs sets option c to the list of IPv4 addresses as, the format of
// options such as 3 and 6 (RFC 2132 sections 3.5 and 3.8). An empty list or
// an address that is not IPv4 is refused with ErrMalformed.
func (o *Options) SetAddrs(c OptionCode, as []netip.Addr) error {
	if len(as) == 0 {
		return &OptionError{Code: c, Offset: -1, Err: ErrMalformed}
	}
	for _, a := range as {
		if !a.Is4() {
			return &OptionError{Code: c, Offset: -1, Err: ErrMalformed}
		}
	}
	dst, err := o.grow(c, len(as)*4, -1)
	if err != nil {
		return err
	}
	for i, a := range as {
		b := a.As4()
		copy(dst[i*4:], b[:])
	}

	return nil
}

// SetMessageType sets option 53, the DHCP message type (RFC 2132 section
// 9.6).
func (o *Options) SetMessageType(t MessageType) error {
	return o.SetUint8(OptMessageType, uint8(t))
}
