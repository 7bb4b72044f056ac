package ipc

import (
	"encoding/binary"
	"net/netip"
	"time"
	"unicode/utf8"
)

// writer appends the fields of one message. The first failure sticks in
// err and later calls do nothing, so encoders check once at the end.
type writer struct {
	b   []byte
	t   Type
	err error
}

func (w *writer) fail(field string, format string, args ...any) {
	if w.err == nil {
		w.err = fieldErr(w.t, field, ErrBounds, format, args...)
	}
}

func (w *writer) u8(v uint8) { w.b = append(w.b, v) }

func (w *writer) u16(v uint16) { w.b = binary.BigEndian.AppendUint16(w.b, v) }

func (w *writer) u32(v uint32) { w.b = binary.BigEndian.AppendUint32(w.b, v) }

func (w *writer) bool(v bool) {
	if v {
		w.u8(1)
	} else {
		w.u8(0)
	}
}

func (w *writer) addr(field string, a netip.Addr) {
	if !a.Is4() {
		w.fail(field, "%v is not an IPv4 address", a)
		return
	}

	a4 := a.As4()
	w.b = append(w.b, a4[:]...)
}

func (w *writer) prefix(field string, p netip.Prefix) {
	if !p.IsValid() {
		w.fail(field, "%v is not a valid prefix", p)
		return
	}

	w.addr(field, p.Addr())
	w.u8(uint8(p.Bits()))
}

func (w *writer) duration(field string, d, max time.Duration) {
	if d < 0 || d > max {
		w.fail(field, "%v not in 0..%v", d, max)
		return
	}

	w.b = binary.BigEndian.AppendUint64(w.b, uint64(d))
}

func (w *writer) bytes(field string, v []byte, max int) {
	if len(v) > max {
		w.fail(field, "length %d > %d", len(v), max)
		return
	}

	w.u16(uint16(len(v)))
	w.b = append(w.b, v...)
}

func (w *writer) text(field string, s string, max int) {
	if !utf8.ValidString(s) {
		w.fail(field, "not UTF-8")
		return
	}

	if len(s) > max {
		w.fail(field, "length %d > %d", len(s), max)
		return
	}

	w.u16(uint16(len(s)))
	w.b = append(w.b, s...)
}

// count writes a list length, or fails if n is over max.
func (w *writer) count(field string, n, max int) bool {
	if n > max {
		w.fail(field, "%d entries > %d", n, max)
		return false
	}

	w.u8(uint8(n))

	return true
}

// reader consumes the fields of one message body. Like writer, the first
// failure sticks and later reads return zero values.
type reader struct {
	b   []byte
	off int
	t   Type
	err error
}

func (r *reader) fail(field string, base error, format string,
	args ...any) {
	if r.err == nil {
		r.err = fieldErr(r.t, field, base, format, args...)
	}
}

// take returns the next n bytes, or nil after recording a truncation.
func (r *reader) take(field string, n int) []byte {
	if r.err != nil {
		return nil
	}

	if n > len(r.b)-r.off {
		r.fail(field, ErrTruncated, "need %d bytes at offset %d, have %d",
			n, r.off, len(r.b)-r.off)
		return nil
	}

	v := r.b[r.off : r.off+n]
	r.off += n

	return v
}

func (r *reader) u8(field string) uint8 {
	if v := r.take(field, 1); v != nil {
		return v[0]
	}

	return 0
}

func (r *reader) u16(field string) uint16 {
	if v := r.take(field, 2); v != nil {
		return binary.BigEndian.Uint16(v)
	}

	return 0
}

func (r *reader) u32(field string) uint32 {
	if v := r.take(field, 4); v != nil {
		return binary.BigEndian.Uint32(v)
	}

	return 0
}

func (r *reader) bool(field string) bool {
	v := r.u8(field)
	if v > 1 {
		r.fail(field, ErrBounds, "boolean byte %d", v)
	}

	return v == 1
}

func (r *reader) addr(field string) netip.Addr {
	v := r.take(field, 4)
	if v == nil {
		return netip.Addr{}
	}

	return netip.AddrFrom4([4]byte(v))
}

func (r *reader) prefix(field string) netip.Prefix {
	a := r.addr(field)
	bits := r.u8(field)
	if r.err != nil {
		return netip.Prefix{}
	}

	if bits > 32 {
		r.fail(field, ErrBounds, "prefix length %d > 32", bits)
		return netip.Prefix{}
	}

	return netip.PrefixFrom(a, int(bits))
}

func (r *reader) duration(field string, max time.Duration) time.Duration {
	v := r.take(field, 8)
	if v == nil {
		return 0
	}

	d := binary.BigEndian.Uint64(v)
	if d > uint64(max) {
		r.fail(field, ErrBounds, "%d ns > %v", d, max)
		return 0
	}

	return time.Duration(d)
}

// bytes returns a copy of a length-prefixed byte string, nil when empty.
func (r *reader) bytes(field string, max int) []byte {
	n := int(r.u16(field))
	if r.err == nil && n > max {
		r.fail(field, ErrBounds, "length %d > %d", n, max)
		return nil
	}

	v := r.take(field, n)
	if len(v) == 0 {
		return nil
	}

	return append([]byte(nil), v...)
}

func (r *reader) text(field string, max int) string {
	n := int(r.u16(field))
	if r.err == nil && n > max {
		r.fail(field, ErrBounds, "length %d > %d", n, max)
		return ""
	}

	v := r.take(field, n)
	if !utf8.Valid(v) {
		r.fail(field, ErrBounds, "not UTF-8")
		return ""
	}

	return string(v)
}

// count reads a list length and checks it against max.
func (r *reader) count(field string, max int) int {
	n := int(r.u8(field))
	if n > max {
		r.fail(field, ErrBounds, "%d entries > %d", n, max)
		return 0
	}

	return n
}

// finish records trailing bytes, if any, and returns the sticky error.
func (r *reader) finish() error {
	if r.err == nil && r.off != len(r.b) {
		r.fail("", ErrTrailing, "%d bytes after the last field",
			len(r.b)-r.off)
	}

	return r.err
}
