package priv

import (
	"errors"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// linkNet is a Network that keeps the leased addresses it has on the
// interface, and fails Apply or Remove for chosen ones.
type linkNet struct {
	mu                    sync.Mutex
	on                    []netip.Prefix
	failApply, failRemove netip.Prefix
}

func (n *linkNet) Apply(l *ipc.ApplyLease) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if l.Addr == n.failApply {
		return errors.New("netlink: file exists")
	}
	if !slices.Contains(n.on, l.Addr) {
		n.on = append(n.on, l.Addr)
	}

	return nil
}

func (n *linkNet) Remove(l *ipc.ApplyLease) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if l.Addr == n.failRemove {
		return errors.New("netlink: device busy")
	}
	n.on = slices.DeleteFunc(n.on, func(p netip.Prefix) bool {
		return p == l.Addr
	})

	return nil
}

// addrs returns the leased addresses on the interface.
func (n *linkNet) addrs() []netip.Prefix {
	n.mu.Lock()
	defer n.mu.Unlock()

	return slices.Clone(n.on)
}

// resolvLog records the name servers of each resolv.conf write.
type resolvLog struct {
	mu     sync.Mutex
	writes [][]netip.Addr
}

func (r *resolvLog) write(l *ipc.ApplyLease) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, l.DNS)

	return nil
}

// last returns the name servers resolv.conf holds now.
func (r *resolvLog) last() []netip.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.writes) == 0 {
		return nil
	}

	return r.writes[len(r.writes)-1]
}

// settle waits until ok holds, failing after a few seconds.
func settle(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDNSGoesWithDroppedLease: lease A's name servers leave resolv.conf
// when A is removed for lease B, even when B then fails to apply, and a
// later lease without DNS settings does not bring them back.
func TestDNSGoesWithDroppedLease(t *testing.T) {
	b, c := otherLease(), otherLease()
	c.Addr, c.DNS = netip.MustParsePrefix("10.88.2.9/24"), nil
	n := &linkNet{failApply: b.Addr}
	var rl resolvLog
	h := newHarnessNet(t, Options{}, n)
	h.sup.deps.Resolv = rl.write

	h.run()
	e, _ := h.engine()
	e.request(t, goodLease())
	e.request(t, b)
	e.request(t, c)
	settle(t, "lease C applied", func() bool {
		return slices.Equal(n.addrs(), []netip.Prefix{c.Addr})
	})

	if got := rl.last(); len(got) != 0 {
		t.Errorf("resolv.conf lists %v, the name servers of a lease "+
			"no longer applied", got)
	}
}

// TestFailedRemoveKeepsLease: when a lease's address cannot be removed,
// it stays the applied lease, so that the next lease removes it first
// and no second leased address joins it.
func TestFailedRemoveKeepsLease(t *testing.T) {
	a := goodLease()
	n := &linkNet{failRemove: a.Addr}
	h := newHarnessNet(t, Options{}, n)

	h.run()
	e, _ := h.engine()
	e.request(t, a)
	e.request(t, &ipc.RemoveLease{Addr: a.Addr})
	e.request(t, otherLease())
	e.request(t, &ipc.RemoveLease{Addr: a.Addr})
	time.Sleep(300 * time.Millisecond)

	if got := n.addrs(); !slices.Equal(got, []netip.Prefix{a.Addr}) {
		t.Errorf("leased addresses %v, want only %v", got, a.Addr)
	}
	if e.wasKilled() {
		t.Error("the engine was killed: removing A again is in policy")
	}
}

// TestReleaseOnExitWithoutEngine: with ReleaseOnExit, a stop while no
// engine runs (it was killed and waits for its restart) still takes the
// lease and its name servers off, without a DHCPRELEASE.
func TestReleaseOnExitWithoutEngine(t *testing.T) {
	n := &linkNet{}
	var rl resolvLog
	h := newHarnessNet(t, Options{ReleaseOnExit: true}, n)
	h.sup.deps.Resolv = rl.write

	h.run()
	e, _ := h.engine()
	e.request(t, goodLease())
	settle(t, "lease applied", func() bool { return len(n.addrs()) == 1 })
	e.request(t, &ipc.Hello{}) // a second Hello: the engine is killed
	settle(t, "engine killed", e.wasKilled)

	h.cancel()
	if err := h.wait(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if got := n.addrs(); len(got) != 0 {
		t.Errorf("leased addresses after the stop: %v, want none", got)
	}
	if got := rl.last(); len(got) != 0 {
		t.Errorf("resolv.conf lists %v after the stop", got)
	}
}
