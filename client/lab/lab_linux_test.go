package lab

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testScope is the scope the tests serve: short leases, defaults else.
var testScope = Scope{LeaseTime: 20 * time.Second}

// newLab builds a lab for t and closes it when t ends.
func newLab(t *testing.T) *Lab {
	t.Helper()

	l, err := New(Options{Prefix: "sdj"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})

	return l
}

// run runs cmd, failing t with its output if it fails.
func run(t *testing.T, cmd interface {
	CombinedOutput() ([]byte, error)
}, what string) string {
	t.Helper()

	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", what, err, out)
	}

	return string(out)
}

// checkLease checks that the client interface got an address from the
// pool and the route want.
func checkLease(t *testing.T, l *Lab, want Route) {
	t.Helper()

	addrs, err := l.ClientAddrs()
	if err != nil {
		t.Fatal(err)
	}
	if len(addrs) != 1 || !l.Subnet.Contains(addrs[0].Addr()) ||
		addrs[0].Bits() != l.Subnet.Bits() {
		t.Fatalf("client addresses %v, want one in %v", addrs, l.Subnet)
	}

	routes, err := l.ClientRoutes()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range routes {
		found = found || r == want
	}
	if !found {
		t.Errorf("client routes %v lack %v", routes, want)
	}
}

// TestServersStartNotAuthoritative checks that every server with an
// authority setting accepts its non-authoritative configuration.
func TestServersStartNotAuthoritative(t *testing.T) {
	l := newLab(t)
	for _, k := range []Kind{Dnsmasq, Kea, ISC} {
		t.Run(string(k), func(t *testing.T) {
			s := testScope
			s.NotAuthoritative = true
			srv, err := l.StartServer(k, s)
			if err != nil {
				t.Fatal(err)
			}
			srv.Stop()
		})
	}
}

func TestPeersGetLeases(t *testing.T) {
	hostResolv, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		t.Fatal(err)
	}

	for _, k := range Kinds {
		t.Run(string(k)+"/udhcpc", func(t *testing.T) {
			l := newLab(t)
			srv, err := l.StartServer(k, testScope)
			if err != nil {
				t.Fatal(err)
			}

			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			cmd := l.ClientCommand(ctx, "busybox", "udhcpc", "-f", "-n",
				"-q", "-t", "5", "-T", "2", "-i", l.ClientIf,
				"-s", "/etc/udhcpc/default.script")
			out := run(t, cmd, "udhcpc")
			if !strings.Contains(out, "obtained") {
				t.Fatalf("udhcpc got no lease:\n%s\nserver:\n%s",
					out, srv.Log())
			}
			// The busybox script ignores option 121 and installs
			// the router of option 3.
			checkLease(t, l, Route{
				Dest:    netip.MustParsePrefix("0.0.0.0/0"),
				Gateway: l.ServerAddr,
			})

			rc, err := l.ClientResolvConf()
			if err != nil {
				t.Fatal(err)
			}
			want := "domain lab.example\nnameserver " +
				l.ServerAddr.String() + "\n"
			if diff := cmp.Diff(want, string(rc)); diff != "" {
				t.Errorf("client resolv.conf (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("dnsmasq/dhclient", func(t *testing.T) {
		l := newLab(t)
		if _, err := l.StartServer(Dnsmasq, testScope); err != nil {
			t.Fatal(err)
		}

		lf := filepath.Join(l.Dir, "dhclient.leases")
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		cmd := l.ClientCommand(ctx, "dhclient", "-4", "-1", "-v",
			"-lf", lf, "-pf", filepath.Join(l.Dir, "dhclient.pid"),
			"-sf", "/sbin/dhclient-script", l.ClientIf)
		run(t, cmd, "dhclient")
		// dhclient-script follows RFC 3442 section 1: with option 121
		// present, it ignores option 3.
		checkLease(t, l, Route{Dest: DefaultRouteDest,
			Gateway: l.ServerAddr})

		leases, err := os.ReadFile(lf)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(leases), "option routers "+
			l.ServerAddr.String()) {
			t.Errorf("dhclient lease file lacks the router:\n%s", leases)
		}
		rc, err := l.ClientResolvConf()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(rc), "search lab.example. example.net.") {
			t.Errorf("client resolv.conf lacks the search list:\n%s", rc)
		}
	})

	after, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(hostResolv), string(after)); diff != "" {
		t.Errorf("machine resolv.conf changed (-want +got):\n%s", diff)
	}
}

func TestCloseLeavesNothing(t *testing.T) {
	l, err := New(Options{Prefix: "sdj"})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := l.StartServer(Dnsmasq, testScope)
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	pid := srv.p.cmd.Process.Pid

	// A process the lab did not start itself, left running.
	sleeper := l.ClientCommand(context.Background(), "sleep", "600")
	if err := sleeper.Start(); err != nil {
		l.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sleeper.Wait() }()

	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("server pid %d still exists: kill 0 = %v", pid, err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Errorf("process in the client namespace survived Close")
	}
	for _, p := range []string{
		filepath.Join("/run/netns", l.ServerNS),
		filepath.Join("/run/netns", l.ClientNS),
		filepath.Join("/etc/netns", l.ServerNS),
		filepath.Join("/etc/netns", l.ClientNS),
		l.Dir,
	} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind: stat = %v", p, err)
		}
	}
}

func TestServerRestartAndForget(t *testing.T) {
	l := newLab(t)
	srv, err := l.StartServer(Dnsmasq, testScope)
	if err != nil {
		t.Fatal(err)
	}

	srv.Stop()
	srv.Stop()
	if err := srv.Restart(); err != nil {
		t.Fatalf("Restart: %v", err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	run(t, l.ClientCommand(ctx, "busybox", "udhcpc", "-f", "-n", "-q",
		"-t", "5", "-T", "2", "-i", l.ClientIf, "-s", "/bin/true"),
		"udhcpc")

	leases, err := os.ReadFile(srv.leaseFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(leases) == 0 {
		t.Fatalf("dnsmasq recorded no lease")
	}

	if err := srv.ForgetLeases(); err != nil {
		t.Fatalf("ForgetLeases: %v", err)
	}
	leases, err = os.ReadFile(srv.leaseFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(leases) != 0 {
		t.Errorf("lease file after ForgetLeases:\n%s", leases)
	}
}
