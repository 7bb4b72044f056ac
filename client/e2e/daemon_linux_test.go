package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/lab"
	"github.com/safedhcp/safedhcp/client/sandbox"
	"github.com/safedhcp/safedhcp/codec"
)

// shortLease is the lease of the daemon tests: T1 at 10 s, T2 at 17.5 s
// (RFC 2131 section 4.4.5 defaults).
const shortLease = 20 * time.Second

// enginePID returns the pid of the engine the client logged starting.
func (c *client) enginePID(nth int) int {
	c.t.Helper()
	re := regexp.MustCompile(`msg="engine started".* pid=(\d+) ` +
		`generation=` + strconv.Itoa(nth))
	line := c.waitLog(10*time.Second, "engine started",
		"generation="+strconv.Itoa(nth))
	m := re.FindStringSubmatch(line)
	if m == nil {
		c.t.Fatalf("no pid in %q", line)
	}

	pid, _ := strconv.Atoi(m[1])

	return pid
}

// waitRequest polls the capture until a request matching ok shows up.
func waitRequest(t *testing.T, path string, d time.Duration,
	ok func(request) bool) request {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		for _, r := range readRequests(t, path) {
			if ok(r) {
				return r
			}
		}

		time.Sleep(200 * time.Millisecond)
	}

	t.Fatalf("no matching request in the capture within %v: %+v", d,
		readRequests(t, path))

	return request{}
}

// TestDaemonRenewRebindExpire follows one lease through its life: a
// unicast DHCPREQUEST at T1, a broadcast one at T2 once the server is
// gone, and the address removed at expiry (RFC 2131 section 4.4.5).
func TestDaemonRenewRebindExpire(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	srv := startServer(t, l, lab.Kea, lab.Scope{LeaseTime: shortLease})
	pcap := filepath.Join(t.TempDir(), "dhcp.pcap")
	capt, err := l.Capture(pcap)
	if err != nil {
		t.Fatal(err)
	}
	defer capt.Stop()

	c := newClient(t)
	c.start(l, "--noarp", "--nodelay")
	c.waitLog(15*time.Second, "lease applied")
	leased := checkApplied(t, l, srv).Addr()

	c.waitLog(2*shortLease, "from=BOUND", "to=RENEWING")
	c.waitLog(10*time.Second, "from=RENEWING", "to=BOUND")
	r := waitRequest(t, pcap, 5*time.Second, func(r request) bool {
		return r.Type == codec.Request && r.Src == leased && r.unicast()
	})
	if r.Dst != l.ServerAddr || r.CIAddr != leased {
		t.Errorf("renewal %+v, want from %v to the server %v with "+
			"ciaddr set", r, leased, l.ServerAddr)
	}

	srv.Stop()
	c.waitLog(2*shortLease, "to=REBINDING")
	waitRequest(t, pcap, 5*time.Second, func(r request) bool {
		return r.Type == codec.Request && r.Src == leased &&
			!r.unicast() && r.CIAddr == leased
	})

	c.waitLog(shortLease, "lease removed")
	addrs, err := l.ClientAddrs()
	if err != nil {
		t.Fatal(err)
	}

	if len(addrs) != 0 {
		t.Errorf("addresses after expiry: %v, want none", addrs)
	}
}

// TestDaemonNak restarts the client after the server forgot its leases:
// the INIT-REBOOT DHCPREQUEST for the remembered address is refused with
// DHCPNAK, and the client goes back to INIT and takes a new lease (RFC
// 2131 sections 3.2 and 4.4.2). The NAK is provoked at reboot, against
// udhcpd (ISC dhcpd ACKs the reboot and dnsmasq recovers forgotten leases
// in authoritative mode); TestRenewNak covers a NAK of a renewal.
func TestDaemonNak(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	srv := startServer(t, l, lab.Udhcpd,
		lab.Scope{LeaseTime: 10 * time.Minute})
	c := newClient(t)
	c.start(l, "--noarp", "--nodelay")
	c.waitLog(15*time.Second, "lease applied")
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	if err := c.wait(10 * time.Second); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}

	if err := srv.ForgetLeases(); err != nil {
		t.Fatal(err)
	}

	c2 := newClient(t)
	c2.stateDir, c2.resolv = c.stateDir, c.resolv
	c2.start(l, "--noarp", "--nodelay")
	c2.waitLog(10*time.Second, "from=INIT-REBOOT", "to=REBOOTING")
	c2.waitLog(15*time.Second, "from=REBOOTING", "to=INIT")
	c2.waitLog(15*time.Second, "from=REQUESTING", "to=BOUND")
	c2.waitLog(5*time.Second, "lease applied")
	checkApplied(t, l, srv)
}

// TestDaemonSandbox checks the running processes: the engine has no
// capabilities, no_new_privs, a seccomp filter, a non-root uid and no
// descriptor but a stderr pipe and its socket; the supervisor kept only
// its capabilities, has its own filter and logged its Landlock ABI.
// SIGTERM then ends the client with status 0 and leaves the lease in
// place.
func TestDaemonSandbox(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	srv := startServer(t, l, lab.Dnsmasq, lab.Scope{})
	c := newClient(t)
	c.start(l, "--noarp", "--nodelay")
	c.waitLog(15*time.Second, "lease applied")
	pid := c.enginePID(1)

	st := procStatus(t, pid)
	for k, want := range map[string]string{
		"CapEff": "0000000000000000", "CapPrm": "0000000000000000",
		"CapBnd": "0000000000000000", "CapInh": "0000000000000000",
		"CapAmb": "0000000000000000", "NoNewPrivs": "1", "Seccomp": "2",
	} {
		if st[k] != want {
			t.Errorf("engine %s = %q, want %q", k, st[k], want)
		}
	}

	for _, k := range []string{"Uid", "Gid"} {
		for _, id := range strings.Fields(st[k]) {
			if id == "0" {
				t.Errorf("engine %s = %q, want no 0", k, st[k])
			}
		}
	}

	checkEngineFDs(t, pid, c.cmd.Process.Pid)

	line := c.waitLog(time.Second, "supervisor confined")
	if !regexp.MustCompile(`landlock_abi=[1-9]`).MatchString(line) {
		t.Errorf("supervisor confined without Landlock: %s", line)
	}

	sup := procStatus(t, c.cmd.Process.Pid)
	if sup["Seccomp"] != "2" || sup["NoNewPrivs"] != "1" {
		t.Errorf("supervisor Seccomp %q NoNewPrivs %q, want 2 and 1",
			sup["Seccomp"], sup["NoNewPrivs"])
	}

	var mask uint64
	for _, v := range sandbox.PrivilegedCaps {
		mask |= 1 << uint(v)
	}

	want := fmt.Sprintf("%016x", mask)
	for _, k := range []string{"CapEff", "CapPrm", "CapBnd"} {
		if sup[k] != want {
			t.Errorf("supervisor %s = %s, want %s (sandbox.PrivilegedCaps)",
				k, sup[k], want)
		}
	}

	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	if err := c.wait(10 * time.Second); err != nil {
		t.Errorf("after SIGTERM: %v, want exit status 0", err)
	}

	checkApplied(t, l, srv)
}

// procStatus returns the fields of /proc/PID/status.
func procStatus(t *testing.T, pid int) map[string]string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}

	m := make(map[string]string)
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok {
			m[k] = strings.TrimSpace(v)
		}
	}

	return m
}

// checkEngineFDs checks that the engine holds stdin and stdout only as
// /dev/null (or not at all), as stderr a pipe other than the stderr of
// the supervisor sup, exactly one socket (the socketpair) and otherwise
// only the Go runtime's poller descriptors.
func checkEngineFDs(t *testing.T, pid, sup int) {
	t.Helper()
	dir := "/proc/" + strconv.Itoa(pid) + "/fd"
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}

	supErr, err := os.Readlink("/proc/" + strconv.Itoa(sup) + "/fd/2")
	if err != nil {
		t.Fatal(err)
	}

	sockets := 0
	for _, e := range ents {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}

		fd, _ := strconv.Atoi(e.Name())
		switch {
		case fd <= 1 && target == "/dev/null":
		case fd == 2:
			if !strings.HasPrefix(target, "pipe:") || target == supErr {
				t.Errorf("engine stderr -> %s, want a pipe other than "+
					"the supervisor's stderr %s", target, supErr)
			}
		case strings.HasPrefix(target, "socket:"):
			sockets++
		case target == "anon_inode:[eventpoll]",
			target == "anon_inode:[eventfd]",
			strings.HasPrefix(target, "pipe:"):
			// the runtime's network poller
		default:
			t.Errorf("engine fd %d -> %s is unexpected", fd, target)
		}
	}

	if sockets != 1 {
		t.Errorf("engine holds %d sockets, want 1 (the socketpair)",
			sockets)
	}
}

// TestEngineRestart kills the engine twice: the confined supervisor
// survives each restart (its seccomp allowlist admits what starting an
// engine needs), keeps the applied lease, starts a new engine after the
// back-off, and that engine resumes from the persisted lease with
// INIT-REBOOT (RFC 2131 section 4.4.2).
func TestEngineRestart(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	srv := startServer(t, l, lab.Kea, lab.Scope{LeaseTime: 10 * time.Minute})
	c := newClient(t)
	c.start(l, "--noarp", "--nodelay")
	c.waitLog(15*time.Second, "lease applied")
	before := checkApplied(t, l, srv)

	for gen := 1; gen <= 2; gen++ {
		if err := syscall.Kill(c.enginePID(gen), syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}

		c.waitLog(5*time.Second, "engine exited",
			"generation="+strconv.Itoa(gen))
		c.enginePID(gen + 1)
		c.waitLogN(gen-1, 15*time.Second, "from=REBOOTING", "to=BOUND")
		if after := checkApplied(t, l, srv); after != before {
			t.Errorf("address after restart %d: %v, want %v", gen, after,
				before)
		}
	}

	sup := procStatus(t, c.cmd.Process.Pid)
	if sup["Seccomp"] != "2" {
		t.Errorf("supervisor Seccomp %q after the restarts, want 2",
			sup["Seccomp"])
	}

	if strings.Contains(c.logText(), "lease removed") {
		t.Error("the lease was removed while the engine restarted")
	}
}

// TestLinkFlap takes the server's end of the veth down and up: the
// supervisor forwards the carrier changes, and the engine waits for the
// link and then verifies its lease with INIT-REBOOT (RFC 2131 section
// 3.7).
func TestLinkFlap(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	startServer(t, l, lab.Kea, lab.Scope{LeaseTime: 10 * time.Minute})
	c := newClient(t)
	c.start(l, "--noarp", "--nodelay")
	c.waitLog(15*time.Second, "lease applied")
	for _, state := range []string{"down", "up"} {
		out, err := l.ServerCommand(t.Context(), "ip", "link", "set",
			l.ServerIf, state).CombinedOutput()
		if err != nil {
			t.Fatalf("ip link set %s: %v\n%s", state, err, out)
		}

		if state == "down" {
			c.waitLog(5*time.Second, "to=LINK-WAIT")
		}
	}

	c.waitLog(10*time.Second, "from=LINK-WAIT")
	c.waitLog(15*time.Second, "from=REBOOTING", "to=BOUND")
}

// TestDaemonRelease stops a daemon run with --release: it sends a unicast
// DHCPRELEASE from the leased address (RFC 2131 section 4.4.6), removes
// the address, puts the interface's MTU back and exits 0.
func TestDaemonRelease(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	srv := startServer(t, l, lab.Kea, lab.Scope{LeaseTime: 10 * time.Minute})
	pcap := filepath.Join(t.TempDir(), "dhcp.pcap")
	capt, err := l.Capture(pcap)
	if err != nil {
		t.Fatal(err)
	}
	defer capt.Stop()

	mtu, err := l.ClientMTU()
	if err != nil {
		t.Fatal(err)
	}
	if mtu == srv.Scope.MTU {
		t.Fatalf("the lease's MTU %d is the link's own", mtu)
	}

	c := newClient(t)
	c.start(l, "--noarp", "--nodelay", "--release")
	c.waitLog(15*time.Second, "lease applied")
	leased := checkApplied(t, l, srv).Addr()

	// A second client on the interface stops before touching it.
	second := newClient(t)
	second.start(l, "-1", "--noarp", "--nodelay")
	var ee *exec.ExitError
	if err := second.wait(10 * time.Second); !errors.As(err, &ee) ||
		ee.ExitCode() != 1 {
		t.Errorf("second client: %v, want exit status 1", err)
	}
	second.waitLog(time.Second, "another dhcp-client runs on")

	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	if err := c.wait(10 * time.Second); err != nil {
		t.Errorf("after SIGTERM: %v, want exit status 0", err)
	}

	waitRequest(t, pcap, 5*time.Second, func(r request) bool {
		return r.Type == codec.Release && r.Src == leased && r.unicast()
	})

	addrs, err := l.ClientAddrs()
	if err != nil {
		t.Fatal(err)
	}

	if len(addrs) != 0 {
		t.Errorf("addresses after release: %v, want none", addrs)
	}

	if b, err := os.ReadFile(c.resolv); err != nil ||
		strings.Contains(string(b), "nameserver") {
		t.Errorf("resolv.conf after release (%v):\n%s", err, b)
	}

	if got, err := l.ClientMTU(); err != nil || got != mtu {
		t.Errorf("MTU after release: %d (%v), want %d", got, err, mtu)
	}
}
