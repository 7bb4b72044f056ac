// Package smfuzz holds the structured fuzz body of the statemachine
// package: bytes become a sequence of events, replies and time steps, and
// statemachine.Checker verifies the invariants after every step. It is
// kept apart so the statemachine package does not import the fuzzing
// library.
package smfuzz

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"

	fuzz "github.com/AdaLogics/go-fuzz-headers"
	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
	"github.com/safedhcp/safedhcp/statemachine/simtest"
)

// maxSteps bounds the events one input drives.
const maxSteps = 256

// run is the state of one fuzz input.
type run struct {
	c      *fuzz.ConsumeFuzzer
	m      *sm.Machine
	check  *sm.Checker
	srv    simtest.Server
	now    time.Time
	timers [8]time.Time
	last   []byte // last message sent
	probe  netip.Addr
	record []byte // last persisted lease
	reply  codec.Message
}

// FuzzSteps runs one input; it panics when an invariant breaks and
// returns 1 when the input drove the machine at all, 0 otherwise, in the
// go-fuzz and AFL convention.
func FuzzSteps(data []byte) int {
	c := fuzz.NewConsumer(data)
	flags, err := c.GetByte()
	if err != nil {
		return 0
	}
	seed, _ := c.GetUint64()
	cfg := sm.Config{
		HWAddr:            net.HardwareAddr{2, 0, 0, 0, 0, 1},
		RapidCommit:       flags&1 != 0,
		Probe:             flags&2 != 0,
		IPv6OnlyPreferred: flags&4 != 0,
		InitialDelay:      time.Duration(flags>>4) * time.Second,
	}
	m, err := sm.New(cfg, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		panic(err)
	}
	check, err := sm.NewChecker(cfg)
	if err != nil {
		panic(err)
	}
	r := &run{
		c: c, m: m, check: check,
		now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		srv: simtest.Server{
			ID:          netip.MustParseAddr("10.0.0.1"),
			Subnet:      netip.MustParsePrefix("10.0.0.0/24"),
			LeaseTime:   120,
			RapidCommit: flags&8 != 0,
			V6OnlyWait:  uint32(flags & 4 * 100),
		},
	}
	r.feed(sm.Start(nil))
	for range maxSteps {
		op, err := c.GetByte()
		if err != nil {
			break
		}
		r.op(op)
	}

	return 1
}

// feed hands ev to the machine and checks the step.
func (r *run) feed(ev sm.Event) {
	st := sm.Record(r.m, r.now, ev)
	if err := r.check.Check(&st); err != nil {
		panic(err)
	}
	for _, a := range st.Actions {
		switch a.Kind {
		case sm.ActSend:
			r.last = a.Payload
		case sm.ActArmTimer:
			r.timers[a.Timer] = a.At
		case sm.ActCancelTimer:
			r.timers[a.Timer] = time.Time{}
		case sm.ActProbe:
			r.probe = a.Addr
		case sm.ActPersist:
			r.record = a.Data
		}
	}
}

// op performs one fuzz-chosen operation.
func (r *run) op(op byte) {
	switch op % 12 {
	case 0:
		r.now = r.now.Add(r.step())
		r.fire()
	case 1:
		r.answer(false)
	case 2:
		r.answer(true)
	case 3:
		b, _ := r.c.GetBytes()
		var msg codec.Message
		if msg.Decode(b) == nil {
			r.feed(sm.Packet(&msg, r.srv.ID))
		}
	case 4:
		r.feed(sm.LinkDown())
	case 5:
		r.feed(sm.LinkUp())
	case 6:
		r.feed(sm.Release())
	case 7:
		r.feed(sm.Stop())
	case 8:
		r.start()
	case 9:
		conflict, _ := r.c.GetBool()
		r.feed(sm.ProbeResult(r.probe, conflict))
	case 10:
		id, _ := r.c.GetByte()
		r.feed(sm.Timer(sm.TimerID(id % 7)))
	case 11:
		r.srv.Restart()
	}
}

// step returns how far the clock moves: up to about 25 days in
// milliseconds, or, with the top bit of the input set, up to 179 years in
// days, so that jumps far past every deadline are explored too.
func (r *run) step() time.Duration {
	v, _ := r.c.GetUint32()
	if v&(1<<31) != 0 {
		return time.Duration(v&0xffff) * 24 * time.Hour
	}

	return time.Duration(v) * time.Millisecond
}

// start feeds Start with the persisted record when it still decodes.
func (r *run) start() {
	var l sm.Lease
	if r.record != nil && l.UnmarshalBinary(r.record) == nil {
		r.feed(sm.Start(&l))

		return
	}
	r.feed(sm.Start(nil))
}

// fire feeds every timer due at r.now, in ID order.
func (r *run) fire() {
	for id := range r.timers {
		at := r.timers[id]
		if !at.IsZero() && !at.After(r.now) {
			r.timers[id] = time.Time{}
			r.feed(sm.Timer(sm.TimerID(id)))
		}
	}
}

// answer lets the server reply to the last message sent, optionally with
// one header field or option changed by the input.
func (r *run) answer(mutate bool) {
	if r.last == nil {
		return
	}
	ok, err := r.srv.Handle(r.last, &r.reply)
	if err != nil {
		panic(fmt.Sprintf("smfuzz: server refused our message: %v", err))
	}
	if !ok {
		return
	}
	if mutate {
		r.mutate(&r.reply)
	}
	r.feed(sm.Packet(&r.reply, r.srv.ID))
}

// mutate changes one thing in a reply.
func (r *run) mutate(m *codec.Message) {
	what, _ := r.c.GetByte()
	v, _ := r.c.GetUint32()
	switch what % 6 {
	case 0:
		m.XID ^= v
	case 1:
		m.YIAddr = netip.AddrFrom4([4]byte{
			byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	case 2:
		m.Options.Delete(codec.OptionCode(v))
	case 3:
		_ = m.Options.SetMessageType(codec.MessageType(v%9 + 1))
	case 4:
		b, _ := r.c.GetBytes()
		_ = m.Options.Set(codec.OptionCode(v%254+1), b)
	case 5:
		m.CHAddr[v%16] ^= byte(v >> 8)
	}
}
