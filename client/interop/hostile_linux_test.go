package interop

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/interop/hostile"
	"github.com/safedhcp/safedhcp/client/lab"
	"github.com/safedhcp/safedhcp/codec"
)

// hostileTable is the summary table of the hostile server cases.
const hostileTable = "2 hostile server"

// hostileLease is the lease time the hostile server's good replies give.
const hostileLease = 600

// hlab is a lab with a hostile server in its server namespace.
type hlab struct {
	*lab.Lab
	srv    *hostile.Server
	leased netip.Addr // the address good replies give
}

// stranger is a server the client never selected.
func (h *hlab) stranger() netip.Addr {
	return h.ServerAddr.Next().Next().Next()
}

// newHostile builds a lab whose server namespace runs a hostile server
// answering with script until t ends.
func newHostile(t *testing.T, script func(h *hlab,
	r *hostile.Request) []hostile.Packet) *hlab {
	t.Helper()
	l := newLab(t, "")
	srv, err := hostile.Open(l.ServerNS, l.ServerIf, l.ServerAddr)
	if err != nil {
		t.Fatal(err)
	}

	b := l.ServerAddr.As4()
	b[3] = 50
	h := &hlab{Lab: l, srv: srv, leased: netip.AddrFrom4(b)}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- srv.Serve(ctx, func(_ *hostile.Server,
			r *hostile.Request) []hostile.Packet {
			return script(h, r)
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("hostile server: %v", err)
		}
		srv.Close()
	})

	return h
}

// good returns the well-formed reply of type mt to r: the lease of
// h.leased with the lab's usual options (RFC 2131 section 4.3.1, table
// 3), changed by each of mods in turn.
func (h *hlab) good(r *hostile.Request, mt codec.MessageType,
	mods ...func(*hostile.Reply)) *hostile.Reply {
	s := h.ServerAddr
	rep := r.Answer(mt,
		hostile.Addr(codec.OptServerID, s),
		hostile.U32(codec.OptLeaseTime, hostileLease),
		hostile.Opt(codec.OptSubnetMask, 255, 255, 255, 0),
		hostile.Addr(codec.OptRouter, s),
		hostile.Addr(codec.OptDNSServer, s),
		hostile.Text(codec.OptDomainName, "lab.example"),
	)
	rep.YIAddr = h.leased
	rep.SIAddr = s
	for _, m := range mods {
		m(rep)
	}

	return rep
}

// pkt wraps replies as packets from the server to the broadcast address.
func pkt(reps ...*hostile.Reply) []hostile.Packet {
	ps := make([]hostile.Packet, len(reps))
	for i, r := range reps {
		ps[i] = hostile.Packet{Payload: r.Marshal()}
	}

	return ps
}

// answer is the script of a well-behaved server: DHCPOFFER to
// DHCPDISCOVER, DHCPACK to DHCPREQUEST (RFC 2131 section 4.3).
func answer(h *hlab, r *hostile.Request) []hostile.Packet {
	switch r.Type {
	case codec.Discover:
		return pkt(h.good(r, codec.Offer))
	case codec.Request:
		return pkt(h.good(r, codec.Ack))
	}

	return nil
}

// before returns a script that sends bad's replies to requests of type
// mt ahead of the good answer, so the client must drop them and go on.
func before(mt codec.MessageType,
	bad func(h *hlab, r *hostile.Request) []hostile.Packet) func(*hlab,
	*hostile.Request) []hostile.Packet {
	return func(h *hlab, r *hostile.Request) []hostile.Packet {
		if r.Type != mt {
			return answer(h, r)
		}

		return append(bad(h, r), answer(h, r)...)
	}
}

// instead returns a script that answers requests of type mt with the
// good reply changed by mods, and others as a good server would.
func instead(mt codec.MessageType,
	mods ...func(*hostile.Reply)) func(*hlab,
	*hostile.Request) []hostile.Packet {
	return func(h *hlab, r *hostile.Request) []hostile.Packet {
		if r.Type != mt {
			return answer(h, r)
		}

		reply := codec.Offer
		if mt == codec.Request {
			reply = codec.Ack
		}

		return pkt(h.good(r, reply, mods...))
	}
}

// setOption replaces option c of a reply with o, or appends o.
func setOption(c codec.OptionCode, o hostile.Option) func(*hostile.Reply) {
	return func(r *hostile.Reply) {
		for i := range r.Options {
			if r.Options[i].Code == c && !r.Options[i].Raw {
				r.Options[i] = o
				return
			}
		}
		r.Options = append(r.Options, o)
	}
}

// dropOption removes option c from a reply.
func dropOption(c codec.OptionCode) func(*hostile.Reply) {
	return func(r *hostile.Reply) {
		out := r.Options[:0]
		for _, o := range r.Options {
			if o.Code != c || o.Raw {
				out = append(out, o)
			}
		}
		r.Options = out
	}
}

// oneshot runs dhcp-client -1 against h and waits for it to exit.
func oneshot(t *testing.T, h *hlab) *client {
	t.Helper()
	c := newClient(t)
	c.start(h.Lab, "-1", "-t", "15", "--noarp", "--nodelay")
	if err := c.wait(25 * time.Second); err != nil {
		t.Fatalf("dhcp-client -1: %v", err)
	}

	return c
}

// checkGood checks that the client applied the good lease of h, that
// resolv.conf holds exactly what good replies send, and that the engine
// was never killed or restarted.
func checkGood(t *testing.T, h *hlab, c *client) {
	t.Helper()
	s := h.ServerAddr
	checkLease(t, h.Lab, netip.PrefixFrom(h.leased, 24), []lab.Route{
		{Dest: netip.MustParsePrefix("0.0.0.0/0"), Gateway: s},
	})
	if got := readApplied(t, h.Lab).Addrs[0].Addr(); got != h.leased {
		t.Errorf("client address %v, want %v", got, h.leased)
	}

	checkResolv(t, c, "nameserver "+s.String(), "search lab.example")
	checkEngineAlive(t, c)
}

// checkResolv checks the lines of the client's resolv.conf, comments
// aside, in any order.
func checkResolv(t *testing.T, c *client, want ...string) {
	t.Helper()
	got := resolvLines(t, c.resolv)
	if strings.Join(sortedCopy(got), "\n") !=
		strings.Join(sortedCopy(want), "\n") {
		t.Errorf("resolv.conf lines %q, want %q", got, want)
	}
}

// checkEngineAlive checks that the supervisor never killed or restarted
// the engine: hostile input is dropped inside it.
func checkEngineAlive(t *testing.T, c *client) {
	t.Helper()
	log := c.logText()
	for _, bad := range []string{"killing the engine", "generation=2",
		"engine exited", "level=ERROR"} {
		if strings.Contains(log, bad) {
			t.Errorf("client log has %q", bad)
		}
	}
}

// wantDrop checks that the engine logged a drop for reason.
func wantDrop(t *testing.T, c *client, reason string) {
	t.Helper()
	if c.countLog(`msg="packet dropped"`, reason) == 0 {
		t.Errorf("no drop with reason %q logged", reason)
	}
}
