package e2e

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/gopacket/layers"

	"github.com/safedhcp/safedhcp/client/lab"
)

// checkApplied checks the address, routes and MTU of the lease served by
// srv on l's client interface, with `ip -j` and netlink.
func checkApplied(t *testing.T, l *lab.Lab, srv *lab.Server) netip.Prefix {
	t.Helper()
	addrs, err := l.ClientAddrs()
	if err != nil {
		t.Fatal(err)
	}

	if len(addrs) != 1 || !l.Subnet.Contains(addrs[0].Addr()) ||
		addrs[0].Bits() != l.Subnet.Bits() {
		t.Fatalf("client addresses %v, want one in %v", addrs, l.Subnet)
	}

	ipAddrs := ipJSON(t, l, "addr", "show", "dev", l.ClientIf)
	if !strings.Contains(ipAddrs, fmt.Sprintf(`"local":"%v","prefixlen":%d`,
		addrs[0].Addr(), addrs[0].Bits())) {
		t.Errorf("ip -j addr show lacks %v:\n%s", addrs[0], ipAddrs)
	}

	routes, err := l.ClientRoutes()
	if err != nil {
		t.Fatal(err)
	}

	// Option 121 replaces option 3 (RFC 3442 section 3): the served
	// classless routes, and no default route unless one is among them.
	for _, want := range srv.Scope.Routes {
		if !slices.Contains(routes, want) {
			t.Errorf("client routes %v lack %v", routes, want)
		}
	}

	ipRoutes := ipJSON(t, l, "route", "show", "dev", l.ClientIf)
	for _, want := range srv.Scope.Routes {
		if !strings.Contains(ipRoutes, `"dst":"`+want.Dest.String()) &&
			!(want.Dest.Bits() == 0 &&
				strings.Contains(ipRoutes, `"dst":"default"`)) {
			t.Errorf("ip -j route show lacks %v:\n%s", want, ipRoutes)
		}
	}

	mtu, err := l.ClientMTU()
	if err != nil {
		t.Fatal(err)
	}

	if mtu != srv.Scope.MTU {
		t.Errorf("client MTU %d, want %d (option 26)", mtu, srv.Scope.MTU)
	}

	return addrs[0]
}

// ipJSON runs `ip -j ARGS` in the client namespace.
func ipJSON(t *testing.T, l *lab.Lab, args ...string) string {
	t.Helper()
	out, err := l.ClientCommand(t.Context(), "ip",
		append([]string{"-j"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip -j %v: %v\n%s", args, err, out)
	}

	return string(out)
}

// checkResolvConf checks the resolv.conf the client wrote.
func checkResolvConf(t *testing.T, c *client, srv *lab.Server) {
	t.Helper()
	b, err := os.ReadFile(c.resolv)
	if err != nil {
		t.Fatalf("resolv.conf: %v", err)
	}

	var got []string
	for _, line := range strings.Split(string(b), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			got = append(got, line)
		}
	}

	var want []string
	for _, a := range srv.Scope.DNS {
		want = append(want, "nameserver "+a.String())
	}

	want = append(want, "search "+strings.Join(srv.Scope.Search, " "))
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resolv.conf lines (-want +got):\n%s\nfile:\n%s", diff, b)
	}
}

// checkLeaseFile checks that the lease was persisted in the state dir.
func checkLeaseFile(t *testing.T, c *client, l *lab.Lab) {
	t.Helper()
	b, err := os.ReadFile(c.stateDir + "/lease-" + l.ClientIf)
	if err != nil {
		t.Fatalf("lease file: %v", err)
	}

	if len(b) == 0 {
		t.Error("lease file is empty")
	}
}

func TestOneshot(t *testing.T) {
	for _, k := range []lab.Kind{lab.Dnsmasq, lab.Kea, lab.Udhcpd, lab.ISC} {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			l := newLab(t)
			srv := startServer(t, l, k, lab.Scope{
				LeaseTime: 10 * time.Minute,
				Routes: []lab.Route{
					{Dest: netip.MustParsePrefix("192.0.2.0/24"),
						Gateway: l.ServerAddr},
					{Dest: netip.MustParsePrefix("0.0.0.0/0"),
						Gateway: l.ServerAddr},
				},
			})
			c := newClient(t)
			start := time.Now()
			c.start(l, "-1", "-t", "20", "--noarp", "--nodelay")
			if err := c.wait(30 * time.Second); err != nil {
				t.Fatalf("dhcp-client -1: %v\nserver log:\n%s", err,
					srv.Log())
			}

			t.Logf("%s: configured in %v", k, time.Since(start))
			checkApplied(t, l, srv)
			checkResolvConf(t, c, srv)
			checkLeaseFile(t, c, l)
		})
	}
}

// TestOneshotARPProbe runs with the RFC 5227 probe on (the default): the
// first address kea offers is already used by the server's interface, so
// the client must decline it and configure another one (RFC 2131 section
// 4.4.1).
func TestOneshotARPProbe(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	srv := startServer(t, l, lab.Kea, lab.Scope{LeaseTime: 10 * time.Minute})
	taken := l.Subnet.Addr().As4()
	taken[3] = 100 // kea's first pool address in the lab
	takenAddr := netip.AddrFrom4(taken)
	out, err := l.ServerCommand(t.Context(), "ip", "addr", "add",
		netip.PrefixFrom(takenAddr, 32).String(), "dev",
		l.ServerIf).CombinedOutput()
	if err != nil {
		t.Fatalf("ip addr add: %v\n%s", err, out)
	}

	c := newClient(t)
	c.start(l, "-1", "-t", "40", "--nodelay")
	if err := c.wait(45 * time.Second); err != nil {
		t.Fatalf("dhcp-client -1: %v\nserver log:\n%s", err, srv.Log())
	}

	got := checkApplied(t, l, srv)
	if got.Addr() == takenAddr {
		t.Errorf("configured %v, which another host uses", got)
	}

	c.waitLog(time.Second, "address in use", takenAddr.String())
}

// TestDaemonAnnounces checks that a daemon probing addresses (the
// default) claims the one it configures with ANNOUNCE_NUM ARP
// announcements, ANNOUNCE_INTERVAL apart (RFC 5227 section 2.3), after
// probing it with PROBE_NUM probes.
func TestDaemonAnnounces(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	srv := startServer(t, l, lab.Kea, lab.Scope{LeaseTime: 10 * time.Minute})
	pcap := filepath.Join(t.TempDir(), "arp.pcap")
	capt, err := l.CaptureFilter(pcap, "arp")
	if err != nil {
		t.Fatal(err)
	}
	defer capt.Stop()

	c := newClient(t)
	c.start(l, "--nodelay")
	c.waitLog(30*time.Second, "lease applied")
	leased := checkApplied(t, l, srv).Addr()
	time.Sleep(3 * time.Second) // ANNOUNCE_INTERVAL and some
	if err := capt.Stop(); err != nil {
		t.Fatal(err)
	}

	probes, announcements := 0, 0
	for _, a := range readARP(t, pcap) {
		sender, _ := netip.AddrFromSlice(a.SourceProtAddress)
		target, _ := netip.AddrFromSlice(a.DstProtAddress)
		if a.Operation != layers.ARPRequest || target != leased {
			continue
		}
		switch sender {
		case netip.IPv4Unspecified():
			probes++
		case leased:
			announcements++
		}
	}
	if probes != 3 || announcements != 2 {
		t.Errorf("%d probes and %d announcements of %v, want 3 and 2",
			probes, announcements, leased)
	}
}
