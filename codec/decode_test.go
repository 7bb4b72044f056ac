package codec

import (
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// header is the comparable header part of a Message.
type header struct {
	Op                OpCode
	HType, HLen, Hops uint8
	XID               uint32
	Secs, Flags       uint16
	CI, YI, SI, GI    string
	HWAddr            []byte
	SNameNul, FileNul bool
}

func headerOf(m *Message) header {
	return header{
		Op: m.Op, HType: m.HType, HLen: m.HLen, Hops: m.Hops,
		XID: m.XID, Secs: m.Secs, Flags: m.Flags,
		CI: m.CIAddr.String(), YI: m.YIAddr.String(),
		SI: m.SIAddr.String(), GI: m.GIAddr.String(),
		HWAddr:   m.HWAddr(),
		SNameNul: m.SName == [64]byte{}, FileNul: m.File == [128]byte{},
	}
}

func TestDecodeHeader(t *testing.T) {
	hlen20 := packet(255)
	hlen20[1], hlen20[2] = 0xff, 20 // unknown htype, hlen > 16

	tests := []struct {
		name string
		in   []byte
		want header
	}{
		{
			name: "dnsmasq ack",
			in:   ackPacket(),
			want: header{
				Op: BootReply, HType: 1, HLen: 6, XID: 0xdeadbeef,
				Secs: 3, Flags: FlagBroadcast,
				CI: "0.0.0.0", YI: "192.168.1.50",
				SI: "192.168.1.1", GI: "0.0.0.0",
				HWAddr:   []byte{2, 0, 0, 0, 0, 1},
				SNameNul: true, FileNul: true,
			},
		},
		{
			name: "any htype and hlen above 16",
			in:   hlen20,
			want: header{
				Op: BootReply, HType: 0xff, HLen: 20, XID: 0xdeadbeef,
				Secs: 3, Flags: FlagBroadcast,
				CI: "0.0.0.0", YI: "192.168.1.50",
				SI: "192.168.1.1", GI: "0.0.0.0",
				HWAddr:   []byte{2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
				SNameNul: true, FileNul: true,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := decode(t, tt.in)
			if diff := cmp.Diff(tt.want, headerOf(m)); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeOptions(t *testing.T) {
	long := make([]byte, 300)
	for i := range long {
		long[i] = byte(i)
	}
	split := packet(43, 255)
	split = append(split, long[:255]...)
	split = append(split, 3, 1, 9, 43, 45)
	split = append(split, long[255:]...)
	split = append(split, 255)

	file := []byte{15, 3, 'f', 'o', 'o', 52, 1, 2, 255}
	sname := []byte{6, 4, 8, 8, 8, 8, 255}

	tests := []struct {
		name string
		in   []byte
		want []opt
	}{
		{
			name: "pad skipped and options after end ignored",
			in:   packet(0, 0, 53, 1, 5, 0, 255, 54, 4, 1, 2, 3, 4),
			want: []opt{{53, []byte{5}}},
		},
		{
			name: "missing end",
			in:   packet(53, 1, 2),
			want: []opt{{53, []byte{2}}},
		},
		{
			name: "no options",
			in:   packet(),
			want: nil,
		},
		{
			name: "zero length option",
			in:   packet(80, 0, 255),
			want: []opt{{80, []byte{}}},
		},
		{
			name: "rfc 3396 instances concatenated in order",
			in:   split,
			want: []opt{{43, long}, {3, []byte{9}}},
		},
		{
			name: "overload 1 reads file",
			in: withFields(packet(52, 1, 1, 53, 1, 5, 255),
				sname, file),
			want: []opt{
				{52, []byte{1}}, {53, []byte{5}},
				{15, []byte("foo")},
			},
		},
		{
			name: "overload 2 reads sname",
			in:   withFields(packet(52, 1, 2, 255), sname, file),
			want: []opt{{52, []byte{2}}, {6, []byte{8, 8, 8, 8}}},
		},
		{
			name: "overload 3 reads file then sname",
			in: withFields(packet(6, 4, 1, 1, 1, 1, 52, 1, 3, 255),
				sname, append([]byte{6, 4, 2, 2, 2, 2}, file...)),
			want: []opt{
				{6, []byte{1, 1, 1, 1, 2, 2, 2, 2, 8, 8, 8, 8}},
				{52, []byte{3}}, {15, []byte("foo")},
			},
		},
		{
			// The file field holds option 52 again: it is not
			// followed or counted a second time.
			name: "overload 3 with option 52 in file",
			in: withFields(packet(52, 1, 3, 255),
				[]byte{52, 1, 3, 255},
				[]byte{52, 1, 1, 12, 1, 'h', 255}),
			want: []opt{{52, []byte{3}}, {12, []byte("h")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := decode(t, tt.in)
			if diff := cmp.Diff(tt.want, optList(&m.Options)); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeOverloadClearsFields(t *testing.T) {
	p := withFields(packet(52, 1, 3, 255),
		[]byte{12, 1, 'a', 255}, []byte{15, 1, 'b', 255})
	m := decode(t, p)
	if m.SName != [64]byte{} || m.File != [128]byte{} {
		t.Errorf("overloaded sname/file kept: %q %q", m.SName, m.File)
	}

	p = withFields(packet(255), []byte("server"), []byte("boot.efi"))
	m = decode(t, p)
	if got := string(m.File[:8]); got != "boot.efi" {
		t.Errorf("file = %q, want boot.efi", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	badCookie := packet(255)
	badCookie[HeaderLen] = 0

	tests := []struct {
		name   string
		in     []byte
		want   error
		code   OptionCode
		offset int // -1: not an *OptionError
	}{
		{"empty", nil, ErrTruncated, 0, -1},
		{"shorter than 240 bytes", packet()[:239], ErrTruncated, 0, -1},
		{"header without cookie", packet()[:HeaderLen], ErrTruncated, 0, -1},
		{"bad cookie", badCookie, ErrBadCookie, 0, -1},
		{"too long", make([]byte, MaxMessageLen+1), ErrTooLong, 0, -1},
		{
			"option length past end of packet",
			packet(53, 1, 5, 6, 8, 1, 1, 1, 1),
			ErrTruncated, 6, 243,
		},
		{"code without length", packet(53, 1, 5, 6), ErrTruncated, 6, 243},
		{
			"option length past end of file field",
			withFields(packet(52, 1, 1, 255), nil,
				append(make([]byte, 126), 15, 5)),
			ErrTruncated, 15, offFile + 126,
		},
		{"overload value 0", packet(52, 1, 0, 255), ErrMalformed, 52, 240},
		{"overload value 4", packet(52, 1, 4, 255), ErrMalformed, 52, 240},
		{"overload length 2", packet(52, 2, 1, 1, 255), ErrMalformed, 52, 240},
		{
			"overload split over two instances",
			packet(52, 1, 1, 52, 1, 1, 255), ErrMalformed, 52, 240,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			m.XID = 7
			err := m.Decode(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode error = %v, want %v", err, tt.want)
			}
			if tt.want == ErrTruncated && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error %v does not match io.ErrUnexpectedEOF", err)
			}
			if m.XID != 0 || m.Options.Len() != 0 {
				t.Errorf("message not reset after error")
			}

			var oe *OptionError
			if got := errors.As(err, &oe); got != (tt.offset >= 0) {
				t.Fatalf("errors.As(*OptionError) = %v for %v", got, err)
			}
			if oe == nil {
				return
			}
			got := [2]int{int(oe.Code), oe.Offset}
			if want := [2]int{int(tt.code), tt.offset}; got != want {
				t.Errorf("code, offset = %v, want %v", got, want)
			}
		})
	}
}
