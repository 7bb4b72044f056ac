package statemachine_test

import (
	"math/rand/v2"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
	"github.com/safedhcp/safedhcp/statemachine/simtest"
)

var (
	t0     = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	hw     = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x01}
	srvID  = netip.MustParseAddr("10.0.0.1")
	subnet = netip.MustParsePrefix("10.0.0.0/24")
)

// harness drives one machine against one simtest server and records a
// transcript and a trace.
type harness struct {
	t     *testing.T
	cfg   sm.Config
	m     *sm.Machine
	srv   *simtest.Server
	now   time.Time
	lines []string
	trace []sm.Step
	sent  [][]byte
}

func newHarness(t *testing.T, cfg sm.Config) *harness {
	t.Helper()
	if cfg.HWAddr == nil {
		cfg.HWAddr = hw
	}
	m, err := sm.New(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	return &harness{
		t: t, cfg: cfg, m: m, now: t0,
		srv: &simtest.Server{
			ID: srvID, Subnet: subnet, LeaseTime: 3600,
			Router: srvID, DNS: srvID,
		},
	}
}

// feed records ev at the current time and keeps the payloads sent.
func (h *harness) feed(label string, ev sm.Event) []sm.Action {
	h.t.Helper()
	s := sm.Record(h.m, h.now, ev)
	h.trace = append(h.trace, s)
	h.lines = append(h.lines, "> "+label)
	h.sent = h.sent[:0]
	for i := range s.Actions {
		a := &s.Actions[i]
		h.lines = append(h.lines, "  "+a.Format(t0))
		if a.Kind == sm.ActSend {
			h.sent = append(h.sent, a.Payload)
		}
	}

	return s.Actions
}

// deliver lets the server answer the last message sent, if it does.
func (h *harness) deliver(label string) {
	h.t.Helper()
	if len(h.sent) == 0 {
		h.t.Fatalf("%s: nothing sent", label)
	}
	var reply codec.Message
	ok, err := h.srv.Handle(h.sent[len(h.sent)-1], &reply)
	if err != nil {
		h.t.Fatalf("%s: server: %v", label, err)
	}
	if ok {
		h.feed(label, sm.Packet(&reply, srvID))
	}
}

// at advances the clock to t0+d.
func (h *harness) at(d time.Duration) { h.now = t0.Add(d) }

func (h *harness) transcript() string {
	return strings.Join(h.lines, "\n") + "\n"
}

func (h *harness) check() {
	h.t.Helper()
	if err := sm.CheckTrace(h.cfg, h.trace); err != nil {
		h.t.Error(err)
	}
}

// ack returns a reply of type typ to the last message sent, built by the
// server and then changed by edit.
func (h *harness) reply(edit func(*codec.Message)) *codec.Message {
	h.t.Helper()
	var reply codec.Message
	if _, err := h.srv.Handle(h.sent[len(h.sent)-1], &reply); err != nil {
		h.t.Fatalf("server: %v", err)
	}
	if edit != nil {
		edit(&reply)
	}

	return &reply
}
