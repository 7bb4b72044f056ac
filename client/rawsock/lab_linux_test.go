package rawsock

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// pair is a veth pair whose ends live in two network namespaces created
// for one test: "client" (the side under test) and "peer".
type pair struct {
	client, peer end
}

// pairs numbers the pairs this process creates, for unique names.
var pairs atomic.Int32

// end is one side of a pair: its namespace and interface share a name.
type end struct {
	name    string
	ifindex int
	mac     [6]byte
}

// newPair creates the namespaces and veth pair, with addr (CIDR, may be
// empty) on the peer's interface, and removes them when the test ends.
func newPair(t *testing.T, peerAddr string) *pair {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the rawsock socket tests need root (CI runs them as root)")
	}
	id := fmt.Sprintf("sds%d-%d", os.Getpid()%1000000, pairs.Add(1))
	p := &pair{client: end{name: id + "c"}, peer: end{name: id + "p"}}
	for _, e := range []end{p.client, p.peer} {
		run(t, "ip", "netns", "add", e.name)
		dir := "/etc/netns/" + e.name
		t.Cleanup(func() {
			exec.Command("ip", "netns", "del", e.name).Run()
			os.RemoveAll(dir)
		})
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		err := os.WriteFile(dir+"/resolv.conf", []byte("# sds test\n"),
			0o644)
		if err != nil {
			t.Fatal(err)
		}
	}
	run(t, "ip", "link", "add", p.client.name, "netns", p.client.name,
		"type", "veth", "peer", "name", p.peer.name, "netns", p.peer.name)
	for _, e := range []end{p.client, p.peer} {
		run(t, "ip", "netns", "exec", e.name, "sysctl", "-qw",
			"net.ipv6.conf.all.disable_ipv6=1")
		run(t, "ip", "-n", e.name, "link", "set", e.name, "up")
	}
	if peerAddr != "" {
		run(t, "ip", "-n", p.peer.name, "addr", "add", peerAddr, "dev",
			p.peer.name)
	}
	p.client.lookup(t)
	p.peer.lookup(t)
	p.client.waitUp(t)
	p.peer.waitUp(t)

	return p
}

// waitUp waits until the kernel reports e's link operationally up: until
// then (the link watcher runs at most once a second) the device has no
// queueing discipline and drops what is sent.
func (e end) waitUp(t *testing.T) {
	t.Helper()
	for range 100 {
		out, err := exec.Command("ip", "-n", e.name, "-o", "link", "show",
			"dev", e.name).Output()
		if err != nil {
			t.Fatalf("ip link show %s: %v", e.name, err)
		}
		if strings.Contains(string(out), " state UP ") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("link %s never came up", e.name)
}

// lookup fills in the interface index and MAC of e.
func (e *end) lookup(t *testing.T) {
	t.Helper()
	e.in(t, func() {
		ifi, err := net.InterfaceByName(e.name)
		if err != nil {
			t.Fatal(err)
		}
		e.ifindex = ifi.Index
		e.mac = [6]byte(ifi.HardwareAddr)
	})
}

// in runs f on a thread inside e's namespace. Sockets f opens stay in it.
func (e end) in(t *testing.T, f func()) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	ns, err := netns.GetFromName(e.name)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	if err := netns.Set(ns); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := netns.Set(orig); err != nil {
			panic("cannot return to the test's network namespace: " +
				err.Error())
		}
	}()
	f()
}

// run runs a command and fails the test with its output if it fails.
func run(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// rawPeer is an unfiltered AF_PACKET socket in the peer namespace, the
// independent witness of what crosses the wire.
type rawPeer struct {
	fd      int
	ifindex int
}

// openRawPeer opens a rawPeer on e and closes it when the test ends.
func openRawPeer(t *testing.T, e end) *rawPeer {
	t.Helper()
	var fd int
	e.in(t, func() {
		var err error
		fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC,
			int(htons(unix.ETH_P_ALL)))
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { unix.Close(fd) })
	sa := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL),
		Ifindex: e.ifindex}
	if err := unix.Bind(fd, sa); err != nil {
		t.Fatal(err)
	}
	tv := unix.NsecToTimeval(int64(200 * time.Millisecond))
	err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	if err != nil {
		t.Fatal(err)
	}

	return &rawPeer{fd: fd, ifindex: e.ifindex}
}

// send transmits a whole Ethernet frame.
func (p *rawPeer) send(t *testing.T, b []byte) {
	t.Helper()
	sa := &unix.SockaddrLinklayer{Ifindex: p.ifindex, Halen: 6}
	copy(sa.Addr[:], b[:6])
	if err := unix.Sendto(p.fd, b, 0, sa); err != nil {
		t.Fatalf("peer send: %v", err)
	}
}

// waitFor reads frames for up to two seconds and reports whether one of
// them equals want.
func (p *rawPeer) waitFor(t *testing.T, want []byte) bool {
	t.Helper()
	buf := make([]byte, 2048)
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); {
		n, _, err := unix.Recvfrom(p.fd, buf, 0)
		if err == unix.EAGAIN || err == unix.EINTR {
			continue
		}
		if err != nil {
			t.Fatalf("peer receive: %v", err)
		}
		if bytes.Equal(buf[:n], want) {
			return true
		}
	}

	return false
}
