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
// previous Apply added that l no longer has, then sets the MTU. The
// report lists the routes of l it skipped, since netconf never replaces
// or deletes a route it did not add (see syncRoutes), and an MTU it
// raised to keep the link's IPv6 addresses (see setMTU).
//
// It is all or nothing for the address and routes: when a route step
// fails, the routes are put back as they were and an address that was
// not there before is deleted, and the error names the failed step (and
// any step of the rollback that failed too). The MTU is set last and
// apart: a link that refuses it keeps the lease's address and routes,
// and the error wraps ErrMTU.
func Apply(h *netlink.Handle, link netlink.Link, l *ipc.ApplyLease,
	o Options) (Report, error) {
	var rep Report
	if err := l.Validate(ipc.Policy{}); err != nil {
		return rep, fmt.Errorf("netconf: apply: %w", err)
	}

	name := link.Attrs().Name
	had, err := hasAddr(h, link, l.Addr)
	if err != nil {
		return rep, err
	}

	var before []netlink.Route
	if o.Routes {
		if before, err = dhcpRoutes(h, link); err != nil {
			return rep, err
		}
	}

	addr := &netlink.Addr{
		IPNet:       ipNet(l.Addr),
		ValidLft:    int(finite(l.ValidLifetime)),
		PreferedLft: int(finite(l.PreferredLifetime)),
	}
	if err := h.AddrReplace(link, addr); err != nil {
		return rep, fmt.Errorf("netconf: replace address %v on %s: %w",
			l.Addr, name, err)
	}

	if o.Routes {
		rep.Skipped, err = syncRoutes(h, link, wantedRoutes(link, l, o))
		if err != nil {
			return Report{}, errors.Join(err,
				rollback(h, link, before, l.Addr, had))
		}
	}

	if o.MTU && l.MTU != 0 {
		if rep.RaisedMTU, err = setMTU(h, link, int(l.MTU)); err != nil {
			return rep, err
		}
	}

	return rep, nil
}

// setMTU sets the MTU of link to mtu, or to MinIPv6MTU when mtu is
// smaller and the link has IPv6 addresses, as systemd-networkd does, and
// returns the MTU it set in place of mtu, or 0. It compares with the
// link's MTU now, which an earlier lease may have changed. An error
// wraps ErrMTU; when the IPv6 addresses cannot be listed, the MTU stays.
//
// TODO: a link with IPv6 on but no IPv6 address yet can get an MTU below
// 1280, which resets its IPv6 settings; netlink's IFLA_AF_SPEC would
// tell, but package netlink does not decode it.
func setMTU(h *netlink.Handle, link netlink.Link, mtu int) (int, error) {
	name := link.Attrs().Name
	raised := 0
	if mtu < MinIPv6MTU {
		v6, err := h.AddrList(link, netlink.FAMILY_V6)
		if err != nil {
			return 0, fmt.Errorf("%w: list IPv6 addresses on %s: %w",
				ErrMTU, name, err)
		}

		if len(v6) > 0 {
			mtu, raised = MinIPv6MTU, MinIPv6MTU
		}
	}

	cur, err := h.LinkByIndex(link.Attrs().Index)
	if err != nil {
		return 0, fmt.Errorf("%w: link %s: %w", ErrMTU, name, err)
	}

	if cur.Attrs().MTU == mtu {
		return raised, nil
	}

	if err := h.LinkSetMTU(link, mtu); err != nil {
		return 0, fmt.Errorf("%w: set MTU %d on %s: %w", ErrMTU, mtu,
			name, err)
	}

	return raised, nil
}

// rollback puts back the routes netconf had on link before a failed
// Apply, and deletes addr unless the link had it before. Like Apply, it
// deletes only netconf's routes and replaces none: a route of its own
// that another now holds stays out.
func rollback(h *netlink.Handle, link netlink.Link, before []netlink.Route,
	addr netip.Prefix, had bool) error {
	slices.SortStableFunc(before, func(a, b netlink.Route) int {
		return cmp.Compare(len(a.Gw), len(b.Gw))
	})
	_, err := syncRoutes(h, link, before)
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
	if _, err := syncRoutes(h, link, nil); err != nil {
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

// ipNet converts an IPv4 prefix, keeping the host bits of its address.
func ipNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{
		IP:   net.IP(p.Addr().AsSlice()),
		Mask: net.CIDRMask(p.Bits(), 32),
	}
}
