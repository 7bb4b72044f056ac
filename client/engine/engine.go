package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/safedhcp/safedhcp/client/frame"
	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/codec"
	"github.com/safedhcp/safedhcp/statemachine"
)

// ipOverhead is the IPv4 and UDP header bytes a DHCP message shares the
// MTU with (RFC 2132 section 9.10).
const ipOverhead = frame.IPv4HeaderLen + frame.UDPHeaderLen

// Engine runs the state machine for one interface. It turns ipc events
// into machine events and machine actions into ipc requests; it does no
// I/O itself except through its send function. It is not safe for
// concurrent use: the loop in Run serialises every call.
type Engine struct {
	m    *statemachine.Machine
	mac  [6]byte
	send func(ipc.Request) error
	log  *slog.Logger

	msg   codec.Message // reused for every decoded packet
	drops dropCounter
	tm    timers

	applied netip.Prefix // address of the lease applied, if any
	done    bool         // Stop was handled
	keep    bool         // Stop without release: leave the lease applied
}

// New returns an Engine for the interface and configuration of init. It
// sends every request through send and logs through log. rnd seeds the
// machine's xids and delays.
func New(init *ipc.Init, rnd *rand.Rand, send func(ipc.Request) error,
	log *slog.Logger) (*Engine, error) {
	if len(init.HWAddr) != 6 {
		return nil, fmt.Errorf("engine: hardware address of %d bytes; "+
			"only Ethernet is supported", len(init.HWAddr))
	}

	c := init.Config
	cfg := statemachine.Config{
		HWAddr:            net.HardwareAddr(init.HWAddr),
		ClientID:          c.ClientID,
		Hostname:          c.Hostname,
		VendorClass:       c.VendorClass,
		InitialDelay:      c.InitialDelay,
		RapidCommit:       c.RapidCommit,
		IPv6OnlyPreferred: c.IPv6OnlyPreferred,
		Probe:             c.ARPProbe,
	}
	if n := int(init.MTU) - ipOverhead; n >= codec.DefaultMaxLen {
		cfg.MaxMessageSize = uint16(min(n, codec.MaxMessageLen))
	}

	m, err := statemachine.New(cfg, rnd)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}

	e := &Engine{m: m, send: send, log: log}
	copy(e.mac[:], init.HWAddr)
	e.tm.init()

	return e, nil
}

// Start starts the machine, in INIT-REBOOT when persisted holds a valid
// lease record (RFC 2131 section 4.4.2) and in INIT otherwise.
func (e *Engine) Start(now time.Time, persisted []byte) error {
	var l *statemachine.Lease
	if len(persisted) > 0 {
		var err error
		if l, err = parseLease(persisted); err != nil {
			e.log.Warn("ignoring the persisted lease", "err", err)
		}
	}

	return e.handle(now, statemachine.Start(l))
}

// Done reports whether the engine handled Stop and should exit.
func (e *Engine) Done() bool { return e.done }

// Timers returns the channel on which the machine's timers fire; the loop
// passes each value to Fire.
func (e *Engine) Timers() <-chan timerFire { return e.tm.c }

// Fire handles a timer firing at now.
func (e *Engine) Fire(now time.Time, f timerFire) error {
	id, ok := e.tm.fired(f)
	if !ok {
		return nil
	}

	return e.handle(now, statemachine.Timer(id))
}

// Event handles one event from the privileged part received at now.
func (e *Engine) Event(now time.Time, ev ipc.Event) error {
	switch ev := ev.(type) {
	case *ipc.Frame:
		return e.frame(now, ev.Data)
	case *ipc.ProbeResult:
		return e.handle(now, statemachine.ProbeResult(ev.Addr, ev.Conflict))
	case *ipc.LinkState:
		if ev.Up {
			return e.handle(now, statemachine.LinkUp())
		}

		return e.handle(now, statemachine.LinkDown())
	case *ipc.Stop:
		e.done = true
		if ev.Release {
			return e.handle(now, statemachine.Release())
		}

		// The machine removes its lease when it stops; a client that
		// exits without releasing leaves it configured, and the kernel
		// drops the address when its valid lifetime ends.
		e.keep = true

		return e.handle(now, statemachine.Stop())
	}

	return fmt.Errorf("engine: unexpected event %v", ev.Type())
}

// frame checks one received frame and feeds the DHCP message it carries
// to the machine. A frame that fails a check is counted and dropped.
func (e *Engine) frame(now time.Time, data []byte) error {
	f, err := frame.Parse(data)
	if err != nil {
		e.drop(now, frameReason(err), slog.LevelDebug)

		return nil
	}

	if f.DstMAC != e.mac && f.DstMAC != frame.BroadcastMAC {
		e.drop(now, "frame: not for our hardware address",
			slog.LevelDebug)

		return nil
	}

	if f.SrcPort != frame.ServerPort {
		e.drop(now, "frame: udp source port is not 67", slog.LevelDebug)

		return nil
	}

	if err := e.msg.Decode(f.Payload); err != nil {
		e.drop(now, decodeReason(err), slog.LevelDebug)

		return nil
	}

	return e.handle(now, statemachine.Packet(&e.msg, f.Src))
}

// drop counts a dropped input and logs it unless rate-limited.
func (e *Engine) drop(now time.Time, reason string, level slog.Level,
	attrs ...slog.Attr) {
	log, suppressed := e.drops.add(reason, now)
	if !log {
		return
	}

	attrs = append(attrs, slog.String("reason", reason),
		slog.Uint64("suppressed", suppressed),
		slog.Uint64("total", e.drops.total(reason)))
	e.log.LogAttrs(context.Background(), level, "packet dropped", attrs...)
}

// handle feeds ev to the machine and carries out its actions in order. It
// stops at the first request that cannot be sent: the privileged side is
// gone or refused it, and the engine must exit.
func (e *Engine) handle(now time.Time, ev statemachine.Event) error {
	for _, a := range e.m.Handle(now, ev) {
		if err := e.act(now, &a); err != nil {
			return err
		}
	}

	return nil
}

// act carries out one action.
func (e *Engine) act(now time.Time, a *statemachine.Action) error {
	switch a.Kind {
	case statemachine.ActSend:
		return e.send(sendRequest(a))
	case statemachine.ActArmTimer:
		e.tm.arm(a.Timer, a.At)
	case statemachine.ActCancelTimer:
		e.tm.cancel(a.Timer)
	case statemachine.ActApply:
		return e.apply(now, a.Lease)
	case statemachine.ActRemove:
		return e.remove(a.Lease)
	case statemachine.ActPersist:
		return e.send(&ipc.PersistLease{Data: a.Data})
	case statemachine.ActProbe:
		return e.send(&ipc.ProbeAddress{Addr: a.Addr})
	case statemachine.ActLog:
		if a.Reason != statemachine.ReasonNone {
			// drop adds the reason itself.
			attrs := slices.DeleteFunc(a.LogAttrs(), func(x slog.Attr) bool {
				return x.Key == "reason"
			})
			e.drop(now, a.Reason.String(), a.Level, attrs...)

			return nil
		}

		e.log.LogAttrs(context.Background(), a.Level, a.Msg, a.LogAttrs()...)
	}

	return nil
}

// apply asks for l to be configured, its lists cut to ipc's bounds
// (fitLimits), and reports the new state.
func (e *Engine) apply(now time.Time, l *statemachine.Lease) error {
	r := applyRequest(now, l)
	e.logCuts(fitLimits(r))
	if err := e.send(r); err != nil {
		return err
	}

	st := &ipc.Status{State: ipc.StateBound, Reason: "lease applied"}
	if e.applied == l.Addr {
		st = &ipc.Status{State: ipc.StateRenewed, Reason: "lease extended"}
	}
	e.applied = l.Addr

	return e.send(st)
}

// remove asks for l to be taken off the interface and reports it lost,
// unless the engine is stopping without a release.
func (e *Engine) remove(l *statemachine.Lease) error {
	if e.keep {
		e.log.Info("stopping; the lease stays configured",
			"addr", l.Addr.String())

		return nil
	}

	if err := e.send(&ipc.RemoveLease{Addr: l.Addr}); err != nil {
		return err
	}

	e.applied = netip.Prefix{}

	return e.send(&ipc.Status{State: ipc.StateLost, Reason: "lease removed"})
}

// sendRequest turns a Send action into a SendPayload request. The source
// of a broadcast before the client has an address is 0.0.0.0 (RFC 2131
// section 4.1).
func sendRequest(a *statemachine.Action) *ipc.SendPayload {
	src, dst := a.Src, a.Dst
	if !src.IsValid() {
		src = netip.IPv4Unspecified()
	}

	if a.Broadcast || !dst.IsValid() {
		dst = netip.AddrFrom4([4]byte{255, 255, 255, 255})
	}

	return &ipc.SendPayload{
		Broadcast: a.Broadcast,
		Src:       src,
		Dst:       dst,
		Payload:   a.Payload,
	}
}

// LeaseRequest returns the ApplyLease request the engine sends for l at
// now (RFC 2131 section 4.4.1): lifetimes counted from now and lists cut
// to ipc's bounds as fitLimits does. The privileged side uses it to
// describe a persisted lease that an earlier run left configured.
func LeaseRequest(now time.Time, l *statemachine.Lease) *ipc.ApplyLease {
	r := applyRequest(now, l)
	fitLimits(r)

	return r
}

// applyRequest turns a lease into an ApplyLease request. The lifetimes
// count from now: the kernel expires the address itself if the engine
// dies and nobody renews it (RFC 2131 section 4.4.5).
func applyRequest(now time.Time, l *statemachine.Lease) *ipc.ApplyLease {
	r := &ipc.ApplyLease{
		Addr:              l.Addr,
		Routers:           l.Routers,
		DNS:               l.DNS,
		Search:            l.Search,
		Domain:            l.Domain,
		MTU:               l.MTU,
		ServerID:          l.ServerID,
		ValidLifetime:     ipc.Infinite,
		PreferredLifetime: ipc.Infinite,
	}
	for _, rt := range l.Routes {
		r.Routes = append(r.Routes, ipc.Route{
			Dest: rt.Dest, Gateway: rt.Gateway,
		})
	}

	if end, ok := l.Expiry(); ok {
		r.ValidLifetime = seconds(end.Sub(now))
		r.PreferredLifetime = r.ValidLifetime
	}

	return r
}

// seconds converts a remaining lifetime to whole seconds, at least 1 and
// below ipc.Infinite.
func seconds(d time.Duration) uint32 {
	s := (d + time.Second - 1) / time.Second

	return uint32(max(1, min(s, time.Duration(ipc.Infinite-1))))
}

// parseLease decodes a persisted lease record. The bytes come from disk
// through the privileged side, so they are as untrusted as a packet.
func parseLease(b []byte) (*statemachine.Lease, error) {
	l := new(statemachine.Lease)
	if err := l.UnmarshalBinary(b); err != nil {
		return nil, fmt.Errorf("engine: bad persisted lease: %w", err)
	}

	return l, nil
}

// frameErrors names the reasons frame.Parse drops a frame.
var frameErrors = []error{
	frame.ErrTruncated, frame.ErrEtherType, frame.ErrIPVersion,
	frame.ErrIPHeaderLength, frame.ErrIPChecksum, frame.ErrFragment,
	frame.ErrNotUDP, frame.ErrUDPLength, frame.ErrUDPChecksum,
	frame.ErrPort,
}

// frameReason returns the drop reason for an error of frame.Parse.
func frameReason(err error) string {
	for _, e := range frameErrors {
		if errors.Is(err, e) {
			return e.Error()
		}
	}

	return "frame: other"
}

// codecErrors names the reasons codec's Decode rejects a message.
var codecErrors = []error{
	codec.ErrTruncated, codec.ErrBadCookie, codec.ErrTooLong,
	codec.ErrMalformed, codec.ErrBadName, codec.ErrFull,
}

// decodeReason returns the drop reason for an error of Message.Decode. It
// is one of a fixed set, so the drop counter stays bounded.
func decodeReason(err error) string {
	for _, e := range codecErrors {
		if errors.Is(err, e) {
			return e.Error()
		}
	}

	return "codec: other"
}
