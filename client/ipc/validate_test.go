package ipc

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/codec"
)

var testMAC = []byte{2, 0, 0, 0, 0, 1}

// validPayload returns a minimal BOOTREQUEST from testMAC.
func validPayload() []byte {
	b := make([]byte, codec.MinEncodedLen)
	b[0] = byte(codec.BootRequest)
	b[1], b[2] = 1, 6
	copy(b[28:], testMAC)
	copy(b[236:], codec.Cookie)

	return b
}

func TestApplyLeaseValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(m *ApplyLease)
		field string // empty when the lease is valid
	}{
		{"full lease", func(*ApplyLease) {}, ""},
		{"slash 32 with on-link route", func(m *ApplyLease) {
			m.Addr = pfx("198.51.100.7/32")
			m.Routers = ips("192.0.2.1")
			m.Routes = []Route{
				{Dest: pfx("192.0.2.1/32"), Gateway: ip("0.0.0.0")},
				{Dest: pfx("0.0.0.0/0"), Gateway: ip("192.0.2.1")},
			}
		}, ""},
		{"slash 31 network address", func(m *ApplyLease) {
			m.Addr = pfx("192.0.2.0/31")
			m.Routers = ips("192.0.2.1")
			m.Routes = nil
		}, ""},
		{"router reached by classless route", func(m *ApplyLease) {
			m.Routers = ips("203.0.113.1")
			m.Routes = []Route{{Dest: pfx("203.0.113.0/24"),
				Gateway: ip("192.0.2.1")}}
		}, ""},
		{"infinite lifetimes", func(m *ApplyLease) {
			m.ValidLifetime, m.PreferredLifetime = Infinite, Infinite
		}, ""},
		{"no server id", func(m *ApplyLease) { m.ServerID = netip.Addr{} }, ""},
		{"unspecified", func(m *ApplyLease) {
			m.Addr = pfx("0.0.0.0/24")
		}, "Addr"},
		{"loopback", func(m *ApplyLease) {
			m.Addr = pfx("127.0.0.2/8")
		}, "Addr"},
		{"multicast", func(m *ApplyLease) {
			m.Addr = pfx("224.0.0.5/24")
		}, "Addr"},
		{"broadcast", func(m *ApplyLease) {
			m.Addr = pfx("255.255.255.255/32")
		}, "Addr"},
		{"class e", func(m *ApplyLease) {
			m.Addr = pfx("240.0.0.1/24")
		}, "Addr"},
		{"link-local", func(m *ApplyLease) {
			m.Addr = pfx("169.254.3.4/16")
		}, "Addr"},
		{"network address", func(m *ApplyLease) {
			m.Addr = pfx("192.0.2.0/24")
		}, "Addr"},
		{"subnet broadcast", func(m *ApplyLease) {
			m.Addr = pfx("192.0.2.255/24")
		}, "Addr"},
		{"ipv6", func(m *ApplyLease) {
			m.Addr = pfx("2001:db8::1/64")
		}, "Addr"},
		{"router off-link", func(m *ApplyLease) {
			m.Routers = ips("198.18.0.1")
			m.Routes = nil
		}, "Routers"},
		{"router is us", func(m *ApplyLease) {
			m.Routers = ips("192.0.2.10")
		}, "Routers"},
		{"router is subnet broadcast", func(m *ApplyLease) {
			m.Routers = ips("192.0.2.255")
		}, "Routers"},
		{"router multicast", func(m *ApplyLease) {
			m.Routers = ips("224.0.0.1")
		}, "Routers"},
		{"too many routers", func(m *ApplyLease) {
			m.Routers = make([]netip.Addr, MaxRouters+1)
		}, "Routers"},
		{"route gateway off-link", func(m *ApplyLease) {
			m.Routes = []Route{{Dest: pfx("10.0.0.0/8"),
				Gateway: ip("198.18.0.1")}}
		}, "Routes.Gateway"},
		{"route dest not masked", func(m *ApplyLease) {
			m.Routes = []Route{{Dest: pfx("10.0.0.1/8"),
				Gateway: ip("192.0.2.1")}}
		}, "Routes.Dest"},
		{"route dest duplicate", func(m *ApplyLease) {
			m.Routes = append(m.Routes, m.Routes[0])
		}, "Routes.Dest"},
		{"route dest loopback", func(m *ApplyLease) {
			m.Routes = []Route{{Dest: pfx("127.0.0.0/8"),
				Gateway: ip("192.0.2.1")}}
		}, "Routes.Dest"},
		{"route dest multicast", func(m *ApplyLease) {
			m.Routes = []Route{{Dest: pfx("239.1.0.0/16"),
				Gateway: ip("192.0.2.1")}}
		}, "Routes.Dest"},
		{"too many routes", func(m *ApplyLease) {
			m.Routes = make([]Route, MaxRoutes+1)
		}, "Routes"},
		{"dns loopback", func(m *ApplyLease) {
			m.DNS = ips("127.0.0.53")
		}, "DNS"},
		{"dns broadcast", func(m *ApplyLease) {
			m.DNS = ips("255.255.255.255")
		}, "DNS"},
		{"too many dns", func(m *ApplyLease) {
			m.DNS = make([]netip.Addr, MaxDNS+1)
		}, "DNS"},
		{"search with newline", func(m *ApplyLease) {
			m.Search = []string{"example.com\nnameserver 1.2.3.4"}
		}, "Search"},
		{"search with space", func(m *ApplyLease) {
			m.Search = []string{"a b"}
		}, "Search"},
		{"too many search", func(m *ApplyLease) {
			m.Search = make([]string, MaxSearch+1)
		}, "Search"},
		{"domain empty label", func(m *ApplyLease) {
			m.Domain = "example..com"
		}, "Domain"},
		{"domain long label", func(m *ApplyLease) {
			m.Domain = strings.Repeat("a", 64) + ".com"
		}, "Domain"},
		{"mtu small", func(m *ApplyLease) { m.MTU = 67 }, "MTU"},
		{"mtu below 576", func(m *ApplyLease) { m.MTU = 575 }, "MTU"},
		{"mtu 576", func(m *ApplyLease) { m.MTU = 576 }, ""},
		{"mtu over policy", func(m *ApplyLease) { m.MTU = 9001 }, "MTU"},
		{"zero lifetime", func(m *ApplyLease) {
			m.ValidLifetime, m.PreferredLifetime = 0, 0
		}, "ValidLifetime"},
		{"preferred over valid", func(m *ApplyLease) {
			m.PreferredLifetime = m.ValidLifetime + 1
		}, "PreferredLifetime"},
		{"server id multicast", func(m *ApplyLease) {
			m.ServerID = ip("224.0.0.1")
		}, "ServerID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fullLease()
			tt.edit(m)
			err := m.Validate(Policy{MaxMTU: 9000})
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			checkFieldErr(t, err, TypeApplyLease, tt.field, ErrPolicy)
		})
	}
}

// TestApplyLeaseMTU checks the MTU bounds of a lease and that the
// refusal names the bound that was crossed, with or without a maximum.
func TestApplyLeaseMTU(t *testing.T) {
	tests := []struct {
		name string
		mtu  uint16
		max  uint16
		want string // the error, "" when accepted
	}{
		{"no MTU", 0, 0, ""},
		{"minimum", 576, 0, ""},
		{"no maximum", 65535, 0, ""},
		{"at the maximum", 9000, 9000, ""},
		{"tiny without a maximum", 20, 0, `ipc: ApplyLease field "MTU": ` +
			`ipc: refused by policy: 20 below the minimum 576`},
		{"RFC 2132 minimum", 68, 9000, `ipc: ApplyLease field "MTU": ` +
			`ipc: refused by policy: 68 below the minimum 576`},
		{"over the maximum", 9001, 9000, `ipc: ApplyLease field "MTU": ` +
			`ipc: refused by policy: 9001 above the maximum 9000`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fullLease()
			m.MTU = tt.mtu
			got := ""
			if err := m.Validate(Policy{MaxMTU: tt.max}); err != nil {
				got = err.Error()
			}

			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSendPayloadValidate(t *testing.T) {
	leased := Policy{HWAddr: testMAC, Leased: ip("192.0.2.10"),
		Server: ip("192.0.2.1")}
	bcast := func() *SendPayload {
		return &SendPayload{Broadcast: true, Dst: ip("255.255.255.255"),
			Src: ip("0.0.0.0"), Payload: validPayload()}
	}
	tests := []struct {
		name  string
		p     Policy
		edit  func(m *SendPayload)
		field string
	}{
		{"broadcast", Policy{HWAddr: testMAC}, func(*SendPayload) {}, ""},
		{"broadcast from lease", leased, func(m *SendPayload) {
			m.Src = ip("192.0.2.10")
		}, ""},
		{"unicast renewal", leased, func(m *SendPayload) {
			m.Broadcast, m.Dst, m.Src = false, ip("192.0.2.1"), ip("192.0.2.10")
		}, ""},
		{"unicast without lease", Policy{HWAddr: testMAC},
			func(m *SendPayload) {
				m.Broadcast, m.Dst, m.Src = false, ip("192.0.2.1"),
					ip("192.0.2.10")
			}, "Src"},
		{"unicast from other address", leased, func(m *SendPayload) {
			m.Broadcast, m.Dst, m.Src = false, ip("192.0.2.1"), ip("192.0.2.11")
		}, "Src"},
		{"unicast to another server", leased, func(m *SendPayload) {
			m.Broadcast, m.Dst, m.Src = false, ip("192.0.2.2"), ip("192.0.2.10")
		}, "Dst"},
		{"unicast to the internet", leased, func(m *SendPayload) {
			m.Broadcast, m.Dst, m.Src = false, ip("8.8.8.8"), ip("192.0.2.10")
		}, "Dst"},
		{"unicast with a lease without server", Policy{HWAddr: testMAC,
			Leased: ip("192.0.2.10")}, func(m *SendPayload) {
			m.Broadcast, m.Dst, m.Src = false, ip("192.0.2.1"), ip("192.0.2.10")
		}, "Dst"},
		{"relayed", leased, func(m *SendPayload) {
			copy(m.Payload[24:28], []byte{203, 0, 113, 9})
		}, "Payload"},
		{"unicast to multicast", leased, func(m *SendPayload) {
			m.Broadcast, m.Dst, m.Src = false, ip("224.0.0.1"), ip("192.0.2.10")
		}, "Dst"},
		{"broadcast to unicast", leased, func(m *SendPayload) {
			m.Dst = ip("192.0.2.1")
		}, "Dst"},
		{"broadcast from stranger", leased, func(m *SendPayload) {
			m.Src = ip("192.0.2.99")
		}, "Src"},
		{"bootreply", leased, func(m *SendPayload) {
			m.Payload[0] = byte(codec.BootReply)
		}, "Payload"},
		{"short", leased, func(m *SendPayload) {
			m.Payload = m.Payload[:MinPayloadLen-1]
		}, "Payload"},
		{"over policy size", Policy{HWAddr: testMAC, MaxPayload: 576},
			func(m *SendPayload) {
				m.Payload = append(m.Payload, make([]byte, 300)...)
			}, "Payload"},
		{"other chaddr", leased, func(m *SendPayload) {
			m.Payload[33] = 9
		}, "Payload"},
		{"chaddr padding", leased, func(m *SendPayload) {
			m.Payload[40] = 1
		}, "Payload"},
		{"hlen", leased, func(m *SendPayload) { m.Payload[2] = 16 }, "Payload"},
		{"no mac in policy", Policy{}, func(*SendPayload) {}, "Payload"},
		{"oversized mac in policy", Policy{HWAddr: make([]byte, 17)},
			func(m *SendPayload) { m.Payload[2] = 17 }, "Payload"},
		{"cookie", leased, func(m *SendPayload) {
			m.Payload[239] = 0
		}, "Payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := bcast()
			tt.edit(m)
			err := m.Validate(tt.p)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			checkFieldErr(t, err, TypeSendPayload, tt.field, ErrPolicy)
		})
	}
}

func TestAddressRequestsValidate(t *testing.T) {
	tests := []struct {
		name string
		m    interface{ Validate(Policy) error }
		ok   bool
	}{
		{"remove", &RemoveLease{Addr: pfx("192.0.2.10/24")}, true},
		{"remove network", &RemoveLease{Addr: pfx("192.0.2.0/24")}, false},
		{"remove invalid", &RemoveLease{}, false},
		{"probe", &ProbeAddress{Addr: ip("192.0.2.10")}, true},
		{"probe broadcast", &ProbeAddress{Addr: ip("255.255.255.255")}, false},
		{"probe zero", &ProbeAddress{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate(Policy{})
			if tt.ok != (err == nil) {
				t.Errorf("Validate = %v, want ok %v", err, tt.ok)
			}

			if err != nil && !errors.Is(err, ErrPolicy) {
				t.Errorf("error %v does not wrap ErrPolicy", err)
			}
		})
	}
}

func TestValidName(t *testing.T) {
	tests := map[string]bool{
		"example.com": true, "a": true, "a-b.c0": true, "EXAMPLE.Com": true,
		"": false, ".": false, "a.": false, ".a": false, "-a": false,
		"a-": false, "a-.b": false, "a..b": false, "a_b": false,
		"a b": false, "a\n": false, "é.com": false,
		strings.Repeat("a", 63): true, strings.Repeat("a", 64): false,
		strings.Repeat("a.", 126) + "a": true,
		strings.Repeat("a.", 127) + "a": false,
	}
	for name, want := range tests {
		t.Run(fmt.Sprintf("%.20q", name), func(t *testing.T) {
			if got := ValidName(name); got != want {
				t.Errorf("ValidName(%q) = %v, want %v", name, got, want)
			}
		})
	}
}
