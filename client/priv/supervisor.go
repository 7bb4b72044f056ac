package priv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/client/rawsock"
)

// ErrTimeout is returned by Run in oneshot mode when no lease was applied
// within Options.Timeout.
var ErrTimeout = errors.New("priv: no lease before the timeout")

// ErrEngineFailed is returned by Run in oneshot mode when the engine
// reports that it gave up.
var ErrEngineFailed = errors.New("priv: the engine gave up")

// defaultStopGrace is Options.StopGrace when it is zero.
const defaultStopGrace = 5 * time.Second

// Supervisor relays between the interface and one engine at a time and
// carries out the engine's validated requests. Its state is owned by the
// goroutine running Run; the other goroutines only send on channels and
// count drops.
type Supervisor struct {
	opts Options
	deps Deps
	base *slog.Logger // for the engine's relayed logs
	log  *slog.Logger // the supervisor's own, component=supervisor

	frames   chan []byte
	readErr  chan error // the frame reader's fatal error
	reqs     chan engineMsg
	sendErrs chan sendFailure
	exits    chan engineExit
	probes   chan probeDone
	done     chan struct{} // closed when Run returns

	eng     Engine         // nil while waiting to restart
	out     chan ipc.Event // events queued for eng (outbox.go)
	gen     int            // generation of eng; messages of older ones are stale
	hello   bool           // eng sent its Hello and got Init
	dead    bool           // eng was killed: nothing more it sent is carried out
	started time.Time
	boff    backoff
	restart *time.Timer // pending restart, or nil

	applied  *ipc.ApplyLease // lease on the interface, or nil
	handed   netip.Prefix    // address of the lease in the last Init
	mtu      int             // smallest MTU of the link and the leases
	bound    bool            // a lease was applied (oneshot is done)
	failed   bool            // the engine reported it gave up
	stopping bool            // Stop was sent; waiting for the engine
	restarts atomic.Int64    // engines started after the first
	logs     tokenBucket     // rate limit of the engine's log lines
	sends    tokenBucket     // rate limit of the engine's payloads
	killed   atomic.Int64    // engines killed for a bad request

	probeSeq    int                // number of the latest probe
	probeCancel context.CancelFunc // cancels the probe in flight, or nil
	probeEnded  chan struct{}      // closed when the latest probe ended

	announceCancel context.CancelFunc // cancels the announcement, or nil
	announceEnded  chan struct{}      // closed when the latest one ended

	// dnsWritten is set while resolv.conf may hold a lease's DNS
	// settings, so that they go when the lease does.
	dnsWritten bool

	sendWait  time.Duration // how long an event may wait for the engine
	oversized dropCount     // frames longer than ipc.MaxFrameLen
	behind    dropCount     // frames the engine was too far behind for
	sendDrops dropCount     // payloads over the send rate limit
}

type engineMsg struct {
	gen int
	req ipc.Request
	err error
}

type engineExit struct {
	gen int
	err error
}

type probeDone struct {
	gen, seq int
	res      ipc.ProbeResult
}

// NewSupervisor returns a Supervisor for deps. It starts nothing until
// Run.
func NewSupervisor(opts Options, deps Deps, log *slog.Logger) *Supervisor {
	if opts.StopGrace <= 0 {
		opts.StopGrace = defaultStopGrace
	}

	return &Supervisor{
		opts:     opts,
		deps:     deps,
		base:     log,
		log:      log.With("component", "supervisor"),
		frames:   make(chan []byte, 16),
		readErr:  make(chan error, 1),
		reqs:     make(chan engineMsg),
		sendErrs: make(chan sendFailure),
		exits:    make(chan engineExit),
		probes:   make(chan probeDone),
		done:     make(chan struct{}),
		logs:     tokenBucket{burst: logBurst, rate: logRate},
		sends:    tokenBucket{burst: sendBurst, rate: sendRate},
		mtu:      deps.Link.MTU,
		sendWait: defaultSendWait,
	}
}

// Applied returns the lease the supervisor last applied, or nil.
func (s *Supervisor) Applied() *ipc.ApplyLease { return s.applied }

// Killed returns how many engines were killed for a request that failed
// to decode or validate. It may be called while Run runs.
func (s *Supervisor) Killed() int { return int(s.killed.Load()) }

// Restarts returns how many engines were started after the first. It may
// be called while Run runs.
func (s *Supervisor) Restarts() int { return int(s.restarts.Load()) }

// Run supervises engines until ctx ends (daemon mode) or, in oneshot mode,
// until a lease is applied or the timeout passes. Either way it then asks
// the engine to stop and waits for it.
//
// A packet socket that fails for good, and anything Deps.Gone reports
// (the interface deleted, its link watch ended), ends Run too, with an
// error that names the interface, rather than leave the client deaf: a
// service manager restarts it. The lease stays, as after a crash.
//
// Before the first engine starts, a persisted lease whose address is on
// the interface counts as applied (see adopt), so that the engine may
// remove it when the server refuses it at INIT-REBOOT (RFC 2131 section
// 3.2). Oneshot mode still waits for a lease the engine applies.
func (s *Supervisor) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer close(s.done)
	s.adopt(time.Now())
	go s.readFrames(ctx)

	if err := s.startEngine(); err != nil {
		return err
	}

	if s.opts.AfterStart != nil {
		if err := s.opts.AfterStart(); err != nil {
			s.stop(false)

			return err
		}
	}

	var timeout <-chan time.Time
	if s.opts.Oneshot && s.opts.Timeout > 0 {
		t := time.NewTimer(s.opts.Timeout)
		defer t.Stop()
		timeout = t.C
	}

	for {
		if s.opts.Oneshot && s.bound {
			return s.stop(false)
		}

		if s.opts.Oneshot && s.failed {
			s.stop(false)

			return ErrEngineFailed
		}

		select {
		case <-ctx.Done():
			return s.stop(s.opts.ReleaseOnExit)
		case <-timeout:
			s.log.Error("no lease before the timeout",
				"timeout", s.opts.Timeout)
			s.stop(false)

			return ErrTimeout
		case err := <-s.readErr:
			s.stop(false)

			return err
		case b := <-s.frames:
			s.sendEvent(&ipc.Frame{Data: b})
		case m := <-s.reqs:
			s.request(ctx, m)
		case f := <-s.sendErrs:
			s.sendFailed(f)
		case x := <-s.exits:
			s.exited(x)
		case p := <-s.probes:
			if p.gen == s.gen && p.seq == s.probeSeq {
				s.probeCancel = nil
				s.sendEvent(&p.res)
			}
		case up := <-s.deps.Links:
			s.sendEvent(&ipc.LinkState{Up: up})
		case err := <-s.deps.Gone:
			s.stop(false)

			return err
		case <-s.restartC():
			s.restart = nil
			if err := s.startEngine(); err != nil {
				s.log.Error("restarting the engine failed", "err", err)
				s.scheduleRestart()
			}
		}
	}
}

// restartC returns the channel of the pending restart, or nil.
func (s *Supervisor) restartC() <-chan time.Time {
	if s.restart == nil {
		return nil
	}

	return s.restart.C
}

// readFrames copies every frame from the packet socket to the loop. A
// frame too long for the ipc protocol is dropped and counted. A transient
// read error (transientRead: the link went down, for one) is retried
// after a pause that doubles while the errors go on. Any other error is
// handed to the loop on s.readErr, which ends Run.
func (s *Supervisor) readFrames(ctx context.Context) {
	buf := make([]byte, ipc.MaxFrameLen+1)
	failed := 0 // transient errors in a row
	for {
		n, err := s.deps.Packets.ReadFrame(buf)
		if errors.Is(err, rawsock.ErrFrameTooLarge) ||
			err == nil && n > ipc.MaxFrameLen {
			s.dropOversized()

			continue
		}

		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if !transientRead(err) {
				s.readErr <- fmt.Errorf("priv: reading frames on %s: %w",
					s.deps.Link.Name, err)

				return
			}

			failed++
			if failed == 1 {
				s.log.Warn("reading the packet socket failed; retrying",
					"err", err)
			}
			if sleepCtx(ctx, readRetryWait(failed)) != nil {
				return
			}

			continue
		}

		if failed > 0 {
			s.log.Info("reading the packet socket again",
				"failures", failed)
			failed = 0
		}

		select {
		case s.frames <- append([]byte(nil), buf[:n]...):
		case <-ctx.Done():
			return
		default:
			// The engine is slow or restarting: drop, as a full
			// socket buffer would.
		}
	}
}

// dropOversized counts a frame longer than ipc.MaxFrameLen (a link with
// an MTU above 9000) and logs the drops, rate-limited.
func (s *Supervisor) dropOversized() {
	if n := s.oversized.add(time.Now()); n > 0 {
		s.log.Warn("frames too long for the engine dropped",
			"max", ipc.MaxFrameLen, "dropped", n)
	}
}

// readRetryWait returns the pause after the n-th transient read error in
// a row: 10 ms, doubling up to a second, so that an error that repeats
// at once cannot spin the supervisor.
func readRetryWait(n int) time.Duration {
	return min(10*time.Millisecond<<min(n-1, 7), time.Second)
}

// startEngine starts a new engine, its reader and its writer. The Init
// goes out when the engine's Hello arrives.
func (s *Supervisor) startEngine() error {
	eng, err := s.deps.Start()
	if err != nil {
		return fmt.Errorf("priv: starting the engine: %w", err)
	}

	if s.gen > 0 {
		s.restarts.Add(1)
	}

	s.gen++
	s.eng, s.hello, s.dead, s.started = eng, false, false, time.Now()
	s.log.Info("engine started", "pid", eng.PID(), "generation", s.gen)

	gen, gone := s.gen, make(chan struct{})
	s.out = make(chan ipc.Event, outboxLen)
	go s.write(gen, eng, s.out, gone)
	go func() {
		for {
			req, err := eng.ReadRequest()
			select {
			case s.reqs <- engineMsg{gen, req, err}:
			case <-s.done:
				err = io.EOF
			}

			if err != nil {
				break
			}
		}

		// A closed or misbehaving channel means the engine is of no
		// more use, even if it still runs: end it before reaping it.
		eng.Kill()
		err := eng.Wait()
		close(gone)
		select {
		case s.exits <- engineExit{gen, err}:
		case <-s.done:
		}
	}()

	return nil
}

// kill ends the current engine for a protocol or policy violation. Its
// generation is dead from then on: it is sent nothing more, and nothing
// more it sent is carried out, not even what it queued before the
// request that got it killed was read (a Hello among them would
// otherwise open a new session). Its exit schedules the restart.
func (s *Supervisor) kill(reason string, err error) {
	s.killed.Add(1)
	s.log.Error("killing the engine", "reason", reason, "err", err,
		"pid", s.eng.PID())
	s.eng.Kill()
	s.hello, s.dead = false, true
	s.cancelProbe()
}

// exited handles the exit of an engine: unless the supervisor is stopping,
// a new one starts after the back-off. The applied lease stays.
func (s *Supervisor) exited(x engineExit) {
	if x.gen != s.gen {
		return
	}

	s.eng, s.hello = nil, false
	s.cancelProbe()
	if s.stopping {
		return
	}

	s.log.Warn("engine exited", "err", x.err, "generation", x.gen)
	s.scheduleRestart()
}

// scheduleRestart arms the restart timer with the back-off.
func (s *Supervisor) scheduleRestart() {
	d := s.boff.wait(s.started, time.Now())
	s.log.Info("restarting the engine", "after", d)
	s.restart = time.NewTimer(d)
}

// stop asks the engine to finish, releasing the lease if release is set,
// and serves its last requests until it exits or StopGrace passes. When
// no engine could release it (none was running, or it did not), the
// lease is taken off the interface all the same, without a DHCPRELEASE.
func (s *Supervisor) stop(release bool) error {
	s.stopping = true
	if s.restart != nil {
		s.restart.Stop()
		s.restart = nil
	}

	s.stopEngine(release)
	if release && s.applied != nil {
		addr := s.applied.Addr
		if err := s.unapply(); err != nil {
			s.log.Error("removing the lease on exit failed", "addr", addr,
				"err", err)
		} else {
			s.log.Warn("lease removed on exit without a DHCPRELEASE: "+
				"no engine could send one", "addr", addr)
		}
	}

	return nil
}

// stopEngine asks the running engine, if any, to finish, and serves its
// last requests until it exits or StopGrace passes.
func (s *Supervisor) stopEngine(release bool) {
	if s.eng == nil {
		return
	}

	if !s.sendEvent(&ipc.Stop{Release: release}) {
		s.eng.Kill()
	}

	grace := time.NewTimer(s.opts.StopGrace)
	defer grace.Stop()
	for s.eng != nil {
		select {
		case m := <-s.reqs:
			s.request(context.Background(), m)
		case f := <-s.sendErrs:
			s.sendFailed(f)
		case x := <-s.exits:
			s.exited(x)
		case <-grace.C:
			s.log.Warn("engine did not stop in time; killing it")
			s.eng.Kill()
			grace.Reset(time.Hour)
		}
	}
}

// request handles one message from an engine's reader. Messages of an
// engine that has exited or was killed are dropped.
func (s *Supervisor) request(ctx context.Context, m engineMsg) {
	if m.gen != s.gen || s.eng == nil || s.dead {
		return
	}

	if m.err != nil {
		// A datagram that does not decode is a violation; anything
		// else (EOF, a reset) means the engine is going away, and its
		// reader reports the exit.
		var fe *ipc.FieldError
		if errors.As(m.err, &fe) || errors.Is(m.err, ipc.ErrBounds) {
			s.kill("undecodable request", m.err)
		}

		return
	}

	if !s.hello {
		if _, ok := m.req.(*ipc.Hello); !ok {
			s.kill("request before Hello", fmt.Errorf(
				"priv: got %v first", m.req.Type()))

			return
		}

		s.init()

		return
	}

	if err := s.act(ctx, m.req); err != nil {
		s.kill("request refused", err)
	}
}
