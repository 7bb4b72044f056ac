package priv

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync/atomic"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/safedhcp/safedhcp/client/config"
	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/client/netconf"
	"github.com/safedhcp/safedhcp/client/rawsock"
)

// system is what the supervisor holds of the machine: the interface, its
// sockets and the netlink handle.
type system struct {
	log   *slog.Logger
	link  Link
	nl    *netlink.Handle
	nlink netlink.Link
	raw   *rawsock.Conn
	opts  netconf.Options

	resolvConf string // "" when DNS is not applied

	udp    *rawsock.UDPConn // bound to udpSrc, opened on first use
	udpSrc netip.Addr

	links    chan bool
	gone     chan error
	linkDone chan struct{}

	// ns is the network namespace watchLinks watches; nil for the
	// current one (tests set it).
	ns *netns.NsHandle
}

// open does the start-up steps that need privileges.
func (s *system) open(cfg *config.Config) error {
	var err error
	if s.nl, err = netlink.NewHandle(unix.NETLINK_ROUTE); err != nil {
		return fmt.Errorf("priv: netlink: %w", err)
	}

	if s.nlink, err = s.nl.LinkByName(cfg.Interface); err != nil {
		return fmt.Errorf("priv: interface %s: %w", cfg.Interface, err)
	}

	a := s.nlink.Attrs()
	if len(a.HardwareAddr) != 6 {
		return fmt.Errorf("priv: interface %s has a %d-byte hardware "+
			"address; only Ethernet is supported", a.Name,
			len(a.HardwareAddr))
	}

	s.link = Link{Index: a.Index, Name: a.Name, MTU: a.MTU}
	copy(s.link.MAC[:], a.HardwareAddr)
	if a.Flags&net.FlagUp == 0 {
		if err := s.nl.LinkSetUp(s.nlink); err != nil {
			return fmt.Errorf("priv: bringing %s up: %w", a.Name, err)
		}

		s.log.Info("link brought up")
	}

	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return fmt.Errorf("priv: state directory: %w", err)
	}

	if s.raw, err = rawsock.Open(a.Index); err != nil {
		return err
	}

	s.opts = netconf.Options{Metric: int(cfg.RouteMetric),
		Routes: cfg.ApplyRoutes, MTU: cfg.ApplyMTU}
	if cfg.ApplyDNS {
		s.resolvConf = cfg.ResolvConf
	}

	return s.watchLinks()
}

// watchLinks subscribes to link updates and reports carrier changes of
// our interface on s.links, and its deletion on s.gone: its packet socket
// then reports ENETDOWN once, as when the link goes down, and nothing
// after.
//
// A subscription that ends on a receive error (ENOBUFS after a burst of
// link events, say) is reported on s.gone too: without it, neither
// carrier changes nor the deletion would be seen.
func (s *system) watchLinks() error {
	updates := make(chan netlink.LinkUpdate, 16)
	s.linkDone = make(chan struct{})
	var lastErr atomic.Pointer[error]
	err := netlink.LinkSubscribeWithOptions(updates, s.linkDone,
		netlink.LinkSubscribeOptions{
			Namespace:         s.ns,
			ErrorCallback:     func(err error) { lastErr.Store(&err) },
			ReceiveBufferSize: linkWatchBuffer,
		})
	if err != nil {
		return fmt.Errorf("priv: subscribing to link updates: %w", err)
	}

	s.links = make(chan bool, 1)
	s.gone = make(chan error, 1)
	up := s.nlink.Attrs().RawFlags&unix.IFF_LOWER_UP != 0
	go func() {
		for u := range updates {
			if int(u.Index) != s.link.Index {
				continue
			}

			if u.Header.Type == unix.RTM_DELLINK {
				s.fail(fmt.Errorf("priv: interface %s was deleted",
					s.link.Name))

				continue
			}

			now := u.Flags&unix.IFF_LOWER_UP != 0
			if now == up {
				continue
			}

			up = now
			select {
			case s.links <- up:
			case <-s.linkDone:
				return
			}
		}

		select {
		case <-s.linkDone:
			return
		default:
		}
		cause := errors.New("the subscription was closed")
		if p := lastErr.Load(); p != nil {
			cause = *p
		}
		s.fail(fmt.Errorf("priv: watching the links of %s stopped: %w",
			s.link.Name, cause))
	}()

	return nil
}

// linkWatchBuffer is the receive buffer of the link subscription, room
// for thousands of link events, so that a burst of them (containers
// starting, say) does not overflow it and end the subscription.
const linkWatchBuffer = 1 << 20

// fail reports on s.gone why the interface can no longer be served; only
// the first report is kept, as Run ends on it.
func (s *system) fail(err error) {
	select {
	case s.gone <- err:
	default:
	}
}

// close releases everything open opened. The address stays configured.
func (s *system) close() {
	if s.linkDone != nil {
		close(s.linkDone)
	}

	if s.udp != nil {
		s.udp.Close()
	}

	if s.raw != nil {
		if n := s.raw.DroppedForeign(); n > 0 {
			s.log.Info("frames for another VLAN or host were dropped",
				"count", n)
		}
		s.raw.Close()
	}

	if s.nl != nil {
		s.nl.Close()
	}
}

// Apply configures the address, routes and MTU of a validated lease. A
// link that refuses the MTU keeps the lease without it, as dhcpcd does;
// the refusal is logged. So is each route of the lease that netconf
// skipped because a route the client did not add holds its destination
// and metric (the lease is applied without it), and an MTU below 1280
// raised to 1280 on an interface with IPv6 addresses, which Linux
// would delete.
func (s *system) Apply(l *ipc.ApplyLease) error {
	rep, err := netconf.Apply(s.nl, s.nlink, l, s.opts)
	for _, r := range rep.Skipped {
		s.log.Warn("lease route skipped; a route the client did not add "+
			"keeps its place", "addr", l.Addr, "dst", r.Dst,
			"gateway", r.Gateway, "metric", r.Metric, "reason", r.Reason)
	}

	if rep.RaisedMTU != 0 {
		s.log.Warn("lease MTU raised to the IPv6 minimum; below it Linux "+
			"deletes the interface's IPv6 addresses", "addr", l.Addr,
			"lease_mtu", l.MTU, "mtu", rep.RaisedMTU)
	}

	if errors.Is(err, netconf.ErrMTU) {
		s.log.Warn("lease applied without its MTU", "addr", l.Addr,
			"err", err)

		return nil
	}

	return err
}

// writeResolv writes the DNS settings of l to resolv.conf; a lease
// without any leaves only the file's header.
func (s *system) writeResolv(l *ipc.ApplyLease) error {
	if s.resolvConf == "" {
		return nil
	}

	return netconf.WriteResolvConf(s.resolvConf, l)
}

// addrs lists the IPv4 addresses on the interface.
func (s *system) addrs() ([]Addr, error) {
	as, err := s.nl.AddrList(s.nlink, netlink.FAMILY_V4)
	if err != nil {
		return nil, fmt.Errorf("priv: listing addresses of %s: %w",
			s.link.Name, err)
	}

	ps := make([]Addr, 0, len(as))
	for _, a := range as {
		ip, ok := netip.AddrFromSlice(a.IP.To4())
		if !ok || a.IPNet == nil {
			continue
		}

		bits, _ := a.Mask.Size()
		ps = append(ps, Addr{
			Prefix:    netip.PrefixFrom(ip, bits),
			Permanent: a.Flags&unix.IFA_F_PERMANENT != 0,
		})
	}

	return ps, nil
}

// Remove takes the lease's address and routes off the interface, puts
// back the MTU the interface had when the client started, and closes the
// unicast socket bound to the address. A client restarted over a lease
// it left in place counts that lease's MTU as the interface's own.
func (s *system) Remove(l *ipc.ApplyLease) error {
	if s.udp != nil && s.udpSrc == l.Addr.Addr() {
		s.udp.Close()
		s.udp = nil
	}

	err := netconf.Remove(s.nl, s.nlink, l.Addr)
	if s.opts.MTU {
		err = errors.Join(err,
			netconf.RestoreMTU(s.nl, s.nlink, s.link.MTU))
	}

	return err
}

// unicast sends payload from src:68 to dst:67 through a UDP socket bound
// to src, reopened when the leased address changes.
func (s *system) unicast(src, dst netip.Addr, payload []byte) error {
	if s.udp == nil || s.udpSrc != src {
		if s.udp != nil {
			s.udp.Close()
			s.udp = nil
		}

		u, err := rawsock.ListenUDP(s.link.Name, src)
		if err != nil {
			return err
		}

		s.udp, s.udpSrc = u, src
	}

	return s.udp.SendTo(payload, dst)
}

// probe runs the RFC 5227 section 2.1.1 probe of addr: a random wait of
// up to PROBE_WAIT, then PROBE_NUM probes a random PROBE_MIN..PROBE_MAX
// apart, then ANNOUNCE_WAIT listening (probeTiming).
func (s *system) probe(ctx context.Context, addr netip.Addr) (bool, error) {
	wait, listen := probeTiming(randomDuration)
	if err := sleepCtx(ctx, wait); err != nil {
		return false, err
	}

	return rawsock.Probe(ctx, s.link.Index, s.link.MAC, addr, listen)
}

// announce sends n RFC 5227 section 2.3 announcements of addr,
// ANNOUNCE_INTERVAL apart.
func (s *system) announce(ctx context.Context, addr netip.Addr,
	n int) error {
	return rawsock.Announce(ctx, s.link.Index, s.link.MAC, addr, n,
		announceInterval)
}

// packetConn adapts rawsock.Conn to PacketConn.
type packetConn struct{ c *rawsock.Conn }

// ReadFrame reads one frame that passed the socket's filter.
func (p packetConn) ReadFrame(b []byte) (int, error) { return p.c.Recv(b) }

// WriteFrame sends one complete Ethernet frame.
func (p packetConn) WriteFrame(b []byte) error { return p.c.Send(b) }

// engineConfig returns the part of cfg the engine needs.
func engineConfig(cfg *config.Config) ipc.EngineConfig {
	return ipc.EngineConfig{
		Hostname:          cfg.Hostname,
		ClientID:          cfg.ClientIDBytes(),
		VendorClass:       []byte(cfg.VendorClass),
		RapidCommit:       cfg.RapidCommit,
		IPv6OnlyPreferred: cfg.IPv6OnlyPreferred,
		ARPProbe:          cfg.ARPProbe,
		InitialDelay:      cfg.InitialDelay,
		ReleaseOnStop:     cfg.ReleaseOnExit,
	}
}

// closeInherited marks every descriptor above stderr close-on-exec, so
// that nothing the supervisor inherited from its parent reaches an
// engine: os.StartProcess passes the descriptors it is given, but does
// not close others that lack O_CLOEXEC. Go opens its own with O_CLOEXEC.
func closeInherited() error {
	err := unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if err == nil {
		return nil
	}

	// Kernels before 5.11 lack CLOSE_RANGE_CLOEXEC: walk /proc/self/fd.
	ents, rerr := os.ReadDir("/proc/self/fd")
	if rerr != nil {
		return fmt.Errorf("priv: marking inherited descriptors "+
			"close-on-exec: %w", errors.Join(err, rerr))
	}

	for _, e := range ents {
		fd, perr := strconv.Atoi(e.Name())
		if perr != nil || fd <= 2 {
			continue
		}

		// The directory's own descriptor is gone by now: EBADF is fine.
		unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
	}

	return nil
}
