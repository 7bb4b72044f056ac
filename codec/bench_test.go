package codec

import "testing"

// BenchmarkDecodeAck decodes an ACK into a reused Message and reads what
// a client configures from it.
func BenchmarkDecodeAck(b *testing.B) {
	p := benchAck(b)
	var m Message
	var v ackValues
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		if err := m.Decode(p); err != nil {
			b.Fatal(err)
		}
		if err := v.read(&m.Options); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeRequest encodes a REQUEST into a reused buffer.
func BenchmarkEncodeRequest(b *testing.B) {
	var m Message
	m.Op, m.HType, m.HLen, m.XID = BootRequest, 1, 6, 0x01020304
	m.CHAddr = [16]byte{2, 0, 0, 0, 0, 1}
	o := &m.Options
	for _, err := range []error{
		o.SetMessageType(Request),
		o.SetAddr(OptRequestedIP, mustAddr("192.168.1.50")),
		o.SetAddr(OptServerID, mustAddr("192.168.1.1")),
		o.Set(OptParamRequest, []byte{1, 3, 6, 15, 26, 28, 42, 119, 121}),
		o.SetUint16(OptMaxMessageSize, 1500),
		o.Set(OptClientID, []byte{1, 2, 0, 0, 0, 0, 1}),
		o.Set(OptHostName, []byte("node-1")),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}

	buf := make([]byte, 0, DefaultMaxLen)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		buf, err = m.Append(buf[:0], 0)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}
