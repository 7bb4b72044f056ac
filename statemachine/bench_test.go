package statemachine_test

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
	"github.com/safedhcp/safedhcp/statemachine/simtest"
)

// exchange drives one reused Machine through what an interface does over
// a lease: Start, DORA, a renewal at T1 and Stop. The server's replies
// are recorded once by newExchange and only their xid is patched, so a
// run measures the machine alone.
type exchange struct {
	m       *sm.Machine
	replies [3]codec.Message // DHCPOFFER, DHCPACK, renewal DHCPACK
	now     time.Time
	lease   *sm.Lease // the lease of the last run
}

// newExchange records the replies of a simtest server to one exchange.
func newExchange(tb testing.TB, cfg sm.Config) *exchange {
	tb.Helper()
	m, err := sm.New(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		tb.Fatal(err)
	}
	srv := &simtest.Server{ID: srvID, Subnet: subnet, LeaseTime: 3600,
		Router: srvID, DNS: srvID}
	x := &exchange{m: m, now: t0}
	i := 0
	x.run(tb, func(sent []byte) *codec.Message {
		r := &x.replies[i]
		if ok, err := srv.Handle(sent, r); err != nil || !ok {
			tb.Fatalf("server: %v %v", ok, err)
		}
		i++

		return r
	})

	return x
}

// run performs the exchange, taking each reply from reply.
func (x *exchange) run(tb testing.TB, reply func([]byte) *codec.Message) {
	m := x.m
	acts := m.Handle(x.now, sm.Start(nil))
	acts = m.Handle(x.now, sm.Packet(reply(lastSend(acts)), srvID))
	acts = m.Handle(x.now, sm.Packet(reply(lastSend(acts)), srvID))
	x.now = x.now.Add(time.Hour / 2)
	acts = m.Handle(x.now, sm.Timer(sm.TimerT1))
	m.Handle(x.now, sm.Packet(reply(lastSend(acts)), srvID))
	if m.State() != sm.Bound {
		tb.Fatalf("state %v after the exchange", m.State())
	}
	x.lease = m.Lease()
	m.Handle(x.now, sm.Stop())
	x.now = x.now.Add(time.Hour)
}

// replay performs the exchange again with the recorded replies.
func (x *exchange) replay(tb testing.TB) {
	i := 0
	x.run(tb, func(sent []byte) *codec.Message {
		r := &x.replies[i]
		r.XID = binary.BigEndian.Uint32(sent[4:8])
		i++

		return r
	})
}

// BenchmarkStep measures one exchange (Start, DORA, one renewal, Stop)
// on a reused Machine, as the daemon keeps one per interface.
func BenchmarkStep(b *testing.B) {
	x := newExchange(b, sm.Config{HWAddr: hw})
	b.ReportAllocs()
	for b.Loop() {
		x.replay(b)
	}
}

// BenchmarkNew measures building a Machine, done once per interface.
func BenchmarkNew(b *testing.B) {
	cfg := sm.Config{HWAddr: hw}
	rnd := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sm.New(cfg, rnd); err != nil {
			b.Fatal(err)
		}
	}
}

func lastSend(acts []sm.Action) []byte {
	for i := len(acts) - 1; i >= 0; i-- {
		if acts[i].Kind == sm.ActSend {
			return acts[i].Payload
		}
	}

	return nil
}

// BenchmarkStepLargeAck is BenchmarkStep with DHCPACKs that fill every
// list of a lease record: 64 classless routes, DNS and NTP servers and
// search names. It is the most work a valid DHCPACK asks of Handle.
func BenchmarkStepLargeAck(b *testing.B) {
	x := newExchange(b, sm.Config{HWAddr: hw})
	var routes []sm.Route
	var addrs []byte
	var names []string
	for i := range 64 {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i), 0}), 24)
		routes = append(routes, sm.Route{Dest: p, Gateway: srvID})
		addrs = append(addrs, 10, 0, 1, byte(i))
		names = append(names, "s"+strconv.Itoa(i)+".example.com")
	}
	for i := 1; i < len(x.replies); i++ {
		set(codec.OptClasslessRoute, rfc3442(routes...),
			codec.OptDNSServer, addrs, codec.OptNTPServer, addrs,
			codec.OptDomainSearch, wire(names...),
			codec.OptDomainName, []byte("example.com"))(&x.replies[i])
	}
	x.replay(b)
	if l := x.lease; len(l.Routes) != 64 || len(l.Search) != 64 {
		b.Fatalf("lease holds %d routes and %d names, want 64",
			len(l.Routes), len(l.Search))
	}
	b.ReportAllocs()
	for b.Loop() {
		x.replay(b)
	}
}
