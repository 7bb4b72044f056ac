package netconf

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// wantedRoutes returns the routes for l: the classless routes if any,
// else a default route through each router (RFC 3442 section 3). On-link
// routes come first so that gateways behind them are reachable when
// their routes are added.
func wantedRoutes(link netlink.Link, l *ipc.ApplyLease,
	o Options) []netlink.Route {
	var rs []netlink.Route
	add := func(dst netip.Prefix, gw netip.Addr, metric int) {
		r := netlink.Route{
			LinkIndex: link.Attrs().Index,
			Dst:       ipNet(dst),
			Protocol:  RTProtDHCP,
			Priority:  metric,
			Scope:     netlink.SCOPE_UNIVERSE,
		}
		if gw.IsUnspecified() {
			r.Scope = netlink.SCOPE_LINK
		} else {
			r.Gw = net.IP(gw.AsSlice())
		}
		rs = append(rs, r)
	}

	if len(l.Routes) > 0 {
		for _, rt := range l.Routes {
			add(rt.Dest, rt.Gateway, o.Metric)
		}
	} else {
		for i, gw := range l.Routers {
			add(netip.PrefixFrom(netip.IPv4Unspecified(), 0), gw, o.Metric+i)
		}
	}

	slices.SortStableFunc(rs, func(a, b netlink.Route) int {
		return cmp.Compare(len(a.Gw), len(b.Gw))
	})

	return rs
}

// syncRoutes makes the routes with protocol RTProtDHCP on link (netconf's
// own) those of want, and returns the routes of want it skipped.
//
// It first deletes each of its own routes that want lacks, naming the
// route's protocol, interface and gateway, so the kernel deletes no
// other route. It then adds each route of want it lacks with
// NLM_F_CREATE|NLM_F_EXCL, which never replaces: the kernel refuses a
// route whose destination and metric (its key for an IPv4 route, with
// the TOS) a route of the table already has, whatever its interface.
// Such a route, which netconf did not add, is skipped, as is a route whose
// gateway the kernel finds unreachable because it lies behind a skipped
// on-link route. A route of its own that moves to another gateway is
// thus deleted and added again, with a moment without it.
func syncRoutes(h *netlink.Handle, link netlink.Link,
	want []netlink.Route) ([]SkippedRoute, error) {
	name := link.Attrs().Name
	have, err := dhcpRoutes(h, link)
	if err != nil {
		return nil, err
	}

	wanted := make(map[routeID]bool, len(want))
	for i := range want {
		wanted[idOf(&want[i])] = true
	}

	present := make(map[routeID]bool, len(have))
	for i := range have {
		if id := idOf(&have[i]); wanted[id] {
			present[id] = true

			continue
		}

		err := h.RouteDel(&have[i])
		if err != nil && !errors.Is(err, unix.ESRCH) {
			return nil, fmt.Errorf("netconf: delete route %v on %s: %w",
				have[i].Dst, name, err)
		}
	}

	var skipped []SkippedRoute
	for i := range want {
		w := &want[i]
		if present[idOf(w)] {
			continue
		}

		err := h.RouteAdd(w)
		if err == nil {
			continue
		}

		why := behindSkipped(skipped, w)
		if errors.Is(err, unix.EEXIST) {
			why = holder(h, w)
		}
		if why == "" {
			return nil, fmt.Errorf("netconf: add route %v via %v on %s: %w",
				w.Dst, w.Gw, name, err)
		}

		id := idOf(w)
		skipped = append(skipped, SkippedRoute{Dst: id.dst, Gateway: id.gw,
			Metric: id.metric, Reason: why})
	}

	return skipped, nil
}

// holder describes the route of the main table that has the destination
// and metric of r, for SkippedRoute.Reason.
func holder(h *netlink.Handle, r *netlink.Route) string {
	rs, err := h.RouteList(nil, netlink.FAMILY_V4)
	if err == nil {
		k := keyOf(r)
		for i := range rs {
			if keyOf(&rs[i]) != k {
				continue
			}

			dev := fmt.Sprintf("interface %d", rs[i].LinkIndex)
			if l, err := h.LinkByIndex(rs[i].LinkIndex); err == nil {
				dev = l.Attrs().Name
			}

			return fmt.Sprintf("destination and metric held by a %s "+
				"route on %s", rs[i].Protocol, dev)
		}
	}

	return "destination and metric held by a route netconf did not add"
}

// behindSkipped returns why r is skipped when its gateway lies inside
// the destination of a skipped on-link route, or "" when it does not.
func behindSkipped(skipped []SkippedRoute, r *netlink.Route) string {
	gw := idOf(r).gw
	if gw.IsUnspecified() {
		return ""
	}

	for _, s := range skipped {
		if s.Gateway.IsUnspecified() && s.Dst.Contains(gw) {
			return fmt.Sprintf("gateway %v is behind the skipped on-link "+
				"route %v", gw, s.Dst)
		}
	}

	return ""
}

// dhcpRoutes lists the routes with protocol RTProtDHCP on link in the
// main table.
func dhcpRoutes(h *netlink.Handle, link netlink.Link) ([]netlink.Route,
	error) {
	filter := &netlink.Route{LinkIndex: link.Attrs().Index,
		Protocol: RTProtDHCP}
	rs, err := h.RouteListFiltered(netlink.FAMILY_V4, filter,
		netlink.RT_FILTER_OIF|netlink.RT_FILTER_PROTOCOL)
	if err != nil {
		return nil, fmt.Errorf("netconf: list routes on %s: %w",
			link.Attrs().Name, err)
	}

	return rs, nil
}

// routeKey identifies a route the way the kernel does when it adds or
// replaces one: destination and metric (the table is always main).
type routeKey struct {
	dst    netip.Prefix
	metric int
}

func keyOf(r *netlink.Route) routeKey {
	dst := netip.PrefixFrom(netip.IPv4Unspecified(), 0)
	if r.Dst != nil {
		if a, ok := netip.AddrFromSlice(r.Dst.IP.To4()); ok {
			ones, _ := r.Dst.Mask.Size()
			dst = netip.PrefixFrom(a, ones)
		}
	}

	return routeKey{dst: dst, metric: r.Priority}
}

// routeID identifies one of netconf's routes on its link: its key and
// its gateway, 0.0.0.0 for an on-link route.
type routeID struct {
	routeKey
	gw netip.Addr
}

func idOf(r *netlink.Route) routeID {
	gw, ok := netip.AddrFromSlice(r.Gw.To4())
	if !ok {
		gw = netip.IPv4Unspecified()
	}

	return routeID{routeKey: keyOf(r), gw: gw}
}
