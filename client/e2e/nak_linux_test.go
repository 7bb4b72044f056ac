package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/lab"
	"github.com/safedhcp/safedhcp/codec"
)

// nakLease is dnsmasq's shortest lease; T1 falls at 60 s (RFC 2131
// section 4.4.5).
const nakLease = 2 * time.Minute

// TestRenewNak makes a server forget the client's lease while it is
// BOUND: at T1 the unicast DHCPREQUEST of RENEWING is answered with a
// DHCPNAK, and the client removes the lease, goes back to INIT and
// applies a new one (RFC 2131 sections 3.1 step 5, 4.3.2 and 4.4.5).
// dnsmasq NAKs a renewal of a lease it has no record of only when it is
// not authoritative; authoritative, it grants the lease again.
func TestRenewNak(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	srv := startServer(t, l, lab.Dnsmasq,
		lab.Scope{LeaseTime: nakLease, NotAuthoritative: true})
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
	if err := srv.ForgetLeases(); err != nil {
		t.Fatal(err)
	}

	c.waitLog(nakLease, "from=BOUND", "to=RENEWING")
	waitRequest(t, pcap, 5*time.Second, func(r request) bool {
		return r.Type == codec.Request && r.Src == leased &&
			r.CIAddr == leased && r.unicast()
	})
	c.waitLog(10*time.Second, "DHCPNAK received")
	waitServerLog(t, srv, 5*time.Second, "DHCPNAK", leased.String(),
		"lease not found")
	c.waitLog(5*time.Second, "lease removed")

	c.waitLog(5*time.Second, "from=RENEWING", "to=INIT")
	c.waitLogN(1, 30*time.Second, "from=REQUESTING", "to=BOUND")
	c.waitLogN(1, 5*time.Second, `msg="lease applied"`)
	checkApplied(t, l, srv)
}

// waitServerLog waits up to d for a line of srv's log holding all of
// words.
func waitServerLog(t *testing.T, srv *lab.Server, d time.Duration,
	words ...string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		for _, line := range strings.Split(srv.Log(), "\n") {
			if containsAll(line, words) {
				return
			}
		}

		if time.Now().After(deadline) {
			t.Fatalf("no %s log line with %q within %v:\n%s", srv.Kind,
				words, d, srv.Log())
		}

		time.Sleep(100 * time.Millisecond)
	}
}
