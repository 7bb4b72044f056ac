package ipc

import "testing"

func benchDecode(b *testing.B, m Message) {
	buf, err := Append(nil, m)
	if err != nil {
		b.Fatal(err)
	}

	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeAny(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func benchAppend(b *testing.B, m Message) {
	buf := make([]byte, 0, MaxMessageLen)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Append(buf[:0], m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeFrame(b *testing.B) {
	benchDecode(b, &Frame{Data: make([]byte, 590)})
}

func BenchmarkDecodeApplyLease(b *testing.B) { benchDecode(b, fullLease()) }

func BenchmarkAppendSendPayload(b *testing.B) {
	benchAppend(b, &SendPayload{Broadcast: true, Dst: ip("255.255.255.255"),
		Src: ip("0.0.0.0"), Payload: validPayload()})
}

func BenchmarkAppendApplyLease(b *testing.B) { benchAppend(b, fullLease()) }

func BenchmarkValidateApplyLease(b *testing.B) {
	m := fullLease()
	b.ReportAllocs()
	for b.Loop() {
		if err := m.Validate(Policy{}); err != nil {
			b.Fatal(err)
		}
	}
}
