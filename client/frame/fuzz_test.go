package frame

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sentinels are every error Parse may return.
var sentinels = []error{
	ErrTruncated, ErrEtherType, ErrIPVersion, ErrIPHeaderLength,
	ErrIPChecksum, ErrFragment, ErrNotUDP, ErrUDPLength, ErrUDPChecksum,
	ErrPort,
}

// FuzzParse checks that Parse never panics, fails only with a sentinel
// error, and that a frame it accepts survives Build and Parse unchanged.
func FuzzParse(f *testing.F) {
	f.Add(reply().serialize(f))
	b, err := Build(nil, Broadcast(clientMAC, dhcpPayload[:40]))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, in []byte) {
		orig := bytes.Clone(in)
		_, offErr := ParseOffloaded(in)
		got, err := Parse(in)
		if err == nil && offErr != nil {
			t.Fatalf("ParseOffloaded rejects what Parse accepts: %v",
				offErr)
		}
		if !bytes.Equal(in, orig) {
			t.Fatal("Parse modified its input")
		}
		if err != nil {
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("Parse returned a non-sentinel error %v", err)
		}

		out, err := Build(nil, BuildParams{
			DstMAC: got.DstMAC, SrcMAC: got.SrcMAC, Src: got.Src,
			Dst: got.Dst, SrcPort: got.SrcPort, DstPort: got.DstPort,
			Payload: got.Payload,
		})
		if err != nil {
			t.Fatalf("Build(Parse(x)): %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Build(Parse(x))): %v", err)
		}
		if diff := cmp.Diff(got, again, cmpAddr); diff != "" {
			t.Errorf("round trip mismatch (-want +got):\n%s", diff)
		}
	})
}
