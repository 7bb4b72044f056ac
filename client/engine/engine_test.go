package engine

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/client/frame"
	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/codec"
	"github.com/safedhcp/safedhcp/statemachine"
)

var (
	testMAC   = [6]byte{0x02, 0, 0, 0, 0, 1}
	bcastAddr = netip.AddrFrom4([4]byte{255, 255, 255, 255})
)

// newTestEngine returns an engine that records its requests.
func newTestEngine(t testing.TB) (*Engine, *[]ipc.Request) {
	t.Helper()
	var sent []ipc.Request
	init := &ipc.Init{IfIndex: 2, IfName: "eth0", HWAddr: testMAC[:],
		MTU: 1500}
	e, err := New(init, rand.New(rand.NewPCG(1, 2)),
		func(r ipc.Request) error {
			sent = append(sent, r)

			return nil
		}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}

	t.Cleanup(e.tm.stop)

	return e, &sent
}

func TestNewRejectsNonEthernet(t *testing.T) {
	init := &ipc.Init{HWAddr: []byte{1, 2, 3}}
	_, err := New(init, rand.New(rand.NewPCG(1, 2)),
		func(ipc.Request) error { return nil }, slog.Default())
	if err == nil {
		t.Fatal("New accepted a 3-byte hardware address")
	}
}

func TestFrameDrops(t *testing.T) {
	payload := make([]byte, codec.MinEncodedLen)
	good := func(mut func(*frame.BuildParams)) []byte {
		p := frame.BuildParams{
			DstMAC: frame.BroadcastMAC, SrcMAC: [6]byte{2, 0, 0, 0, 0, 9},
			Src:     netip.MustParseAddr("10.0.0.1"),
			Dst:     bcastAddr,
			SrcPort: frame.ServerPort, DstPort: frame.ClientPort,
			Payload: payload,
		}
		mut(&p)
		b, err := frame.Build(nil, p)
		if err != nil {
			t.Fatal(err)
		}

		return b
	}
	badSum := good(func(*frame.BuildParams) {})
	badSum[frame.EthernetHeaderLen+10] ^= 0xff
	tests := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"empty", nil, frame.ErrTruncated.Error()},
		{"ip checksum", badSum, frame.ErrIPChecksum.Error()},
		{
			"other host",
			good(func(p *frame.BuildParams) {
				p.DstMAC = [6]byte{2, 0, 0, 0, 0, 7}
			}),
			"frame: not for our hardware address",
		},
		{
			"source port",
			good(func(p *frame.BuildParams) { p.SrcPort = 53 }),
			"frame: udp source port is not 67",
		},
		{
			"no cookie",
			good(func(*frame.BuildParams) {}),
			codec.ErrBadCookie.Error(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, sent := newTestEngine(t)
			err := e.Event(time.Now(), &ipc.Frame{Data: tt.data})
			if err != nil {
				t.Fatal(err)
			}

			if got := e.drops.total(tt.reason); got != 1 {
				t.Errorf("drops of %q = %d, want 1 (counted: %v)",
					tt.reason, got, e.drops.stats)
			}

			if len(*sent) != 0 {
				t.Errorf("a dropped frame caused requests: %v", *sent)
			}
		})
	}
}

func TestStop(t *testing.T) {
	for _, release := range []bool{false, true} {
		e, _ := newTestEngine(t)
		if err := e.Event(time.Now(), &ipc.Stop{Release: release}); err !=
			nil {
			t.Fatal(err)
		}

		if !e.Done() {
			t.Errorf("Stop{Release: %v}: engine not done", release)
		}
	}
}

func TestSendRequest(t *testing.T) {
	leased := netip.MustParseAddr("10.0.0.5")
	server := netip.MustParseAddr("10.0.0.1")
	tests := []struct {
		name string
		a    statemachine.Action
		want *ipc.SendPayload
	}{
		{
			name: "broadcast before an address",
			a: statemachine.Action{Kind: statemachine.ActSend,
				Broadcast: true, Payload: []byte{1}},
			want: &ipc.SendPayload{Broadcast: true,
				Src: netip.IPv4Unspecified(), Dst: bcastAddr,
				Payload: []byte{1}},
		},
		{
			name: "rebinding broadcast from the leased address",
			a: statemachine.Action{Kind: statemachine.ActSend,
				Broadcast: true, Src: leased, Payload: []byte{2}},
			want: &ipc.SendPayload{Broadcast: true, Src: leased,
				Dst: bcastAddr, Payload: []byte{2}},
		},
		{
			name: "unicast renewal",
			a: statemachine.Action{Kind: statemachine.ActSend,
				Src: leased, Dst: server, Payload: []byte{3}},
			want: &ipc.SendPayload{Src: leased, Dst: server,
				Payload: []byte{3}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sendRequest(&tt.a)
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(
				func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("sendRequest (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyRequest(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	addr := netip.MustParsePrefix("10.0.0.5/24")
	gw := netip.MustParseAddr("10.0.0.1")
	l := &statemachine.Lease{
		Addr:     addr,
		ServerID: gw,
		Routes: []statemachine.Route{
			{Dest: netip.MustParsePrefix("0.0.0.0/0"), Gateway: gw},
		},
		DNS:       []netip.Addr{gw},
		Search:    []string{"lab.test"},
		Domain:    "lab.test",
		MTU:       1400,
		Acquired:  now.Add(-5 * time.Second),
		LeaseTime: 20 * time.Second,
	}
	want := &ipc.ApplyLease{
		Addr: addr,
		Routes: []ipc.Route{
			{Dest: netip.MustParsePrefix("0.0.0.0/0"), Gateway: gw},
		},
		DNS:               []netip.Addr{gw},
		Search:            []string{"lab.test"},
		Domain:            "lab.test",
		MTU:               1400,
		ValidLifetime:     15,
		PreferredLifetime: 15,
		ServerID:          gw,
	}
	opts := cmp.Options{
		cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
		cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
	}
	if diff := cmp.Diff(want, applyRequest(now, l), opts); diff != "" {
		t.Errorf("applyRequest (-want +got):\n%s", diff)
	}

	l.LeaseTime = statemachine.Infinite
	got := applyRequest(now, l)
	if got.ValidLifetime != ipc.Infinite {
		t.Errorf("infinite lease: ValidLifetime = %d, want %d",
			got.ValidLifetime, ipc.Infinite)
	}
}

func TestSeconds(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want uint32
	}{
		{-time.Second, 1},
		{0, 1},
		{1500 * time.Millisecond, 2},
		{20 * time.Second, 20},
		{200 * 365 * 24 * time.Hour, ipc.Infinite - 1},
	}
	for _, tt := range tests {
		if got := seconds(tt.d); got != tt.want {
			t.Errorf("seconds(%v) = %d, want %d", tt.d, got, tt.want)
		}
	}
}

func TestTimers(t *testing.T) {
	var ts timers
	ts.init()
	defer ts.stop()

	now := time.Now()
	ts.arm(statemachine.TimerT1, now.Add(time.Hour))
	ts.arm(statemachine.TimerT1, now) // replaces the hour
	f := <-ts.c
	id, ok := ts.fired(f)
	if !ok || id != statemachine.TimerT1 {
		t.Fatalf("fired = %v, %v; want T1, true", id, ok)
	}

	ts.arm(statemachine.TimerT2, now)
	f = <-ts.c
	ts.cancel(statemachine.TimerT2)
	if _, ok := ts.fired(f); ok {
		t.Error("a firing queued before cancel was delivered")
	}
}

func TestStopKeepsLease(t *testing.T) {
	e, sent := newTestEngine(t)
	l := &statemachine.Lease{Addr: netip.MustParsePrefix("10.0.0.5/24")}
	remove := statemachine.Action{Kind: statemachine.ActRemove, Lease: l}

	e.keep = true
	if err := e.act(time.Now(), &remove); err != nil {
		t.Fatal(err)
	}

	if len(*sent) != 0 {
		t.Errorf("stopping without release sent %v", *sent)
	}

	e.keep = false
	if err := e.act(time.Now(), &remove); err != nil {
		t.Fatal(err)
	}

	want := []ipc.Request{
		&ipc.RemoveLease{Addr: l.Addr},
		&ipc.Status{State: ipc.StateLost, Reason: "lease removed"},
	}
	if diff := cmp.Diff(want, *sent, cmp.Comparer(
		func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// TestDropLogLine: a packet the state machine drops is logged once, at
// debug, with its named reason given once and the counters beside it.
func TestDropLogLine(t *testing.T) {
	var out strings.Builder
	e, _ := newTestEngine(t)
	e.log = slog.New(slog.NewTextHandler(&out,
		&slog.HandlerOptions{Level: slog.LevelDebug}))

	a := statemachine.Action{Kind: statemachine.ActLog,
		Level: slog.LevelDebug, Msg: "dropped",
		Reason: statemachine.ReasonXIDMismatch, XID: 7,
		Peer: netip.MustParseAddr("10.0.0.1")}
	if err := e.act(time.Now(), &a); err != nil {
		t.Fatal(err)
	}

	line := out.String()
	for _, want := range []string{`msg="packet dropped"`,
		`reason="xid mismatch"`, "xid=7", "peer=10.0.0.1", "total=1"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %s", line, want)
		}
	}
	if n := strings.Count(line, "reason="); n != 1 {
		t.Errorf("log line %q has %d reasons, want 1", line, n)
	}
}
