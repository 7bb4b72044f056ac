package fuzzers

import (
	"math/rand/v2"
	"net"
	"net/netip"
	"time"

	fuzz "github.com/AdaLogics/go-fuzz-headers"

	"github.com/safedhcp/safedhcp/codec"
	"github.com/safedhcp/safedhcp/statemachine"
	"github.com/safedhcp/safedhcp/statemachine/simtest"
)

// maxSteps bounds the events of one state machine run, so a run stays
// in the microseconds a fuzzer needs.
const maxSteps = 64

// smRun is one state machine run: the machine, an in-memory server that
// answers what the machine sends, the timers it armed, the recorded
// trace and the fuzz input still to consume.
type smRun struct {
	c      *fuzz.ConsumeFuzzer
	cfg    statemachine.Config
	m      *statemachine.Machine
	srv    *simtest.Server
	now    time.Time
	timers [8]timer   // by TimerID
	sent   []byte     // the last message the machine sent
	probe  netip.Addr // the last address the machine asked to probe
	trace  []statemachine.Step
	saved  *statemachine.Lease // the lease the run starts from, or nil
	msg    codec.Message       // scratch for the packet to deliver
}

// timer is a deadline the machine armed.
type timer struct {
	at  time.Time
	set bool
}

// FuzzStateMachine drives a statemachine.Machine, started fresh or from
// a saved lease (INIT-REBOOT, RFC 2131 section 4.4.2), with a sequence of
// events chosen by data (go-fuzz-headers decodes it): replies of an
// in-memory server to what the machine sent (RFC 2131 section 4.3),
// those replies with options the fuzzer changed, arbitrary DHCP
// messages, timers firing at their deadlines, probe results (RFC 5227),
// link changes, releases, stops and server restarts. The whole trace
// must then pass statemachine.CheckTrace: allowed transitions, leases
// applied only after an acceptable DHCPACK and removed by expiry, sane
// timers and retransmissions, and well-formed messages.
//
// TODO: model competing servers and relays; today they are reached only
// through arbitrary messages, which rarely carry a matching xid.
func FuzzStateMachine(data []byte) int {
	r, err := newSMRun(data)
	if err != nil {
		return 0
	}

	r.record(statemachine.Start(r.saved))
	for range maxSteps {
		if !r.step() {
			break
		}
	}

	if err := statemachine.CheckTrace(r.cfg, r.trace); err != nil {
		bug("%v", err)
	}

	return 1
}

// newSMRun builds the machine and server from the first input bytes.
func newSMRun(data []byte) (*smRun, error) {
	c := fuzz.NewConsumer(data)
	seed, err := c.GetUint64()
	if err != nil {
		return nil, err
	}
	flags, err := c.GetByte()
	if err != nil {
		return nil, err
	}
	lease, err := c.GetUint32()
	if err != nil {
		return nil, err
	}

	cfg := statemachine.Config{
		HWAddr:            net.HardwareAddr{2, 0, 0, 0, 0, 1},
		RapidCommit:       flags&1 != 0,
		Probe:             flags&2 != 0,
		IPv6OnlyPreferred: flags&4 != 0,
		BroadcastFlag:     flags&8 != 0,
	}
	m, err := statemachine.New(cfg, rand.New(rand.NewPCG(seed, ^seed)))
	if err != nil {
		bug("statemachine.New with a valid config: %v", err)
	}

	srv := &simtest.Server{
		ID:          netip.AddrFrom4([4]byte{192, 0, 2, 1}),
		Subnet:      netip.MustParsePrefix("192.0.2.0/24"),
		LeaseTime:   lease % (1 << 20),
		Router:      netip.AddrFrom4([4]byte{192, 0, 2, 1}),
		RapidCommit: flags&16 != 0,
	}
	switch {
	case flags&32 != 0 && lease&(1<<31) != 0:
		// A broken server: T2 before T1 (RFC 2131 section 4.4.5).
		srv.T1, srv.T2 = srv.LeaseTime/3, srv.LeaseTime/4
	case flags&32 != 0:
		srv.T1, srv.T2 = srv.LeaseTime/2, srv.LeaseTime/8*7
	}
	if flags&64 != 0 {
		srv.V6OnlyWait = 300
	}

	r := &smRun{c: c, cfg: cfg, m: m, srv: srv, now: templateAcquired}
	if flags&128 != 0 {
		// INIT-REBOOT with a lease from disk (RFC 2131 section 4.4.2).
		r.saved = templateLease()
	}

	return r, nil
}

// record feeds ev to the machine and remembers what it asked for.
func (r *smRun) record(ev statemachine.Event) {
	s := statemachine.Record(r.m, r.now, ev)
	r.trace = append(r.trace, s)

	for _, a := range s.Actions {
		switch a.Kind {
		case statemachine.ActSend:
			r.sent = a.Payload
		case statemachine.ActArmTimer:
			if int(a.Timer) < len(r.timers) {
				r.timers[a.Timer] = timer{at: a.At, set: true}
			}
		case statemachine.ActCancelTimer:
			if int(a.Timer) < len(r.timers) {
				r.timers[a.Timer] = timer{}
			}
		case statemachine.ActProbe:
			r.probe = a.Addr
		}
	}
}

// step consumes one event from the input; false means the input ended.
func (r *smRun) step() bool {
	op, err := r.c.GetByte()
	if err != nil {
		return false
	}

	// The low nibble picks the event, the high bits its variant.
	switch (op & 0x0f) % 10 {
	case 0, 1:
		r.answer(false)
	case 2:
		r.answer(true)
	case 3:
		r.rawPacket()
	case 4, 5:
		r.fireTimer(op)
	case 6:
		r.record(statemachine.ProbeResult(r.probe, op&0x80 != 0))
	case 7:
		if op&0x80 != 0 {
			r.record(statemachine.LinkDown())
		} else {
			r.record(statemachine.LinkUp())
		}
	case 8:
		r.lifecycle(op)
	case 9:
		r.srv.Restart()
	}

	return true
}

// lifecycle sends Release, Stop or Start.
func (r *smRun) lifecycle(op byte) {
	switch op >> 6 {
	case 0:
		r.record(statemachine.Release())
	case 1:
		r.record(statemachine.Stop())
	default:
		r.record(statemachine.Start(nil))
	}
}

// fireTimer advances the clock to the earliest armed timer, or to the
// one op picks when it is armed, and fires it.
func (r *smRun) fireTimer(op byte) {
	id := -1
	for t, tm := range r.timers {
		if tm.set && (id < 0 || tm.at.Before(r.timers[id].at)) {
			id = t
		}
	}
	if pick := int(op>>4) & 7; op&0x80 != 0 && r.timers[pick].set {
		id = pick
	}
	if id < 0 {
		return
	}

	if at := r.timers[id].at; at.After(r.now) {
		r.now = at
	}
	r.timers[id] = timer{}
	r.record(statemachine.Timer(statemachine.TimerID(id)))
}

// answer delivers the server's reply to the last message sent, with
// options changed by the input when mutate is set.
func (r *smRun) answer(mutate bool) {
	if r.sent == nil {
		return
	}
	reply := &r.msg
	reply.Reset()
	ok, err := r.srv.Handle(r.sent, reply)
	if err != nil || !ok {
		return
	}
	if mutate {
		r.mutate(reply)
	}
	r.advance()
	r.record(statemachine.Packet(reply, r.srv.ID))
}

// mutate sets or deletes a few options of m from the input.
func (r *smRun) mutate(m *codec.Message) {
	n, _ := r.c.GetByte()
	for range n % 4 {
		code, err := r.c.GetByte()
		if err != nil {
			return
		}
		v, err := r.c.GetBytes()
		if err != nil || len(v) > 255 || code == 0 || code == 255 {
			m.Options.Delete(codec.OptionCode(code))
			continue
		}
		_ = m.Options.Set(codec.OptionCode(code), v)
	}
}

// rawPacket delivers an arbitrary DHCP message from the input.
func (r *smRun) rawPacket() {
	b, err := r.c.GetBytes()
	if err != nil {
		return
	}
	if r.msg.Decode(b) != nil {
		return
	}
	r.advance()
	r.record(statemachine.Packet(&r.msg, r.srv.ID))
}

// advance moves the clock forward by up to about a minute.
func (r *smRun) advance() {
	d, err := r.c.GetUint16()
	if err != nil {
		return
	}
	r.now = r.now.Add(time.Duration(d) * time.Millisecond)
}
