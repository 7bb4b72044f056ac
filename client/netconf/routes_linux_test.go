package netconf

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// otherLink adds a second veth pair, sdpo0 and sdpo1, to the namespace
// of h, up, with the address 10.2.0.2/24 on sdpo0, and returns sdpo0.
func otherLink(t *testing.T, h *netlink.Handle) netlink.Link {
	t.Helper()

	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "sdpo0"},
		PeerName: "sdpo1"}
	if err := h.LinkAdd(veth); err != nil {
		t.Fatalf("add veth pair: %v", err)
	}

	var link netlink.Link
	for _, n := range []string{"sdpo1", "sdpo0"} {
		var err error
		if link, err = h.LinkByName(n); err != nil {
			t.Fatal(err)
		}

		if err := h.LinkSetUp(link); err != nil {
			t.Fatal(err)
		}
	}

	if err := h.AddrAdd(link, &netlink.Addr{
		IPNet: ipNet(prefix("10.2.0.2/24"))}); err != nil {
		t.Fatal(err)
	}

	return link
}

// addRoute adds a route to the main table of h.
func addRoute(t *testing.T, h *netlink.Handle, r netlink.Route) {
	t.Helper()

	if err := h.RouteAdd(&r); err != nil {
		t.Fatalf("add route %v: %v", r, err)
	}
}

// routeTable describes every IPv4 route of the main table of h, one
// sorted line each, with the name of its interface.
func routeTable(t *testing.T, h *netlink.Handle) string {
	t.Helper()

	routes, err := h.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}

	var lines []string
	for _, r := range routes {
		dev := fmt.Sprint(r.LinkIndex)
		if l, err := h.LinkByIndex(r.LinkIndex); err == nil {
			dev = l.Attrs().Name
		}

		line := "default"
		if r.Dst != nil && !(r.Dst.IP.IsUnspecified() && r.Dst.Mask[0] == 0) {
			line = r.Dst.String()
		}
		if r.Gw != nil {
			line += " via " + r.Gw.String()
		}
		lines = append(lines, fmt.Sprintf("%s dev %s proto %d metric %d",
			line, dev, r.Protocol, r.Priority))
	}
	slices.Sort(lines)

	return strings.Join(lines, "\n") + "\n"
}

// TestApplyLeavesForeignRoutes gives a lease routes whose destination and
// metric are taken: another link's DHCP default route and static
// 172.16.0.0/12 route, and a static route on the lease's own link. The
// lease's other routes are installed, the taken ones skipped, and the
// routes the client did not add are as they were after Apply, a renewal
// that moves a route of its own to another gateway, and Remove.
func TestApplyLeavesForeignRoutes(t *testing.T) {
	h, link := testLink(t)
	other := otherLink(t, h)
	// An address of its own keeps the link's routes when the lease's
	// address goes: the kernel flushes them with the last one.
	if err := h.AddrAdd(link, &netlink.Addr{
		IPNet: ipNet(prefix("10.9.9.9/24"))}); err != nil {
		t.Fatal(err)
	}
	addRoute(t, h, netlink.Route{LinkIndex: other.Attrs().Index,
		Gw: addr("10.2.0.1").AsSlice(), Protocol: RTProtDHCP,
		Priority: 1024})
	addRoute(t, h, netlink.Route{LinkIndex: other.Attrs().Index,
		Dst: ipNet(prefix("172.16.0.0/12")), Gw: addr("10.2.0.1").AsSlice(),
		Protocol: 4, Priority: 1024})
	addRoute(t, h, netlink.Route{LinkIndex: link.Attrs().Index,
		Dst: ipNet(prefix("198.51.100.0/24")), Scope: netlink.SCOPE_LINK,
		Protocol: 4, Priority: 1024})
	foreign := `10.2.0.0/24 dev sdpo0 proto 2 metric 0
10.9.9.0/24 dev sdpv0 proto 2 metric 0
172.16.0.0/12 via 10.2.0.1 dev sdpo0 proto 4 metric 1024
198.51.100.0/24 dev sdpv0 proto 4 metric 1024
default via 10.2.0.1 dev sdpo0 proto 16 metric 1024
`
	if diff := cmp.Diff(foreign, routeTable(t, h)); diff != "" {
		t.Fatalf("set-up (-want +got):\n%s", diff)
	}

	lease := func(gw string) *ipc.ApplyLease {
		return &ipc.ApplyLease{
			Addr: prefix("10.1.0.5/24"),
			Routes: []ipc.Route{
				{Dest: prefix("0.0.0.0/0"), Gateway: addr("10.1.0.1")},
				{Dest: prefix("172.16.0.0/12"), Gateway: addr("10.1.0.1")},
				{Dest: prefix("198.51.100.0/24"), Gateway: addr("10.1.0.1")},
				{Dest: prefix("203.0.113.0/24"), Gateway: addr(gw)},
			},
			ValidLifetime: 3600, PreferredLifetime: 3600,
		}
	}
	o := Options{Metric: 1024, Routes: true}
	skipped := []SkippedRoute{
		{Dst: prefix("0.0.0.0/0"), Gateway: addr("10.1.0.1"),
			Metric: 1024, Reason: "destination and metric held by a " +
				"dhcp route on sdpo0"},
		{Dst: prefix("172.16.0.0/12"), Gateway: addr("10.1.0.1"),
			Metric: 1024, Reason: "destination and metric held by a " +
				"static route on sdpo0"},
		{Dst: prefix("198.51.100.0/24"), Gateway: addr("10.1.0.1"),
			Metric: 1024, Reason: "destination and metric held by a " +
				"static route on sdpv0"},
	}
	steps := []struct {
		name        string
		do          func() (Report, error)
		want        string
		wantSkipped []SkippedRoute
	}{
		{"applied", func() (Report, error) {
			return Apply(h, link, lease("10.1.0.1"), o)
		}, `10.1.0.0/24 dev sdpv0 proto 2 metric 0
203.0.113.0/24 via 10.1.0.1 dev sdpv0 proto 16 metric 1024
` + foreign, skipped},
		{"renewed with another gateway", func() (Report, error) {
			return Apply(h, link, lease("10.1.0.2"), o)
		}, `10.1.0.0/24 dev sdpv0 proto 2 metric 0
203.0.113.0/24 via 10.1.0.2 dev sdpv0 proto 16 metric 1024
` + foreign, skipped},
		{"removed", func() (Report, error) {
			return Report{}, Remove(h, link, prefix("10.1.0.5/24"))
		}, foreign, nil},
	}
	for _, s := range steps {
		rep, err := s.do()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}

		if diff := cmp.Diff(sortLines(s.want), routeTable(t, h)); diff != "" {
			t.Errorf("%s: routes (-want +got):\n%s", s.name, diff)
		}

		if diff := cmp.Diff(s.wantSkipped, rep.Skipped,
			cmpNetip); diff != "" {
			t.Errorf("%s: skipped (-want +got):\n%s", s.name, diff)
		}
	}
}

// cmpNetip compares netip values by value.
var cmpNetip = cmp.Options{
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

// TestApplyMetric0LeavesConnectedRoute gives a lease with route metric 0
// a route to the subnet of another link, whose connected route the
// kernel added with metric 0. That route survives Apply and Remove.
func TestApplyMetric0LeavesConnectedRoute(t *testing.T) {
	h, link := testLink(t)
	otherLink(t, h)
	connected := "10.2.0.0/24 dev sdpo0 proto 2 metric 0\n"
	l := &ipc.ApplyLease{
		Addr: prefix("10.1.0.5/24"),
		Routes: []ipc.Route{
			{Dest: prefix("10.2.0.0/24"), Gateway: addr("10.1.0.1")},
			{Dest: prefix("0.0.0.0/0"), Gateway: addr("10.1.0.1")},
		},
		ValidLifetime: 3600, PreferredLifetime: 3600,
	}
	rep, err := Apply(h, link, l, Options{Routes: true})
	if err != nil {
		t.Fatal(err)
	}

	wantSkipped := []SkippedRoute{{Dst: prefix("10.2.0.0/24"),
		Gateway: addr("10.1.0.1"), Reason: "destination and metric " +
			"held by a kernel route on sdpo0"}}
	if diff := cmp.Diff(wantSkipped, rep.Skipped, cmpNetip); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}

	want := sortLines(`10.1.0.0/24 dev sdpv0 proto 2 metric 0
default via 10.1.0.1 dev sdpv0 proto 16 metric 0
` + connected)
	if diff := cmp.Diff(want, routeTable(t, h)); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}

	if err := Remove(h, link, l.Addr); err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff(connected, routeTable(t, h)); diff != "" {
		t.Errorf("removed (-want +got):\n%s", diff)
	}
}

// TestApplySkipsRoutesBehindSkippedRoute gives a lease an on-link route
// whose destination and metric another link holds, and a route through
// a gateway inside it. Both are skipped; the address and the lease's
// other routes stay.
func TestApplySkipsRoutesBehindSkippedRoute(t *testing.T) {
	h, link := testLink(t)
	other := otherLink(t, h)
	addRoute(t, h, netlink.Route{LinkIndex: other.Attrs().Index,
		Dst: ipNet(prefix("100.64.0.0/16")), Scope: netlink.SCOPE_LINK,
		Protocol: 4, Priority: 5})
	l := &ipc.ApplyLease{
		Addr: prefix("10.1.0.5/24"),
		Routes: []ipc.Route{
			{Dest: prefix("100.64.0.0/16"), Gateway: addr("0.0.0.0")},
			{Dest: prefix("192.0.2.0/24"), Gateway: addr("100.64.0.1")},
			{Dest: prefix("0.0.0.0/0"), Gateway: addr("10.1.0.1")},
		},
		ValidLifetime: 3600, PreferredLifetime: 3600,
	}
	rep, err := Apply(h, link, l, Options{Routes: true, Metric: 5})
	if err != nil {
		t.Fatal(err)
	}

	wantSkipped := []SkippedRoute{
		{Dst: prefix("100.64.0.0/16"), Gateway: addr("0.0.0.0"),
			Metric: 5, Reason: "destination and metric held by a " +
				"static route on sdpo0"},
		{Dst: prefix("192.0.2.0/24"), Gateway: addr("100.64.0.1"),
			Metric: 5, Reason: "gateway 100.64.0.1 is behind the " +
				"skipped on-link route 100.64.0.0/16"},
	}
	if diff := cmp.Diff(wantSkipped, rep.Skipped, cmpNetip); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}

	want := sortLines(`10.1.0.0/24 dev sdpv0 proto 2 metric 0
10.2.0.0/24 dev sdpo0 proto 2 metric 0
100.64.0.0/16 dev sdpo0 proto 4 metric 5
default via 10.1.0.1 dev sdpv0 proto 16 metric 5
`)
	if diff := cmp.Diff(want, routeTable(t, h)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRollbackLeavesForeignRoutes rolls back to routes of which one is
// now held by another link's route: the rollback puts back the others
// and leaves that one out.
func TestRollbackLeavesForeignRoutes(t *testing.T) {
	h, link := testLink(t)
	other := otherLink(t, h)
	o := Options{Routes: true, Metric: 100}
	l := &ipc.ApplyLease{
		Addr: prefix("10.1.0.5/24"),
		Routes: []ipc.Route{
			{Dest: prefix("0.0.0.0/0"), Gateway: addr("10.1.0.1")},
			{Dest: prefix("198.51.100.0/24"), Gateway: addr("10.1.0.1")},
		},
		ValidLifetime: 3600, PreferredLifetime: 3600,
	}
	if err := applyAll(h, link, l, o); err != nil {
		t.Fatal(err)
	}

	before, err := dhcpRoutes(h, link)
	if err != nil {
		t.Fatal(err)
	}

	l.Routes = l.Routes[:1]
	if err := applyAll(h, link, l, o); err != nil {
		t.Fatal(err)
	}
	addRoute(t, h, netlink.Route{LinkIndex: other.Attrs().Index,
		Dst: ipNet(prefix("198.51.100.0/24")), Gw: addr("10.2.0.1").AsSlice(),
		Protocol: 4, Priority: 100})

	if err := rollback(h, link, before, l.Addr, true); err != nil {
		t.Fatal(err)
	}

	want := sortLines(`10.1.0.0/24 dev sdpv0 proto 2 metric 0
10.2.0.0/24 dev sdpo0 proto 2 metric 0
198.51.100.0/24 via 10.2.0.1 dev sdpo0 proto 4 metric 100
default via 10.1.0.1 dev sdpv0 proto 16 metric 100
`)
	if diff := cmp.Diff(want, routeTable(t, h)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
