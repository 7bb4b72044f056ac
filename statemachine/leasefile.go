package statemachine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"net/netip"
	"time"
)

// The lease record: a magic, a version, the fields in a fixed order with
// bounded lists, and a CRC-32 of everything before it.
const (
	recordMagic   = "SDHL"
	recordVersion = 1

	// maxList bounds every list in a record; a DHCP message of 576 bytes
	// cannot carry more than about 80 addresses anyway.
	maxList = 64

	// maxRecordLen bounds a record; UnmarshalBinary refuses longer input.
	maxRecordLen = 32 << 10
)

// Errors returned by UnmarshalBinary and MarshalBinary. ErrBadRecord
// wraps every validation failure; a short record also matches
// io.ErrUnexpectedEOF through errShort.
var (
	// ErrBadRecord reports a lease record that is corrupt, from another
	// version or holds an invalid lease.
	ErrBadRecord = errors.New("statemachine: bad lease record")

	errShort = fmt.Errorf("%w: truncated", ErrBadRecord)
)

// MarshalBinary encodes l as a versioned, checksummed record for a later
// INIT-REBOOT (RFC 2131 section 4.4.2). It refuses an invalid lease.
func (l *Lease) MarshalBinary() ([]byte, error) {
	if err := l.validate(); err != nil {
		return nil, err
	}

	b := make([]byte, 0, 256)
	b = append(b, recordMagic...)
	b = append(b, recordVersion)
	b = append(b, l.Addr.Addr().AsSlice()...)
	b = append(b, byte(l.Addr.Bits()))
	b = append(b, l.ServerID.AsSlice()...)
	b = binary.BigEndian.AppendUint64(b, uint64(l.Acquired.UnixNano()))
	for _, d := range []time.Duration{l.LeaseTime, l.T1, l.T2} {
		b = binary.BigEndian.AppendUint64(b, uint64(d))
	}
	b = binary.BigEndian.AppendUint16(b, l.MTU)
	b = appendAddrs(b, l.Routers)
	b = append(b, byte(len(l.Routes)))
	for _, r := range l.Routes {
		b = append(b, r.Dest.Addr().AsSlice()...)
		b = append(b, byte(r.Dest.Bits()))
		b = append(b, r.Gateway.AsSlice()...)
	}
	b = appendAddrs(b, l.DNS)
	b = appendAddrs(b, l.NTP)
	b = append(b, byte(len(l.Search)))
	for _, s := range l.Search {
		b = appendString(b, s)
	}
	b = appendString(b, l.Domain)
	b = appendString(b, l.Hostname)

	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b)), nil
}

func appendAddrs(b []byte, as []netip.Addr) []byte {
	b = append(b, byte(len(as)))
	for _, a := range as {
		b = append(b, a.AsSlice()...)
	}

	return b
}

func appendString(b []byte, s string) []byte {
	return append(append(b, byte(len(s))), s...)
}

// UnmarshalBinary decodes a record written by MarshalBinary into l. It
// checks the length, magic, version and checksum and validates every
// field, since the record comes back from disk; on error l is unchanged.
func (l *Lease) UnmarshalBinary(data []byte) error {
	if len(data) > maxRecordLen {
		return fmt.Errorf("%w: %d bytes", ErrBadRecord, len(data))
	}
	if len(data) < len(recordMagic)+1+4 {
		return errShort
	}
	if string(data[:4]) != recordMagic {
		return fmt.Errorf("%w: bad magic", ErrBadRecord)
	}
	if data[4] != recordVersion {
		return fmt.Errorf("%w: version %d", ErrBadRecord, data[4])
	}
	body, sum := data[:len(data)-4], data[len(data)-4:]
	if crc32.ChecksumIEEE(body) != binary.BigEndian.Uint32(sum) {
		return fmt.Errorf("%w: checksum mismatch", ErrBadRecord)
	}

	r := reader{b: body[5:]}
	var n Lease
	n.Addr = netip.PrefixFrom(r.addr(), int(r.byte()))
	n.ServerID = r.addr()
	n.Acquired = time.Unix(0, int64(r.uint64()))
	n.LeaseTime = time.Duration(r.uint64())
	n.T1 = time.Duration(r.uint64())
	n.T2 = time.Duration(r.uint64())
	n.MTU = r.uint16()
	n.Routers = r.addrs()
	if c := int(r.byte()); c > 0 {
		n.Routes = make([]Route, 0, min(c, maxList))
		for range c {
			if r.err != nil {
				break
			}
			dest := netip.PrefixFrom(r.addr(), int(r.byte()))
			n.Routes = append(n.Routes, Route{Dest: dest, Gateway: r.addr()})
		}
	}
	n.DNS = r.addrs()
	n.NTP = r.addrs()
	if c := int(r.byte()); c > 0 {
		n.Search = make([]string, 0, min(c, maxList))
		for range c {
			n.Search = append(n.Search, r.string())
		}
	}
	n.Domain = r.string()
	n.Hostname = r.string()
	if r.err != nil {
		return r.err
	}
	if len(r.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", ErrBadRecord, len(r.b))
	}
	if err := n.validate(); err != nil {
		return err
	}
	*l = n

	return nil
}

// reader reads a record, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil || len(r.b) < n {
		r.err = errShort

		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]

	return v
}

func (r *reader) byte() byte {
	if v := r.take(1); v != nil {
		return v[0]
	}

	return 0
}

func (r *reader) uint16() uint16 {
	if v := r.take(2); v != nil {
		return binary.BigEndian.Uint16(v)
	}

	return 0
}

func (r *reader) uint64() uint64 {
	if v := r.take(8); v != nil {
		return binary.BigEndian.Uint64(v)
	}

	return 0
}

func (r *reader) addr() netip.Addr {
	if v := r.take(4); v != nil {
		return netip.AddrFrom4([4]byte(v))
	}

	return netip.Addr{}
}

func (r *reader) addrs() []netip.Addr {
	c := int(r.byte())
	if c == 0 {
		return nil
	}
	as := make([]netip.Addr, 0, min(c, maxList))
	for range c {
		if r.err != nil {
			break
		}
		as = append(as, r.addr())
	}

	return as
}

func (r *reader) string() string {
	return string(r.take(int(r.byte())))
}
