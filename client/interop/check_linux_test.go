package interop

import (
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/lab"
)

// applied is what a client configured on its interface.
type applied struct {
	Addrs  []netip.Prefix
	Routes []lab.Route
	MTU    int
}

// readApplied reads the client interface's addresses, routes and MTU.
func readApplied(t *testing.T, l *lab.Lab) applied {
	t.Helper()
	addrs, err := l.ClientAddrs()
	if err != nil {
		t.Fatal(err)
	}

	routes, err := l.ClientRoutes()
	if err != nil {
		t.Fatal(err)
	}

	mtu, err := l.ClientMTU()
	if err != nil {
		t.Fatal(err)
	}

	return applied{Addrs: addrs, Routes: routes, MTU: mtu}
}

// checkLease checks that the client holds exactly one address, in
// subnet, and has the routes of want (the interface route aside), and
// returns the address.
func checkLease(t *testing.T, l *lab.Lab, subnet netip.Prefix,
	want []lab.Route) netip.Prefix {
	t.Helper()
	a := readApplied(t, l)
	if len(a.Addrs) != 1 || !subnet.Contains(a.Addrs[0].Addr()) ||
		a.Addrs[0].Bits() != subnet.Bits() {
		t.Fatalf("client addresses %v, want one in %v", a.Addrs, subnet)
	}

	for _, r := range want {
		if !slices.Contains(a.Routes, r) {
			t.Errorf("client routes %v lack %v", a.Routes, r)
		}
	}

	return a.Addrs[0]
}

// waitAddr waits up to d for the client to hold exactly one address,
// in subnet: an apply follows the state change the log shows.
func waitAddr(t *testing.T, l *lab.Lab, subnet netip.Prefix,
	d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		a := readApplied(t, l)
		if len(a.Addrs) == 1 && subnet.Contains(a.Addrs[0].Addr()) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("client addresses %v after %v, want one in %v",
				a.Addrs, d, subnet)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkServed checks the lease of a lab server: address, routes, MTU.
func checkServed(t *testing.T, l *lab.Lab, srv *lab.Server) netip.Prefix {
	t.Helper()
	p := checkLease(t, l, l.Subnet, srv.Scope.Routes)
	if mtu := readApplied(t, l).MTU; mtu != srv.Scope.MTU {
		t.Errorf("client MTU %d, want %d (option 26)", mtu, srv.Scope.MTU)
	}

	return p
}

// checkNoAddr checks that the client interface has no IPv4 address.
func checkNoAddr(t *testing.T, l *lab.Lab) {
	t.Helper()
	if a := readApplied(t, l); len(a.Addrs) != 0 {
		t.Errorf("client addresses %v, want none", a.Addrs)
	}
}

// resolvLines returns the lines of the resolv.conf at path, comments
// and blank lines left out.
func resolvLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("resolv.conf: %v", err)
	}

	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}

	return out
}
