package statemachine_test

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

var (
	// leased is the address simtest hands out first.
	leased = netip.MustParseAddr("10.0.0.11")

	// zero is 0.0.0.0, as ciaddr reads when the client has no address.
	zero = netip.IPv4Unspecified()
)

// sentMsg is what the RFC tests check of a message the machine sent: the
// addressing of its Send action and the fields of RFC 2131 table 5.
type sentMsg struct {
	Type      codec.MessageType
	Broadcast bool
	Src, Dst  netip.Addr // invalid for 0.0.0.0 and for broadcast
	XID       uint32
	Secs      uint16
	Flags     uint16
	CIAddr    netip.Addr
	Requested netip.Addr // option 50, invalid when absent
	ServerID  netip.Addr // option 54, invalid when absent
	Params    bool       // option 55 present
}

// decodeSend decodes the payload of the Send action a.
func decodeSend(t *testing.T, a sm.Action) sentMsg {
	t.Helper()
	if a.Kind != sm.ActSend {
		t.Fatalf("%v is not a Send", a.Kind)
	}
	var m codec.Message
	if err := m.Decode(a.Payload); err != nil {
		t.Fatalf("decode: %v", err)
	}
	typ, err := m.Options.MessageType()
	if err != nil {
		t.Fatalf("sent without option 53: %v", err)
	}
	s := sentMsg{
		Type: typ, Broadcast: a.Broadcast, Src: a.Src, Dst: a.Dst,
		XID: m.XID, Secs: m.Secs, Flags: m.Flags, CIAddr: m.CIAddr,
		Params: m.Options.Has(codec.OptParamRequest),
	}
	if ip, err := m.Options.RequestedIP(); err == nil {
		s.Requested = ip
	}
	if id, err := m.Options.ServerID(); err == nil {
		s.ServerID = id
	}

	return s
}

// only returns the actions of kind k.
func only(acts []sm.Action, k sm.ActionKind) []sm.Action {
	var out []sm.Action
	for _, a := range acts {
		if a.Kind == k {
			out = append(out, a)
		}
	}

	return out
}

// sentIn decodes the one message sent among acts.
func sentIn(t *testing.T, acts []sm.Action) sentMsg {
	t.Helper()
	sends := only(acts, sm.ActSend)
	if len(sends) != 1 {
		t.Fatalf("%d messages sent, want 1", len(sends))
	}

	return decodeSend(t, sends[0])
}

// armed returns the deadlines armed so far, replaying the timer actions
// of the trace; a timer that fired is no longer armed.
func (h *harness) armed() map[sm.TimerID]time.Time {
	m := make(map[sm.TimerID]time.Time)
	for _, s := range h.trace {
		if s.Event.Kind == sm.EvTimer {
			delete(m, s.Event.Timer)
		}
		for _, a := range s.Actions {
			switch a.Kind {
			case sm.ActArmTimer:
				m[a.Timer] = a.At
			case sm.ActCancelTimer:
				delete(m, a.Timer)
			}
		}
	}

	return m
}

// fire moves the clock to the deadline of timer id and fires it.
func (h *harness) fire(id sm.TimerID) []sm.Action {
	h.t.Helper()
	at, ok := h.armed()[id]
	if !ok {
		h.t.Fatalf("%v not armed:\n%s", id, h.transcript())
	}
	h.now = at

	return h.feed(id.String()+" at +"+at.Sub(t0).String(), sm.Timer(id))
}

// waitOf returns how long after now the last step armed timer id.
func (h *harness) waitOf(id sm.TimerID) time.Duration {
	h.t.Helper()
	acts := h.trace[len(h.trace)-1].Actions
	for _, a := range only(acts, sm.ActArmTimer) {
		if a.Timer == id {
			return a.At.Sub(h.now)
		}
	}
	h.t.Fatalf("%v not armed by the last step:\n%s", id, h.transcript())

	return 0
}

// xidOf returns the xid of the last message sent.
func (h *harness) xidOf() uint32 {
	h.t.Helper()
	if len(h.sent) == 0 {
		h.t.Fatalf("nothing sent:\n%s", h.transcript())
	}

	return binary.BigEndian.Uint32(h.sent[len(h.sent)-1][4:8])
}

// within1s compares durations to within the one second of jitter RFC
// 2131 section 4.1 allows.
var within1s = cmp.Comparer(func(x, y time.Duration) bool {
	return (x - y).Abs() <= time.Second
})

// u32 encodes v as a 4-byte option value, such as option 51.
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// next fires the timer with the earliest deadline, the lowest id first
// on a tie, as a caller's timer wheel would.
func (h *harness) next() []sm.Action {
	h.t.Helper()
	var id sm.TimerID
	armed := h.armed()
	for k, at := range armed {
		if id == 0 || at.Before(armed[id]) ||
			(at.Equal(armed[id]) && k < id) {
			id = k
		}
	}
	if id == 0 {
		h.t.Fatalf("no timer armed:\n%s", h.transcript())
	}

	return h.fire(id)
}

// optionCodes returns the codes of the options of the Send action a, in
// the order sent.
func optionCodes(t *testing.T, a sm.Action) []codec.OptionCode {
	t.Helper()
	var m codec.Message
	if err := m.Decode(a.Payload); err != nil {
		t.Fatalf("decode: %v", err)
	}
	var codes []codec.OptionCode
	for c := range m.Options.All() {
		codes = append(codes, c)
	}

	return codes
}
