package hostile

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/client/frame"
	"github.com/safedhcp/safedhcp/codec"
)

// TestMalformedFrames checks that each frame fails where it should: in
// the frame parser, in the codec, or (the last two) only in the state
// machine, as a reply to nobody and a client's message.
func TestMalformedFrames(t *testing.T) {
	fs := MalformedFrames([6]byte{2, 0, 0, 0, 0, 1},
		netip.MustParseAddr("10.77.1.1"))

	var got []string
	for _, b := range fs {
		f, err := frame.Parse(b)
		if err != nil {
			got = append(got, "frame")
			continue
		}

		var m codec.Message
		err = m.Decode(f.Payload)
		switch {
		case errors.Is(err, codec.ErrBadCookie):
			got = append(got, "cookie")
		case errors.Is(err, codec.ErrTruncated):
			got = append(got, "truncated")
		case err != nil:
			got = append(got, "codec: "+err.Error())
		case m.Op == codec.BootRequest:
			got = append(got, "request")
		default:
			got = append(got, "foreign reply")
		}
	}

	want := []string{"frame", "frame", "frame", "frame", "cookie",
		"truncated", "foreign reply", "request"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("where the frames fail (-want +got):\n%s", diff)
	}
}
