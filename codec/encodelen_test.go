package codec

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAppendLength encodes values around the 255-byte instance limit of
// RFC 3396 section 5 and checks the exact length Append produces, the
// zero padding after End and that the value decodes back whole.
func TestAppendLength(t *testing.T) {
	for _, n := range []int{0, 1, 30, 254, 255, 256, 509, 510, 511, 765, 766} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			v := bytes.Repeat([]byte{0xa5}, n)
			var m Message
			if err := m.Options.Set(OptVendorClass, v); err != nil {
				t.Fatal(err)
			}

			enc, err := m.Append([]byte("prefix"), MaxMessageLen)
			if err != nil {
				t.Fatal(err)
			}
			enc = enc[len("prefix"):]
			instances := max(1, (n+maxChunk-1)/maxChunk)
			end := MinLen + 2*instances + n
			if got, want := len(enc), max(end+1, MinEncodedLen); got != want {
				t.Errorf("encoded %d bytes, want %d", got, want)
			}
			if enc[end] != byte(OptEnd) {
				t.Errorf("byte %d = %d, want End", end, enc[end])
			}
			if !allZero(enc[end+1:]) {
				t.Errorf("padding after End is not zero")
			}

			var d Message
			if err := d.Decode(enc); err != nil {
				t.Fatal(err)
			}
			got, _ := d.Options.Get(OptVendorClass)
			if diff := cmp.Diff(v, got); diff != "" {
				t.Errorf("value (-want +got):\n%s", diff)
			}
		})
	}
}
