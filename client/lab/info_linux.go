package lab

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// handle returns a netlink handle in the client namespace and the
// client link.
func (l *Lab) handle() (*netlink.Handle, netlink.Link, error) {
	ns, err := netns.GetFromName(l.ClientNS)
	if err != nil {
		return nil, nil, fmt.Errorf("lab: opening %s: %w", l.ClientNS, err)
	}
	defer ns.Close()

	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return nil, nil, fmt.Errorf("lab: netlink in %s: %w",
			l.ClientNS, err)
	}

	link, err := h.LinkByName(l.ClientIf)
	if err != nil {
		h.Close()
		return nil, nil, fmt.Errorf("lab: finding %s: %w", l.ClientIf, err)
	}

	return h, link, nil
}

// ClientAddrs returns the IPv4 addresses on the client interface.
func (l *Lab) ClientAddrs() ([]netip.Prefix, error) {
	h, link, err := l.handle()
	if err != nil {
		return nil, err
	}
	defer h.Close()

	as, err := h.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		return nil, fmt.Errorf("lab: listing addresses: %w", err)
	}

	var ps []netip.Prefix
	for _, a := range as {
		if p, ok := prefixOf(a.IPNet); ok {
			ps = append(ps, p)
		}
	}

	return ps, nil
}

// ClientRoutes returns the IPv4 routes through the client interface in
// the main table, the default route as 0.0.0.0/0. A route without a
// gateway has the zero Gateway.
func (l *Lab) ClientRoutes() ([]Route, error) {
	h, link, err := l.handle()
	if err != nil {
		return nil, err
	}
	defer h.Close()

	rs, err := h.RouteList(link, netlink.FAMILY_V4)
	if err != nil {
		return nil, fmt.Errorf("lab: listing routes: %w", err)
	}

	var out []Route
	for _, r := range rs {
		dst := netip.PrefixFrom(netip.IPv4Unspecified(), 0)
		if p, ok := prefixOf(r.Dst); ok {
			dst = p
		}
		gw, _ := netip.AddrFromSlice(r.Gw.To4())
		out = append(out, Route{Dest: dst, Gateway: gw})
	}

	return out, nil
}

// ClientMTU returns the MTU of the client interface.
func (l *Lab) ClientMTU() (int, error) {
	h, link, err := l.handle()
	if err != nil {
		return 0, err
	}
	defer h.Close()

	return link.Attrs().MTU, nil
}

// ClientResolvConfPath returns the host path of the client namespace's
// resolv.conf. Inside `ip netns exec` it is bind-mounted over
// /etc/resolv.conf, which a client cannot replace by renaming; a client
// that writes resolv.conf atomically is pointed at this path instead.
func (l *Lab) ClientResolvConfPath() string {
	return filepath.Join("/etc/netns", l.ClientNS, "resolv.conf")
}

// ClientResolvConf returns the client namespace's resolv.conf.
func (l *Lab) ClientResolvConf() ([]byte, error) {
	b, err := os.ReadFile(l.ClientResolvConfPath())
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}

	return b, nil
}

// prefixOf converts an IPv4 net.IPNet to a netip.Prefix.
func prefixOf(n *net.IPNet) (netip.Prefix, bool) {
	if n == nil {
		return netip.Prefix{}, false
	}

	a, ok := netip.AddrFromSlice(n.IP.To4())
	if !ok {
		return netip.Prefix{}, false
	}
	bits, _ := n.Mask.Size()

	return netip.PrefixFrom(a, bits), true
}
