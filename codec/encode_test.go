package codec

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// discover returns the DISCOVER a client built on this package sends.
func discover(t *testing.T) *Message {
	t.Helper()
	m := &Message{
		Op: BootRequest, HType: 1, HLen: 6, XID: 0x01020304,
		Flags:  FlagBroadcast,
		CHAddr: [16]byte{2, 0, 0, 0, 0, 1},
	}
	o := &m.Options
	for _, err := range []error{
		o.SetMessageType(Discover),
		o.Set(OptParamRequest, []byte{1, 3, 6, 15, 119, 121}),
		o.SetUint16(OptMaxMessageSize, 1500),
		o.Set(OptClientID, []byte{1, 2, 0, 0, 0, 0, 1}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}

	return m
}

func TestAppendBytes(t *testing.T) {
	m := discover(t)
	got, err := m.Append([]byte("prefix"), 0)
	if err != nil {
		t.Fatal(err)
	}

	want := []byte("prefix")
	want = append(want, 1, 1, 6, 0, 1, 2, 3, 4, 0, 0, 0x80, 0)
	want = append(want, make([]byte, 16)...)
	want = append(want, 2, 0, 0, 0, 0, 1)
	want = append(want, make([]byte, 10+64+128)...)
	want = append(want, 99, 130, 83, 99,
		53, 1, 1,
		55, 6, 1, 3, 6, 15, 119, 121,
		57, 2, 0x05, 0xdc,
		61, 7, 1, 2, 0, 0, 0, 0, 1,
		255)
	want = append(want, make([]byte, MinEncodedLen+6-len(want))...)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Append (-want +got):\n%s", diff)
	}
}

func TestAppendSplitsLongValues(t *testing.T) {
	long := bytes.Repeat([]byte{'a'}, 600)
	var m Message
	if err := m.Options.Set(OptVendorClass, long); err != nil {
		t.Fatal(err)
	}
	if err := m.Options.Set(OptRapidCommit, nil); err != nil {
		t.Fatal(err)
	}

	b, err := m.Append(nil, 1500)
	if err != nil {
		t.Fatal(err)
	}

	var want []byte
	want = append(want, 60, 255)
	want = append(want, long[:255]...)
	want = append(want, 60, 255)
	want = append(want, long[:255]...)
	want = append(want, 60, 90)
	want = append(want, long[:90]...)
	want = append(want, 80, 0, 255)
	if diff := cmp.Diff(want, b[MinLen:MinLen+len(want)]); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}

	var n Message
	if err := n.Decode(b); err != nil {
		t.Fatal(err)
	}
	if !n.Equal(&m) {
		t.Errorf("decode(encode(m)) != m: %v", optList(&n.Options))
	}
}

func TestAppendErrors(t *testing.T) {
	big := bytes.Repeat([]byte{'x'}, 400)

	tests := []struct {
		name   string
		maxLen int
		set    func(m *Message) error
		want   error
	}{
		{
			name: "option 52 refused",
			set:  func(m *Message) error { return m.Options.SetUint8(OptOverload, 3) },
			want: ErrMalformed,
		},
		{
			name: "larger than 576 by default",
			set:  func(m *Message) error { return m.Options.Set(OptVendorClass, big) },
			want: ErrTooLong,
		},
		{
			name:   "larger than the peer's option 57",
			maxLen: 600,
			set: func(m *Message) error {
				return m.Options.Set(OptVendorClass, append(big, big...))
			},
			want: ErrTooLong,
		},
		{
			name:   "limit below the padded length",
			maxLen: 299,
			set:    func(m *Message) error { return nil },
			want:   ErrTooLong,
		},
		{
			name: "ipv6 header address",
			set: func(m *Message) error {
				m.CIAddr = netip.IPv6Loopback()
				return nil
			},
			want: ErrMalformed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			if err := tt.set(&m); err != nil {
				t.Fatal(err)
			}
			dst := []byte{1, 2}
			got, err := m.Append(dst, tt.maxLen)
			if !errors.Is(err, tt.want) {
				t.Errorf("Append error = %v, want %v", err, tt.want)
			}
			if len(got) != 2 {
				t.Errorf("Append wrote %d bytes on error", len(got)-2)
			}
		})
	}
}

func TestAppendExactLimit(t *testing.T) {
	var m Message
	// 240 + 2 + 333 + 1 = 576 bytes exactly.
	if err := m.Options.Set(OptVendorClass, make([]byte, 333-2)); err != nil {
		t.Fatal(err)
	}
	b, err := m.Append(nil, 0)
	if err != nil {
		t.Fatalf("Append at exactly 576 bytes: %v", err)
	}
	if len(b) != DefaultMaxLen {
		t.Errorf("len = %d, want %d", len(b), DefaultMaxLen)
	}
}

func TestRoundTripClientMessages(t *testing.T) {
	for _, mt := range []MessageType{Discover, Request, Decline, Release, Inform} {
		t.Run(mt.String(), func(t *testing.T) {
			m := discover(t)
			m.CIAddr = mustAddr("192.168.1.50")
			if err := m.Options.SetMessageType(mt); err != nil {
				t.Fatal(err)
			}
			if err := m.Options.SetAddr(OptServerID, mustAddr("192.168.1.1")); err != nil {
				t.Fatal(err)
			}
			b, err := m.Append(nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != MinEncodedLen {
				t.Errorf("len = %d, want %d", len(b), MinEncodedLen)
			}
			n := decode(t, b)
			if !n.Equal(m) {
				t.Errorf("decode(encode(m)) != m\nwant %+v\ngot  %+v",
					optList(&m.Options), optList(&n.Options))
			}
		})
	}
}
