package priv

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/statemachine"
)

// persistedRecord returns the lease record of an earlier run for addr.
func persistedRecord(t *testing.T, addr string) []byte {
	t.Helper()
	l := statemachine.Lease{
		Addr:      netip.MustParsePrefix(addr),
		ServerID:  netip.MustParseAddr("10.77.1.1"),
		Routers:   []netip.Addr{netip.MustParseAddr("10.77.1.1")},
		Acquired:  time.Now().Add(-time.Minute),
		LeaseTime: time.Hour,
		T1:        30 * time.Minute,
		T2:        50 * time.Minute,
	}
	b, err := l.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}

	return b
}

// linkAddrs returns a Deps.Addrs listing ss, each a prefix followed by
// " permanent" for an address without a lifetime.
func linkAddrs(ss []string) func() ([]Addr, error) {
	return func() ([]Addr, error) {
		var as []Addr
		for _, s := range ss {
			p, perm := strings.CutSuffix(s, " permanent")
			as = append(as, Addr{
				Prefix:    netip.MustParsePrefix(p),
				Permanent: perm,
			})
		}

		return as, nil
	}
}

// TestRemoveRefusedPersistedLease plays an engine that verifies the
// persisted lease at INIT-REBOOT, gets a DHCPNAK and removes it (RFC 2131
// section 3.2 step 3): the supervisor removes it when its address was on
// the interface at start-up, does nothing when it was not, and still
// kills an engine that removes any other address.
func TestRemoveRefusedPersistedLease(t *testing.T) {
	const leased = "10.77.1.50/24"
	tests := []struct {
		name    string
		onLink  []string // addresses on the interface at start-up
		remove  string   // the engine's RemoveLease
		removed []netip.Prefix
		killed  bool
	}{
		{"on the link: removed", []string{"192.0.2.9/24", leased},
			leased, []netip.Prefix{netip.MustParsePrefix(leased)}, false},
		{"not on the link: nothing to do", []string{"192.0.2.9/24"},
			leased, nil, false},
		{"same address, other prefix: nothing to do",
			[]string{"10.77.1.50/16"}, leased, nil, false},
		{"another address: killed", []string{leased},
			"192.0.2.9/24", nil, true},
		{"permanent on the link: left alone",
			[]string{leased + " permanent"}, leased, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			h.sup.deps.Addrs = linkAddrs(tt.onLink)
			if err := h.store.Save(persistedRecord(t, leased)); err != nil {
				t.Fatal(err)
			}

			h.run()
			e, _ := h.engine()
			e.request(t, &ipc.RemoveLease{
				Addr: netip.MustParsePrefix(tt.remove),
			})
			h.cancel()
			if err := h.wait(); err != nil {
				t.Fatal(err)
			}

			h.rec.mu.Lock()
			var removed []netip.Prefix
			for _, l := range h.rec.removed {
				removed = append(removed, l.Addr)
			}
			h.rec.mu.Unlock()
			if diff := cmp.Diff(tt.removed, removed,
				cmp.Comparer(func(a, b netip.Prefix) bool {
					return a == b
				})); diff != "" {
				t.Errorf("removed (-want +got):\n%s", diff)
			}
			if got := h.sup.Killed() > 0; got != tt.killed {
				t.Errorf("engine killed = %v, want %v", got, tt.killed)
			}
		})
	}
}

// TestAdoptPersistedLease checks what the supervisor counts as applied
// at start-up.
func TestAdoptPersistedLease(t *testing.T) {
	const leased = "10.77.1.50/24"
	tests := []struct {
		name   string
		record []byte
		onLink []string
		want   netip.Prefix
	}{
		{"on the link", persistedRecord(t, leased), []string{leased},
			netip.MustParsePrefix(leased)},
		{"permanent on the link", persistedRecord(t, leased),
			[]string{leased + " permanent"}, netip.Prefix{}},
		{"not on the link", persistedRecord(t, leased), nil,
			netip.Prefix{}},
		{"corrupt record", []byte("SDHL garbage"), []string{leased},
			netip.Prefix{}},
		{"no record", nil, []string{leased}, netip.Prefix{}},
		{"truncated record", persistedRecord(t, leased)[:20],
			[]string{leased}, netip.Prefix{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			h.sup.deps.Addrs = linkAddrs(tt.onLink)
			if tt.record != nil {
				if err := h.store.Save(tt.record); err != nil {
					t.Fatal(err)
				}
			}

			h.sup.adopt(time.Now())
			var got netip.Prefix
			if a := h.sup.Applied(); a != nil {
				got = a.Addr
			}
			if got != tt.want {
				t.Errorf("adopted %v, want %v", got, tt.want)
			}
		})
	}
}

// TestApplyLeavesPermanentAddress checks that a lease is not applied over
// an administrator's static address with the same IP, whatever its
// prefix, and that the engine asking for it is not killed for it (a
// misconfigured server can offer such an address).
func TestApplyLeavesPermanentAddress(t *testing.T) {
	tests := []struct {
		name    string
		onLink  []string
		applied int
	}{
		{"free address", []string{"10.77.1.9/24 permanent"}, 1},
		{"leased address left by a run", []string{"10.77.1.50/24"}, 1},
		{"static address", []string{"10.77.1.50/24 permanent"}, 0},
		{"static address, other prefix",
			[]string{"10.77.1.50/8 permanent"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			h.sup.deps.Addrs = linkAddrs(tt.onLink)

			h.run()
			e, _ := h.engine()
			e.request(t, goodLease())
			h.cancel()
			if err := h.wait(); err != nil {
				t.Fatal(err)
			}

			if got := h.rec.counts()[0]; got != tt.applied {
				t.Errorf("applied %d leases, want %d", got, tt.applied)
			}
			if h.sup.Killed() > 0 {
				t.Error("engine killed")
			}
		})
	}
}
