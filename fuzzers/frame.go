package fuzzers

import (
	"bytes"
	"unsafe"

	"github.com/safedhcp/safedhcp/client/frame"
)

// frameErrors are the sentinel errors frame.Parse may return.
var frameErrors = []error{
	frame.ErrTruncated, frame.ErrEtherType, frame.ErrIPVersion,
	frame.ErrIPHeaderLength, frame.ErrIPChecksum, frame.ErrFragment,
	frame.ErrNotUDP, frame.ErrUDPLength, frame.ErrUDPChecksum, frame.ErrPort,
}

// FuzzFrame runs data through the engine's receive path: frame.Parse
// checks the Ethernet II, IPv4 (RFC 791) and UDP (RFC 768) headers, then
// the UDP payload goes through FuzzCodecDecode. It checks that Parse
// leaves its input alone, fails only with its sentinels, returns a
// payload inside the input for port 68, and that Build rebuilds a frame
// that parses to the same fields.
func FuzzFrame(data []byte) int {
	orig := bytes.Clone(data)
	f, err := frame.Parse(data)
	if !bytes.Equal(data, orig) {
		bug("frame.Parse changed its input")
	}
	checkErr(err, "frame: ", frameErrors...)
	if err != nil {
		return 0
	}

	if !f.Src.Is4() || !f.Dst.Is4() || f.DstPort != frame.ClientPort {
		bug("accepted frame %v:%d -> %v:%d", f.Src, f.SrcPort, f.Dst,
			f.DstPort)
	}
	if !inside(f.Payload, data) {
		bug("payload does not alias the frame")
	}

	out, err := frame.Build(nil, frame.BuildParams{
		DstMAC: f.DstMAC, SrcMAC: f.SrcMAC, Src: f.Src, Dst: f.Dst,
		SrcPort: f.SrcPort, DstPort: f.DstPort, Payload: f.Payload,
	})
	if err != nil {
		bug("frame.Build of a parsed frame: %v", err)
	}
	again, err := frame.Parse(out)
	if err != nil || again.Src != f.Src || again.Dst != f.Dst ||
		again.SrcPort != f.SrcPort || again.DstMAC != f.DstMAC ||
		again.SrcMAC != f.SrcMAC || !bytes.Equal(again.Payload, f.Payload) {
		bug("frame.Parse(frame.Build(f)) differs from f: %v", err)
	}

	FuzzCodecDecode(f.Payload)

	return 1
}

// inside reports whether sub lies within b's memory.
func inside(sub, b []byte) bool {
	if len(sub) == 0 {
		return true
	}
	s := uintptr(unsafe.Pointer(unsafe.SliceData(sub)))
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(b)))

	return s >= lo && s+uintptr(len(sub)) <= lo+uintptr(len(b))
}
