package statemachine

import (
	"net/netip"
	"time"

	"github.com/safedhcp/safedhcp/codec"
)

// header resets the outgoing message to a BOOTREQUEST of type t for the
// exchange in progress, with the options every client message carries
// (RFC 2131 section 4.4.1, table 5).
func (m *Machine) header(t codec.MessageType, ciaddr netip.Addr) {
	o := &m.out
	o.Reset()
	o.Op = codec.BootRequest
	o.HType = m.cfg.HType
	o.HLen = uint8(len(m.cfg.HWAddr))
	o.XID = m.xid
	copy(o.CHAddr[:], m.cfg.HWAddr)
	o.CIAddr = ciaddr
	if !ciaddr.IsValid() {
		o.CIAddr = netip.IPv4Unspecified()
		if m.cfg.BroadcastFlag {
			o.Flags = codec.FlagBroadcast
		}
	}
	o.YIAddr = netip.IPv4Unspecified()
	o.SIAddr = netip.IPv4Unspecified()
	o.GIAddr = netip.IPv4Unspecified()

	// The values are bounded by Config.check, so the setters cannot fail
	// on an empty Options.
	_ = o.Options.SetMessageType(t)
	_ = o.Options.Set(codec.OptClientID, m.cfg.ClientID)
}

// params adds the options of DHCPDISCOVER and DHCPREQUEST: 57, 12, 60
// and 55 (RFC 2131 section 4.4.1, table 5).
func (m *Machine) params() {
	o := &m.out.Options
	if m.cfg.MaxMessageSize >= codec.DefaultMaxLen {
		_ = o.SetUint16(codec.OptMaxMessageSize, m.cfg.MaxMessageSize)
	}
	if m.cfg.Hostname != "" {
		_ = o.Set(codec.OptHostName, []byte(m.cfg.Hostname))
	}
	if len(m.cfg.VendorClass) > 0 {
		_ = o.Set(codec.OptVendorClass, m.cfg.VendorClass)
	}
	var prl [255]byte
	n := 0
	for _, c := range m.cfg.Params {
		prl[n] = byte(c)
		n++
	}
	_ = o.Set(codec.OptParamRequest, prl[:n])
}

// send encodes the outgoing message and appends a Send action.
func (m *Machine) send(bcast bool, src, dst netip.Addr) {
	start := len(m.buf)
	b, err := m.out.Append(m.buf, codec.DefaultMaxLen)
	if err != nil {
		// Our own messages always fit 576 bytes: New checks the
		// longest one.
		m.warn("encode: "+err.Error(), dst)

		return
	}
	m.buf = b
	t, _ := m.out.Options.MessageType()
	m.acts = append(m.acts, Action{
		Kind: ActSend, Payload: b[start:len(b):len(b)], MsgType: t,
		Broadcast: bcast, Src: src, Dst: dst, XID: m.xid,
	})
}

// sendDiscover broadcasts DHCPDISCOVER and arms its retransmission (RFC
// 2131 sections 4.1 and 4.4.1). Its secs count from the start of the
// acquisition (RFC 2131 section 2), and the DHCPREQUEST that answers an
// offer repeats the last one's (section 3.1 step 3).
func (m *Machine) sendDiscover(now time.Time) {
	m.header(codec.Discover, netip.Addr{})
	m.secs = secsSince(m.started, now)
	m.out.Secs = m.secs
	m.params()
	if m.cfg.RapidCommit {
		_ = m.out.Options.Set(codec.OptRapidCommit, nil)
	}
	m.send(true, netip.Addr{}, netip.Addr{})
	m.attempt++
	m.arm(now, TimerRetransmit, now.Add(m.backoff(m.attempt)))
}

// sendSelecting broadcasts the DHCPREQUEST of SELECTING with options 50
// and 54 and the secs of the DHCPDISCOVER (RFC 2131 section 4.4.1).
func (m *Machine) sendSelecting(now time.Time) {
	if m.attempt == 0 {
		m.sent = now
	}
	m.header(codec.Request, netip.Addr{})
	m.out.Secs = m.secs
	m.params()
	_ = m.out.Options.SetAddr(codec.OptRequestedIP, m.offer)
	_ = m.out.Options.SetAddr(codec.OptServerID, m.server)
	m.send(true, netip.Addr{}, netip.Addr{})
	m.attempt++
	m.arm(now, TimerRetransmit, now.Add(m.backoff(m.attempt)))
}

// sendReboot broadcasts the DHCPREQUEST of INIT-REBOOT with option 50
// and no option 54 (RFC 2131 section 4.4.2) and moves to REBOOTING.
func (m *Machine) sendReboot(now time.Time) {
	if m.attempt == 0 {
		m.sent = now
	}
	m.header(codec.Request, netip.Addr{})
	m.out.Secs = secsSince(m.started, now)
	m.params()
	_ = m.out.Options.SetAddr(codec.OptRequestedIP, m.reboot.Addr.Addr())
	m.send(true, netip.Addr{}, netip.Addr{})
	m.setState(Rebooting)
	m.attempt++
	m.arm(now, TimerRetransmit, now.Add(m.backoff(m.attempt)))
}

// sendRenew sends the DHCPREQUEST of RENEWING (unicast to the server) or
// REBINDING (broadcast) with ciaddr set, and arms the next one at half
// the time left until T2 or expiry, never below 60 seconds (RFC 2131
// section 4.4.5).
func (m *Machine) sendRenew(now time.Time) {
	l := m.lease
	m.header(codec.Request, l.Addr.Addr())
	m.out.Secs = secsSince(m.started, now)
	m.params()
	if m.state == Renewing {
		m.send(false, l.Addr.Addr(), l.ServerID)
	} else {
		m.send(true, l.Addr.Addr(), netip.Addr{})
	}
	m.attempt++

	end, ok := l.rebindAt()
	if m.state == Rebinding {
		end, ok = l.Expiry()
	}
	if !ok {
		return
	}
	wait := max(end.Sub(now)/2, minRenewWait)
	if now.Add(wait).Before(end) {
		m.arm(now, TimerRetransmit, now.Add(wait))
	}
}

// sendRelease unicasts DHCPRELEASE for the applied lease (RFC 2131
// section 4.4.6).
func (m *Machine) sendRelease() {
	l := m.lease
	m.header(codec.Release, l.Addr.Addr())
	_ = m.out.Options.SetAddr(codec.OptServerID, l.ServerID)
	m.send(false, l.Addr.Addr(), l.ServerID)
}

// sendDecline broadcasts DHCPDECLINE for the address of l (RFC 2131
// section 4.4.1 and table 5).
func (m *Machine) sendDecline(l *Lease) {
	m.header(codec.Decline, netip.Addr{})
	m.out.Flags = 0
	_ = m.out.Options.SetAddr(codec.OptRequestedIP, l.Addr.Addr())
	_ = m.out.Options.SetAddr(codec.OptServerID, l.ServerID)
	m.send(true, netip.Addr{}, netip.Addr{})
}
