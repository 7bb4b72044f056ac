package statemachine

import (
	"net/netip"
	"time"
)

// onStart leaves Stopped for INIT-REBOOT with a remembered lease or INIT
// without one (RFC 2131 section 4.4, figure 5).
func (m *Machine) onStart(now time.Time, l *Lease) {
	if m.state != Stopped {
		m.drop(ReasonNotExpected, netip.Addr{})

		return
	}
	if l != nil && (l.validate() != nil || l.Expired(now)) {
		m.drop(ReasonBadLease, netip.Addr{})
		l = nil
	}
	m.nakWait = 0
	m.begin(now, l, true)
}

// begin starts an acquisition: INIT-REBOOT to verify l when it is not
// nil, otherwise INIT with the configured initial delay when delay is set.
func (m *Machine) begin(now time.Time, l *Lease, delay bool) {
	if l != nil {
		m.reboot = l
		m.setState(InitReboot)
		m.newXID(now)
		m.sendReboot(now)

		return
	}
	m.setState(Init)
	m.newXID(now)
	if delay && m.cfg.InitialDelay > 0 {
		d := time.Duration(m.rnd.Int64N(int64(m.cfg.InitialDelay)))
		m.arm(now, TimerWait, now.Add(d))

		return
	}
	m.discover(now)
}

// discover sends the first DHCPDISCOVER of an exchange (RFC 2131 section
// 4.4.1); secs counts from the start of the acquisition. A lease acked
// straight away (RFC 4039) counts from now, when the first DHCPDISCOVER
// went out (RFC 2131 section 4.4.1).
func (m *Machine) discover(now time.Time) {
	started := m.started
	m.setState(Init)
	m.newXID(now)
	m.started = started
	m.sent = now
	m.setState(Selecting)
	m.sendDiscover(now)
}

// restart drops the exchange and goes back to INIT, discovering after
// wait (RFC 2131 section 3.1 step 5 and section 4.4.1).
func (m *Machine) restart(now time.Time, wait time.Duration) {
	m.cancelExchange()
	m.pending, m.reboot = nil, nil
	m.offer, m.server = netip.Addr{}, netip.Addr{}
	m.setState(Init)
	m.newXID(now)
	if wait > 0 {
		m.arm(now, TimerWait, now.Add(wait))

		return
	}
	m.discover(now)
}

// onLinkDown stops the exchange until the link is back; the lease stays
// applied until it expires (RFC 2131 section 3.7).
func (m *Machine) onLinkDown() {
	if m.state == Stopped || m.state == LinkWait {
		m.drop(ReasonNotExpected, netip.Addr{})

		return
	}
	m.cancelExchange()
	m.cancel(TimerT1)
	m.cancel(TimerT2)
	m.pending, m.reboot = nil, nil
	m.setState(LinkWait)
}

// onLinkUp verifies a held lease with INIT-REBOOT or starts INIT (RFC 2131
// section 3.7).
func (m *Machine) onLinkUp(now time.Time) {
	if m.state != LinkWait {
		m.drop(ReasonNotExpected, netip.Addr{})

		return
	}
	m.begin(now, m.lease, false)
}

// stop cancels everything and removes the applied lease; the persisted
// record stays for the next INIT-REBOOT.
func (m *Machine) stop() {
	m.cancelAll()
	if m.lease != nil {
		m.acts = append(m.acts, Action{Kind: ActRemove, Lease: m.lease})
		m.lease = nil
	}
	m.pending, m.reboot = nil, nil
	m.setState(Stopped)
}

// onRelease sends DHCPRELEASE for the applied lease, forgets it and stops
// (RFC 2131 section 4.4.6).
func (m *Machine) onRelease(now time.Time) {
	if m.lease != nil {
		m.newXID(now)
		m.sendRelease()
		m.forget()
	}
	m.stop()
}

// forget removes the applied lease and the persisted record.
func (m *Machine) forget() {
	if m.lease != nil {
		m.acts = append(m.acts, Action{Kind: ActRemove, Lease: m.lease})
		m.lease = nil
	}
	m.cancel(TimerT1)
	m.cancel(TimerT2)
	m.cancel(TimerExpiry)
	m.acts = append(m.acts, Action{Kind: ActPersist})
}

// expire ends the applied lease at its expiry and restarts INIT (RFC 2131
// section 4.4.5), unless the link is down.
func (m *Machine) expire(now time.Time) {
	m.forget()
	if m.state == LinkWait {
		return
	}
	m.restart(now, 0)
}

// bind applies l, persists it and arms T1, T2 and the expiry (RFC 2131
// section 4.4.1 and 4.4.5).
func (m *Machine) bind(now time.Time, l *Lease) {
	if l.Expired(now) {
		// A late answer or a stalled probe outlived the lease.
		m.warn("lease expired before use", l.ServerID)
		m.restart(now, 0)

		return
	}
	m.cancelExchange()
	m.pending, m.reboot = nil, nil
	m.nakWait = 0
	m.lease = l
	m.setState(Bound)
	m.acts = append(m.acts, Action{Kind: ActApply, Lease: l, XID: m.xid})
	if data, err := l.MarshalBinary(); err == nil {
		m.acts = append(m.acts, Action{Kind: ActPersist, Data: data})
	} else {
		m.warn("lease not persisted: "+err.Error(), l.ServerID)
	}
	m.armLease(now)
}

// armLease arms T1, T2 and the expiry of the applied lease.
func (m *Machine) armLease(now time.Time) {
	m.cancel(TimerT1)
	m.cancel(TimerT2)
	m.cancel(TimerExpiry)
	if at, ok := m.lease.renewAt(); ok {
		m.arm(now, TimerT1, at)
	}
	if at, ok := m.lease.rebindAt(); ok {
		m.arm(now, TimerT2, at)
	}
	if at, ok := m.lease.Expiry(); ok {
		m.arm(now, TimerExpiry, at)
	}
}

// renew moves BOUND to RENEWING at T1 (RFC 2131 section 4.4.5).
func (m *Machine) renew(now time.Time) {
	if m.state != Bound || m.lease == nil {
		m.drop(ReasonStaleTimer, netip.Addr{})

		return
	}
	m.newXID(now)
	m.sent = now
	m.setState(Renewing)
	m.sendRenew(now)
}

// rebind moves RENEWING (or BOUND) to REBINDING at T2 (RFC 2131 section
// 4.4.5).
func (m *Machine) rebind(now time.Time) {
	if m.lease == nil || (m.state != Bound && m.state != Renewing) {
		m.drop(ReasonStaleTimer, netip.Addr{})

		return
	}
	// From RENEWING the xid stays, so a late answer to a renewal is
	// still taken, and dated from that renewal: the earlier time.
	if m.state == Bound {
		m.cancel(TimerT1)
		m.newXID(now)
		m.sent = now
	}
	m.cancel(TimerRetransmit)
	m.setState(Rebinding)
	m.sendRenew(now)
}

// rebootTimeout ends an unanswered INIT-REBOOT: a lease still applied
// is used for the rest of its time, otherwise INIT starts (RFC 2131
// section 3.2 step 3).
func (m *Machine) rebootTimeout(now time.Time) {
	if m.lease != nil && m.reboot == m.lease {
		m.reboot = nil
		m.setState(Bound)
		m.armLease(now)

		return
	}
	m.restart(now, 0)
}

// onProbe handles the RFC 5227 probe result for the acknowledged address.
// A conflict sends DHCPDECLINE and restarts after 10 seconds (RFC 2131
// section 3.1 step 5).
func (m *Machine) onProbe(now time.Time, addr netip.Addr, conflict bool) {
	if m.state != Probing || m.pending == nil ||
		addr != m.pending.Addr.Addr() {
		m.drop(ReasonNotExpected, addr)

		return
	}
	if !conflict {
		m.bind(now, m.pending)

		return
	}
	m.warn("address in use, declining", addr)
	m.sendDecline(m.pending)
	m.restart(now, declineWait)
}

// nakBackoff returns the short wait before INIT after a DHCPNAK: 2
// seconds, doubling with each further DHCPNAK up to 64, so that a server
// which always refuses is not flooded.
func (m *Machine) nakBackoff() time.Duration {
	switch {
	case m.nakWait == 0:
		m.nakWait = 2 * time.Second
	case m.nakWait < 64*time.Second:
		m.nakWait *= 2
	}

	return m.nakWait
}

// secsSince returns the secs field for an exchange that began at start
// (RFC 2131 section 2), saturating at 65535.
func secsSince(start, now time.Time) uint16 {
	d := now.Sub(start) / time.Second
	if d < 0 {
		return 0
	}

	return uint16(min(d, 0xffff))
}
