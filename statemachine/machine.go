package statemachine

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/safedhcp/safedhcp/codec"
)

// Machine is one DHCPv4 client on one interface (RFC 2131 section 4.4).
// It is not safe for concurrent use; the caller serialises events.
type Machine struct {
	cfg Config
	rnd *rand.Rand

	state State
	acts  []Action
	buf   []byte
	out   codec.Message

	// Timers the machine has armed, by TimerID; zero when not armed.
	timers [numTimers]time.Time

	// The exchange in progress.
	xid      uint32
	secs     uint16
	started  time.Time // start of the acquisition, for secs
	sent     time.Time // first DHCPREQUEST of the exchange
	attempt  int       // retransmissions so far
	offer    netip.Addr
	server   netip.Addr
	maxLen   int
	pending  *Lease // acknowledged, waiting for the probe
	startLse *Lease // lease given to Start, for INIT-REBOOT

	lease *Lease // applied lease, or nil
}

// New returns a Machine in the Stopped state for cfg. rnd is the only
// source of randomness (xids, delays, jitter), so a seeded source makes
// the machine reproducible.
func New(cfg Config, rnd *rand.Rand) (*Machine, error) {
	if rnd == nil {
		return nil, errRand
	}
	cfg.HWAddr = slices.Clone(cfg.HWAddr)
	cfg.ClientID = slices.Clone(cfg.ClientID)
	cfg.VendorClass = slices.Clone(cfg.VendorClass)
	cfg.Params = slices.Clone(cfg.Params)
	if err := cfg.check(); err != nil {
		return nil, err
	}

	m := &Machine{
		cfg:    cfg,
		rnd:    rnd,
		acts:   make([]Action, 0, 16),
		buf:    make([]byte, 0, codec.DefaultMaxLen*2),
		maxLen: codec.DefaultMaxLen,
	}

	return m, nil
}

// State returns the current state.
func (m *Machine) State() State { return m.state }

// Lease returns the applied lease, or nil when none is applied.
func (m *Machine) Lease() *Lease { return m.lease }

// Expiry returns when the applied lease expires; ok is false when no lease
// is applied or it is infinite.
func (m *Machine) Expiry() (end time.Time, ok bool) {
	if m.lease == nil {
		return time.Time{}, false
	}

	return m.lease.Expiry()
}

// Handle feeds ev, which happened at now, and returns the actions to take
// in order. The slice is valid until the next call to Handle.
func (m *Machine) Handle(now time.Time, ev Event) []Action {
	m.acts = m.acts[:0]
	m.buf = m.buf[:0]
	// TODO: implement the transitions; this skeleton only fixes the API.

	return m.acts
}
