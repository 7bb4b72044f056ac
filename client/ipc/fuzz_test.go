package ipc

import (
	"bytes"
	"testing"
)

// addSeeds adds the encoding of every round-trip case to f.
func addSeeds(f *testing.F) {
	for _, m := range roundTripCases() {
		b, err := Append(nil, m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{Version, uint8(TypeApplyLease), 0xc0, 0, 2, 1, 24, 9})
}

// FuzzDecodeRequest checks that decoding any bytes as a request never
// panics, that whatever decodes re-encodes to the same bytes and that
// validation never panics either.
func FuzzDecodeRequest(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeRequest(b)
		if err != nil {
			return
		}

		again, err := Append(nil, m)
		if err != nil {
			t.Fatalf("re-encoding %#v: %v", m, err)
		}

		if !bytes.Equal(again, b) {
			t.Fatalf("re-encoding differs:\n in % x\nout % x", b, again)
		}

		p := Policy{HWAddr: testMAC, Leased: ip("192.0.2.10"), MaxMTU: 9000}
		if v, ok := m.(interface{ Validate(Policy) error }); ok {
			_ = v.Validate(p)
			_ = v.Validate(Policy{})
		}
	})
}

// FuzzDecodeEvent is FuzzDecodeRequest for the engine's side.
func FuzzDecodeEvent(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeEvent(b)
		if err != nil {
			return
		}

		again, err := Append(nil, m)
		if err != nil {
			t.Fatalf("re-encoding %#v: %v", m, err)
		}

		if !bytes.Equal(again, b) {
			t.Fatalf("re-encoding differs:\n in % x\nout % x", b, again)
		}
	})
}
