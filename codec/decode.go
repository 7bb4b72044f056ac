package codec

import (
	"encoding/binary"
	"net/netip"
)

// Offsets of the header fields (RFC 2131 section 2, figure 1).
const (
	offSName  = 44
	offFile   = 108
	offCookie = HeaderLen
	offOpts   = MinLen
)

// Values of option 52 (RFC 2132 section 9.3): which header fields carry
// options.
const (
	overloadFile  = 1
	overloadSName = 2
)

// Decode parses the DHCPv4 message in b into m, resetting m first. It
// accepts any htype and any hlen (HWAddr caps it), ignores everything after
// the End option and treats the end of b as End when End is missing.
// Instances of one option code are concatenated in order (RFC 3396
// section 7). When option 52 in the options field says so, the file and
// then the sname field are read as further options (RFC 2131 section 4.1)
// and are left zero in m; option 52 inside those fields is ignored, so
// overload is followed once.
//
// Decode copies every value into m and keeps no reference to b. It never
// panics and never allocates, whatever b holds: m itself has room for
// MaxMessageLen bytes of option data, and an *OptionError it returns
// lives in m, so it is valid only until m is next decoded (copy it to
// keep it). On error m is otherwise reset.
//
// Errors: ErrTooLong for more than MaxMessageLen bytes, ErrTruncated for
// fewer than MinLen bytes, ErrBadCookie, and an *OptionError wrapping
// ErrTruncated (an option runs past its field) or ErrMalformed (option 52
// with a length other than 1 or a value outside 1..3).
func (m *Message) Decode(b []byte) error {
	if err := checkFrame(b); err != nil {
		m.Reset()

		return err
	}

	m.decodeHeader(b)
	m.Options.Reset()
	ov, f := m.Options.decode(b)
	if f.Err != nil {
		m.Reset()
		m.err = f

		return &m.err
	}

	if ov&overloadFile != 0 {
		m.File = [128]byte{}
	}
	if ov&overloadSName != 0 {
		m.SName = [64]byte{}
	}

	return nil
}

// checkFrame checks the length of message b and its magic cookie.
func checkFrame(b []byte) error {
	switch {
	case len(b) > MaxMessageLen:
		return ErrTooLong
	case len(b) < MinLen:
		return ErrTruncated
	case string(b[offCookie:offOpts]) != Cookie:
		return ErrBadCookie
	}

	return nil
}

// decodeHeader fills the fixed header from b, which holds at least
// HeaderLen bytes.
func (m *Message) decodeHeader(b []byte) {
	b = b[:HeaderLen:HeaderLen] // one bounds check for all fields
	m.Op = OpCode(b[0])
	m.HType = b[1]
	m.HLen = b[2]
	m.Hops = b[3]
	m.XID = binary.BigEndian.Uint32(b[4:8])
	m.Secs = binary.BigEndian.Uint16(b[8:10])
	m.Flags = binary.BigEndian.Uint16(b[10:12])
	m.CIAddr = netip.AddrFrom4([4]byte(b[12:16]))
	m.YIAddr = netip.AddrFrom4([4]byte(b[16:20]))
	m.SIAddr = netip.AddrFrom4([4]byte(b[20:24]))
	m.GIAddr = netip.AddrFrom4([4]byte(b[24:28]))
	m.CHAddr = [16]byte(b[28:offSName])
	m.SName = [64]byte(b[offSName:offFile])
	m.File = [128]byte(b[offFile:offCookie])
}

// area is one region of a message that holds options.
type area struct{ start, end int }

// areas lists the option regions of b in the order RFC 2131 section 4.1
// gives: the options field, then file, then sname, as overload selects.
func areas(b []byte, overload byte) ([3]area, int) {
	as := [3]area{{offOpts, len(b)}}
	n := 1
	if overload&overloadFile != 0 {
		as[n] = area{offFile, offCookie}
		n++
	}
	if overload&overloadSName != 0 {
		as[n] = area{offSName, offFile}
		n++
	}

	return as, n
}

// decode fills o, which must be empty, from the option areas of message
// b and returns the value of option 52. This is the fast path: it copies
// each area into o.data once and records where the first instance of each
// code lies in that copy. When a code repeats, it hands over to
// decodeSplit, which concatenates; real servers rarely split options.
// On error o is partly filled and the caller resets it.
func (o *Options) decode(b []byte) (byte, OptionError) {
	rep, f := o.scan(b, offOpts, len(b), true)
	if f.Err != nil {
		return 0, f
	}
	if rep {
		return o.decodeSplit(b)
	}

	ov, f := o.overload()
	if f.Err != nil {
		return 0, f
	}
	if ov&overloadFile != 0 {
		rep, f = o.scan(b, offFile, offCookie, false)
	}
	if f.Err == nil && !rep && ov&overloadSName != 0 {
		rep, f = o.scan(b, offSName, offFile, false)
	}
	if f.Err != nil {
		return 0, f
	}
	if rep {
		return o.decodeSplit(b)
	}

	return ov, OptionError{}
}

// scan records the options of the area b[start:end], up to End, as spans
// into a copy of the area it appends to o.data. It skips option 52 unless
// the area is the options field (first). It stops at the first framing
// fault and returns it, and at the first code already present, reporting
// rep; o is then partly filled. The copy always fits: o.data holds
// MaxMessageLen bytes, more than the options field, file and sname of
// the longest message Decode accepts.
func (o *Options) scan(b []byte, start, end int, first bool) (rep bool,
	f OptionError) {
	area := b[start:end]
	base, count := o.used, o.count
	i := 0
	for i < len(area) {
		c := OptionCode(area[i])
		if c == OptPad {
			i++
			continue
		}
		if c == OptEnd {
			break
		}
		if i+1 >= len(area) || int(area[i+1]) > len(area)-i-2 {
			f = OptionError{Code: c, Offset: start + i, Err: ErrTruncated}
			break
		}
		v, n := i+2, int(area[i+1])
		i = v + n

		s := &o.spans[c]
		if s.set() {
			if c == OptOverload && !first {
				continue
			}
			rep = true
			break
		}
		*s = optSpan{
			off: uint16(base + v), n: uint16(n), at: int32(start + v - 2),
		}
		o.order[uint8(count)] = c
		count++
	}
	o.count = count
	if rep || f.Err != nil {
		return rep, f
	}
	o.used = base + copy(o.data[base:], area[:i])

	return false, OptionError{}
}

// overload returns the value of option 52 in o, or 0 when it is absent.
// Option 52 is malformed unless it is one byte with a value 1..3 (RFC
// 2132 section 9.3).
func (o *Options) overload() (byte, OptionError) {
	s := o.spans[OptOverload]
	if !s.set() {
		return 0, OptionError{}
	}

	if v := o.data[s.off]; s.n == 1 && v >= 1 && v <= 3 {
		return v, OptionError{}
	}

	return 0, OptionError{
		Code: OptOverload, Offset: int(s.at), Err: ErrMalformed,
	}
}

// decodeSplit empties o and fills it from the option areas of message b
// in two passes: the first validates the framing and sums each code's
// length in its span, the second copies the values into place, so
// instances concatenate (RFC 3396 section 7) without allocating. It
// returns the value of option 52, as decode does; on error o is partly
// filled and the caller resets it.
func (o *Options) decodeSplit(b []byte) (byte, OptionError) {
	o.Reset()
	overload, f := scanOverload(b)
	if f.Err != nil {
		return 0, f
	}
	as, nas := areas(b, overload)

	f = walkOptions(b, as[:nas], func(c OptionCode, v, n int) {
		s := &o.spans[c]
		if !s.set() {
			o.order[o.count] = c
			o.count++
			s.at = int32(v - 2)
		}
		s.n += uint16(n) // at most MaxMessageLen in all
	})
	if f.Err != nil {
		return 0, f
	}

	for _, c := range o.order[:o.count] {
		s := &o.spans[c]
		total := int(s.n)
		s.off, s.n = uint16(o.used), 0
		o.used += total
	}
	walkOptions(b, as[:nas], func(c OptionCode, v, n int) {
		s := &o.spans[c]
		copy(o.data[int(s.off)+int(s.n):], b[v:v+n])
		s.n += uint16(n)
	})

	return overload, OptionError{}
}

// walkOptions calls fn with the code, value offset and value length of
// every option in the areas of b, in order, skipping option 52 outside
// the first area (RFC 2131 section 4.1: it is not followed twice). It
// stops at the first framing fault and returns it.
func walkOptions(b []byte, as []area,
	fn func(c OptionCode, v, n int)) OptionError {
	for ai, a := range as {
		for i := a.start; ; {
			c, v, n, next, f := nextOption(b, i, a.end)
			if f.Err != nil {
				return f
			}
			if c == OptEnd {
				break
			}
			i = next
			if c != OptOverload || ai == 0 {
				fn(c, v, n)
			}
		}
	}

	return OptionError{}
}

// scanOverload returns the value of option 52 in the options field of b,
// or 0 when it is absent. Option 52 is malformed unless its instances
// total one byte with a value 1..3 (RFC 2132 section 9.3).
func scanOverload(b []byte) (byte, OptionError) {
	var val byte
	total, at := 0, -1
	f := walkOptions(b, []area{{offOpts, len(b)}}, func(c OptionCode, v, n int) {
		if c != OptOverload {
			return
		}
		if at < 0 {
			at = v - 2
		}
		if n > 0 {
			val = b[v]
		}
		total += n
	})
	if f.Err != nil {
		return 0, f
	}

	if at < 0 {
		return 0, OptionError{}
	}
	if total != 1 || val < 1 || val > 3 {
		return 0, OptionError{Code: OptOverload, Offset: at, Err: ErrMalformed}
	}

	return val, OptionError{}
}

// nextOption reads the option at b[i:end], skipping Pad. It returns the
// code, the offset and length of the value, and the offset after the
// option; the code is OptEnd at End or at the end of the area. An option
// whose length byte or value runs past end is a fault wrapping
// ErrTruncated. Faults are OptionError values, so that none allocates.
func nextOption(b []byte, i, end int) (c OptionCode, v, n, next int,
	f OptionError) {
	for i < end && OptionCode(b[i]) == OptPad {
		i++
	}
	if i >= end || OptionCode(b[i]) == OptEnd {
		return OptEnd, end, 0, end, f
	}

	c = OptionCode(b[i])
	if i+1 >= end {
		return c, 0, 0, 0, OptionError{Code: c, Offset: i, Err: ErrTruncated}
	}
	n = int(b[i+1])
	v = i + 2
	if n > end-v {
		return c, 0, 0, 0, OptionError{Code: c, Offset: i, Err: ErrTruncated}
	}

	return c, v, n, v + n, f
}
