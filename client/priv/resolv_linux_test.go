package priv

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// TestResolvConfFollowsLease: resolv.conf is written for each lease with
// DNS settings, left alone for a lease without any, and emptied when the
// lease whose name servers it holds is removed, so that they do not
// outlive it.
func TestResolvConfFollowsLease(t *testing.T) {
	h := newHarness(t, Options{})
	writes := make(chan []netip.Addr, 8)
	h.sup.deps.Resolv = func(l *ipc.ApplyLease) error {
		writes <- l.DNS

		return nil
	}

	noDNS := otherLease()
	noDNS.DNS = nil

	h.run()
	e, _ := h.engine()
	e.request(t, goodLease())
	e.request(t, goodLease())
	e.request(t, &ipc.RemoveLease{Addr: goodLease().Addr})
	e.request(t, noDNS)
	e.request(t, &ipc.RemoveLease{Addr: noDNS.Addr})
	e.request(t, goodLease())

	dns := goodLease().DNS
	want := [][]netip.Addr{dns, dns, nil, dns}
	var got [][]netip.Addr
	for range want {
		select {
		case w := <-writes:
			got = append(got, w)
		case <-time.After(5 * time.Second):
			t.Fatalf("resolv.conf writes %v, want %v", got, want)
		}
	}

	if diff := cmp.Diff(want, got, cmp.Comparer(
		func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("resolv.conf writes (-want +got):\n%s", diff)
	}
	if h.sup.Killed() != 0 {
		t.Errorf("%d engines killed", h.sup.Killed())
	}
}
