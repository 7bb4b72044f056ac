package engine

import (
	"bytes"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/codec"
)

// nAddrs returns n addresses counting up from first.
func nAddrs(first string, n int) []netip.Addr {
	as := make([]netip.Addr, n)
	a := netip.MustParseAddr(first)
	for i := range as {
		as[i] = a
		a = a.Next()
	}

	return as
}

// nNames returns n search names s0.example, s1.example, ...
func nNames(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("s%d.example", i)
	}

	return s
}

// nRoutes returns the default route and n-1 routes to 172.16.i.0/24,
// all through the test server.
func nRoutes(n int) []ipc.Route {
	rs := make([]ipc.Route, n)
	for i := range rs {
		rs[i] = ipc.Route{Gateway: serverAddr,
			Dest: netip.PrefixFrom(netip.IPv4Unspecified(), 0)}
		if i > 0 {
			rs[i].Dest = netip.PrefixFrom(
				netip.AddrFrom4([4]byte{172, 16, byte(i), 0}), 24)
		}
	}

	return rs
}

func TestFitLimits(t *testing.T) {
	type lens struct{ Routers, Routes, DNS, Search, MTU int }
	tests := []struct {
		name     string
		in       ipc.ApplyLease
		want     lens
		wantCuts []cut
	}{
		{"within bounds",
			ipc.ApplyLease{Routers: nAddrs("10.0.0.2", ipc.MaxRouters),
				DNS:    nAddrs("10.0.1.1", ipc.MaxDNS),
				Search: nNames(ipc.MaxSearch)},
			lens{ipc.MaxRouters, 0, ipc.MaxDNS, ipc.MaxSearch, 0}, nil},
		{"all routes at the bound",
			ipc.ApplyLease{Routes: nRoutes(ipc.MaxRoutes)},
			lens{0, ipc.MaxRoutes, 0, 0, 0}, nil},
		{"long address and name lists",
			ipc.ApplyLease{Routers: nAddrs("10.0.0.2", 10),
				DNS: nAddrs("10.0.1.1", 20), Search: nNames(12)},
			lens{ipc.MaxRouters, 0, ipc.MaxDNS, ipc.MaxSearch, 0},
			[]cut{{"Routers", 10, ipc.MaxRouters},
				{"DNS", 20, ipc.MaxDNS}, {"Search", 12, ipc.MaxSearch}}},
		{"one route too many",
			ipc.ApplyLease{Routes: nRoutes(ipc.MaxRoutes + 1)},
			lens{0, 0, 0, 0, 0}, []cut{{"Routes", ipc.MaxRoutes + 1, 0}}},
		{"MTU below the minimum",
			ipc.ApplyLease{MTU: 68}, lens{}, []cut{{"MTU", 68, 0}}},
		{"MTU at the minimum",
			ipc.ApplyLease{MTU: 576}, lens{MTU: 576}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.in
			cuts := fitLimits(&r)
			if diff := cmp.Diff(tt.wantCuts, cuts,
				cmp.AllowUnexported(cut{})); diff != "" {
				t.Errorf("cuts (-want +got):\n%s", diff)
			}

			got := lens{len(r.Routers), len(r.Routes), len(r.DNS),
				len(r.Search), int(r.MTU)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("list lengths and MTU (-want +got):\n%s", diff)
			}
		})
	}
}

// routes121 encodes routes as option 121 data (RFC 3442 section 2).
func routes121(rs []ipc.Route) []byte {
	var b []byte
	for _, r := range rs {
		dst, gw := r.Dest.Addr().As4(), r.Gateway.As4()
		b = append(b, byte(r.Dest.Bits()))
		b = append(b, dst[:(r.Dest.Bits()+7)/8]...)
		b = append(b, gw[:]...)
	}

	return b
}

// search119 encodes names as option 119 data, uncompressed (RFC 3397
// section 2, RFC 1035 section 3.1).
func search119(names []string) []byte {
	var b []byte
	for _, n := range names {
		for _, l := range strings.Split(n, ".") {
			b = append(b, byte(len(l)))
			b = append(b, l...)
		}
		b = append(b, 0)
	}

	return b
}

// TestLongListsPassPolicy feeds the engine an ACK with more DNS servers,
// search names and classless routes than ipc admits, and checks that the
// ApplyLease it sends passes the privileged side's policy, so that the
// lease is applied instead of the engine being restarted in a loop.
func TestLongListsPassPolicy(t *testing.T) {
	tests := []struct {
		name       string
		routes     int
		wantRoutes int
	}{
		{"40 routes: none applied", 40, 0},
		{"32 routes: all applied", ipc.MaxRoutes, ipc.MaxRoutes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dns, search := nAddrs("10.0.1.1", 20), nNames(12)
			var logs bytes.Buffer
			apply := longLease(t, &logs, func(o *codec.Options) error {
				if err := o.SetAddrs(codec.OptDNSServer, dns); err != nil {
					return err
				}

				err := o.Set(codec.OptDomainSearch, search119(search))
				if err != nil {
					return err
				}

				return o.Set(codec.OptClasslessRoute,
					routes121(nRoutes(tt.routes)))
			})

			if err := apply.Validate(ipc.Policy{HWAddr: testMAC[:]}); err != nil {
				t.Fatalf("ApplyLease fails policy: %v", err)
			}

			if diff := cmp.Diff(dns[:ipc.MaxDNS], apply.DNS,
				cmp.Comparer(func(a, b netip.Addr) bool {
					return a == b
				})); diff != "" {
				t.Errorf("DNS (-want +got):\n%s", diff)
			}

			if diff := cmp.Diff(search[:ipc.MaxSearch],
				apply.Search); diff != "" {
				t.Errorf("Search (-want +got):\n%s", diff)
			}

			if got := len(apply.Routes); got != tt.wantRoutes {
				t.Errorf("%d routes applied, want %d", got, tt.wantRoutes)
			}

			for _, w := range []string{"field=DNS got=20 kept=8",
				"field=Search got=12 kept=8"} {
				if !strings.Contains(logs.String(), w) {
					t.Errorf("log lacks %q:\n%s", w, logs.String())
				}
			}

			routeWarn := fmt.Sprintf("field=Routes got=%d kept=0",
				tt.routes)
			warned := strings.Contains(logs.String(), routeWarn)
			if warned != (tt.wantRoutes == 0) {
				t.Errorf("route warning %v, want %v:\n%s", warned,
					tt.wantRoutes == 0, logs.String())
			}
		})
	}
}

// longLease runs a DORA exchange whose ACK edit changes, logging to
// logs, and returns the ApplyLease the engine sent.
func longLease(t *testing.T, logs *bytes.Buffer,
	edit func(*codec.Options) error) *ipc.ApplyLease {
	t.Helper()
	var sent []ipc.Request
	init := &ipc.Init{IfIndex: 2, IfName: "eth0", HWAddr: testMAC[:],
		MTU: 1500}
	e, err := New(init, rand.New(rand.NewPCG(1, 2)),
		func(r ipc.Request) error {
			sent = append(sent, r)

			return nil
		}, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.tm.stop)

	now := time.Now()
	if err := e.Start(now, nil); err != nil {
		t.Fatal(err)
	}

	offer := reply(t, lastSend(t, sent), codec.Offer)
	if err := e.Event(now, &ipc.Frame{Data: offer}); err != nil {
		t.Fatal(err)
	}

	ack := replyWith(t, lastSend(t, sent), codec.Ack, edit)
	sent = nil
	if err := e.Event(now, &ipc.Frame{Data: ack}); err != nil {
		t.Fatal(err)
	}

	for _, r := range sent {
		if a, ok := r.(*ipc.ApplyLease); ok {
			return a
		}
	}

	t.Fatalf("after ACK: requests %v, want an ApplyLease", types(sent))

	return nil
}

// TestSmallMTUDropped feeds the engine an ACK whose option 26 is below
// the 576 octets the privileged side accepts (RFC 2132 section 5.1
// allows 68): the ApplyLease goes without an MTU, with a warning, so
// that a rogue server cannot make the supervisor refuse the lease and
// kill the engine. MTUs from 576 up pass unchanged.
func TestSmallMTUDropped(t *testing.T) {
	tests := []struct {
		name string
		mtu  uint16
		want uint16
	}{
		{"RFC 2132 minimum", 68, 0},
		{"one below 576", 575, 0},
		{"576", 576, 576},
		{"1400", 1400, 1400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			apply := longLease(t, &logs, func(o *codec.Options) error {
				return o.SetUint16(codec.OptInterfaceMTU, tt.mtu)
			})

			err := apply.Validate(ipc.Policy{HWAddr: testMAC[:]})
			if err != nil {
				t.Fatalf("ApplyLease fails policy: %v", err)
			}

			if apply.MTU != tt.want {
				t.Errorf("ApplyLease MTU %d, want %d", apply.MTU, tt.want)
			}

			warn := fmt.Sprintf("level=WARN msg=\"lease MTU below the "+
				"privileged side's minimum; applying the lease without "+
				"it\" mtu=%d min=576", tt.mtu)
			warned := strings.Contains(logs.String(), warn)
			if warned != (tt.want == 0) {
				t.Errorf("warning %v, want %v:\n%s", warned, tt.want == 0,
					logs.String())
			}
		})
	}
}
