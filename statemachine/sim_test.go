package statemachine_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
	"github.com/safedhcp/safedhcp/statemachine/simtest"
)

// packet is a message in flight on the simulated network.
type packet struct {
	at      time.Time
	payload []byte
}

// sim runs a machine against a lossy in-memory network and server on a
// virtual clock.
type sim struct {
	rnd     *rand.Rand
	cfg     sm.Config
	m       *sm.Machine
	srv     *simtest.Server
	now     time.Time
	timers  map[sm.TimerID]time.Time
	air     []packet
	check   *sm.Checker
	applied int
	naks    int
}

func (s *sim) feed(t *testing.T, ev sm.Event) {
	t.Helper()
	st := sm.Record(s.m, s.now, ev)
	for _, a := range st.Actions {
		switch a.Kind {
		case sm.ActArmTimer:
			s.timers[a.Timer] = a.At
		case sm.ActCancelTimer:
			delete(s.timers, a.Timer)
		case sm.ActApply:
			s.applied++
		case sm.ActProbe:
			defer s.feed(t, sm.ProbeResult(a.Addr, s.rnd.IntN(20) == 0))
		case sm.ActSend:
			s.transmit(a.Payload)
		}
	}
	if err := s.check.Check(&st); err != nil {
		t.Fatal(err)
	}
}

// transmit lets the server answer a request, with loss, duplication and
// reordering on the way back.
func (s *sim) transmit(req []byte) {
	if s.rnd.IntN(10) == 0 {
		return // lost on the way out
	}
	var reply codec.Message
	ok, err := s.srv.Handle(req, &reply)
	if err != nil || !ok {
		return
	}
	b, err := reply.Append(nil, 0)
	if err != nil {
		return
	}
	copies := 1
	if s.rnd.IntN(20) == 0 {
		copies = 2
	}
	if s.rnd.IntN(10) == 0 {
		copies = 0
	}
	for range copies {
		d := time.Duration(s.rnd.Int64N(int64(3 * time.Second)))
		s.air = append(s.air, packet{at: s.now.Add(d), payload: b})
	}
}

// next returns the time of the next timer or packet.
func (s *sim) next() time.Time {
	var at time.Time
	for _, d := range s.timers {
		if at.IsZero() || d.Before(at) {
			at = d
		}
	}
	for _, p := range s.air {
		if at.IsZero() || p.at.Before(at) {
			at = p.at
		}
	}

	return at
}

func TestSimulation(t *testing.T) {
	const days = 30
	s := &sim{
		rnd: rand.New(rand.NewPCG(7, 7)),
		cfg: sm.Config{
			HWAddr: hw, InitialDelay: 2 * time.Second, Probe: true,
		},
		srv: &simtest.Server{
			ID: srvID, Subnet: subnet, LeaseTime: 600, Router: srvID,
		},
		now:    t0,
		timers: make(map[sm.TimerID]time.Time),
	}
	m, err := sm.New(s.cfg, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	s.m = m
	if s.check, err = sm.NewChecker(s.cfg); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	s.feed(t, sm.Start(nil))
	end := t0.Add(days * 24 * time.Hour)
	steps := 0
	for s.now.Before(end) {
		at := s.next()
		if at.IsZero() {
			t.Fatalf("machine idle in %v at %v", m.State(), s.now)
		}
		s.now = at
		s.chaos(t)
		s.fire(t)
		steps++
	}
	cpu := time.Since(begin)
	hours := float64(days*24) / cpu.Seconds()
	t.Logf("%d leases applied, %d steps, %d days in %v: %.0f virtual "+
		"hours per CPU second", s.applied, steps, days, cpu, hours)
	if s.applied < 1000 {
		t.Errorf("%d leases applied, want at least 1000", s.applied)
	}
}

// chaos injects the rare events: server restarts, clock jumps, link
// flaps and releases.
func (s *sim) chaos(t *testing.T) {
	switch s.rnd.IntN(2000) {
	case 0:
		s.srv.Restart()
	case 1:
		s.now = s.now.Add(time.Duration(s.rnd.Int64N(int64(time.Hour))))
	case 2:
		s.feed(t, sm.LinkDown())
		s.now = s.now.Add(time.Duration(s.rnd.Int64N(int64(time.Minute))))
		s.feed(t, sm.LinkUp())
	case 3:
		s.feed(t, sm.Release())
		s.feed(t, sm.Start(nil))
	}
}

// fire delivers every packet and timer due at s.now.
func (s *sim) fire(t *testing.T) {
	for i := 0; i < len(s.air); {
		p := s.air[i]
		if p.at.After(s.now) {
			i++

			continue
		}
		s.air = append(s.air[:i], s.air[i+1:]...)
		var msg codec.Message
		if err := msg.Decode(p.payload); err != nil {
			t.Fatalf("decode reply: %v", err)
		}
		s.feed(t, sm.Packet(&msg, srvID))
	}
	for id := sm.TimerRetransmit; id <= sm.TimerWait; id++ {
		if at, ok := s.timers[id]; ok && !at.After(s.now) {
			delete(s.timers, id)
			s.feed(t, sm.Timer(id))
		}
	}
}
