package codec

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"unsafe"
)

// TestNoAllocs decodes and re-encodes every input with a reused Message
// and buffer and fails if either allocates, on success or on error.
func TestNoAllocs(t *testing.T) {
	ins := allInputs(t)
	var m Message
	buf := make([]byte, 0, MaxMessageLen)
	decoded := 0
	for _, in := range ins {
		t.Run(in.name, func(t *testing.T) {
			var err error
			allocs := testing.AllocsPerRun(20, func() {
				err = m.Decode(in.data)
			})
			if allocs != 0 {
				t.Errorf("Decode: %v allocs, want 0 (err %v)", allocs, err)
			}
			if err != nil {
				return
			}
			decoded++

			m.Options.Delete(OptOverload) // Append refuses it
			allocs = testing.AllocsPerRun(20, func() {
				_, err = m.Append(buf[:0], MaxMessageLen)
			})
			if allocs != 0 {
				t.Errorf("Append: %v allocs, want 0 (err %v)", allocs, err)
			}
		})
	}
	t.Logf("%d inputs, %d decoded", len(ins), decoded)
}

// TestAccessorsNoAllocs reads the values a client needs from an ACK
// into reused slices and fails if that allocates.
func TestAccessorsNoAllocs(t *testing.T) {
	m := decode(t, benchAck(t))
	var v ackValues
	var err error
	allocs := testing.AllocsPerRun(20, func() { err = v.read(&m.Options) })
	if err != nil {
		t.Fatal(err)
	}
	if allocs != 0 {
		t.Errorf("accessors: %v allocs, want 0", allocs)
	}
	if v.mt != Ack || v.lease == 0 || len(v.routers) == 0 || len(v.dns) == 0 {
		t.Errorf("values not read: %+v", v)
	}
}

// ackValues holds what a client reads from an ACK, in reused slices.
type ackValues struct {
	mt           MessageType
	server       netip.Addr
	lease        uint32
	mask         int
	routers, dns []netip.Addr
}

// read fills v from o.
func (v *ackValues) read(o *Options) error {
	var err [6]error
	v.mt, err[0] = o.MessageType()
	v.server, err[1] = o.ServerID()
	v.lease, err[2] = o.LeaseTime()
	v.mask, err[3] = o.SubnetMask()
	v.routers, err[4] = o.Routers(v.routers[:0])
	v.dns, err[5] = o.DNSServers(v.dns[:0])

	return errors.Join(err[:]...)
}

// benchAck returns a dnsmasq ACK from testdata/captures when one was
// captured, else the hand-made one built like dnsmasq's.
func benchAck(tb testing.TB) []byte {
	tb.Helper()
	pcaps, _ := filepath.Glob(filepath.Join("..", "testdata", "captures", "dnsmasq*.pcap"))
	for _, p := range pcaps {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		for _, in := range pcapInputs(tb, p) {
			var m Message
			if m.Decode(in.data) != nil {
				continue
			}
			if mt, err := m.Options.MessageType(); err == nil && mt == Ack {
				return in.data
			}
		}
	}

	return ackPacket()
}

// TestMessageSize keeps the size the package documentation states in step
// with the type: a Message is the whole allocation bound of a decode.
func TestMessageSize(t *testing.T) {
	if strconv.IntSize != 64 {
		t.Skip("the documented size is for 64-bit platforms")
	}
	if got := unsafe.Sizeof(Message{}); got != 11648 {
		t.Errorf("unsafe.Sizeof(Message{}) = %d, doc.go says 11,648", got)
	}
}
