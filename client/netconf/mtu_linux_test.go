package netconf

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// ipv6Addrs lists the global IPv6 addresses of link.
func ipv6Addrs(t *testing.T, h *netlink.Handle, link netlink.Link) []string {
	t.Helper()

	as, err := h.AddrList(link, netlink.FAMILY_V6)
	if err != nil {
		t.Fatal(err)
	}

	var s []string
	for _, a := range as {
		if a.IP.IsGlobalUnicast() {
			s = append(s, a.IPNet.String())
		}
	}
	slices.Sort(s)

	return s
}

// linkMTU returns the MTU link has now.
func linkMTU(t *testing.T, h *netlink.Handle, link netlink.Link) int {
	t.Helper()

	l, err := h.LinkByIndex(link.Attrs().Index)
	if err != nil {
		t.Fatal(err)
	}

	return l.Attrs().MTU
}

// TestApplyMTUKeepsIPv6 applies leases with small MTUs. Linux deletes
// every IPv6 address of a link whose MTU drops below 1280 (RFC 8200
// section 5), so on a link with IPv6 addresses Apply sets 1280 instead;
// a link without any gets the lease's MTU.
func TestApplyMTUKeepsIPv6(t *testing.T) {
	tests := []struct {
		name       string
		ipv6       bool // the link has IPv6 addresses
		mtu        uint16
		wantMTU    int
		wantRaised int
	}{
		{"600 with IPv6", true, 600, 1280, 1280},
		{"1279 with IPv6", true, 1279, 1280, 1280},
		{"1280 with IPv6", true, 1280, 1280, 0},
		{"1400 with IPv6", true, 1400, 1400, 0},
		{"600 without IPv6", false, 600, 600, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, link := testLink(t)
			var want []string
			if tt.ipv6 {
				want = []string{"2001:db8::5/64"}
				a, err := netlink.ParseAddr(want[0])
				if err != nil {
					t.Fatal(err)
				}

				a.Flags = 0x02 // IFA_F_NODAD
				if err := h.AddrAdd(link, a); err != nil {
					t.Fatal(err)
				}
			} else {
				noIPv6(t, h, link)
			}

			rep, err := Apply(h, link, &ipc.ApplyLease{
				Addr: prefix("192.0.2.10/24"), MTU: tt.mtu,
				ValidLifetime: 60, PreferredLifetime: 60,
			}, Options{MTU: true})
			if err != nil {
				t.Fatal(err)
			}

			if rep.RaisedMTU != tt.wantRaised {
				t.Errorf("RaisedMTU %d, want %d", rep.RaisedMTU,
					tt.wantRaised)
			}

			if got := linkMTU(t, h, link); got != tt.wantMTU {
				t.Errorf("MTU %d, want %d", got, tt.wantMTU)
			}

			if diff := cmp.Diff(want, ipv6Addrs(t, h, link)); diff != "" {
				t.Errorf("IPv6 addresses (-want +got):\n%s", diff)
			}
		})
	}
}

// noIPv6 stops IPv6 address generation on link and deletes its IPv6
// addresses.
func noIPv6(t *testing.T, h *netlink.Handle, link netlink.Link) {
	t.Helper()

	const none = 1 // IN6_ADDR_GEN_MODE_NONE
	if err := h.LinkSetIP6AddrGenMode(link, none); err != nil {
		t.Fatal(err)
	}

	as, err := h.AddrList(link, netlink.FAMILY_V6)
	if err != nil {
		t.Fatal(err)
	}

	for i := range as {
		if err := h.AddrDel(link, &as[i]); err != nil {
			t.Fatal(fmt.Errorf("delete %v: %w", as[i].IPNet, err))
		}
	}
}

// TestApplyMTUFollowsLink applies a lease MTU, then another: the second
// is compared with the link's MTU now, not the one it had when looked
// up.
func TestApplyMTUFollowsLink(t *testing.T) {
	h, link := testLink(t)
	for _, mtu := range []uint16{1400, 1500} {
		err := applyAll(h, link, &ipc.ApplyLease{
			Addr: prefix("192.0.2.10/24"), MTU: mtu,
			ValidLifetime: 60, PreferredLifetime: 60,
		}, Options{MTU: true})
		if err != nil {
			t.Fatal(err)
		}

		if got := linkMTU(t, h, link); got != int(mtu) {
			t.Errorf("after a lease MTU of %d the link has %d", mtu, got)
		}
	}
}
