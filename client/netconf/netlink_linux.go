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

// Apply configures link through h with the lease l: it validates l again,
// replaces the address, installs the routes and deletes the routes a
// previous Apply added that l no longer has, then sets the MTU.
//
// It is all or nothing for the address and routes: when a route step
// fails, the routes are put back as they were and an address that was
// not there before is deleted, and the error names the failed step (and
// any step of the rollback that failed too). The MTU is set last and
// apart: a link that refuses it keeps the lease's address and routes,
// and the error wraps ErrMTU.
func Apply(h *netlink.Handle, link netlink.Link, l *ipc.ApplyLease,
	o Options) error {
	if err := l.Validate(ipc.Policy{}); err != nil {
		return fmt.Errorf("netconf: apply: %w", err)
	}

	name := link.Attrs().Name
	had, err := hasAddr(h, link, l.Addr)
	if err != nil {
		return err
	}

	var before []netlink.Route
	if o.Routes {
		if before, err = dhcpRoutes(h, link); err != nil {
			return err
		}
	}

	addr := &netlink.Addr{
		IPNet:       ipNet(l.Addr),
		ValidLft:    int(finite(l.ValidLifetime)),
		PreferedLft: int(finite(l.PreferredLifetime)),
	}
	if err := h.AddrReplace(link, addr); err != nil {
		return fmt.Errorf("netconf: replace address %v on %s: %w",
			l.Addr, name, err)
	}

	if o.Routes {
		if err := syncRoutes(h, link, wantedRoutes(link, l, o)); err != nil {
			return errors.Join(err, rollback(h, link, before, l.Addr, had))
		}
	}

	if o.MTU && l.MTU != 0 && int(l.MTU) != link.Attrs().MTU {
		if err := h.LinkSetMTU(link, int(l.MTU)); err != nil {
			return fmt.Errorf("%w: set MTU %d on %s: %w", ErrMTU, l.MTU,
				name, err)
		}
	}

	return nil
}

// rollback puts back the routes netconf had on link before a failed
// Apply, and deletes addr unless the link had it before.
func rollback(h *netlink.Handle, link netlink.Link, before []netlink.Route,
	addr netip.Prefix, had bool) error {
	slices.SortStableFunc(before, func(a, b netlink.Route) int {
		return cmp.Compare(len(a.Gw), len(b.Gw))
	})
	err := syncRoutes(h, link, before)
	if !had {
		err = errors.Join(err, deleteAddr(h, link, addr))
	}
	if err != nil {
		return fmt.Errorf("netconf: rolling back: %w", err)
	}

	return nil
}

// hasAddr reports whether link has the address p with its prefix length.
func hasAddr(h *netlink.Handle, link netlink.Link,
	p netip.Prefix) (bool, error) {
	as, err := h.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		return false, fmt.Errorf("netconf: list addresses on %s: %w",
			link.Attrs().Name, err)
	}

	for _, a := range as {
		ip, ok := netip.AddrFromSlice(a.IP.To4())
		if !ok {
			continue
		}
		if ones, _ := a.Mask.Size(); netip.PrefixFrom(ip, ones) == p {
			return true, nil
		}
	}

	return false, nil
}

// finite returns the address lifetime the kernel gets for a lease
// lifetime of s seconds. An infinite lease gets the longest finite one
// (about 136 years): the kernel marks an address without a lifetime
// permanent, and package priv counts a permanent address as an
// administrator's, never as a lease.
func finite(s uint32) uint32 {
	return min(s, ipc.Infinite-1)
}

// Remove deletes from link the routes netconf added and the address addr
// (RFC 2131 section 4.4.6). Routes and addresses it did not add stay.
// What is already gone is not an error. The lease's MTU stays; the
// caller that knows the link's own MTU puts it back with RestoreMTU.
func Remove(h *netlink.Handle, link netlink.Link, addr netip.Prefix) error {
	if err := syncRoutes(h, link, nil); err != nil {
		return err
	}

	return deleteAddr(h, link, addr)
}

// RestoreMTU sets the MTU of link back to mtu, the link's own before any
// lease, when a lease changed it.
func RestoreMTU(h *netlink.Handle, link netlink.Link, mtu int) error {
	cur, err := h.LinkByIndex(link.Attrs().Index)
	if err != nil {
		return fmt.Errorf("netconf: link %s: %w", link.Attrs().Name, err)
	}
	if mtu <= 0 || cur.Attrs().MTU == mtu {
		return nil
	}

	if err := h.LinkSetMTU(link, mtu); err != nil {
		return fmt.Errorf("netconf: restore MTU %d on %s: %w", mtu,
			link.Attrs().Name, err)
	}

	return nil
}

// deleteAddr deletes addr from link; an address already gone is not an
// error.
func deleteAddr(h *netlink.Handle, link netlink.Link,
	addr netip.Prefix) error {
	err := h.AddrDel(link, &netlink.Addr{IPNet: ipNet(addr)})
	if err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) &&
		!errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("netconf: delete address %v on %s: %w", addr,
			link.Attrs().Name, err)
	}

	return nil
}

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

// syncRoutes replaces the routes in want and deletes every other route
// with protocol RTProtDHCP on link.
func syncRoutes(h *netlink.Handle, link netlink.Link,
	want []netlink.Route) error {
	name := link.Attrs().Name
	keep := make(map[routeKey]bool, len(want))
	for i := range want {
		if err := h.RouteReplace(&want[i]); err != nil {
			return fmt.Errorf("netconf: replace route %v via %v on %s: %w",
				want[i].Dst, want[i].Gw, name, err)
		}
		keep[keyOf(&want[i])] = true
	}

	have, err := dhcpRoutes(h, link)
	if err != nil {
		return err
	}

	for i := range have {
		if keep[keyOf(&have[i])] {
			continue
		}

		err := h.RouteDel(&have[i])
		if err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("netconf: delete route %v on %s: %w",
				have[i].Dst, name, err)
		}
	}

	return nil
}

// dhcpRoutes lists the routes with protocol RTProtDHCP on link.
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

// routeKey identifies a route the way the kernel does for replacement:
// destination and metric (the table is always main).
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

// ipNet converts an IPv4 prefix, keeping the host bits of its address.
func ipNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{
		IP:   net.IP(p.Addr().AsSlice()),
		Mask: net.CIDRMask(p.Bits(), 32),
	}
}
