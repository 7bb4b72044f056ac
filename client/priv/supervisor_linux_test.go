package priv

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/client/netconf"
	"github.com/safedhcp/safedhcp/codec"
)

var (
	testLink = Link{Index: 7, Name: "sde0", MAC: [6]byte{2, 0, 0, 0, 0, 1},
		MTU: 1500}
	bcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})
)

// harness runs a Supervisor against fake engines and a recorder.
type harness struct {
	t       *testing.T
	rec     *recorder
	sup     *Supervisor
	engines chan *fakeEngine
	store   netconf.LeaseStore
	done    chan error
	cancel  context.CancelFunc
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()

	return newHarnessNet(t, opts, nil)
}

// newHarnessNet is newHarness with a real Network; nil means the
// recorder.
func newHarnessNet(t *testing.T, opts Options, network Network) *harness {
	t.Helper()
	store := netconf.LeaseStore{Dir: t.TempDir(), Interface: testLink.Name}

	if opts.StopGrace == 0 {
		opts.StopGrace = 300 * time.Millisecond
	}

	h := &harness{t: t, rec: newRecorder(), store: store,
		engines: make(chan *fakeEngine, 8), done: make(chan error, 1)}
	deps := Deps{
		Link: testLink, Packets: h.rec, Network: network, Store: store,
		Unicast: h.rec.unicast,
		Start: func() (Engine, error) {
			e := newFakeEngine(t)
			h.engines <- e

			return e, nil
		},
	}
	if network == nil {
		deps.Network = h.rec
	}

	h.sup = NewSupervisor(opts, deps, testLogger(t))

	return h
}

// run starts the supervisor; it stops at the end of the test.
func (h *harness) run() {
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- h.sup.Run(ctx) }()
	h.t.Cleanup(func() {
		cancel()
		h.wait()
		close(h.rec.in)
	})
}

// wait returns Run's result.
func (h *harness) wait() error {
	select {
	case err := <-h.done:
		h.done <- err

		return err
	case <-time.After(20 * time.Second):
		h.t.Fatal("supervisor did not return")

		return nil
	}
}

// engine returns the next engine started, after its handshake.
func (h *harness) engine() (*fakeEngine, *ipc.Init) {
	h.t.Helper()
	var e *fakeEngine
	select {
	case e = <-h.engines:
	case <-time.After(10 * time.Second):
		h.t.Fatal("no engine started")
	}

	e.request(h.t, &ipc.Hello{})
	ev, err := e.event()
	if err != nil {
		h.t.Fatalf("waiting for Init: %v", err)
	}

	init, ok := ev.(*ipc.Init)
	if !ok {
		h.t.Fatalf("got %v, want Init", ev.Type())
	}

	return e, init
}

// payload returns a BOOTREQUEST from the test link.
func payload(t *testing.T, mac [6]byte) []byte {
	t.Helper()
	var m codec.Message
	m.Op, m.HType, m.HLen, m.XID = codec.BootRequest, 1, 6, 42
	copy(m.CHAddr[:], mac[:])
	if err := m.Options.SetMessageType(codec.Discover); err != nil {
		t.Fatal(err)
	}

	b, err := m.Append(nil, 0)
	if err != nil {
		t.Fatal(err)
	}

	return b
}

// goodLease is a lease the policy accepts.
func goodLease() *ipc.ApplyLease {
	return &ipc.ApplyLease{
		Addr:          netip.MustParsePrefix("10.77.1.50/24"),
		Routers:       []netip.Addr{netip.MustParseAddr("10.77.1.1")},
		DNS:           []netip.Addr{netip.MustParseAddr("10.77.1.1")},
		ValidLifetime: 60, PreferredLifetime: 60,
		ServerID: netip.MustParseAddr("10.77.1.1"),
	}
}

func TestOneshotHandshakeAndApply(t *testing.T) {
	h := newHarness(t, Options{Oneshot: true, Timeout: 10 * time.Second,
		Engine: ipc.EngineConfig{Hostname: "box"}})
	if err := h.store.Save([]byte("persisted lease")); err != nil {
		t.Fatal(err)
	}

	h.run()
	e, init := h.engine()
	want := &ipc.Init{IfIndex: 7, IfName: "sde0", HWAddr: testLink.MAC[:],
		MTU: 1500, Config: ipc.EngineConfig{Hostname: "box"},
		Persisted: []byte("persisted lease")}
	if diff := cmp.Diff(want, init); diff != "" {
		t.Errorf("Init (-want +got):\n%s", diff)
	}

	// A frame reaches the engine unchanged.
	h.rec.in <- []byte("raw frame bytes")
	ev, err := e.event()
	if err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff(&ipc.Frame{Data: []byte("raw frame bytes")},
		ev); diff != "" {
		t.Errorf("Frame (-want +got):\n%s", diff)
	}

	e.request(t, &ipc.SendPayload{Broadcast: true,
		Src: netip.IPv4Unspecified(), Dst: bcast,
		Payload: payload(t, testLink.MAC)})
	e.request(t, &ipc.PersistLease{Data: []byte("new lease")})
	e.request(t, goodLease())
	e.request(t, &ipc.Status{State: ipc.StateBound, Reason: "test"})

	// The supervisor now sends Stop and waits for the engine to go.
	ev, err = e.event()
	if err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff(&ipc.Stop{}, ev); diff != "" {
		t.Errorf("after Bound (-want +got):\n%s", diff)
	}

	e.peer.Close()
	if err := h.wait(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}

	if got, want := h.rec.counts(), [4]int{1, 0, 1, 0}; got != want {
		t.Errorf("applied, removed, frames, unicasts = %v, want %v",
			got, want)
	}

	stored, err := h.store.Load()
	if err != nil || string(stored) != "new lease" {
		t.Errorf("stored lease = %q, %v; want \"new lease\"", stored, err)
	}
}

func TestOneshotTimeout(t *testing.T) {
	h := newHarness(t, Options{Oneshot: true,
		Timeout: 200 * time.Millisecond, StopGrace: time.Second})
	h.run()
	h.engine()
	if err := h.wait(); !errors.Is(err, ErrTimeout) {
		t.Errorf("Run = %v, want %v", err, ErrTimeout)
	}
}

func TestDaemonStopReleases(t *testing.T) {
	h := newHarness(t, Options{ReleaseOnExit: true})
	h.run()
	e, _ := h.engine()
	e.request(t, goodLease())
	e.request(t, &ipc.Status{State: ipc.StateBound})
	time.Sleep(100 * time.Millisecond)
	h.cancel()

	ev, err := e.event()
	if err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff(&ipc.Stop{Release: true}, ev); diff != "" {
		t.Errorf("on cancel (-want +got):\n%s", diff)
	}

	// The engine releases: unicast DHCPRELEASE, then removal.
	e.request(t, &ipc.SendPayload{Src: goodLease().Addr.Addr(),
		Dst: goodLease().ServerID, Payload: payload(t, testLink.MAC)})
	e.request(t, &ipc.RemoveLease{Addr: goodLease().Addr})
	e.peer.Close()
	if err := h.wait(); err != nil {
		t.Fatal(err)
	}

	if got, want := h.rec.counts(), [4]int{1, 1, 0, 1}; got != want {
		t.Errorf("applied, removed, frames, unicasts = %v, want %v",
			got, want)
	}
}

// TestOneshotResolvConfFails checks that a lease whose resolv.conf
// cannot be written still counts as applied: the oneshot run completes
// and a later RemoveLease would be in policy.
func TestOneshotResolvConfFails(t *testing.T) {
	h := newHarness(t, Options{Oneshot: true, Timeout: 10 * time.Second})
	var written []netip.Prefix
	h.sup.deps.Resolv = func(l *ipc.ApplyLease) error {
		written = append(written, l.Addr)

		return errors.New("netconf: write /nonexistent/resolv.conf: " +
			"no such file or directory")
	}

	h.run()
	e, _ := h.engine()
	e.request(t, goodLease())
	e.request(t, &ipc.Status{State: ipc.StateBound, Reason: "test"})
	if ev, err := e.event(); err != nil {
		t.Fatalf("waiting for Stop: %v", err)
	} else if diff := cmp.Diff(&ipc.Stop{}, ev); diff != "" {
		t.Errorf("after Bound (-want +got):\n%s", diff)
	}

	e.peer.Close()
	if err := h.wait(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}

	if got := h.sup.Applied(); got == nil || got.Addr != goodLease().Addr {
		t.Errorf("Applied() = %v, want %v", got, goodLease().Addr)
	}
	want := []netip.Prefix{goodLease().Addr}
	if diff := cmp.Diff(want, written, cmp.Comparer(
		func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("resolv.conf writes (-want +got):\n%s", diff)
	}
}

// TestAnnounce checks that a newly applied address is announced (RFC
// 5227 section 2.3): ANNOUNCE_NUM times in a daemon, once in oneshot
// mode, and not again when the same address is renewed.
func TestAnnounce(t *testing.T) {
	for _, oneshot := range []bool{false, true} {
		t.Run(fmt.Sprintf("oneshot=%v", oneshot), func(t *testing.T) {
			h := newHarness(t, Options{Oneshot: oneshot,
				Timeout: 10 * time.Second})
			calls := make(chan int, 4)
			h.sup.deps.Announce = func(_ context.Context, addr netip.Addr,
				n int) error {
				if addr != goodLease().Addr.Addr() {
					t.Errorf("announced %v", addr)
				}
				calls <- n

				return nil
			}

			h.run()
			e, _ := h.engine()
			e.request(t, goodLease())
			want := announceNum
			if oneshot {
				want = 1
			}
			select {
			case n := <-calls:
				if n != want {
					t.Errorf("%d announcements, want %d", n, want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no announcement")
			}

			if !oneshot {
				renewed := goodLease()
				renewed.ValidLifetime = 120
				e.request(t, renewed)
				for h.rec.counts()[0] < 2 {
					time.Sleep(10 * time.Millisecond)
				}
			}
			h.cancel()
			h.wait()
			if n := len(calls); n != 0 {
				t.Errorf("%d more announcements, want none", n)
			}
		})
	}
}

// TestRunEndsWhenInterfaceGone: Run ends with the error Gone delivers and
// stops its engine, keeping the applied lease on record.
func TestRunEndsWhenInterfaceGone(t *testing.T) {
	h := newHarness(t, Options{})
	gone := make(chan error, 1)
	h.sup.deps.Gone = gone
	h.run()
	e, _ := h.engine()
	e.request(t, goodLease())

	deleted := errors.New("priv: interface sde0 was deleted")
	gone <- deleted
	if err := h.wait(); !errors.Is(err, deleted) {
		t.Errorf("Run = %v, want %v", err, deleted)
	}
}
