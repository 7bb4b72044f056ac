package priv

import (
	"context"
	"net/netip"
	"time"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// Link describes the interface the supervisor works on.
type Link struct {
	Index int
	Name  string
	MAC   [6]byte
	MTU   int
}

// Options is what the supervisor needs from the configuration.
type Options struct {
	// Oneshot makes Run return once a lease is applied.
	Oneshot bool

	// Timeout bounds the wait for a lease in oneshot mode.
	Timeout time.Duration

	// ReleaseOnExit sends DHCPRELEASE and removes the lease when the
	// daemon stops (RFC 2131 section 4.4.6); otherwise it stays.
	ReleaseOnExit bool

	// Engine is the configuration handed to each engine in Init.
	Engine ipc.EngineConfig

	// StopGrace bounds how long a stopping engine may take to finish.
	StopGrace time.Duration

	// AfterStart, if set, runs once after the first engine started: the
	// point where the supervisor confines itself. An error ends Run.
	AfterStart func() error
}

// Network applies leases to the interface (package netconf in
// production). Apply must be all or nothing from the caller's view: on an
// error the supervisor treats the lease as not applied. DNS settings are
// not part of it (Deps.Resolv).
type Network interface {
	Apply(l *ipc.ApplyLease) error
	Remove(l *ipc.ApplyLease) error
}

// PacketConn is the interface's AF_PACKET socket (package rawsock).
type PacketConn interface {
	// ReadFrame reads one frame into b and returns its length.
	ReadFrame(b []byte) (int, error)

	// WriteFrame sends one complete Ethernet frame.
	WriteFrame(b []byte) error
}

// Unicaster sends a DHCP payload by UDP from the leased address src,
// port 68, to dst, port 67 (RFC 2131 section 4.4.5).
type Unicaster func(src, dst netip.Addr, payload []byte) error

// Prober runs the RFC 5227 section 2.1.1 probe of addr and reports
// whether another host uses it.
type Prober func(ctx context.Context, addr netip.Addr) (bool, error)

// Announcer sends n ARP announcements of addr (RFC 5227 section 2.3),
// ANNOUNCE_INTERVAL apart, returning early when ctx ends.
type Announcer func(ctx context.Context, addr netip.Addr, n int) error

// Engine is one running engine process, or a stand-in in tests.
type Engine interface {
	// Send writes one event, waiting until deadline at most for room
	// in the engine's socket; past it, the error wraps
	// os.ErrDeadlineExceeded.
	Send(ev ipc.Event, deadline time.Time) error

	// TrySend writes one event if the engine's socket has room for it
	// now, and otherwise returns an error wrapping ipc.ErrFull.
	TrySend(ev ipc.Event) error

	// ReadRequest blocks for the next request. A request that does not
	// decode is an error wrapping the ipc error; a closed peer io.EOF.
	ReadRequest() (ipc.Request, error)

	// Kill ends the engine at once.
	Kill() error

	// Wait blocks until the engine has exited and releases its
	// resources. It is called exactly once.
	Wait() error

	// PID returns the process id, or 0 for a stand-in.
	PID() int
}

// Addr is an IPv4 address on the interface.
type Addr struct {
	Prefix netip.Prefix

	// Permanent marks an address without a lifetime (IFA_F_PERMANENT):
	// an administrator's. netconf gives every lease a finite lifetime,
	// so the supervisor never adopts or replaces such an address, and
	// an engine cannot take a static address over and then remove it.
	Permanent bool
}

// LeaseStore keeps the engine's opaque lease bytes (netconf.LeaseStore in
// production).
type LeaseStore interface {
	Load() ([]byte, error)
	Save(data []byte) error
	Clear() error
}

// Starter starts a new engine.
type Starter func() (Engine, error)

// Deps are the supervisor's connections to the outside world.
type Deps struct {
	Link    Link
	Packets PacketConn
	Network Network
	Store   LeaseStore
	Start   Starter

	// Unicast and Probe may be nil: unicast sends and probes then fail
	// and the engine falls back (broadcast, no probe). Announce may be
	// nil: no announcements are sent.
	Unicast  Unicaster
	Probe    Prober
	Announce Announcer

	// Links delivers carrier changes (true for up); nil when not
	// watched.
	Links <-chan bool

	// Gone delivers an error naming the interface when it is deleted
	// (or moved to another network namespace), or when its link watch
	// ends; Run then ends with it, rather than run deaf, so that a
	// service manager can start the client again. nil when not watched.
	Gone <-chan error

	// Addrs lists the IPv4 addresses on the interface. The supervisor
	// calls it before the first engine starts, to find a persisted
	// lease still configured (Supervisor.Run), and before it applies a
	// new address, to leave a permanent one alone. nil means no lease
	// is adopted and nothing is checked.
	Addrs func() ([]Addr, error)

	// Resolv writes the DNS settings of a lease Network applied
	// (resolv.conf in production), or none for an empty lease once the
	// lease that had some is removed; nil when DNS is not applied.
	Resolv func(l *ipc.ApplyLease) error
}
