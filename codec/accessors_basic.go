package codec

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"strconv"
)

// Infinite is the lease time that never expires (RFC 2131 section 3.3).
const Infinite uint32 = 0xffffffff

// missingError reports an absent option. Being one byte wide, it converts
// to an error without allocating.
type missingError OptionCode

// Error names the absent option.
func (e missingError) Error() string {
	return "codec: option " + strconv.Itoa(int(e)) + " not present"
}

// Unwrap returns ErrNoOption.
func (e missingError) Unwrap() error { return ErrNoOption }

// bad returns an *OptionError for option c at its wire offset.
//
// TODO: give the faulty entry's offset, not the first instance's, to locate long-value faults.
// TODO: avoid this allocation per malformed value read, as Decode does, to bound GC under flood.
func (o *Options) bad(c OptionCode, err error) error {
	return &OptionError{Code: c, Offset: o.Offset(c), Err: err}
}

// value returns option c's value, or an error wrapping ErrNoOption.
func (o *Options) value(c OptionCode) ([]byte, error) {
	s := o.spans[c]
	if !s.set() {
		return nil, missingError(c)
	}

	return o.data[s.off:][:s.n:s.n], nil
}

// sized returns option c's value and true when c is present and exactly
// n bytes long. It is small enough to inline, so the accessors a client
// calls for every message make no call unless the option is bad.
func (o *Options) sized(c OptionCode, n int) ([]byte, bool) {
	s := o.spans[c]
	if !s.set() || int(s.n) != n {
		return nil, false
	}

	return o.data[s.off:][:n:n], true
}

// invalid returns the error for option c failing its accessor's check:
// one wrapping ErrNoOption when c is absent, else an *OptionError
// wrapping ErrMalformed. It stays out of line to keep the accessors'
// fast paths small.
//
//go:noinline
func (o *Options) invalid(c OptionCode) error {
	if !o.Has(c) {
		return missingError(c)
	}

	return o.bad(c, ErrMalformed)
}

// fixed returns option c's value when it is exactly n bytes long.
func (o *Options) fixed(c OptionCode, n int) ([]byte, error) {
	v, ok := o.sized(c, n)
	if !ok {
		return nil, o.invalid(c)
	}

	return v, nil
}

// nonEmpty returns option c's value when it is at least one byte long.
func (o *Options) nonEmpty(c OptionCode) ([]byte, error) {
	s := o.spans[c]
	if !s.set() || s.n == 0 {
		return nil, o.invalid(c)
	}

	return o.data[s.off:][:s.n:s.n], nil
}

// uint16Value reads option c as a 2-byte number in network byte order.
func (o *Options) uint16Value(c OptionCode) (uint16, error) {
	v, ok := o.sized(c, 2)
	if !ok {
		return 0, o.invalid(c)
	}

	return binary.BigEndian.Uint16(v), nil
}

// uint32Value reads option c as a 4-byte number in network byte order.
func (o *Options) uint32Value(c OptionCode) (uint32, error) {
	v, ok := o.sized(c, 4)
	if !ok {
		return 0, o.invalid(c)
	}

	return binary.BigEndian.Uint32(v), nil
}

// seconds reads a duration option; zero is malformed, since it would
// make the client give up or renew the lease at once, in a loop.
func (o *Options) seconds(c OptionCode) (uint32, error) {
	v, ok := o.sized(c, 4)
	if !ok || binary.BigEndian.Uint32(v) == 0 {
		return 0, o.invalid(c)
	}

	return binary.BigEndian.Uint32(v), nil
}

// addr reads option c as one IPv4 address.
func (o *Options) addr(c OptionCode) (netip.Addr, error) {
	v, ok := o.sized(c, 4)
	if !ok {
		return netip.Addr{}, o.invalid(c)
	}

	return netip.AddrFrom4([4]byte(v)), nil
}

// addrs appends option c's addresses to dst; the value must be a non-zero
// multiple of four bytes (RFC 2132 section 3.5 and others).
func (o *Options) addrs(c OptionCode, dst []netip.Addr) ([]netip.Addr, error) {
	s := o.spans[c]
	if !s.set() || s.n == 0 || s.n%4 != 0 {
		return dst, o.invalid(c)
	}

	for v := o.data[s.off:][:s.n]; len(v) >= 4; v = v[4:] {
		dst = append(dst, netip.AddrFrom4([4]byte(v)))
	}

	return dst, nil
}

// MessageType returns option 53, the DHCP message type (RFC 2132 section
// 9.6). Its length must be exactly 1 and its value non-zero; values above
// Inform (RFC 4388 and later) are returned as they are.
func (o *Options) MessageType() (MessageType, error) {
	v, ok := o.sized(OptMessageType, 1)
	if !ok || v[0] == 0 {
		return 0, o.invalid(OptMessageType)
	}

	return MessageType(v[0]), nil
}

// ServerID returns option 54, the server identifier (RFC 2132 section
// 9.7).
func (o *Options) ServerID() (netip.Addr, error) {
	return o.addr(OptServerID)
}

// RequestedIP returns option 50, the requested address (RFC 2132 section
// 9.1).
func (o *Options) RequestedIP() (netip.Addr, error) {
	return o.addr(OptRequestedIP)
}

// BroadcastAddr returns option 28, the broadcast address (RFC 2132
// section 5.3).
func (o *Options) BroadcastAddr() (netip.Addr, error) {
	return o.addr(OptBroadcastAddr)
}

// SubnetMask returns option 1 (RFC 2132 section 3.3) as a prefix length.
// A mask whose one bits are not contiguous is malformed.
func (o *Options) SubnetMask() (int, error) {
	v, ok := o.sized(OptSubnetMask, 4)
	if !ok {
		return 0, o.invalid(OptSubnetMask)
	}

	mask := binary.BigEndian.Uint32(v)
	ones := bits.LeadingZeros32(^mask)
	if bits.TrailingZeros32(mask) != 32-ones {
		return 0, o.bad(OptSubnetMask, ErrMalformed)
	}

	return ones, nil
}

// Routers appends the routers of option 3 (RFC 2132 section 3.5) to dst.
func (o *Options) Routers(dst []netip.Addr) ([]netip.Addr, error) {
	return o.addrs(OptRouter, dst)
}

// DNSServers appends the name servers of option 6 (RFC 2132 section 3.8)
// to dst.
func (o *Options) DNSServers(dst []netip.Addr) ([]netip.Addr, error) {
	return o.addrs(OptDNSServer, dst)
}

// NTPServers appends the NTP servers of option 42 (RFC 2132 section 8.3)
// to dst.
func (o *Options) NTPServers(dst []netip.Addr) ([]netip.Addr, error) {
	return o.addrs(OptNTPServer, dst)
}

// LeaseTime returns option 51, the lease time in seconds (RFC 2132
// section 9.2); Infinite means the lease never expires. Zero is malformed.
func (o *Options) LeaseTime() (uint32, error) {
	return o.seconds(OptLeaseTime)
}

// RenewalTime returns option 58, T1 in seconds (RFC 2132 section 9.11).
// Zero is malformed.
func (o *Options) RenewalTime() (uint32, error) {
	return o.seconds(OptRenewalTime)
}

// RebindingTime returns option 59, T2 in seconds (RFC 2132 section 9.12).
// Zero is malformed.
func (o *Options) RebindingTime() (uint32, error) {
	return o.seconds(OptRebindingTime)
}

// InterfaceMTU returns option 26 (RFC 2132 section 5.1); values below 68
// are malformed.
func (o *Options) InterfaceMTU() (uint16, error) {
	mtu, err := o.uint16Value(OptInterfaceMTU)
	if err == nil && mtu < 68 {
		return 0, o.bad(OptInterfaceMTU, ErrMalformed)
	}

	return mtu, err
}

// MaxMessageSize returns option 57 (RFC 2132 section 9.10); values below
// DefaultMaxLen are malformed.
func (o *Options) MaxMessageSize() (uint16, error) {
	n, err := o.uint16Value(OptMaxMessageSize)
	if err == nil && n < DefaultMaxLen {
		return 0, o.bad(OptMaxMessageSize, ErrMalformed)
	}

	return n, err
}

// Overload returns option 52 (RFC 2132 section 9.3): 1 when the file
// field carries options, 2 for sname, 3 for both.
func (o *Options) Overload() (uint8, error) {
	v, err := o.fixed(OptOverload, 1)
	if err != nil {
		return 0, err
	}
	if v[0] < 1 || v[0] > 3 {
		return 0, o.bad(OptOverload, ErrMalformed)
	}

	return v[0], nil
}

// IPv6OnlyPreferred returns option 108, V6ONLY_WAIT in seconds (RFC 8925
// section 3.1). The value is returned as sent; the caller applies
// MIN_V6ONLY_WAIT (RFC 8925 section 3.2).
func (o *Options) IPv6OnlyPreferred() (uint32, error) {
	return o.uint32Value(OptIPv6OnlyPreferred)
}

// RapidCommit reports whether option 80 is present (RFC 4039 section 4).
// The option must have length 0; absent, it returns false and an error
// wrapping ErrNoOption.
func (o *Options) RapidCommit() (bool, error) {
	if _, err := o.fixed(OptRapidCommit, 0); err != nil {
		return false, err
	}

	return true, nil
}

// ParamRequestList returns option 55, the codes a client asks for (RFC
// 2132 section 9.8). The slice aliases o.
func (o *Options) ParamRequestList() ([]byte, error) {
	return o.nonEmpty(OptParamRequest)
}

// VendorClass returns option 60, the vendor class identifier (RFC 2132
// section 9.13), as opaque bytes aliasing o.
func (o *Options) VendorClass() ([]byte, error) {
	return o.nonEmpty(OptVendorClass)
}

// ClientID returns option 61, the client identifier (RFC 2132 section
// 9.14): a type byte and at least one more byte. The slice aliases o.
func (o *Options) ClientID() ([]byte, error) {
	v, err := o.value(OptClientID)
	if err == nil && len(v) < 2 {
		return nil, o.bad(OptClientID, ErrMalformed)
	}

	return v, err
}

// RelayAgent returns option 82, the relay agent information (RFC 3046
// section 2.0), kept opaque. The slice aliases o.
func (o *Options) RelayAgent() ([]byte, error) {
	return o.nonEmpty(OptRelayAgent)
}
