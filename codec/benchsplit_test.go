package codec

import (
	"slices"
	"testing"
)

// BenchmarkDecodeSplit decodes an ACK whose DNS servers come in two
// instances of option 6 (RFC 3396), the case that takes the two-pass
// decoder, into a reused Message.
func BenchmarkDecodeSplit(b *testing.B) {
	opts := slices.Clone(ackOpts[:len(ackOpts)-1]) // without End
	p := packet(append(opts, 6, 4, 9, 9, 9, 9, 255)...)
	var m Message
	if err := m.Decode(p); err != nil {
		b.Fatal(err)
	}
	if v, _ := m.Options.Get(OptDNSServer); len(v) != 12 {
		b.Fatalf("option 6 is %d bytes, want 12 (not concatenated)", len(v))
	}

	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		if err := m.Decode(p); err != nil {
			b.Fatal(err)
		}
	}
}
