package interop

import (
	"net/netip"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/lab"
	"github.com/safedhcp/safedhcp/codec"
)

// matrixTable is the summary table of the interoperability matrix.
const matrixTable = "1 interoperability matrix"

// matrixScope is the scope of the matrix for server k: T1 at 10 s and
// T2 at 17.5 to 20 s. dnsmasq raises leases under two minutes, so it
// gets a two-minute lease with T1 and T2 set (RFC 2132 sections 9.11
// and 9.12); the others a 20-second lease and their own T1 and T2.
func matrixScope(k lab.Kind) lab.Scope {
	if k == lab.Dnsmasq {
		return lab.Scope{LeaseTime: 2 * time.Minute,
			RenewalTime: 10 * time.Second, RebindingTime: 20 * time.Second}
	}

	return lab.Scope{LeaseTime: 20 * time.Second}
}

// TestMatrix runs each lab server through the life of a lease: oneshot
// acquire (RFC 2131 section 4.4.1), renew at T1 (section 4.4.5), rebind
// at T2 after the server moved to another address, DHCPNAK of an
// INIT-REBOOT for an address of another subnet (sections 3.2 and 4.3.2)
// and DHCPRELEASE on exit (section 4.4.6).
func TestMatrix(t *testing.T) {
	for _, k := range lab.Kinds {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			runMatrix(t, k)
		})
	}
}

// runMatrix runs the matrix steps for server k in one lab, in order:
// each step starts from the state the one before left.
func runMatrix(t *testing.T, k lab.Kind) {
	l := newLab(t, "")
	srv, err := l.StartServer(k, matrixScope(k))
	if err != nil {
		t.Fatalf("starting %s: %v", k, err)
	}

	first := newClient(t)
	ok := t.Run("acquire", func(t *testing.T) {
		outcome(t, matrixTable, string(k), "acquire", "")
		acquire(t, l, srv, first.reportTo(t))
	})

	var c *client
	ok = ok && t.Run("renew", func(t *testing.T) {
		outcome(t, matrixTable, string(k), "renew", "unicast at T1")
		c = renew(t, l, srv, first)
	})

	ok = ok && t.Run("rebind", func(t *testing.T) {
		outcome(t, matrixTable, string(k), "rebind",
			"broadcast at T2, server moved to .2")
		rebind(t, l, srv, c.reportTo(t))
	})

	ok = ok && t.Run("forgotten", func(t *testing.T) {
		forgotten(t, l, srv, c.reportTo(t))
	})

	ok = ok && t.Run("nak", func(t *testing.T) {
		outcome(t, matrixTable, string(k), "nak",
			"NAK to INIT-REBOOT from another subnet")
		c, srv = nak(t, l, srv, c.reportTo(t))
	})

	if !ok {
		record(matrixTable, string(k), "release", "not run")
		return
	}

	t.Run("release", func(t *testing.T) {
		outcome(t, matrixTable, string(k), "release", "")
		release(t, l, srv, c.reportTo(t))
	})
}

// acquire takes a lease with dhcp-client -1 and checks what it applied.
func acquire(t *testing.T, l *lab.Lab, srv *lab.Server, c *client) {
	c.start(l, "-1", "-t", "20", "--noarp", "--nodelay")
	if err := c.wait(30 * time.Second); err != nil {
		t.Fatalf("dhcp-client -1: %v\nserver log:\n%s", err, srv.Log())
	}

	checkServed(t, l, srv)
	got := strings.Join(resolvLines(t, c.resolv), "\n")
	want := "nameserver " + l.ServerAddr.String()
	if !strings.Contains(got, want) ||
		!strings.Contains(got, "search lab.example example.net") {
		t.Errorf("resolv.conf:\n%s\nwant %q and the search list", got, want)
	}
}

// renew starts a daemon from the oneshot's state: it reboots into the
// same lease (RFC 2131 section 3.2) and renews it at T1.
func renew(t *testing.T, l *lab.Lab, srv *lab.Server,
	first *client) *client {
	before := checkServed(t, l, srv)
	pcap := filepath.Join(t.TempDir(), "renew.pcap")
	capt, err := l.Capture(pcap)
	if err != nil {
		t.Fatal(err)
	}
	defer capt.Stop()

	c := first.again(t)
	c.start(l, "--noarp", "--nodelay")
	c.waitLog(15*time.Second, "from=REBOOTING", "to=BOUND")
	c.waitLog(matrixScope(srv.Kind).LeaseTime, "from=BOUND", "to=RENEWING")
	c.waitLog(10*time.Second, "from=RENEWING", "to=BOUND")
	if after := checkServed(t, l, srv); after != before {
		t.Errorf("address after renewal %v, want %v", after, before)
	}

	if err := capt.Stop(); err != nil {
		t.Fatal(err)
	}
	a := before.Addr()
	want := sent{Src: a, Dst: l.ServerAddr, Type: codec.Request, CIAddr: a}
	if got := readSent(t, pcap); !slices.Contains(got, want) {
		t.Errorf("no unicast renewal %+v in the capture: %+v", want, got)
	}

	return c
}

// rebind moves the server to another address in the subnet: the
// unicast renewal to the old address goes unanswered, and the broadcast
// DHCPREQUEST at T2 reaches the server at its new address (RFC 2131
// section 4.4.5).
func rebind(t *testing.T, l *lab.Lab, srv *lab.Server, c *client) {
	before := checkServed(t, l, srv)
	pcap := filepath.Join(t.TempDir(), "rebind.pcap")
	capt, err := l.Capture(pcap)
	if err != nil {
		t.Fatal(err)
	}
	defer capt.Stop()

	mark := c.lines()
	srv.Stop()
	moved := l.ServerAddr.Next()
	readdress(t, l, netip.PrefixFrom(moved, l.Subnet.Bits()))
	if err := srv.Restart(); err != nil {
		t.Fatalf("restarting %s at %v: %v", srv.Kind, moved, err)
	}

	if _, ok := c.findLog(40*time.Second, mark, "to=REBINDING"); !ok {
		t.Fatal("no REBINDING after the server moved")
	}
	if _, ok := c.findLog(10*time.Second, mark, "from=REBINDING",
		"to=BOUND"); !ok {
		t.Fatalf("no DHCPACK while REBINDING; server log:\n%s", srv.Log())
	}

	if after := checkServed(t, l, srv); after != before {
		t.Errorf("address after rebinding %v, want %v", after, before)
	}

	if err := capt.Stop(); err != nil {
		t.Fatal(err)
	}
	a := before.Addr()
	bcast := netip.AddrFrom4([4]byte{255, 255, 255, 255})
	want := sent{Src: a, Dst: bcast, Type: codec.Request, CIAddr: a}
	if got := readSent(t, pcap); !slices.Contains(got, want) {
		t.Errorf("no broadcast rebinding %+v in the capture: %+v", want,
			got)
	}
}

// forgotten restarts the server with an empty lease database while the
// client is bound and records what the server makes of the next
// renewal: a DHCPNAK, a fresh DHCPACK, or silence until the client
// rebinds or starts over (RFC 2131 section 4.3.2 leaves it to the
// server). Whatever it does, the client must end up bound.
func forgotten(t *testing.T, l *lab.Lab, srv *lab.Server, c *client) {
	var seen string
	t.Cleanup(func() {
		switch {
		case t.Failed():
			seen = "FAIL"
		case seen == "":
			seen = "?"
		}
		record(matrixTable, string(srv.Kind), "renew, leases forgotten", seen)
	})

	if err := srv.ForgetLeases(); err != nil {
		t.Fatal(err)
	}
	mark := c.lines()
	if _, ok := c.findLog(30*time.Second, mark, "from=BOUND",
		"to=RENEWING"); !ok {
		t.Fatal("no renewal after the server forgot its leases")
	}

	line, ok := c.findLog(40*time.Second, mark, "to=BOUND")
	if !ok {
		t.Fatalf("not bound again; server log:\n%s", srv.Log())
	}

	log := strings.Join(strings.Split(c.logText(), "\n")[mark:], "\n")
	switch {
	case strings.Contains(log, "DHCPNAK received"):
		seen = "NAK, new lease"
	case strings.Contains(line, "from=RENEWING"):
		seen = "ACK (re-granted)"
	case strings.Contains(line, "from=REBINDING"):
		seen = "silent, ACK at rebind"
	case strings.Contains(log, `msg="lease removed"`):
		seen = "silent, expired, new lease"
	default:
		seen = "silent, new lease"
	}
	waitAddr(t, l, l.Subnet, 5*time.Second)
}

// nak stops the daemon, moves the server to another subnet and starts
// the daemon again: its INIT-REBOOT DHCPREQUEST for the old address is
// on the wrong network, the authoritative server answers DHCPNAK, and
// the client takes a new lease in the new subnet (RFC 2131 sections
// 3.2 and 4.3.2).
func nak(t *testing.T, l *lab.Lab, srv *lab.Server,
	c *client) (*client, *lab.Server) {
	c.signal(syscall.SIGTERM)
	if err := c.wait(10 * time.Second); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
	srv.Stop()
	old := checkServed(t, l, srv).Addr()

	// The lab's server fields are what the next StartServer renders.
	b := l.Subnet.Addr().As4()
	b[1]++
	l.Subnet = netip.PrefixFrom(netip.AddrFrom4(b), l.Subnet.Bits())
	b[3] = 1
	l.ServerAddr = netip.AddrFrom4(b)
	readdress(t, l, netip.PrefixFrom(l.ServerAddr, l.Subnet.Bits()))
	srv2, err := l.StartServer(srv.Kind, matrixScope(srv.Kind))
	if err != nil {
		t.Fatalf("starting %s in %v: %v", srv.Kind, l.Subnet, err)
	}

	c2 := c.again(t)
	c2.start(l, "--noarp", "--nodelay", "--release")
	c2.waitLog(10*time.Second, "from=INIT-REBOOT", "to=REBOOTING")
	line := c2.waitLog(15*time.Second, "from=REBOOTING", "to=INIT")
	c2.waitLog(30*time.Second, "from=REQUESTING", "to=BOUND")
	c2.waitLog(5*time.Second, `msg="lease applied"`)
	checkNakApplied(t, l, srv2, old)
	t.Logf("%s: %s", srv.Kind, line)

	return c2, srv2
}

// checkNakApplied checks that the new lease of srv is applied and old,
// the address the DHCPNAK refused, is gone (RFC 2131 section 3.2 step
// 3: the client must stop using it).
func checkNakApplied(t *testing.T, l *lab.Lab, srv *lab.Server,
	old netip.Addr) {
	t.Helper()
	a := readApplied(t, l)
	kept := slices.ContainsFunc(a.Addrs, func(p netip.Prefix) bool {
		return p.Addr() == old
	})
	if kept {
		t.Errorf("refused address %v still on the interface: %v", old,
			a.Addrs)
	}

	checkServed(t, l, srv)
}

// release ends the daemon started with --release: it unicasts a
// DHCPRELEASE to the server from the leased address and takes the
// address off (RFC 2131 sections 4.4.4 and 4.4.6). Servers that log
// (dnsmasq, kea) must log the release; dhcpd logs to syslog only and
// udhcpd not at all, so for them the capture is the evidence.
func release(t *testing.T, l *lab.Lab, srv *lab.Server, c *client) {
	var leased netip.Prefix
	for _, p := range readApplied(t, l).Addrs {
		if l.Subnet.Contains(p.Addr()) {
			leased = p
		}
	}
	if !leased.IsValid() {
		t.Fatalf("no address in %v before the release", l.Subnet)
	}

	pcap := filepath.Join(t.TempDir(), "release.pcap")
	capt, err := l.Capture(pcap)
	if err != nil {
		t.Fatal(err)
	}

	c.signal(syscall.SIGTERM)
	if err := c.wait(10 * time.Second); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
	if err := capt.Stop(); err != nil {
		t.Fatal(err)
	}

	want := sent{Src: leased.Addr(), Dst: l.ServerAddr,
		Type: codec.Release, CIAddr: leased.Addr(), ServerID: l.ServerAddr}
	if got := readSent(t, pcap); !slices.Contains(got, want) {
		t.Errorf("no %+v in the capture: %+v", want, got)
	}

	c.waitLog(time.Second, `msg="lease removed"`)
	for _, p := range readApplied(t, l).Addrs {
		if p == leased {
			t.Errorf("released address %v still on the interface", p)
		}
	}

	if srv.Kind == lab.ISC || srv.Kind == lab.Udhcpd {
		return
	}

	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(strings.ToUpper(srv.Log()), "RELEASE") {
		if time.Now().After(deadline) {
			t.Fatalf("the server logged no release:\n%s", srv.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// readdress replaces the server interface's addresses with p.
func readdress(t *testing.T, l *lab.Lab, p netip.Prefix) {
	t.Helper()
	for _, args := range [][]string{
		{"-n", l.ServerNS, "addr", "flush", "dev", l.ServerIf},
		{"-n", l.ServerNS, "addr", "add", p.String(), "dev", l.ServerIf},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}
}
