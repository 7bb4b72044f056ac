package priv

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// otherLease is a lease the policy accepts with another address than
// goodLease's.
func otherLease() *ipc.ApplyLease {
	l := goodLease()
	l.Addr = netip.MustParsePrefix("10.88.2.7/24")
	l.Routers = []netip.Addr{netip.MustParseAddr("10.88.2.1")}
	l.ServerID = netip.MustParseAddr("10.88.2.1")

	return l
}

// waitFor polls the namespace until its snapshot satisfies ok.
func (n *testNS) waitFor(t *testing.T, what string,
	ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := n.snapshot(t)
		if ok(s) {
			return s
		}

		if time.Now().After(deadline) {
			t.Fatalf("%s never happened:\n%s", what, s)
		}

		time.Sleep(20 * time.Millisecond)
	}
}

// leased lists the lease addresses and DHCP routes of the namespace,
// one line each.
func (n *testNS) leased(t *testing.T) string {
	t.Helper()

	return ipCmd(t, "-n", n.name, "-4", "-o", "addr", "show", "dev",
		"sdeh3a") + ipCmd(t, "-n", n.name, "-4", "route", "show",
		"proto", "dhcp")
}

// TestNewAddressReplacesOld applies lease A, then lease B with another
// address, then removes B: the supervisor takes A's address and routes
// off before it applies B, so that at most one leased address is ever
// on the interface, and after B's removal none is.
func TestNewAddressReplacesOld(t *testing.T) {
	ns := newTestNS(t, 3)
	h := newHarnessNet(t, Options{}, ns.sys)
	h.run()
	e, _ := h.engine()
	e.request(t, goodLease())
	ns.waitFor(t, "lease A applied", func(s string) bool {
		return strings.Contains(s, `"local":"10.77.1.50"`)
	})

	e.request(t, otherLease())
	ns.waitFor(t, "lease B applied", func(s string) bool {
		return strings.Contains(s, `"local":"10.88.2.7"`)
	})

	want := "default via 10.88.2.1 dev sdeh3a metric 1024 \n"
	got := ns.leased(t)
	if strings.Contains(got, "10.77.1.50") ||
		!strings.HasSuffix(got, want) ||
		strings.Count(got, " inet ") != 1 {
		t.Errorf("after A then B, want only B's address and route %q:\n%s",
			want, got)
	}

	e.request(t, &ipc.RemoveLease{Addr: otherLease().Addr})
	ns.waitFor(t, "lease B removed", func(s string) bool {
		return !strings.Contains(s, `"local":"10.88.2.7"`)
	})

	if got := ns.leased(t); got != "" {
		t.Errorf("after removing B, want nothing leased:\n%s", got)
	}

	if h.sup.Killed() != 0 {
		t.Errorf("%d engines killed, want none", h.sup.Killed())
	}
}

// failRemove is a Network whose Remove fails; it reports the address
// of each lease it was asked to remove on tried.
type failRemove struct {
	*recorder
	tried chan netip.Prefix
}

func (f failRemove) Remove(l *ipc.ApplyLease) error {
	f.tried <- l.Addr

	return errors.New("netlink: device busy")
}

// TestNewAddressRemovesOldFirst checks the order of the supervisor's
// calls: a renewal of the same address removes nothing, a new address
// removes the applied lease first, and when that removal fails the new
// lease is not applied and the old one stays the applied one.
func TestNewAddressRemovesOldFirst(t *testing.T) {
	addrs := func(ls []*ipc.ApplyLease) []netip.Prefix {
		var ps []netip.Prefix
		for _, l := range ls {
			ps = append(ps, l.Addr)
		}

		return ps
	}
	cmpPrefix := cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })
	a, b := goodLease().Addr, otherLease().Addr

	t.Run("removal succeeds", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.run()
		e, _ := h.engine()
		e.request(t, goodLease())
		e.request(t, goodLease())
		e.request(t, otherLease())
		deadline := time.Now().Add(5 * time.Second)
		for h.rec.counts()[0] < 3 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}

		h.rec.mu.Lock()
		defer h.rec.mu.Unlock()
		if diff := cmp.Diff([]netip.Prefix{a, a, b}, addrs(h.rec.applied),
			cmpPrefix); diff != "" {
			t.Errorf("applied (-want +got):\n%s", diff)
		}

		if diff := cmp.Diff([]netip.Prefix{a}, addrs(h.rec.removed),
			cmpPrefix); diff != "" {
			t.Errorf("removed (-want +got):\n%s", diff)
		}
	})

	t.Run("removal fails", func(t *testing.T) {
		rec := newRecorder()
		tried := make(chan netip.Prefix, 4)
		h := newHarnessNet(t, Options{}, failRemove{rec, tried})
		h.run()
		e, _ := h.engine()
		e.request(t, goodLease())
		e.request(t, otherLease())
		e.request(t, &ipc.RemoveLease{Addr: a})

		// Two attempts to remove A: before B, and for the RemoveLease,
		// which is in policy because A is still the applied lease.
		var got []netip.Prefix
		for range 2 {
			select {
			case p := <-tried:
				got = append(got, p)
			case <-time.After(5 * time.Second):
				t.Fatalf("removals tried %v, want two", got)
			}
		}

		if diff := cmp.Diff([]netip.Prefix{a, a}, got,
			cmpPrefix); diff != "" {
			t.Errorf("removals tried (-want +got):\n%s", diff)
		}

		rec.mu.Lock()
		defer rec.mu.Unlock()
		if diff := cmp.Diff([]netip.Prefix{a}, addrs(rec.applied),
			cmpPrefix); diff != "" {
			t.Errorf("applied (-want +got):\n%s", diff)
		}

		if h.sup.Killed() != 0 {
			t.Errorf("%d engines killed: RemoveLease of A must stay "+
				"in policy", h.sup.Killed())
		}
	})
}
