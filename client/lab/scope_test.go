package lab

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRoutes121(t *testing.T) {
	gw := netip.MustParseAddr("10.77.1.1")
	tests := []struct {
		name   string
		routes []Route
		want   []byte
	}{
		{"default", []Route{{netip.MustParsePrefix("0.0.0.0/0"), gw}},
			[]byte{0, 10, 77, 1, 1}},
		{"slash24", []Route{{netip.MustParsePrefix("192.0.2.0/24"), gw}},
			[]byte{24, 192, 0, 2, 10, 77, 1, 1}},
		{"slash9", []Route{{netip.MustParsePrefix("10.128.0.0/9"), gw}},
			[]byte{9, 10, 128, 10, 77, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, routes121(tt.routes)); diff != "" {
				t.Errorf("routes121 (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScopeCheck(t *testing.T) {
	srv := netip.MustParseAddr("10.77.1.1")
	tests := []struct {
		name  string
		scope Scope
		err   string
	}{
		{"defaults", Scope{}, ""},
		{"short lease", Scope{LeaseTime: time.Millisecond}, "lease time"},
		{"injected name", Scope{Domain: "a\ndhcp-range=x"}, "bad name"},
		{"quote in host", Scope{HostName: `x"y`}, "bad name"},
		{"small mtu", Scope{MTU: 67}, "mtu"},
		{"timers", Scope{LeaseTime: time.Minute,
			RenewalTime:   10 * time.Second,
			RebindingTime: 20 * time.Second}, ""},
		{"T1 after T2", Scope{RenewalTime: 20 * time.Second,
			RebindingTime: 10 * time.Second}, "not before"},
		{"T2 past the lease", Scope{LeaseTime: time.Minute,
			RebindingTime: time.Minute}, "out of range"},
		{"T1 under a second", Scope{RenewalTime: time.Millisecond},
			"out of range"},
		{"v6 router", Scope{Routers: []netip.Addr{
			netip.MustParseAddr("::1")}}, "not IPv4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.scope.withDefaults(srv).check()
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("check: %v", err)
			case tt.err != "" && (err == nil ||
				!strings.Contains(err.Error(), tt.err)):
				t.Errorf("check = %v, want error with %q", err, tt.err)
			}
		})
	}
}

func TestRenderTemplates(t *testing.T) {
	n := network{
		Iface:     "sdl1-0s",
		Subnet:    netip.MustParsePrefix("10.77.5.0/24"),
		Server:    netip.MustParseAddr("10.77.5.1"),
		LeaseFile: "/tmp/leases",
		PidFile:   "/tmp/pid",
	}
	s := Scope{LeaseTime: 20 * time.Second}.withDefaults(n.Server)
	want := map[Kind][]string{
		Dnsmasq: {"dhcp-range=10.77.5.100,10.77.5.200,255.255.255.0,20",
			"classless-static-route,0.0.0.0/0,10.77.5.1,192.0.2.0/24,10.77.5.1"},
		Kea: {`"valid-lifetime": 20,`, `"data": "000A4D050118C000020A4D0501"`},
		ISC: {"subnet 10.77.5.0 netmask 255.255.255.0",
			`option domain-search "lab.example", "example.net";`,
			"0, 10, 77, 5, 1, 24, 192, 0, 2, 10, 77, 5, 1;"},
		Udhcpd: {"option lease 20",
			"option staticroutes 0.0.0.0/0 10.77.5.1 192.0.2.0/24 10.77.5.1"},
	}
	for _, k := range Kinds {
		t.Run(string(k), func(t *testing.T) {
			b, err := render("../../testdata/lab", k, s, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range want[k] {
				if !strings.Contains(string(b), w) {
					t.Errorf("config lacks %q:\n%s", w, b)
				}
			}
		})
	}
}

func TestRenderAuthority(t *testing.T) {
	n := network{
		Iface:  "sdl1-0s",
		Subnet: netip.MustParsePrefix("10.77.5.0/24"),
		Server: netip.MustParseAddr("10.77.5.1"),
	}
	tests := []struct {
		kind    Kind
		notAuth bool
		want    string // a line the configuration holds
		absent  string // a line it must not hold
	}{
		{Dnsmasq, false, "\ndhcp-authoritative\n", ""},
		{Dnsmasq, true, "", "dhcp-authoritative"},
		{Kea, false, `"authoritative": true,`, ""},
		{Kea, true, `"authoritative": false,`, ""},
		{ISC, false, "\nauthoritative;\n", "not authoritative"},
		{ISC, true, "\nnot authoritative;\n", ""},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s/notauth=%v", tt.kind, tt.notAuth)
		t.Run(name, func(t *testing.T) {
			s := Scope{NotAuthoritative: tt.notAuth}.withDefaults(n.Server)
			b, err := render("../../testdata/lab", tt.kind, s, n)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != "" && !strings.Contains(string(b), tt.want) {
				t.Errorf("config lacks %q:\n%s", tt.want, b)
			}
			if tt.absent != "" && strings.Contains(string(b), tt.absent) {
				t.Errorf("config holds %q:\n%s", tt.absent, b)
			}
		})
	}
}

// TestRenderTimers checks that every server sends T1 and T2 when the
// scope sets them (RFC 2132 sections 9.11 and 9.12), and none of its
// own settings for them when it does not.
func TestRenderTimers(t *testing.T) {
	n := network{
		Iface:  "sdl1-0s",
		Subnet: netip.MustParsePrefix("10.77.5.0/24"),
		Server: netip.MustParseAddr("10.77.5.1"),
	}
	want := map[Kind][]string{
		Dnsmasq: {"\ndhcp-option=option:T1,10\n",
			"\ndhcp-option=option:T2,20\n"},
		Kea: {`"renew-timer": 10,`, `"rebind-timer": 20,`},
		ISC: {"option dhcp-renewal-time 10;",
			"option dhcp-rebinding-time 20;"},
		Udhcpd: {"\noption 0x3a 0000000a\n", "\noption 0x3b 00000014\n"},
	}
	for _, k := range Kinds {
		t.Run(string(k), func(t *testing.T) {
			s := Scope{LeaseTime: time.Minute, RenewalTime: 10 * time.Second,
				RebindingTime: 20 * time.Second}.withDefaults(n.Server)
			b, err := render("../../testdata/lab", k, s, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range want[k] {
				if !strings.Contains(string(b), w) {
					t.Errorf("config lacks %q:\n%s", w, b)
				}
			}

			s.RenewalTime, s.RebindingTime = 0, 0
			if b, err = render("../../testdata/lab", k, s, n); err != nil {
				t.Fatal(err)
			}
			for _, w := range want[k] {
				if strings.Contains(string(b), strings.TrimSpace(w)) {
					t.Errorf("config without timers holds %q:\n%s", w, b)
				}
			}
		})
	}
}
