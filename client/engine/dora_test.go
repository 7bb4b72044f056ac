package engine

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/client/frame"
	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/codec"
)

var (
	serverAddr = netip.MustParseAddr("10.0.0.1")
	serverMAC  = [6]byte{2, 0, 0, 0, 0, 9}
	offered    = netip.MustParseAddr("10.0.0.50")
)

// reply returns a server frame answering the request in payload with a
// message of type typ for offered/24.
func reply(t testing.TB, payload []byte, typ codec.MessageType) []byte {
	t.Helper()

	return replyWith(t, payload, typ, nil)
}

// replyWith is reply with the options changed by edit, when not nil,
// before the message is encoded.
func replyWith(t testing.TB, payload []byte, typ codec.MessageType,
	edit func(*codec.Options) error) []byte {
	t.Helper()
	var req codec.Message
	if err := req.Decode(payload); err != nil {
		t.Fatalf("engine sent an undecodable payload: %v", err)
	}

	m := codec.Message{Op: codec.BootReply, HType: 1, HLen: 6,
		XID: req.XID, YIAddr: offered, CHAddr: req.CHAddr}
	o := &m.Options
	for _, err := range []error{
		o.SetMessageType(typ),
		o.SetAddr(codec.OptServerID, serverAddr),
		o.SetAddr(codec.OptSubnetMask,
			netip.AddrFrom4([4]byte{255, 255, 255, 0})),
		o.SetAddrs(codec.OptRouter, []netip.Addr{serverAddr}),
		o.SetAddrs(codec.OptDNSServer, []netip.Addr{serverAddr}),
		o.SetUint32(codec.OptLeaseTime, 600),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}

	if edit != nil {
		if err := edit(o); err != nil {
			t.Fatal(err)
		}
	}

	b, err := m.Append(nil, codec.MaxMessageLen)
	if err != nil {
		t.Fatal(err)
	}

	f, err := frame.Build(nil, frame.BuildParams{
		DstMAC: frame.BroadcastMAC, SrcMAC: serverMAC,
		Src: serverAddr, Dst: bcastAddr,
		SrcPort: frame.ServerPort, DstPort: frame.ClientPort,
		Payload: b,
	})
	if err != nil {
		t.Fatal(err)
	}

	return f
}

// lastSend returns the payload of the last SendPayload in reqs, which
// must pass the privileged side's policy.
func lastSend(t testing.TB, reqs []ipc.Request) []byte {
	t.Helper()
	for i := len(reqs) - 1; i >= 0; i-- {
		if s, ok := reqs[i].(*ipc.SendPayload); ok {
			err := s.Validate(ipc.Policy{HWAddr: testMAC[:]})
			if err != nil {
				t.Errorf("SendPayload fails policy: %v", err)
			}

			return s.Payload
		}
	}

	t.Fatalf("no SendPayload in %v", reqs)

	return nil
}

// types returns the request types in reqs, Log left out.
func types(reqs []ipc.Request) []ipc.Type {
	var ts []ipc.Type
	for _, r := range reqs {
		if r.Type() != ipc.TypeLog {
			ts = append(ts, r.Type())
		}
	}

	return ts
}

// TestDORA drives the engine with the real state machine through a
// DISCOVER, OFFER, REQUEST, ACK exchange carried in frames, and checks
// the requests it makes of the privileged side.
func TestDORA(t *testing.T) {
	e, sent := newTestEngine(t)
	now := time.Now()
	if err := e.Start(now, nil); err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff([]ipc.Type{ipc.TypeSendPayload},
		types(*sent)); diff != "" {
		t.Fatalf("after Start (-want +got):\n%s", diff)
	}

	offer := reply(t, lastSend(t, *sent), codec.Offer)
	*sent = nil
	if err := e.Event(now, &ipc.Frame{Data: offer}); err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff([]ipc.Type{ipc.TypeSendPayload},
		types(*sent)); diff != "" {
		t.Fatalf("after OFFER (-want +got):\n%s", diff)
	}

	ack := reply(t, lastSend(t, *sent), codec.Ack)
	*sent = nil
	if err := e.Event(now, &ipc.Frame{Data: ack}); err != nil {
		t.Fatal(err)
	}

	var apply *ipc.ApplyLease
	var status *ipc.Status
	for _, r := range *sent {
		switch r := r.(type) {
		case *ipc.ApplyLease:
			apply = r
		case *ipc.Status:
			status = r
		}
	}

	if apply == nil || status == nil {
		t.Fatalf("after ACK: requests %v, want ApplyLease and Status",
			types(*sent))
	}

	if want := netip.PrefixFrom(offered, 24); apply.Addr != want ||
		apply.ServerID != serverAddr || apply.ValidLifetime != 600 {
		t.Errorf("ApplyLease %+v, want %v from %v for 600 s", apply,
			want, serverAddr)
	}

	if status.State != ipc.StateBound {
		t.Errorf("Status %v, want Bound", status.State)
	}

	if err := apply.Validate(ipc.Policy{HWAddr: testMAC[:]}); err != nil {
		t.Errorf("the lease the engine asks for fails policy: %v", err)
	}
}
