package codec

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// decoded is what a decode path makes of a message: every option with
// its value and wire offset, in order, the header fields sname and file,
// and the error, if any, as code, offset and cause.
type decoded struct {
	Opts        []optAt
	SName, File []byte
	Err         string
}

// optAt is one decoded option with the wire offset of its first instance.
type optAt struct {
	Code   OptionCode
	Value  []byte
	Offset int
}

// result records m after a Decode that returned err.
func result(m *Message, err error) decoded {
	var d decoded
	if err != nil {
		d.Err = err.Error()
	}
	for c, v := range m.Options.All() {
		d.Opts = append(d.Opts, optAt{c, v, m.Options.Offset(c)})
	}
	d.SName = bytes.Clone(m.SName[:])
	d.File = bytes.Clone(m.File[:])

	return d
}

// decodeSplitOnly decodes b as Decode does, but always through the
// two-pass concatenating path, the one Decode takes when a code repeats.
func decodeSplitOnly(m *Message, b []byte) error {
	m.Reset()
	if err := checkFrame(b); err != nil {
		return err
	}

	m.decodeHeader(b)
	ov, f := m.Options.decodeSplit(b)
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

// checkPaths fails t unless Decode and the two-pass path agree on b:
// the same options, values, offsets, header fields and error.
func checkPaths(t *testing.T, b []byte) {
	t.Helper()

	var fast, slow Message
	want := result(&slow, decodeSplitOnly(&slow, b))
	got := result(&fast, fast.Decode(b))
	if reflect.DeepEqual(want, got) { // cheaper than cmp.Diff when fuzzing
		return
	}
	t.Fatalf("two-pass (-want) vs Decode (+got):\n%s", cmp.Diff(want, got))
}

// pathCases are messages that send Decode down each of its exits: no
// repeat, a repeat in each area, faults before and after a repeat, and
// option 52 in the places RFC 2131 section 4.1 gives it meaning or not.
func pathCases() []input {
	file := []byte{15, 3, 'f', 'o', 'o', 52, 1, 2, 255}
	sname := []byte{6, 4, 8, 8, 8, 8, 255}
	twice := []byte{3, 4, 1, 1, 1, 1, 3, 4, 2, 2, 2, 2, 255}

	return []input{
		{name: "ack", data: ackPacket()},
		{name: "repeat in options", data: packet(twice...)},
		{
			name: "repeat then fault in options",
			data: packet(3, 4, 1, 1, 1, 1, 3, 1, 9, 6, 9, 1),
		},
		{
			name: "fault then repeat in options",
			data: packet(3, 1, 9, 6, 9, 1, 3, 1, 9),
		},
		{
			name: "overload repeated",
			data: packet(52, 1, 1, 52, 1, 1, 255),
		},
		{
			name: "overload empty then one byte",
			data: withFields(packet(52, 0, 52, 1, 1, 255), nil, twice),
		},
		{
			name: "repeat of options-field code in file",
			data: withFields(packet(52, 1, 1, 3, 1, 7, 255), nil, twice),
		},
		{
			name: "repeat in sname only",
			data: withFields(packet(52, 1, 3, 255), twice, file),
		},
		{
			name: "no repeat across three areas",
			data: withFields(packet(52, 1, 3, 53, 1, 5, 255), sname, file),
		},
		{
			name: "repeat in file then fault in sname",
			data: withFields(packet(52, 1, 3, 255),
				append(make([]byte, 62), 6, 4), twice),
		},
		{
			name: "option 52 in file and sname skipped",
			data: withFields(packet(52, 1, 3, 255),
				[]byte{52, 1, 9, 52, 1, 1, 255}, []byte{52, 0, 12, 1, 'h'}),
		},
	}
}

// TestDecodePathsAgree checks that the one-pass Decode and the two-pass
// concatenating decoder agree on hand-made messages that reach every
// exit of Decode and on every seed input.
func TestDecodePathsAgree(t *testing.T) {
	for _, in := range append(pathCases(), allInputs(t)...) {
		t.Run(in.name, func(t *testing.T) { checkPaths(t, in.data) })
	}
}

// FuzzDecodePaths checks that the one-pass Decode and the two-pass
// concatenating decoder agree on any input, errors included.
func FuzzDecodePaths(f *testing.F) {
	for _, in := range pathCases() {
		f.Add(in.data)
	}
	addSeeds(f)
	f.Fuzz(checkPaths)
}

// TestDecodeReuse decodes into one Message, in turn, messages that end
// on each of Decode's exits, and checks that each result equals what a
// fresh Message gets, so that nothing leaks from one decode to the next.
func TestDecodeReuse(t *testing.T) {
	ins := append(pathCases(), allInputs(t)...)
	var reused Message
	for _, set := range []bool{false, true} {
		for _, in := range ins {
			t.Run(in.name, func(t *testing.T) {
				if set { // fill storage by hand first
					_ = reused.Options.Set(OptVendorClass, in.data)
				}
				var fresh Message
				want := result(&fresh, fresh.Decode(in.data))
				got := result(&reused, reused.Decode(in.data))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("fresh (-want) vs reused (+got):\n%s", diff)
				}
				if !reused.Equal(&fresh) {
					t.Fatalf("reused Message differs from fresh one")
				}
				for c := range 256 {
					if reused.Options.Has(OptionCode(c)) !=
						fresh.Options.Has(OptionCode(c)) {
						t.Fatalf("Has(%d) differs after reuse", c)
					}
				}
			})
		}
	}
}

// TestDecodeDoesNotAlias changes the input after decoding it and checks
// that the Message still holds the old values.
func TestDecodeDoesNotAlias(t *testing.T) {
	for _, in := range pathCases() {
		t.Run(in.name, func(t *testing.T) {
			b := bytes.Clone(in.data)
			var m Message
			err := m.Decode(b)
			want := result(&m, err)
			for i := range b {
				b[i] ^= 0xff
			}
			if diff := cmp.Diff(want, result(&m, err)); diff != "" {
				t.Fatalf("Message changed with its input (-want +got):\n%s",
					diff)
			}
		})
	}
}
