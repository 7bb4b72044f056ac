package priv

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/client/netconf"
)

// testNS is a network namespace with a veth pair, for running the
// supervisor's real Network against.
type testNS struct {
	name string
	sys  *system
}

// newTestNS creates namespace sdeh<pid>-<n> with veth sdeh<n>a/b up and
// a system bound to the "a" end; both go when t ends.
func newTestNS(t *testing.T, n int) *testNS {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("this test needs root (CI runs it as root)")
	}

	name := fmt.Sprintf("sdeh%d-%d", os.Getpid(), n)
	dev := fmt.Sprintf("sdeh%da", n)
	ipCmd(t, "netns", "add", name)
	t.Cleanup(func() {
		exec.Command("ip", "netns", "del", name).Run()
		os.RemoveAll(filepath.Join("/etc/netns", name))
	})

	ipCmd(t, "-n", name, "link", "add", dev, "type", "veth", "peer",
		"name", fmt.Sprintf("sdeh%db", n))
	ipCmd(t, "-n", name, "link", "set", dev, "up")
	ipCmd(t, "-n", name, "link", "set", fmt.Sprintf("sdeh%db", n), "up")

	ns, err := netns.GetFromName(name)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()

	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)

	link, err := h.LinkByName(dev)
	if err != nil {
		t.Fatal(err)
	}

	return &testNS{name: name, sys: &system{
		log: testLogger(t), nl: h, nlink: link,
		opts:       netconf.Options{Metric: 1024, Routes: true, MTU: true},
		resolvConf: filepath.Join(t.TempDir(), "resolv.conf"),
	}}
}

func ipCmd(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip %v: %v\n%s", args, err, out)
	}

	return string(out)
}

// snapshot returns the namespace's IPv4 addresses and routes and the
// link's MTU as `ip -j` prints them.
func (n *testNS) snapshot(t *testing.T) string {
	t.Helper()

	return ipCmd(t, "-n", n.name, "-j", "-4", "addr", "show") +
		ipCmd(t, "-n", n.name, "-j", "-4", "route", "show", "table", "all")
}

// TestHostileEngineNetns repeats the hostile requests against the real
// netlink Network in a namespace: after each, the addresses, routes and
// MTU are exactly as before. A good lease afterwards shows the Network
// does apply what passes validation.
func TestHostileEngineNetns(t *testing.T) {
	ns := newTestNS(t, 0)
	before := ns.snapshot(t)
	lease := func(mut func(*ipc.ApplyLease)) ipc.Request {
		l := goodLease()
		mut(l)

		return l
	}
	hostile := []ipc.Request{
		lease(func(l *ipc.ApplyLease) {
			l.Addr = netip.MustParsePrefix("127.0.0.5/8")
			l.Routers = nil
		}),
		lease(func(l *ipc.ApplyLease) {
			l.Routers = []netip.Addr{netip.MustParseAddr("192.168.9.1")}
		}),
		lease(func(l *ipc.ApplyLease) {
			l.Routes = []ipc.Route{{
				Dest:    netip.MustParsePrefix("0.0.0.0/0"),
				Gateway: netip.MustParseAddr("8.8.8.8"),
			}}
		}),
		lease(func(l *ipc.ApplyLease) {
			l.Addr = netip.MustParsePrefix("224.0.0.5/24")
		}),
		lease(func(l *ipc.ApplyLease) { l.MTU = 20 }),
		lease(func(l *ipc.ApplyLease) {
			l.DNS = []netip.Addr{netip.MustParseAddr("0.0.0.0")}
		}),
		&ipc.RemoveLease{Addr: netip.MustParsePrefix("10.0.0.7/8")},
	}

	for i, r := range hostile {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			h := newHarnessNet(t, Options{}, ns.sys)
			h.run()
			e, _ := h.engine()
			e.request(t, r)
			waitKilled(t, e)
			if got := ns.snapshot(t); got != before {
				t.Errorf("%v changed the namespace:\nbefore %s\n"+
					"after %s", r.Type(), before, got)
			}
		})
	}

	h := newHarnessNet(t, Options{}, ns.sys)
	h.run()
	e, _ := h.engine()
	e.request(t, goodLease())
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(ns.snapshot(t), `"local":"10.77.1.50"`) {
			return
		}

		time.Sleep(50 * time.Millisecond)
	}

	t.Errorf("a valid lease was not applied:\n%s", ns.snapshot(t))
}

// waitKilled waits until the supervisor killed e.
func waitKilled(t *testing.T, e *fakeEngine) {
	t.Helper()
	select {
	case <-e.killed:
	case <-time.After(5 * time.Second):
		t.Fatal("the engine was not killed")
	}
}

// TestSystemLogsSkippedRoutes applies a lease whose default route has
// the destination and metric of another interface's: that route stays,
// the lease is applied without its own, and the warning names the
// interface, the destination and the reason.
func TestSystemLogsSkippedRoutes(t *testing.T) {
	ns := newTestNS(t, 1)
	var logs bytes.Buffer
	ns.sys.log = slog.New(slog.NewTextHandler(&logs, nil)).
		With("interface", "sdeh1a")
	ipCmd(t, "-n", ns.name, "addr", "add", "10.2.0.2/24", "dev", "sdeh1b")
	ipCmd(t, "-n", ns.name, "route", "add", "default", "via", "10.2.0.1",
		"dev", "sdeh1b", "metric", "1024")
	if err := ns.sys.Apply(goodLease()); err != nil {
		t.Fatal(err)
	}

	got := ipCmd(t, "-n", ns.name, "-4", "route", "show", "default")
	want := "default via 10.2.0.1 dev sdeh1b metric 1024 \n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default routes (-want +got):\n%s", diff)
	}

	addrs := ipCmd(t, "-n", ns.name, "-4", "-o", "addr", "show", "sdeh1a")
	if !strings.Contains(addrs, "10.77.1.50/24") {
		t.Errorf("lease address not applied: %s", addrs)
	}

	for _, w := range []string{`msg="lease route skipped`,
		"interface=sdeh1a", "dst=0.0.0.0/0", "gateway=10.77.1.1",
		`reason="destination and metric held by a boot route on sdeh1b"`,
	} {
		if !strings.Contains(logs.String(), w) {
			t.Errorf("log lacks %s:\n%s", w, logs.String())
		}
	}
}

// TestSystemRaisesMTUForIPv6 applies a lease with an MTU of 600 to an
// interface with an IPv6 address: the interface gets 1280, keeps the
// address, and the warning says why.
func TestSystemRaisesMTUForIPv6(t *testing.T) {
	ns := newTestNS(t, 2)
	var logs bytes.Buffer
	ns.sys.log = slog.New(slog.NewTextHandler(&logs, nil))
	ipCmd(t, "-n", ns.name, "addr", "add", "2001:db8::5/64", "dev",
		"sdeh2a", "nodad")
	l := goodLease()
	l.MTU = 600
	if err := ns.sys.Apply(l); err != nil {
		t.Fatal(err)
	}

	link := ipCmd(t, "-n", ns.name, "-o", "link", "show", "sdeh2a")
	if !strings.Contains(link, " mtu 1280 ") {
		t.Errorf("want MTU 1280: %s", link)
	}

	addrs := ipCmd(t, "-n", ns.name, "-6", "-o", "addr", "show", "sdeh2a")
	if !strings.Contains(addrs, "2001:db8::5/64") {
		t.Errorf("IPv6 address lost: %s", addrs)
	}

	for _, w := range []string{`msg="lease MTU raised to the IPv6 minimum`,
		"lease_mtu=600 mtu=1280"} {
		if !strings.Contains(logs.String(), w) {
			t.Errorf("log lacks %s:\n%s", w, logs.String())
		}
	}
}

// TestWatchLinksDeleted: deleting the interface is reported on gone with
// its name, so that Run ends instead of running deaf.
func TestWatchLinksDeleted(t *testing.T) {
	n := newTestNS(t, 9)
	ns, err := netns.GetFromName(n.name)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()

	n.sys.ns = &ns
	n.sys.link = Link{Index: n.sys.nlink.Attrs().Index,
		Name: n.sys.nlink.Attrs().Name}
	if err := n.sys.watchLinks(); err != nil {
		t.Fatal(err)
	}
	defer close(n.sys.linkDone)

	ipCmd(t, "-n", n.name, "link", "del", n.sys.link.Name)
	select {
	case err := <-n.sys.gone:
		if want := "interface " + n.sys.link.Name + " was deleted"; err == nil ||
			!strings.Contains(err.Error(), want) {
			t.Errorf("gone: %v, want %q", err, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no report within 5 s of deleting the interface")
	}
}
