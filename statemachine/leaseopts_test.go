package statemachine_test

import (
	"bytes"
	"log/slog"
	"net/netip"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

// netipCmp compares addresses and prefixes by value.
var netipCmp = cmp.Options{
	cmp.Comparer(func(x, y netip.Addr) bool { return x == y }),
	cmp.Comparer(func(x, y netip.Prefix) bool { return x == y }),
}

// leaseView is what TestLeaseOptions checks of an applied lease: the
// fields read from optional options and the warnings logged.
type leaseView struct {
	Routers  []netip.Addr
	Routes   []sm.Route
	Search   []string
	Domain   string
	Hostname string
	Warnings []string
}

// rfc3442 encodes routes in the format of options 121 and 249 (RFC 3442
// section 2): width, significant octets, router.
func rfc3442(rs ...sm.Route) []byte {
	var b []byte
	for _, r := range rs {
		w := r.Dest.Bits()
		d := r.Dest.Addr().As4()
		g := r.Gateway.As4()
		b = append(b, byte(w))
		b = append(b, d[:(w+7)/8]...)
		b = append(b, g[:]...)
	}

	return b
}

// route returns a Route for the prefix p via the gateway gw.
func route(p, gw string) sm.Route {
	return sm.Route{
		Dest: netip.MustParsePrefix(p), Gateway: netip.MustParseAddr(gw),
	}
}

// wire encodes names in DNS wire form without compression (RFC 1035
// section 3.1), the format of option 119.
func wire(names ...string) []byte {
	var b []byte
	for _, n := range names {
		for _, l := range bytes.Split([]byte(n), []byte(".")) {
			b = append(append(b, byte(len(l))), l...)
		}
		b = append(b, 0)
	}

	return b
}

// set returns an edit that sets options, given as code and value pairs.
func set(kv ...any) func(*codec.Message) {
	return func(m *codec.Message) {
		for i := 0; i < len(kv); i += 2 {
			_ = m.Options.Set(kv[i].(codec.OptionCode), kv[i+1].([]byte))
		}
	}
}

func TestLeaseOptions(t *testing.T) {
	gw := netip.MustParseAddr("10.0.0.254")
	def := route("0.0.0.0/0", "10.0.0.254")
	net16 := route("192.168.0.0/16", "10.0.0.2")
	onlink := route("10.9.9.0/24", "0.0.0.0")
	host := route("172.16.1.1/32", "10.0.0.3")
	badWidth := []byte{33, 10, 0, 0, 0, 0, 10, 0, 0, 1, 1}
	short := rfc3442(def)[:4]
	var many []sm.Route
	for i := range 65 {
		many = append(many, route(
			netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i), 0}),
				24).String(), "10.0.0.2"))
	}
	loop := []byte{1, 'a', 0xc0, 0} // a pointer to itself
	// echo is one long name, then 199 two-byte pointers back to it: the
	// same name 200 times (RFC 3397 section 2 allows it).
	long := "a23456789.b23456789.c23456789.example"
	echo := wire(long)
	for range 199 {
		echo = append(echo, 0xc0, 0)
	}
	// distinct is 81 names: "x", then "n0.x" to "n79.x", each pointing
	// to "x".
	distinct := wire("x")
	names81 := []string{"x"}
	for i := range 80 {
		l := strconv.Itoa(i)
		distinct = append(append(distinct, byte(len(l)+1), 'n'), l...)
		distinct = append(distinct, 0xc0, 0)
		names81 = append(names81, "n"+l+".x")
	}
	ignored := func(c string) []string {
		return []string{"ignored malformed option " + c}
	}

	tests := []struct {
		name string
		edit func(*codec.Message)
		want leaseView
	}{
		{"routers without classless routes", nil,
			leaseView{Routers: []netip.Addr{srvID}}},
		{"121 replaces 3",
			set(codec.OptClasslessRoute, rfc3442(def, net16, onlink, host)),
			leaseView{Routes: []sm.Route{def, net16, onlink, host}}},
		{"121 without a default route still replaces 3",
			set(codec.OptClasslessRoute, rfc3442(net16)),
			leaseView{Routes: []sm.Route{net16}}},
		{"249 when 121 is absent",
			set(codec.OptMSClasslessRoute, rfc3442(def, onlink)),
			leaseView{Routes: []sm.Route{def, onlink}}},
		{"121 preferred to 249",
			set(codec.OptClasslessRoute, rfc3442(net16),
				codec.OptMSClasslessRoute, rfc3442(def)),
			leaseView{Routes: []sm.Route{net16}}},
		{"malformed 121 falls back to 3",
			set(codec.OptClasslessRoute, badWidth),
			leaseView{Routers: []netip.Addr{srvID},
				Warnings: ignored("121")}},
		{"truncated 121 falls back to 3",
			set(codec.OptClasslessRoute, short),
			leaseView{Routers: []netip.Addr{srvID},
				Warnings: ignored("121")}},
		{"malformed 121 falls back to 249",
			set(codec.OptClasslessRoute, badWidth,
				codec.OptMSClasslessRoute, rfc3442(def)),
			leaseView{Routes: []sm.Route{def}, Warnings: ignored("121")}},
		{"malformed 121 and 249 fall back to 3",
			set(codec.OptClasslessRoute, short,
				codec.OptMSClasslessRoute, badWidth,
				codec.OptRouter, gw.AsSlice()),
			leaseView{Routers: []netip.Addr{gw},
				Warnings: append(ignored("121"), ignored("249")...)}},
		{"more routes than a record holds",
			set(codec.OptClasslessRoute, rfc3442(many...)),
			leaseView{Routers: []netip.Addr{srvID},
				Warnings: ignored("121")}},
		{"33 is not read",
			set(codec.OptStaticRoute, []byte{192, 168, 1, 0, 10, 0, 0, 2}),
			leaseView{Routers: []netip.Addr{srvID}}},
		{"names",
			set(codec.OptDomainSearch, wire("eng.example.com", "example.com"),
				codec.OptDomainName, []byte("example.com."),
				codec.OptHostName, []byte("box-1")),
			leaseView{Routers: []netip.Addr{srvID},
				Search: []string{"eng.example.com", "example.com"},
				Domain: "example.com", Hostname: "box-1"}},
		{"a name listed twice is kept once",
			set(codec.OptDomainSearch, echo),
			leaseView{Routers: []netip.Addr{srvID}, Search: []string{long}}},
		{"past 64 search names the rest are left out",
			set(codec.OptDomainSearch, distinct),
			leaseView{Routers: []netip.Addr{srvID}, Search: names81[:64]}},
		{"malformed 119 dropped",
			set(codec.OptDomainSearch, loop,
				codec.OptDomainName, []byte("example.com")),
			leaseView{Routers: []netip.Addr{srvID}, Domain: "example.com",
				Warnings: ignored("119")}},
		{"119 with a bad label dropped",
			set(codec.OptDomainSearch, wire("ok.example", "a;b.example")),
			leaseView{Routers: []netip.Addr{srvID},
				Warnings: ignored("119")}},
		{"119 with an underscore dropped",
			set(codec.OptDomainSearch, wire("ok.example", "_tcp.example")),
			leaseView{Routers: []netip.Addr{srvID},
				Warnings: ignored("119")}},
		{"malformed 15 dropped",
			set(codec.OptDomainName, []byte("example.com\nnameserver 6.6.6.6"),
				codec.OptHostName, []byte("box-1")),
			leaseView{Routers: []netip.Addr{srvID}, Hostname: "box-1",
				Warnings: ignored("15")}},
		{"15 with an underscore dropped",
			set(codec.OptDomainName, []byte("corp_x.example")),
			leaseView{Routers: []netip.Addr{srvID},
				Warnings: ignored("15")}},
		{"malformed 12 dropped",
			set(codec.OptHostName, []byte("$(reboot)")),
			leaseView{Routers: []netip.Addr{srvID},
				Warnings: ignored("12")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, warns, record := ackLease(t, tt.edit)
			got := leaseView{
				Routers: l.Routers, Routes: l.Routes, Search: l.Search,
				Domain: l.Domain, Hostname: l.Hostname, Warnings: warns,
			}
			if diff := cmp.Diff(tt.want, got, netipCmp); diff != "" {
				t.Errorf("lease (-want +got):\n%s", diff)
			}

			var back sm.Lease
			if err := back.UnmarshalBinary(record); err != nil {
				t.Fatalf("persisted record: %v", err)
			}
			if diff := cmp.Diff(l, &back, netipCmp); diff != "" {
				t.Errorf("record round trip (-want +got):\n%s", diff)
			}
		})
	}
}

// ackLease runs DORA with the DHCPACK changed by edit and returns the
// applied lease, the warnings logged on the way and the persisted record.
func ackLease(t *testing.T, edit func(*codec.Message)) (*sm.Lease,
	[]string, []byte) {
	t.Helper()
	h := newHarness(t, sm.Config{})
	h.feed("start", sm.Start(nil))
	h.deliver("offer")
	acts := h.feed("ack", sm.Packet(h.reply(edit), srvID))
	h.check()

	var l *sm.Lease
	var warns []string
	var record []byte
	for _, a := range acts {
		switch {
		case a.Kind == sm.ActApply:
			l = a.Lease
		case a.Kind == sm.ActPersist:
			record = a.Data
		case a.Kind == sm.ActLog && a.Level == slog.LevelWarn:
			warns = append(warns, a.Msg)
		}
	}
	if l == nil || h.m.State() != sm.Bound {
		t.Fatalf("no lease applied, state %v:\n%s", h.m.State(),
			h.transcript())
	}

	return l, warns, record
}
