package priv

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/safedhcp/safedhcp/client/engine"
	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/statemachine"
)

// persistedAddr returns the address of the lease record b, or the zero
// prefix when b holds none. The record comes from the engine through the
// disk, so it is decoded with every check of Lease.UnmarshalBinary.
func persistedAddr(b []byte) netip.Prefix {
	var l statemachine.Lease
	if len(b) == 0 || l.UnmarshalBinary(b) != nil {
		return netip.Prefix{}
	}

	return l.Addr
}

// adopt counts the persisted lease as applied when its address is on the
// interface at start-up: an earlier run applied it and left it in place
// (a stop without release, a crash), and the engine about to verify it
// with INIT-REBOOT must be able to remove it after a DHCPNAK (RFC 2131
// section 3.2 step 3). The record is decoded and the lease validated
// like one the engine asks to apply; anything that fails is logged and
// nothing is adopted. The interface is left as it is.
//
// A permanent address is never adopted: netconf gives every lease a
// lifetime, so a record naming a permanent address names an
// administrator's static one (perhaps written by a compromised engine to
// have it removed later).
func (s *Supervisor) adopt(now time.Time) {
	if s.deps.Addrs == nil {
		return
	}

	r, err := s.persistedLease(now)
	if err != nil {
		s.log.Warn("not adopting the persisted lease", "err", err)

		return
	}
	if r == nil {
		return
	}

	s.applied = r
	s.dnsWritten = hasDNS(r) // an earlier run wrote them, if it could
	if r.MTU != 0 {
		s.mtu = min(s.mtu, int(r.MTU))
	}
	s.log.Info("persisted lease still on the interface; counted as applied",
		"addr", r.Addr, "server", r.ServerID)
}

// persistedLease returns the persisted lease as the engine would apply
// it at now, or nil when there is none or its address is not on the
// interface.
func (s *Supervisor) persistedLease(now time.Time) (*ipc.ApplyLease, error) {
	b, err := s.deps.Store.Load()
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, nil
	}

	var l statemachine.Lease
	if err := l.UnmarshalBinary(b); err != nil {
		return nil, fmt.Errorf("priv: persisted lease: %w", err)
	}

	addrs, err := s.deps.Addrs()
	if err != nil {
		return nil, fmt.Errorf("priv: addresses of %s: %w",
			s.deps.Link.Name, err)
	}
	i := slices.IndexFunc(addrs, func(a Addr) bool {
		return a.Prefix == l.Addr
	})
	if i < 0 {
		return nil, nil
	}
	if addrs[i].Permanent {
		return nil, fmt.Errorf("priv: persisted lease: %v is a permanent "+
			"address of %s, not a lease", l.Addr, s.deps.Link.Name)
	}

	r := engine.LeaseRequest(now, &l)
	if err := r.Validate(s.policy()); err != nil {
		return nil, fmt.Errorf("priv: persisted lease: %w", err)
	}

	return r, nil
}
