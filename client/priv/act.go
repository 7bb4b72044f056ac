package priv

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/safedhcp/safedhcp/client/frame"
	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/codec"
)

// probeTimeout bounds one RFC 5227 probe. With probeTiming's longest
// draws it takes 7 seconds: PROBE_WAIT, two gaps of PROBE_MAX between the
// PROBE_NUM probes, then ANNOUNCE_WAIT.
const probeTimeout = 10 * time.Second

// init answers the engine's Hello with Init, handing it the lease bytes
// the previous engine persisted (RFC 2131 section 4.4.2).
func (s *Supervisor) init() {
	persisted, err := s.deps.Store.Load()
	if err != nil {
		s.log.Warn("not resuming from the stored lease", "err", err)
		persisted = nil
	}

	s.handed = persistedAddr(persisted)
	l := s.deps.Link
	s.hello = true
	s.sendEvent(&ipc.Init{
		IfIndex:   uint32(l.Index),
		IfName:    l.Name,
		HWAddr:    l.MAC[:],
		MTU:       uint16(min(max(l.MTU, 0), 0xffff)),
		Config:    s.opts.Engine,
		Persisted: persisted,
	})
}

// policy returns what the supervisor trusts right now. A payload must
// fit the smallest MTU the link has had: its MTU at start and that of
// every lease applied since (option 26, RFC 2132 section 5.1), so that
// it holds while an MTU is changing. The bound never drops
// below the 576-octet datagram every host accepts (RFC 2131 section 2),
// so a lease with a tiny MTU cannot make every request fail policy.
func (s *Supervisor) policy() ipc.Policy {
	mtu := max(s.mtu, codec.DefaultMaxLen)
	p := ipc.Policy{
		HWAddr:     s.deps.Link.MAC[:],
		MaxPayload: mtu - frame.IPv4HeaderLen - frame.UDPHeaderLen,
	}
	if s.applied != nil {
		p.Leased, p.Server = s.applied.Addr.Addr(), s.applied.ServerID
	}

	return p
}

// act validates one request and carries it out. A request that fails
// validation is returned as an error before anything is done with it.
func (s *Supervisor) act(ctx context.Context, req ipc.Request) error {
	p := s.policy()
	switch r := req.(type) {
	case *ipc.SendPayload:
		if err := r.Validate(p); err != nil {
			return err
		}

		if s.allowSend() {
			s.send(r)
		}
	case *ipc.ApplyLease:
		if err := r.Validate(p); err != nil {
			return err
		}

		s.apply(ctx, r)
	case *ipc.RemoveLease:
		if err := r.Validate(p); err != nil {
			return err
		}

		return s.remove(r)
	case *ipc.PersistLease:
		s.persist(r)
	case *ipc.ProbeAddress:
		if err := r.Validate(p); err != nil {
			return err
		}

		s.probe(ctx, r.Addr)
	case *ipc.Log:
		s.relayLog(r)
	case *ipc.Status:
		s.status(r)
	default:
		return fmt.Errorf("priv: unexpected %v request", req.Type())
	}

	return nil
}

// allowSend reports whether a payload may go out now, within the rate
// limit of sendBurst and sendRate (see there); it counts and logs the
// ones that may not, rate-limited.
func (s *Supervisor) allowSend() bool {
	now := time.Now()
	if ok, _ := s.sends.allow(now); ok {
		return true
	}

	if n := s.sendDrops.add(now); n > 0 {
		s.log.Warn("engine's messages dropped by the send rate limit",
			"dropped", n, "burst", sendBurst, "per_second", sendRate)
	}

	return false
}

// send puts a validated payload on the wire: broadcasts in a frame built
// here around the payload (RFC 2131 section 4.1), unicasts through the
// UDP socket bound to the leased address (RFC 2131 section 4.4.5).
func (s *Supervisor) send(r *ipc.SendPayload) {
	if !r.Broadcast {
		if s.deps.Unicast == nil {
			s.log.Warn("unicast send not available", "dst", r.Dst)

			return
		}

		if err := s.deps.Unicast(r.Src, r.Dst, r.Payload); err != nil {
			s.log.Warn("unicast send failed", "dst", r.Dst, "err", err)
		}

		return
	}

	p := frame.Broadcast(s.deps.Link.MAC, r.Payload)
	p.Src = r.Src
	b, err := frame.Build(nil, p)
	if err == nil {
		err = s.deps.Packets.WriteFrame(b)
	}

	if err != nil {
		s.log.Warn("broadcast send failed", "err", err)
	}
}

// apply configures a validated lease. A failure is logged and the lease
// counts as not applied. The engine is not told: its renewal, a unicast
// from an address that is not leased, is then refused and the engine
// restarted, and the new engine's INIT-REBOOT applies the lease again.
//
// The address, routes and MTU are the lease; resolv.conf is not. A
// failure to write it is logged with its cause (which names the file)
// and the lease still counts as applied, so that a later RemoveLease is
// in policy and a oneshot run completes, as dhcpcd configures the
// interface when its resolv.conf hook fails. The next renewal writes it
// again.
//
// A new address that is already on the interface as a permanent address
// is not applied (see Addr.Permanent): a server offering a host's static
// address is misconfigured, and an engine asking for it may be
// compromised; either way the static address stays as it was.
//
// At most one leased address is ever on the interface: a lease with
// another address than the applied one's is applied only once the
// applied lease, its address and routes, is removed (see dropApplied).
func (s *Supervisor) apply(ctx context.Context, r *ipc.ApplyLease) {
	added := s.applied == nil || s.applied.Addr != r.Addr
	if added {
		if err := s.checkNotPermanent(r.Addr.Addr()); err != nil {
			s.log.Error("not applying the lease", "addr", r.Addr,
				"err", err)

			return
		}

		if !s.dropApplied(r) {
			return
		}
	}

	if err := s.deps.Network.Apply(r); err != nil {
		s.log.Error("applying the lease failed", "addr", r.Addr,
			"err", err)

		return
	}

	// A lease without DNS settings leaves resolv.conf alone, unless an
	// earlier lease's are still in it.
	if s.deps.Resolv != nil && (hasDNS(r) || s.dnsWritten) {
		if err := s.deps.Resolv(r); err != nil {
			s.log.Error("writing resolv.conf failed; the lease is "+
				"applied without its DNS settings", "addr", r.Addr,
				"err", err)
		} else {
			s.dnsWritten = hasDNS(r)
		}
	}

	if added {
		s.log.Info("lease applied", "addr", r.Addr,
			"server", r.ServerID, "lifetime", r.ValidLifetime,
			"routers", r.Routers, "routes", len(r.Routes),
			"dns", r.DNS)
		s.announce(ctx, r.Addr.Addr())
	} else {
		s.log.Info("lease renewed", "addr", r.Addr,
			"server", r.ServerID, "lifetime", r.ValidLifetime)
	}

	s.applied = r
	s.bound = true
	if r.MTU != 0 {
		s.mtu = min(s.mtu, int(r.MTU))
	}
}

// dropApplied removes the applied lease, if any, before next, which has
// another address, and reports whether next may be applied. When the
// removal fails, next is not applied and the old lease stays the applied
// one, so that the engine may still remove it; the next renewal tries
// again.
func (s *Supervisor) dropApplied(next *ipc.ApplyLease) bool {
	old := s.applied
	if old == nil {
		return true
	}

	if err := s.unapply(); err != nil {
		s.log.Error("not applying the lease: removing the previous one "+
			"failed", "addr", next.Addr, "previous", old.Addr, "err", err)

		return false
	}

	s.log.Info("previous lease removed for a new address",
		"addr", old.Addr, "new", next.Addr)

	return true
}

// unapply takes the applied lease off the interface: it stops its
// announcement, removes its address and routes, and empties resolv.conf
// of its DNS settings, which must not outlive it (as dhcpcd's resolv.conf
// hook removes them). When the address cannot be removed, the lease
// stays the applied one, so that a later removal tries again and no
// second leased address joins it; resolv.conf is emptied all the same.
func (s *Supervisor) unapply() error {
	s.cancelAnnounce()
	err := s.deps.Network.Remove(s.applied)
	if err == nil {
		s.applied = nil
	}

	if s.deps.Resolv != nil && s.dnsWritten {
		if rerr := s.deps.Resolv(&ipc.ApplyLease{}); rerr != nil {
			s.log.Error("removing the lease's DNS settings from "+
				"resolv.conf failed", "err", rerr)
		} else {
			s.dnsWritten = false
		}
	}

	return err
}

// checkNotPermanent returns an error when ip is a permanent address of
// the interface, or when the addresses cannot be listed.
func (s *Supervisor) checkNotPermanent(ip netip.Addr) error {
	if s.deps.Addrs == nil {
		return nil
	}

	addrs, err := s.deps.Addrs()
	if err != nil {
		return err
	}
	for _, a := range addrs {
		if a.Permanent && a.Prefix.Addr() == ip {
			return fmt.Errorf("priv: %v is a permanent address of %s "+
				"(%v); a lease never replaces one", ip,
				s.deps.Link.Name, a.Prefix)
		}
	}

	return nil
}

// remove takes the applied lease off the interface. Only the address the
// supervisor applied may be removed. The engine also removes the lease it
// was handed in Init when the server refuses it at INIT-REBOOT (RFC 2131
// section 3.2); when that lease is not the applied one, its address was
// not on the interface at start-up (see adopt) and there is nothing to
// remove.
func (s *Supervisor) remove(r *ipc.RemoveLease) error {
	if (s.applied == nil || s.applied.Addr != r.Addr) &&
		r.Addr == s.handed {
		s.log.Info("refused lease not on the interface; nothing to remove",
			"addr", r.Addr)

		return nil
	}

	if s.applied == nil || s.applied.Addr != r.Addr {
		return fmt.Errorf("priv: RemoveLease of %v, which is not the "+
			"applied lease: %w", r.Addr, ipc.ErrPolicy)
	}

	if err := s.unapply(); err != nil {
		s.log.Error("removing the lease failed; it stays recorded as "+
			"applied", "addr", r.Addr, "err", err)
	} else {
		s.log.Info("lease removed", "addr", r.Addr)
	}

	return nil
}

// persist stores the engine's opaque lease bytes; empty bytes forget them.
func (s *Supervisor) persist(r *ipc.PersistLease) {
	var err error
	if len(r.Data) == 0 {
		err = s.deps.Store.Clear()
	} else {
		err = s.deps.Store.Save(r.Data)
	}

	if err != nil {
		s.log.Error("storing the lease failed", "err", err)
	}
}

// probe runs the RFC 5227 probe in the background and hands the result to
// the loop. A probe that cannot run reports no conflict, as RFC 5227
// leaves probing to the host's judgement when it cannot be done.
//
// At most one probe is in flight: a new one cancels the one before,
// whose result is dropped, and starts only once it has ended, so that an
// engine asking for probe after probe holds one packet socket at most.
func (s *Supervisor) probe(ctx context.Context, addr netip.Addr) {
	s.cancelProbe()
	s.probeSeq++
	gen, seq, probe, prev := s.gen, s.probeSeq, s.deps.Probe, s.probeEnded
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	ended := make(chan struct{})
	s.probeCancel, s.probeEnded = cancel, ended
	go func() {
		defer close(ended)
		defer cancel()
		if prev != nil {
			<-prev
		}

		conflict := false
		if probe != nil && pctx.Err() == nil {
			c, err := probe(pctx, addr)
			if err != nil && !errors.Is(err, context.Canceled) {
				s.log.Warn("address probe failed", "addr", addr,
					"err", err)
			}

			conflict = c && err == nil
		}

		select {
		case s.probes <- probeDone{gen, seq, ipc.ProbeResult{
			Addr: addr, Conflict: conflict,
		}}:
		case <-s.done:
		}
	}()
}

// cancelProbe cancels the probe in flight, if any.
func (s *Supervisor) cancelProbe() {
	if s.probeCancel != nil {
		s.probeCancel()
		s.probeCancel = nil
	}
}

// announce claims a newly applied address with ARP announcements (RFC
// 5227 section 2.3) when probing is enabled: ANNOUNCE_NUM of them in the
// background, or one at once in oneshot mode, whose process exits as
// soon as the lease is applied. A failure is logged.
//
// Like probes, announcements run one at a time: a new one cancels the one
// before, which announced an address that is no longer applied, and
// starts once it has ended, so that an engine switching addresses holds
// one packet socket at most.
func (s *Supervisor) announce(ctx context.Context, addr netip.Addr) {
	announce := s.deps.Announce
	if announce == nil {
		return
	}

	if s.opts.Oneshot {
		if err := announce(ctx, addr, 1); err != nil {
			s.log.Warn("address announcement failed", "addr", addr,
				"err", err)
		}

		return
	}

	s.cancelAnnounce()
	prev := s.announceEnded
	actx, cancel := context.WithCancel(ctx)
	ended := make(chan struct{})
	s.announceCancel, s.announceEnded = cancel, ended
	go func() {
		defer close(ended)
		defer cancel()
		if prev != nil {
			<-prev
		}

		err := announce(actx, addr, announceNum)
		if err != nil && actx.Err() == nil {
			s.log.Warn("address announcement failed", "addr", addr,
				"err", err)
		}
	}()
}

// cancelAnnounce stops the announcement in the background, if any.
func (s *Supervisor) cancelAnnounce() {
	if s.announceCancel != nil {
		s.announceCancel()
		s.announceCancel = nil
	}
}

// relayLog re-logs an engine's Log request, within the rate limit.
func (s *Supervisor) relayLog(r *ipc.Log) {
	ok, dropped := s.logs.allow(time.Now())
	if !ok {
		return
	}

	if dropped > 0 {
		s.log.Warn("engine log lines dropped by the rate limit",
			"dropped", dropped)
	}

	attrs := make([]slog.Attr, 0, len(r.Attrs)+1)
	attrs = append(attrs, slog.String("component", "engine"))
	for _, a := range r.Attrs {
		attrs = append(attrs, slog.String(a.Key, a.Value))
	}

	s.base.LogAttrs(context.Background(), slog.Level(r.Level), r.Msg,
		attrs...)
}

// status records the engine's state reports; oneshot mode ends on the
// first Bound, and fails on Failed.
func (s *Supervisor) status(r *ipc.Status) {
	s.log.Debug("engine status", "state", r.State, "reason", r.Reason)
	switch r.State {
	case ipc.StateBound:
		s.bound = s.applied != nil
	case ipc.StateFailed:
		s.failed = true
	}
}

// hasDNS reports whether l carries settings for resolv.conf.
func hasDNS(l *ipc.ApplyLease) bool {
	return l != nil && (len(l.DNS) > 0 || l.Domain != "" || len(l.Search) > 0)
}
