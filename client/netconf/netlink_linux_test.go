package netconf

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/safedhcp/safedhcp/client/ipc"
)

var nsCount atomic.Int32

// testLink creates a network namespace with an up veth pair and
// returns a netlink handle in it and the interface. Both go away when
// the test ends.
func testLink(t *testing.T) (*netlink.Handle, netlink.Link) {
	t.Helper()

	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace")
	}

	name := fmt.Sprintf("sdp%d-%d", os.Getpid(), nsCount.Add(1))
	if out, err := exec.Command("ip", "netns", "add", name).
		CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v: %s", name, err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })

	ns, err := netns.GetFromName(name)
	if err != nil {
		t.Fatalf("netns %s: %v", name, err)
	}
	t.Cleanup(func() { ns.Close() })

	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		t.Fatalf("netlink handle in %s: %v", name, err)
	}
	t.Cleanup(h.Close)

	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "sdpv0"},
		PeerName: "sdpv1"}
	if err := h.LinkAdd(veth); err != nil {
		t.Fatalf("add veth pair: %v", err)
	}

	var link netlink.Link
	for _, n := range []string{"sdpv1", "sdpv0"} {
		if link, err = h.LinkByName(n); err != nil {
			t.Fatal(err)
		}

		if err := h.LinkSetUp(link); err != nil {
			t.Fatal(err)
		}
	}

	return h, link
}

// snapshot describes the addresses, routes and MTU of link, one sorted
// line each. Lifetimes are rounded to 100 s so a ticking clock does not
// matter.
func snapshot(t *testing.T, h *netlink.Handle, link netlink.Link) string {
	t.Helper()

	link, err := h.LinkByIndex(link.Attrs().Index)
	if err != nil {
		t.Fatal(err)
	}

	lines := []string{fmt.Sprintf("mtu %d", link.Attrs().MTU)}
	addrs, err := h.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}

	for _, a := range addrs {
		line := fmt.Sprintf("addr %v valid %s preferred %s",
			a.IPNet, lifetime(a.ValidLft), lifetime(a.PreferedLft))
		if a.Flags&unix.IFA_F_PERMANENT != 0 {
			line += " permanent"
		}
		lines = append(lines, line)
	}

	routes, err := h.RouteList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}

	for _, r := range routes {
		dst := "default"
		if r.Dst != nil && !(r.Dst.IP.IsUnspecified() && r.Dst.Mask[0] == 0) {
			dst = r.Dst.String()
		}
		line := "route " + dst
		if r.Gw != nil {
			line += " via " + r.Gw.String()
		}
		lines = append(lines, fmt.Sprintf("%s proto %d metric %d", line,
			r.Protocol, r.Priority))
	}
	slices.Sort(lines)

	return strings.Join(lines, "\n") + "\n"
}

// lifetime rounds s to 100 seconds, or names the infinite lifetime and
// the longest finite one.
func lifetime(s int) string {
	switch {
	case uint32(s) == ipc.Infinite:
		return "forever"
	case uint32(s) > ipc.Infinite-1000:
		return "max"
	}

	return fmt.Sprint((s + 50) / 100 * 100)
}

func prefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr     { return netip.MustParseAddr(s) }

// addForeign adds an address and a static route netconf must not touch.
func addForeign(t *testing.T, h *netlink.Handle, link netlink.Link) {
	t.Helper()

	if err := h.AddrAdd(link, &netlink.Addr{
		IPNet: ipNet(prefix("10.9.9.9/24"))}); err != nil {
		t.Fatal(err)
	}

	r := &netlink.Route{LinkIndex: link.Attrs().Index,
		Dst: ipNet(prefix("198.18.0.0/15")), Gw: addr("10.9.9.1").AsSlice(),
		Protocol: 4, Priority: 100}
	if err := h.RouteAdd(r); err != nil {
		t.Fatal(err)
	}
}

func TestApplyRenewRemove(t *testing.T) {
	h, link := testLink(t)
	addForeign(t, h, link)
	o := Options{Metric: 100, Routes: true, MTU: true}
	foreign := `addr 10.9.9.9/24 valid forever preferred forever permanent
route 10.9.9.0/24 proto 2 metric 0
route 198.18.0.0/15 via 10.9.9.1 proto 4 metric 100
`
	steps := []struct {
		name string
		do   func() error
		want string
	}{
		{"bound with two routers", func() error {
			return applyAll(h, link, &ipc.ApplyLease{
				Addr:          prefix("192.0.2.10/24"),
				Routers:       []netip.Addr{addr("192.0.2.1"), addr("192.0.2.2")},
				MTU:           1400,
				ValidLifetime: 3600, PreferredLifetime: 1800,
			}, o)
		}, `addr 192.0.2.10/24 valid 3600 preferred 1800
mtu 1400
route 192.0.2.0/24 proto 2 metric 0
route default via 192.0.2.1 proto 16 metric 100
route default via 192.0.2.2 proto 16 metric 101
` + foreign},
		{"renewed with classless routes", func() error {
			return applyAll(h, link, &ipc.ApplyLease{
				Addr:    prefix("192.0.2.10/24"),
				Routers: []netip.Addr{addr("192.0.2.1")},
				Routes: []ipc.Route{
					{Dest: prefix("0.0.0.0/0"), Gateway: addr("203.0.113.1")},
					{Dest: prefix("198.51.100.0/24"),
						Gateway: addr("192.0.2.3")},
					{Dest: prefix("203.0.113.0/24"), Gateway: addr("0.0.0.0")},
				},
				ValidLifetime: ipc.Infinite, PreferredLifetime: ipc.Infinite,
			}, o)
		}, `addr 192.0.2.10/24 valid max preferred max
mtu 1400
route 192.0.2.0/24 proto 2 metric 0
route 198.51.100.0/24 via 192.0.2.3 proto 16 metric 100
route 203.0.113.0/24 proto 16 metric 100
route default via 203.0.113.1 proto 16 metric 100
` + foreign},
		{"removed", func() error {
			return Remove(h, link, prefix("192.0.2.10/24"))
		}, "mtu 1400\n" + foreign},
		{"removed twice", func() error {
			return Remove(h, link, prefix("192.0.2.10/24"))
		}, "mtu 1400\n" + foreign},
		{"MTU restored", func() error {
			return RestoreMTU(h, link, 1500)
		}, "mtu 1500\n" + foreign},
		{"MTU restored twice", func() error {
			return RestoreMTU(h, link, 1500)
		}, "mtu 1500\n" + foreign},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}

		want := sortLines(s.want)
		if diff := cmp.Diff(want, snapshot(t, h, link)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
	}
}

func TestApplySlash32(t *testing.T) {
	h, link := testLink(t)
	err := applyAll(h, link, &ipc.ApplyLease{
		Addr:    prefix("198.51.100.7/32"),
		Routers: []netip.Addr{addr("192.0.2.1")},
		Routes: []ipc.Route{
			{Dest: prefix("0.0.0.0/0"), Gateway: addr("192.0.2.1")},
			{Dest: prefix("192.0.2.1/32"), Gateway: addr("0.0.0.0")},
		},
		ValidLifetime: 600, PreferredLifetime: 600,
	}, Options{Metric: 7, Routes: true})
	if err != nil {
		t.Fatal(err)
	}

	want := `addr 198.51.100.7/32 valid 600 preferred 600
mtu 1500
route 192.0.2.1/32 proto 16 metric 7
route default via 192.0.2.1 proto 16 metric 7
`
	if diff := cmp.Diff(sortLines(want), snapshot(t, h, link)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestApplyToggles(t *testing.T) {
	h, link := testLink(t)
	err := applyAll(h, link, &ipc.ApplyLease{
		Addr:    prefix("192.0.2.10/24"),
		Routers: []netip.Addr{addr("192.0.2.1")},
		MTU:     1280, ValidLifetime: 60, PreferredLifetime: 60,
	}, Options{Metric: 5})
	if err != nil {
		t.Fatal(err)
	}

	want := `addr 192.0.2.10/24 valid 100 preferred 100
mtu 1500
route 192.0.2.0/24 proto 2 metric 0
`
	if diff := cmp.Diff(sortLines(want), snapshot(t, h, link)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestApplyRefusesInvalidLease(t *testing.T) {
	h, link := testLink(t)
	before := snapshot(t, h, link)
	err := applyAll(h, link, &ipc.ApplyLease{
		Addr:          prefix("192.0.2.10/24"),
		Routers:       []netip.Addr{addr("198.18.0.1")},
		ValidLifetime: 60,
	}, Options{Routes: true, MTU: true})
	if err == nil || !strings.Contains(err.Error(), `"Routers"`) {
		t.Fatalf("Apply = %v, want an error naming Routers", err)
	}

	if diff := cmp.Diff(before, snapshot(t, h, link)); diff != "" {
		t.Errorf("link changed (-before +after):\n%s", diff)
	}
}

func TestApplyMTURefused(t *testing.T) {
	h, parent := testLink(t)
	if err := h.LinkSetMTU(parent, 1400); err != nil {
		t.Fatal(err)
	}

	// A macvlan cannot have a larger MTU than its parent.
	mv := &netlink.Macvlan{LinkAttrs: netlink.LinkAttrs{Name: "sdpm0",
		ParentIndex: parent.Attrs().Index}, Mode: netlink.MACVLAN_MODE_BRIDGE}
	if err := h.LinkAdd(mv); err != nil {
		t.Fatalf("add macvlan: %v", err)
	}

	link, err := h.LinkByName("sdpm0")
	if err != nil {
		t.Fatal(err)
	}

	if err := h.LinkSetUp(link); err != nil {
		t.Fatal(err)
	}

	err = applyAll(h, link, &ipc.ApplyLease{
		Addr:          prefix("192.0.2.10/24"),
		Routers:       []netip.Addr{addr("192.0.2.1")},
		MTU:           1500,
		ValidLifetime: 60, PreferredLifetime: 60,
	}, Options{MTU: true, Routes: true, Metric: 1})
	if !errors.Is(err, ErrMTU) ||
		!strings.Contains(err.Error(), "set MTU 1500 on sdpm0") {
		t.Fatalf("Apply = %v, want an MTU error", err)
	}

	want := sortLines(`addr 192.0.2.10/24 valid 100 preferred 100
mtu 1400
route 192.0.2.0/24 proto 2 metric 0
route default via 192.0.2.1 proto 16 metric 1
`)
	if diff := cmp.Diff(want, snapshot(t, h, link)); diff != "" {
		t.Errorf("address and routes stay (-want +got):\n%s", diff)
	}
}

// TestApplyRollsBack makes the kernel refuse a route after the address
// is in place (no route reaches the router of a link that is down): the
// address goes again, the link is as it was, and the error names the
// refused route.
func TestApplyRollsBack(t *testing.T) {
	h, link := testLink(t)
	addForeign(t, h, link)
	if err := h.LinkSetDown(link); err != nil {
		t.Fatal(err)
	}

	before := snapshot(t, h, link)
	err := applyAll(h, link, &ipc.ApplyLease{
		Addr:          prefix("192.0.2.10/24"),
		Routers:       []netip.Addr{addr("192.0.2.1")},
		ValidLifetime: 60, PreferredLifetime: 60,
	}, Options{Routes: true, Metric: 100})
	if err == nil || !strings.Contains(err.Error(), "add route") ||
		strings.Contains(err.Error(), "rolling back") {
		t.Fatalf("Apply = %v, want a route error and no rollback error",
			err)
	}

	if diff := cmp.Diff(before, snapshot(t, h, link)); diff != "" {
		t.Errorf("link changed (-before +after):\n%s", diff)
	}
}

// sortLines sorts the lines of s as snapshot does.
func sortLines(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	slices.Sort(lines)

	return strings.Join(lines, "\n") + "\n"
}

// applyAll is Apply for a lease none of whose routes may be skipped.
func applyAll(h *netlink.Handle, link netlink.Link, l *ipc.ApplyLease,
	o Options) error {
	rep, err := Apply(h, link, l, o)
	if len(rep.Skipped) > 0 {
		err = errors.Join(err, fmt.Errorf("routes skipped: %v",
			rep.Skipped))
	}

	return err
}
