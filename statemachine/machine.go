package statemachine

import (
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/safedhcp/safedhcp/codec"
)

// Protocol constants.
const (
	// probeTimeout bounds the wait for a ProbeResult; RFC 5227 section
	// 2.1.1 needs about 7 seconds at most.
	probeTimeout = 10 * time.Second

	// declineWait is the pause after DHCPDECLINE (RFC 2131 section
	// 3.1, step 5: at least 10 seconds).
	declineWait = 10 * time.Second

	// minV6OnlyWait is MIN_V6ONLY_WAIT (RFC 8925 section 3.4).
	minV6OnlyWait = 300 * time.Second

	// maxRequests is how many DHCPREQUESTs REQUESTING sends before it
	// gives up and restarts at INIT, 4+8+16+32+64 seconds after the first
	// (RFC 2131 section 3.1 step 5).
	maxRequests = 5

	// maxReboots is how many INIT-REBOOT DHCPREQUESTs are sent before
	// the client gives up on the remembered lease (RFC 2131 section 3.2).
	maxReboots = 3

	// minRenewWait is the floor of the RENEWING and REBINDING waits
	// (RFC 2131 section 4.4.5).
	minRenewWait = 60 * time.Second
)

// Machine is one DHCPv4 client on one interface (RFC 2131 section 4.4).
// It is not safe for concurrent use; the caller serialises events.
type Machine struct {
	cfg Config
	rnd *rand.Rand

	state  State
	acts   []Action
	buf    []byte
	out    codec.Message
	addrs  []netip.Addr // scratch for option accessors
	routes []Route      // scratch for option accessors

	// timers holds the deadlines the machine armed; zero when not armed.
	timers [numTimers]time.Time

	// The exchange in progress.
	xid     uint32
	secs    uint16
	started time.Time // start of the exchange, for secs
	sent    time.Time // first DHCPDISCOVER or DHCPREQUEST, when a lease starts
	attempt int       // transmissions so far
	offer   netip.Addr
	server  netip.Addr
	nakWait time.Duration

	pending *Lease // acknowledged, waiting for the probe
	reboot  *Lease // lease being verified by INIT-REBOOT
	lease   *Lease // applied lease, or nil
}

// New returns a Machine in the Stopped state for cfg. rnd is its only
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
		cfg:   cfg,
		rnd:   rnd,
		acts:  make([]Action, 0, 16),
		buf:   make([]byte, 0, 2*codec.DefaultMaxLen),
		addrs: make([]netip.Addr, 0, 16),
	}
	if err := m.checkSize(); err != nil {
		return nil, err
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
// in order. The slice and the payloads in it are valid until the next call
// to Handle.
func (m *Machine) Handle(now time.Time, ev Event) []Action {
	m.acts = m.acts[:0]
	m.buf = m.buf[:0]

	// A clock that jumped past the expiry ends the lease before anything
	// else happens (RFC 2131 section 4.4.5). Before an event that ends
	// the exchange anyway, no new one starts.
	if m.lease != nil && m.lease.Expired(now) {
		switch ev.Kind {
		case EvStop, EvRelease, EvLinkDown:
			m.forget()
		default:
			m.expire(now)
		}
		if ev.Kind == EvTimer && ev.Timer == TimerExpiry {
			return m.acts
		}
	}

	switch ev.Kind {
	case EvStart:
		m.onStart(now, ev.Lease)
	case EvLinkUp:
		m.onLinkUp(now)
	case EvLinkDown:
		m.onLinkDown()
	case EvPacket:
		m.onPacket(now, ev.Msg, ev.Src)
	case EvTimer:
		m.onTimer(now, ev.Timer)
	case EvProbeResult:
		m.onProbe(now, ev.Addr, ev.Conflict)
	case EvRelease:
		m.onRelease(now)
	case EvStop:
		m.stop()
	default:
		m.drop(ReasonNotExpected, netip.Addr{})
	}

	return m.acts
}

// setState moves to s, logging the change at Info.
func (m *Machine) setState(s State) {
	if s == m.state {
		return
	}
	m.acts = append(m.acts, Action{
		Kind: ActLog, Level: slog.LevelInfo, Msg: "state change",
		From: m.state, To: s, XID: m.xid,
	})
	m.state = s
}

// drop logs an ignored input at Debug with its reason.
func (m *Machine) drop(r DropReason, peer netip.Addr) {
	m.acts = append(m.acts, Action{
		Kind: ActLog, Level: slog.LevelDebug, Msg: "dropped",
		Reason: r, From: m.state, To: m.state, XID: m.xid, Peer: peer,
	})
}

// warn logs a problem that does not stop the exchange.
func (m *Machine) warn(msg string, peer netip.Addr) {
	m.acts = append(m.acts, Action{
		Kind: ActLog, Level: slog.LevelWarn, Msg: msg,
		From: m.state, To: m.state, XID: m.xid, Peer: peer,
	})
}

// arm sets timer id to fire at at, never earlier than now.
func (m *Machine) arm(now time.Time, id TimerID, at time.Time) {
	if at.Before(now) {
		at = now
	}
	m.timers[id] = at
	m.acts = append(m.acts, Action{Kind: ActArmTimer, Timer: id, At: at})
}

// cancel cancels timer id if it is armed.
func (m *Machine) cancel(id TimerID) {
	if m.timers[id].IsZero() {
		return
	}
	m.timers[id] = time.Time{}
	m.acts = append(m.acts, Action{Kind: ActCancelTimer, Timer: id})
}

// cancelExchange cancels the timers of an exchange in progress.
func (m *Machine) cancelExchange() {
	m.cancel(TimerRetransmit)
	m.cancel(TimerWait)
}

// cancelAll cancels every timer.
func (m *Machine) cancelAll() {
	for id := TimerRetransmit; id < numTimers; id++ {
		m.cancel(id)
	}
}

// jitter returns d randomised by -1 to +1 second (RFC 2131 section 4.1).
func (m *Machine) jitter(d time.Duration) time.Duration {
	return d + time.Duration(m.rnd.Int64N(2001)-1000)*time.Millisecond
}

// backoff returns the wait after transmission n (counting from 1): 4, 8,
// 16, 32 and then 64 seconds, randomised (RFC 2131 section 4.1).
func (m *Machine) backoff(n int) time.Duration {
	n = min(max(n, 1), 5)

	return m.jitter(time.Duration(2<<n) * time.Second)
}

// newXID starts a new exchange at now.
func (m *Machine) newXID(now time.Time) {
	m.xid = m.rnd.Uint32()
	m.started = now
	m.attempt = 0
}

// onTimer handles a fired timer.
func (m *Machine) onTimer(now time.Time, id TimerID) {
	if id == 0 || id >= numTimers || m.timers[id].IsZero() {
		m.drop(ReasonStaleTimer, netip.Addr{})

		return
	}
	if now.Before(m.timers[id]) {
		m.drop(ReasonEarlyTimer, netip.Addr{})
		m.arm(now, id, m.timers[id])

		return
	}
	m.timers[id] = time.Time{}

	switch id {
	case TimerRetransmit:
		m.retransmit(now)
	case TimerT1:
		m.renew(now)
	case TimerT2:
		m.rebind(now)
	case TimerExpiry:
		// Handle expired the lease already unless it is a stale deadline.
		m.drop(ReasonStaleTimer, netip.Addr{})
	case TimerWait:
		m.waited(now)
	}
}

// waited ends a wait according to the state.
func (m *Machine) waited(now time.Time) {
	switch m.state {
	case Init:
		m.discover(now)
	case V6OnlyWait:
		// A new acquisition (RFC 8925 section 3.2): secs start again.
		m.started = now
		m.discover(now)
	case Probing:
		// No answer from the prober: RFC 5227 treats silence as no
		// conflict.
		m.onProbe(now, m.pending.Addr.Addr(), false)
	default:
		m.drop(ReasonStaleTimer, netip.Addr{})
	}
}

// retransmit resends the message of the current state.
func (m *Machine) retransmit(now time.Time) {
	switch m.state {
	case Selecting:
		m.sendDiscover(now)
	case Requesting:
		if m.attempt >= maxRequests {
			m.restart(now, 0)

			return
		}
		m.sendSelecting(now)
	case Rebooting:
		if m.attempt >= maxReboots {
			m.rebootTimeout(now)

			return
		}
		m.sendReboot(now)
	case Renewing, Rebinding:
		m.sendRenew(now)
	default:
		m.drop(ReasonStaleTimer, netip.Addr{})
	}
}
