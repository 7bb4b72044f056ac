package interop

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/lab"
)

// faultTable is the summary table of the fault tests.
const faultTable = "3 faults"

// faultLab builds a lab with kea serving lease, and a daemon client
// bound to it.
func faultLab(t *testing.T, lease time.Duration,
	extra ...string) (*lab.Lab, *lab.Server, *client) {
	t.Helper()
	l := newLab(t, "")
	srv, err := l.StartServer(lab.Kea, lab.Scope{LeaseTime: lease})
	if err != nil {
		t.Fatalf("starting kea: %v", err)
	}

	c := newClient(t)
	c.start(l, append([]string{"--noarp", "--nodelay"}, extra...)...)
	c.waitLog(15*time.Second, `msg="lease applied"`)

	return l, srv, c
}

// enginePID returns the pid of the engine of generation gen.
func (c *client) enginePID(gen int) int {
	c.t.Helper()
	g := "generation=" + strconv.Itoa(gen)
	line := c.waitLog(10*time.Second, `msg="engine started"`, g)
	m := regexp.MustCompile(` pid=(\d+) `).FindStringSubmatch(line)
	if m == nil {
		c.t.Fatalf("no pid in %q", line)
	}
	pid, _ := strconv.Atoi(m[1])

	return pid
}

// TestFaultServerGone stops the server before T1 and brings it back
// after the client's DHCPREQUEST at T2 went unanswered: the address is
// removed when the lease expires, and the client, back in INIT, takes a
// lease again once the server answers (RFC 2131 section 4.4.5).
func TestFaultServerGone(t *testing.T) {
	t.Parallel()
	outcome(t, faultTable, "server gone past T2, back", "outcome",
		"expired, then re-bound")
	l, srv, c := faultLab(t, 20*time.Second)
	before := checkServed(t, l, srv)
	srv.Stop()

	c.waitLog(25*time.Second, "from=RENEWING", "to=REBINDING")
	time.Sleep(time.Second)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}

	c.waitLog(10*time.Second, `msg="lease removed"`)
	mark := c.lines()
	if _, ok := c.findLog(30*time.Second, mark, "from=REQUESTING",
		"to=BOUND"); !ok {
		t.Fatalf("no new lease after the server came back")
	}
	if _, ok := c.findLog(5*time.Second, mark, `msg="lease applied"`,
		before.Addr().String()); !ok {
		t.Fatal("the new lease was not applied")
	}
	waitAddr(t, l, l.Subnet, 5*time.Second)
	if after := checkServed(t, l, srv); after != before {
		t.Errorf("address %v after the server came back, want %v",
			after, before)
	}
}

// TestFaultLinkFlap takes the client's link down and up while bound:
// the client verifies its lease with INIT-REBOOT (RFC 2131 section
// 3.2) and has the address and the routes the flap removed back.
func TestFaultLinkFlap(t *testing.T) {
	outcome(t, faultTable, "link down and up", "outcome",
		"INIT-REBOOT, same lease")
	l, srv, c := faultLab(t, 10*time.Minute)
	before := checkServed(t, l, srv)
	mark := c.lines()

	for _, state := range []string{"down", "up"} {
		out, err := exec.Command("ip", "-n", l.ClientNS, "link", "set",
			l.ClientIf, state).CombinedOutput()
		if err != nil {
			t.Fatalf("link %s: %v: %s", state, err, out)
		}
		time.Sleep(time.Second)
	}

	_, ok := c.findLog(15*time.Second, mark, "from=REBOOTING", "to=BOUND")
	if !ok {
		t.Fatal("no INIT-REBOOT to BOUND after the link came back")
	}
	waitAddr(t, l, l.Subnet, 5*time.Second)
	for i := 0; i < 50 && !hasRoutes(t, l, srv.Scope.Routes); i++ {
		time.Sleep(100 * time.Millisecond) // the routes come back last
	}
	if after := checkServed(t, l, srv); after != before {
		t.Errorf("address after the flap %v, want %v", after, before)
	}
}

// hasRoutes reports whether the client has every route of want.
func hasRoutes(t *testing.T, l *lab.Lab, want []lab.Route) bool {
	t.Helper()
	got := readApplied(t, l).Routes
	for _, r := range want {
		if !slices.Contains(got, r) {
			return false
		}
	}

	return true
}

// TestFaultEngineKilled kills the engine with SIGKILL while bound: the
// lease stays applied, and a new engine resumes from the persisted
// lease with INIT-REBOOT.
func TestFaultEngineKilled(t *testing.T) {
	outcome(t, faultTable, "engine SIGKILL while BOUND", "outcome",
		"lease kept, engine resumed")
	l, srv, c := faultLab(t, 10*time.Minute)
	before := checkServed(t, l, srv)
	if err := syscall.Kill(c.enginePID(1), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}

	c.waitLog(5*time.Second, "engine exited", "generation=1")
	checkServed(t, l, srv) // still applied while no engine runs
	c.enginePID(2)
	mark := c.lines()
	if _, ok := c.findLog(15*time.Second, mark, "from=REBOOTING",
		"to=BOUND"); !ok {
		t.Fatal("the new engine did not resume the lease")
	}

	if after := checkServed(t, l, srv); after != before {
		t.Errorf("address after the restart %v, want %v", after, before)
	}
	if strings.Contains(c.logText(), `msg="lease removed"`) {
		t.Error("the lease was removed while the engine restarted")
	}
}

// TestFaultClientKilled kills the whole client with SIGKILL, then starts
// it again: it resumes with INIT-REBOOT from the persisted lease and
// keeps the same address.
func TestFaultClientKilled(t *testing.T) {
	outcome(t, faultTable, "whole client SIGKILL, restart", "outcome",
		"INIT-REBOOT, same address")
	l, srv, c := faultLab(t, 10*time.Minute)
	before := checkServed(t, l, srv)
	waitFile(t, filepath.Join(c.stateDir, "lease-"+l.ClientIf))
	err := syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.wait(5 * time.Second); err == nil {
		t.Error("the killed client exited with status 0")
	}

	c2 := c.again(t)
	c2.start(l, "--noarp", "--nodelay")
	c2.waitLog(10*time.Second, "from=INIT-REBOOT", "to=REBOOTING")
	c2.waitLog(10*time.Second, "from=REBOOTING", "to=BOUND")
	if after := checkServed(t, l, srv); after != before {
		t.Errorf("address after the restart %v, want %v", after, before)
	}
}

// waitFile waits up to five seconds for a non-empty file at path.
func waitFile(t *testing.T, path string) {
	t.Helper()
	for range 50 {
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}

	t.Fatalf("no %s within five seconds", path)
}

// TestFaultStateDir makes the state directory read-only, or full, under
// a client that has a persisted lease: the client still takes and
// renews its lease, logs that storing failed, and the old lease file
// is left intact.
func TestFaultStateDir(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mount func(t *testing.T, dir string)
	}{
		{"read-only", mountReadOnly},
		{"full", mountFull},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outcome(t, faultTable, "state directory "+tc.name, "outcome",
				"lease kept, error logged, file intact")
			l, srv, c := faultLab(t, 20*time.Second)
			before := checkServed(t, l, srv)
			file := filepath.Join(c.stateDir, "lease-"+l.ClientIf)
			waitFile(t, file)
			c.signal(syscall.SIGTERM)
			if err := c.wait(10 * time.Second); err != nil {
				t.Fatal(err)
			}

			old, err := os.ReadFile(file)
			if err != nil || len(old) == 0 {
				t.Fatalf("no lease file after the first run: %v", err)
			}
			tc.mount(t, c.stateDir)

			c2 := c.again(t)
			c2.start(l, "--noarp", "--nodelay")
			c2.waitLog(10*time.Second, "from=REBOOTING", "to=BOUND")
			c2.waitLog(5*time.Second, "level=ERROR",
				"storing the lease failed")
			c2.waitLog(15*time.Second, "from=RENEWING", "to=BOUND")
			if after := checkServed(t, l, srv); after != before {
				t.Errorf("address %v, want %v", after, before)
			}

			now, err := os.ReadFile(file)
			if err != nil || !bytes.Equal(now, old) {
				t.Errorf("lease file changed or lost: %v", err)
			}
		})
	}
}

// mountReadOnly bind-mounts dir read-only over itself until t ends.
func mountReadOnly(t *testing.T, dir string) {
	t.Helper()
	mount(t, dir, "--bind", dir, dir)
	mountCmd(t, "-o", "remount,bind,ro", dir)
}

// mountFull mounts a small tmpfs over dir holding dir's files and a
// filler that takes the rest of its room, until t ends.
func mountFull(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := make(map[string][]byte)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}

	mount(t, dir, "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", dir)
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling %s: %v", dir, err)
			}
			break
		}
	}
}

// mount runs mount(8) with args and unmounts dir when t ends.
func mount(t *testing.T, dir string, args ...string) {
	t.Helper()
	mountCmd(t, args...)
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
}

// mountCmd runs mount(8) with args.
func mountCmd(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
		t.Fatalf("mount %v: %v: %s", args, err, out)
	}
}

// TestFaultResolvConf points --resolv-conf at a file the client cannot
// write: it logs a clear error naming the file and still configures the
// address and routes.
func TestFaultResolvConf(t *testing.T) {
	outcome(t, faultTable, "resolv.conf unwritable", "outcome",
		"error logged, network applied")
	l := newLab(t, "")
	srv, err := l.StartServer(lab.Kea, lab.Scope{LeaseTime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}

	c := newClient(t)
	c.resolv = filepath.Join(t.TempDir(), "missing", "resolv.conf")
	c.start(l, "--noarp", "--nodelay")
	line := c.waitLog(15*time.Second, "level=ERROR", "resolv.conf")
	t.Logf("logged: %s", line)
	if !strings.Contains(line, c.resolv) {
		t.Errorf("the error does not name %s: %s", c.resolv, line)
	}
	time.Sleep(500 * time.Millisecond)
	checkServed(t, l, srv)
	if !strings.Contains(c.logText(), `msg="lease applied"`) {
		t.Error("no 'lease applied' logged")
	}
}
