package statemachine

import (
	"bytes"
	"net/netip"
	"time"

	"github.com/safedhcp/safedhcp/codec"
)

// waitsForReply reports whether state s has a DHCP exchange in progress.
func waitsForReply(s State) bool {
	switch s {
	case Selecting, Requesting, Rebooting, Renewing, Rebinding:
		return true
	}

	return false
}

// onPacket applies the acceptance rules to msg and dispatches it by state
// and message type (RFC 2131 sections 4.4.1 to 4.4.5).
func (m *Machine) onPacket(now time.Time, msg *codec.Message, src netip.Addr) {
	if msg == nil {
		m.drop(ReasonNilMessage, src)

		return
	}
	if !waitsForReply(m.state) {
		m.drop(ReasonNotExpected, src)

		return
	}
	t, r := m.check(msg)
	if r != ReasonNone {
		m.drop(r, src)

		return
	}

	switch {
	case t == codec.Offer && m.state == Selecting:
		m.onOffer(now, msg, src)
	case t == codec.Ack && m.state == Selecting:
		m.onRapidAck(now, msg, src)
	case t == codec.Ack:
		m.onAck(now, msg, src)
	case t == codec.Nak && m.state != Selecting:
		m.onNak(now, msg, src)
	default:
		m.drop(ReasonUnexpectedType, src)
	}
}

// check applies the rules every reply must pass and returns its type, or
// the reason to drop it.
func (m *Machine) check(msg *codec.Message) (codec.MessageType, DropReason) {
	if msg.Op != codec.BootReply {
		return 0, ReasonNotReply
	}
	if msg.XID != m.xid {
		return 0, ReasonXIDMismatch
	}
	hw := m.cfg.HWAddr
	if msg.HType != m.cfg.HType || int(msg.HLen) != len(hw) ||
		!bytes.Equal(msg.CHAddr[:len(hw)], hw) {
		return 0, ReasonCHAddrMismatch
	}
	if id, ok := msg.Options.Get(codec.OptClientID); ok &&
		!bytes.Equal(id, m.cfg.ClientID) {
		return 0, ReasonClientIDMismatch
	}
	t, err := msg.Options.MessageType()
	if err != nil {
		return 0, ReasonNoMessageType
	}

	return t, ReasonNone
}

// serverID returns option 54 of msg, or the reason it is unusable
// (RFC 2131 section 4.3.1, table 3).
func serverID(msg *codec.Message) (netip.Addr, DropReason) {
	id, err := msg.Options.ServerID()
	if err != nil || !id.Is4() || id.IsUnspecified() {
		return netip.Addr{}, ReasonNoServerID
	}

	return id, ReasonNone
}

// leaseAddr returns yiaddr with its prefix length, or the reason it must
// not be used: unspecified, broadcast, multicast, loopback, class E or
// the network or broadcast address of its subnet.
func leaseAddr(msg *codec.Message) (netip.Prefix, DropReason) {
	bits, err := msg.Options.SubnetMask()
	switch {
	case err == nil && bits == 0:
		// 0.0.0.0 would put every IPv4 address on-link.
		return netip.Prefix{}, ReasonBadSubnetMask
	case err == nil:
	case msg.Options.Has(codec.OptSubnetMask):
		return netip.Prefix{}, ReasonBadSubnetMask
	default:
		bits = classfulBits(msg.YIAddr)
	}

	a := msg.YIAddr
	if !a.Is4() || a.IsUnspecified() || a.IsMulticast() ||
		a.IsLoopback() || a.As4()[0] >= 240 {
		return netip.Prefix{}, ReasonBadYIAddr
	}
	p := netip.PrefixFrom(a, bits)
	if bits <= 30 && (a == p.Masked().Addr() || a == lastAddr(p)) {
		return netip.Prefix{}, ReasonBadYIAddr
	}

	return p, ReasonNone
}

// classfulBits returns the classful prefix length of a, the fallback when
// a server sends no subnet mask (RFC 2131 section 4.3.1 leaves it to the
// client; RFC 950 classes).
func classfulBits(a netip.Addr) int {
	if !a.Is4() {
		return 32
	}
	switch b := a.As4()[0]; {
	case b < 128:
		return 8
	case b < 192:
		return 16
	}

	return 24
}

// lastAddr returns the broadcast address of the IPv4 prefix p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 |
		uint32(b[3])
	v |= host

	return netip.AddrFrom4([4]byte{
		byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v),
	})
}

// onOffer selects the first acceptable DHCPOFFER and requests it (RFC 2131
// section 4.4.1), or pauses for an IPv6-only network (RFC 8925 section
// 3.2).
//
// An IPv6-only offer need not carry a usable address: such servers often
// send yiaddr 0.0.0.0 (RFC 8925 section 3.3), so option 108 is honoured
// before yiaddr is checked.
func (m *Machine) onOffer(now time.Time, msg *codec.Message, src netip.Addr) {
	id, r := serverID(msg)
	if r != ReasonNone {
		m.drop(r, src)

		return
	}
	if m.cfg.IPv6OnlyPreferred {
		if v, err := msg.Options.IPv6OnlyPreferred(); err == nil {
			wait := max(time.Duration(v)*time.Second, minV6OnlyWait)
			m.cancelExchange()
			m.setState(V6OnlyWait)
			m.arm(now, TimerWait, now.Add(wait))

			return
		}
	}
	if _, r := leaseAddr(msg); r != ReasonNone {
		m.drop(r, src)

		return
	}

	m.offer, m.server = msg.YIAddr, id
	m.cancel(TimerRetransmit)
	m.setState(Requesting)
	m.attempt = 0
	m.sendSelecting(now)
}

// onRapidAck accepts a DHCPACK answering a DHCPDISCOVER with option 80,
// when rapid commit was asked for (RFC 4039 section 4).
func (m *Machine) onRapidAck(now time.Time, msg *codec.Message, src netip.Addr) {
	if !m.cfg.RapidCommit || !msg.Options.Has(codec.OptRapidCommit) {
		m.drop(ReasonNoRapidCommit, src)

		return
	}
	m.acknowledged(now, msg, src)
}

// onAck accepts the DHCPACK of REQUESTING, REBOOTING, RENEWING or
// REBINDING (RFC 2131 sections 4.4.1, 4.4.2 and 4.4.5).
func (m *Machine) onAck(now time.Time, msg *codec.Message, src netip.Addr) {
	want := m.offer
	switch m.state {
	case Rebooting:
		want = m.reboot.Addr.Addr()
	case Renewing, Rebinding:
		want = m.lease.Addr.Addr()
	}
	if msg.YIAddr != want && msg.YIAddr.IsValid() &&
		!msg.YIAddr.IsUnspecified() {
		m.drop(ReasonWrongAddr, src)

		return
	}
	m.acknowledged(now, msg, src)
}

// acknowledged turns an ACK that passed the common rules into a lease,
// applies the remaining rules and binds, probing first when configured.
func (m *Machine) acknowledged(now time.Time, msg *codec.Message, src netip.Addr) {
	id, r := serverID(msg)
	if r == ReasonNone && m.state == Requesting && id != m.server {
		r = ReasonWrongServer
	}
	if r == ReasonNone && m.state == Renewing && id != m.lease.ServerID {
		r = ReasonWrongServer
	}
	if r != ReasonNone {
		m.drop(r, src)

		return
	}
	l, r := m.buildLease(msg, id)
	if r != ReasonNone {
		m.drop(r, src)

		return
	}

	if m.cfg.Probe && (m.state == Selecting || m.state == Requesting) {
		m.cancelExchange()
		m.pending = l
		m.setState(Probing)
		m.acts = append(m.acts, Action{
			Kind: ActProbe, Addr: l.Addr.Addr(), XID: m.xid,
		})
		m.arm(now, TimerWait, now.Add(probeTimeout))

		return
	}
	m.bind(now, l)
}

// onNak handles DHCPNAK: in REQUESTING only from the selected server, in
// RENEWING only from the leasing server; the lease is dropped and INIT
// restarts after a short wait (RFC 2131 sections 3.1 step 5 and 4.4.5).
// In REBOOTING the refused lease is removed too, even when this machine
// never applied it: it was remembered from an earlier run, whose address
// may still be configured, and the client must stop using it (RFC 2131
// section 3.2 step 3).
func (m *Machine) onNak(now time.Time, msg *codec.Message, src netip.Addr) {
	var want netip.Addr
	switch m.state {
	case Requesting:
		want = m.server
	case Renewing:
		want = m.lease.ServerID
	}
	if want.IsValid() {
		if id, r := serverID(msg); r != ReasonNone || id != want {
			m.drop(ReasonWrongServer, src)

			return
		}
	}

	m.warn("DHCPNAK received", src)
	switch {
	case m.lease != nil:
		m.forget()
	case m.state == Rebooting && m.reboot != nil:
		m.acts = append(m.acts, Action{Kind: ActRemove, Lease: m.reboot},
			Action{Kind: ActPersist})
	case m.state == Rebooting:
		m.acts = append(m.acts, Action{Kind: ActPersist})
	}
	m.restart(now, m.nakBackoff())
}
