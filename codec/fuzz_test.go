package codec

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// addSeeds adds every hand-made and file input to f.
func addSeeds(f *testing.F) {
	for _, in := range allInputs(f) {
		f.Add(in.data)
	}
}

// FuzzDecode checks that Decode never panics, fails exactly where the
// reference decoder fails, yields the reference option values, that
// every accessor agrees with the raw bytes, and that a decoded message
// re-encodes to itself.
func FuzzDecode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		err := m.Decode(b)
		vals, order, ok := refDecode(b)
		if (err == nil) != ok {
			t.Fatalf("Decode error %v, reference ok %v", err, ok)
		}
		if err != nil {
			return
		}

		var want []opt
		for _, c := range order {
			want = append(want, opt{c, vals[c]})
		}
		if diff := cmp.Diff(want, optList(&m.Options)); diff != "" {
			t.Fatalf("options (-reference +Decode):\n%s", diff)
		}
		checkAccessors(t, &m.Options, vals)

		m.Options.Delete(OptOverload)
		enc, err := m.Append(nil, MaxMessageLen)
		if errors.Is(err, ErrTooLong) {
			return // options moved out of file and sname may not fit
		}
		if err != nil {
			t.Fatalf("Append: %v", err)
		}
		var n Message
		if err := n.Decode(enc); err != nil {
			t.Fatalf("Decode(Append(m)): %v", err)
		}
		if !n.Equal(&m) {
			t.Fatalf("Decode(Append(m)) != m")
		}
	})
}

// messageFrom builds a Message from fuzz bytes: 28 header bytes, 16 of
// chaddr, then options as code, 2-byte length, value. It also returns
// the size limit to encode with.
func messageFrom(b []byte) (*Message, int) {
	var h [46]byte
	b = b[copy(h[:], b):]

	m := &Message{
		Op: OpCode(h[0]), HType: h[1], HLen: h[2], Hops: h[3],
		XID:    binary.BigEndian.Uint32(h[4:]),
		Secs:   binary.BigEndian.Uint16(h[8:]),
		Flags:  binary.BigEndian.Uint16(h[10:]),
		CIAddr: netip.AddrFrom4([4]byte(h[12:])),
		YIAddr: netip.AddrFrom4([4]byte(h[16:])),
		SIAddr: netip.AddrFrom4([4]byte(h[20:])),
		GIAddr: netip.AddrFrom4([4]byte(h[24:])),
		CHAddr: [16]byte(h[28:]),
	}
	m.SName[0], m.File[0] = h[2], h[3]
	maxLen := int(binary.BigEndian.Uint16(h[44:]))

	for len(b) >= 3 {
		c := OptionCode(b[0])
		n := min(int(binary.BigEndian.Uint16(b[1:]))%1200, len(b)-3)
		_ = m.Options.Set(c, b[3:3+n]) // Pad and End are refused
		b = b[3+n:]
	}

	return m, maxLen
}

// FuzzRoundTrip checks that every message that encodes decodes to
// itself, within the size limit and padded to MinEncodedLen.
func FuzzRoundTrip(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, maxLen := messageFrom(b)
		enc, err := m.Append(nil, maxLen)
		if err != nil {
			if !errors.Is(err, ErrTooLong) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("Append: unexpected error %v", err)
			}
			return
		}

		limit := maxLen
		if limit == 0 {
			limit = DefaultMaxLen
		}
		if len(enc) > min(limit, MaxMessageLen) || len(enc) < MinEncodedLen {
			t.Fatalf("encoded %d bytes, limit %d", len(enc), limit)
		}

		var n Message
		if err := n.Decode(enc); err != nil {
			t.Fatalf("Decode(Append(m)): %v", err)
		}
		if !n.Equal(m) {
			t.Fatalf("Decode(Append(m)) != m\nwant %v\ngot  %v",
				optList(&m.Options), optList(&n.Options))
		}
	})
}

// FuzzAccessors sets one option to arbitrary bytes and checks every
// accessor against them, reaching the name and route parsers more often
// than whole messages do.
func FuzzAccessors(f *testing.F) {
	for _, tt := range append(nameCases(), routeCases()...) {
		var m Message
		if m.Decode(packet(append(tt.opts, 255)...)) != nil {
			continue
		}
		for c, v := range m.Options.All() {
			f.Add(byte(c), append([]byte{}, v...))
		}
	}
	f.Fuzz(func(t *testing.T, code byte, v []byte) {
		var o Options
		if o.Set(OptionCode(code), v) != nil {
			return
		}
		checkAccessors(t, &o, map[OptionCode][]byte{OptionCode(code): v})
	})
}
