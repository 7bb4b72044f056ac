package statemachine

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/safedhcp/safedhcp/codec"
)

// Step is one recorded call of Handle: the time, the event (with a copy of
// its message), the states before and after, and a deep copy of the
// actions. A Trace of Steps is what CheckTrace verifies.
type Step struct {
	Now     time.Time
	Event   Event
	Before  State
	After   State
	Actions []Action
}

// Record feeds ev to m at now and returns the Step, copying everything
// that the machine or the caller may reuse afterwards.
func Record(m *Machine, now time.Time, ev Event) Step {
	s := Step{Now: now, Event: ev, Before: m.State()}
	if ev.Msg != nil {
		msg := *ev.Msg
		s.Event.Msg = &msg
	}
	acts := m.Handle(now, ev)
	s.After = m.State()
	s.Actions = make([]Action, len(acts))
	for i, a := range acts {
		a.Payload = slices.Clone(a.Payload)
		a.Data = slices.Clone(a.Data)
		s.Actions[i] = a
	}

	return s
}

// ErrInvariant is wrapped by every violation CheckTrace reports.
var ErrInvariant = errors.New("statemachine: invariant violated")

// allowed lists the transitions of RFC 2131 figure 5 plus the waiting
// states; any state may also move to Stopped or LinkWait.
var allowed = map[State][]State{
	Stopped:    {Init, InitReboot},
	Init:       {Selecting},
	Selecting:  {Requesting, Probing, Bound, V6OnlyWait, Init},
	Requesting: {Probing, Bound, Init},
	Probing:    {Bound, Init},
	Bound:      {Renewing, Rebinding, Init},
	Renewing:   {Bound, Rebinding, Init},
	Rebinding:  {Bound, Init},
	InitReboot: {Rebooting},
	Rebooting:  {Bound, Init},
	LinkWait:   {Init, InitReboot},
	V6OnlyWait: {Init},
}

// transitionOK reports whether the machine may move from a to b.
func transitionOK(a, b State) bool {
	if b == Stopped || (b == LinkWait && a != Stopped) {
		return true
	}

	return slices.Contains(allowed[a], b)
}

// Checker verifies the invariants of CheckTrace one Step at a time, for
// traces too long to keep.
type Checker struct {
	cfg     Config
	xid     uint32         // xid of the latest message sent
	probeOK *codec.Message // DHCPACK whose address is being probed
	lease   *Lease         // applied lease
	state   State
	steps   int

	// armed holds each timer's deadline as last armed, so that putting
	// back the deadline of a timer event that came early is not taken
	// for a new retransmission wait.
	armed [numTimers]time.Time
}

// NewChecker returns a Checker for a machine built from cfg, starting in
// Stopped.
func NewChecker(cfg Config) (*Checker, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}

	return &Checker{cfg: cfg}, nil
}

// Check verifies the next step of the trace.
func (c *Checker) Check(s *Step) error {
	c.steps++
	if err := c.step(s); err != nil {
		return fmt.Errorf("%w: step %d (%v at %v): %w", ErrInvariant,
			c.steps-1, s.Event.Kind, s.Now, err)
	}

	return nil
}

// CheckTrace verifies the machine's invariants over a trace recorded
// with Record for a machine built from cfg: a lease is applied only after
// a DHCPACK that passes every acceptance rule; no timer is armed in the
// past; no step emits more than maxStepActions actions, so Handle does
// bounded work whatever the input or the time jump; retransmission waits
// keep to RFC 2131 sections 4.1 and 4.4.5;
// the state moves only along allowed transitions; an applied lease is
// removed no later than its expiry; every message sent decodes and fits
// 576 bytes. Violations wrap ErrInvariant.
func CheckTrace(cfg Config, trace []Step) error {
	c, err := NewChecker(cfg)
	if err != nil {
		return err
	}
	for i := range trace {
		if err := c.Check(&trace[i]); err != nil {
			return err
		}
	}

	return nil
}

// maxStepActions bounds the actions of one Handle call. The longest
// steps are an expiry found on entry followed by a restart and the event
// itself (about 20), and a DHCPACK whose every optional option is
// malformed, one warning each, followed by a bind (about 25).
const maxStepActions = 32

// step checks one step.
func (c *Checker) step(s *Step) error {
	if s.Before != c.state {
		return fmt.Errorf("started in %v, want %v", s.Before, c.state)
	}
	if len(s.Actions) > maxStepActions {
		return fmt.Errorf("%d actions in one step", len(s.Actions))
	}
	for i := range s.Actions {
		a := &s.Actions[i]
		if err := c.action(s, a); err != nil {
			return fmt.Errorf("action %d %v: %w", i, a.Kind, err)
		}
	}
	if c.state != s.After {
		return fmt.Errorf("logged state %v, machine in %v", c.state, s.After)
	}
	if c.lease != nil && c.lease.Expired(s.Now) {
		return fmt.Errorf("lease %v still applied after expiry", c.lease.Addr)
	}

	return nil
}

// action checks one action in its step.
func (c *Checker) action(s *Step, a *Action) error {
	switch a.Kind {
	case ActLog:
		if a.From == a.To {
			return nil
		}
		if a.From != c.state || !transitionOK(a.From, a.To) {
			return fmt.Errorf("transition %v->%v from %v", a.From, a.To,
				c.state)
		}
		c.state = a.To
	case ActArmTimer:
		return c.timer(s, a)
	case ActCancelTimer:
		c.armed[a.Timer] = time.Time{}
	case ActSend:
		return c.send(a)
	case ActProbe:
		if err := c.checkAck(s.Event.Msg, a.Addr); err != nil {
			return err
		}
		c.probeOK = s.Event.Msg
	case ActApply:
		return c.apply(s, a)
	case ActRemove:
		c.lease = nil
	}

	return nil
}

// timer checks an armed deadline.
func (c *Checker) timer(s *Step, a *Action) error {
	d := a.At.Sub(s.Now)
	if d < 0 {
		return fmt.Errorf("%v armed %v in the past", a.Timer, -d)
	}
	again := a.At.Equal(c.armed[a.Timer])
	c.armed[a.Timer] = a.At
	if a.Timer != TimerRetransmit || again {
		return nil
	}
	switch c.state {
	case Renewing, Rebinding:
		if d < minRenewWait {
			return fmt.Errorf("renewal retransmission after %v", d)
		}
	case Selecting, Requesting, Rebooting:
		for b := 4 * time.Second; b <= 64*time.Second; b *= 2 {
			if d >= b-time.Second && d <= b+time.Second {
				return nil
			}
		}

		return fmt.Errorf("retransmission after %v", d)
	default:
		return fmt.Errorf("retransmission armed in %v", c.state)
	}

	return nil
}

// send checks an outgoing message and remembers its xid.
func (c *Checker) send(a *Action) error {
	if len(a.Payload) > codec.DefaultMaxLen {
		return fmt.Errorf("%d-byte message", len(a.Payload))
	}
	var m codec.Message
	if err := m.Decode(a.Payload); err != nil {
		return err
	}
	if m.Op != codec.BootRequest {
		return fmt.Errorf("op %d sent", m.Op)
	}
	c.xid = m.XID

	return nil
}

// apply checks that a lease is applied right after an acceptable ACK.
func (c *Checker) apply(s *Step, a *Action) error {
	ack := s.Event.Msg
	if s.Event.Kind != EvPacket {
		ack, c.probeOK = c.probeOK, nil
	}
	if a.Lease == nil {
		return errors.New("nil lease")
	}
	if err := c.checkAck(ack, a.Lease.Addr.Addr()); err != nil {
		return err
	}
	if a.Lease.Expired(s.Now) {
		return errors.New("expired lease applied")
	}
	if err := a.Lease.validate(); err != nil {
		return fmt.Errorf("invalid lease applied: %w", err)
	}
	c.lease = a.Lease

	return nil
}
