package interop

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/interop/hostile"
	"github.com/safedhcp/safedhcp/codec"
)

// script is what the hostile server answers a request with.
type script = func(h *hlab, r *hostile.Request) []hostile.Packet

// hostileCase is one hostile server behaviour and what the client must
// make of it.
type hostileCase struct {
	name   string
	expect string // the expected outcome, for the summary
	script script
	check  func(t *testing.T, h *hlab, c *client)
	daemon bool // run the client as a daemon; check stops it
}

// dropped returns a check that the client dropped a reply for reason
// and then took the good lease.
func dropped(reason string) func(*testing.T, *hlab, *client) {
	return func(t *testing.T, h *hlab, c *client) {
		wantDrop(t, c, `reason="`+reason)
		checkGood(t, h, c)
	}
}

// accepted returns a check that the client took the good lease, after
// logging each of warnings.
func accepted(warnings ...string) func(*testing.T, *hlab, *client) {
	return func(t *testing.T, h *hlab, c *client) {
		for _, w := range warnings {
			if c.countLog("level=WARN", w) == 0 {
				t.Errorf("no warning %q logged", w)
			}
		}
		checkGood(t, h, c)
	}
}

// serverID returns a change of a reply's server identifier to a.
func serverID(a netip.Addr) func(*hostile.Reply) {
	return setOption(codec.OptServerID, hostile.Addr(codec.OptServerID, a))
}

// hostileCases are the behaviours of the hostile server list.
var hostileCases = []hostileCase{{
	name: "wrong xid", expect: "dropped: xid mismatch",
	script: before(codec.Discover, func(h *hlab,
		r *hostile.Request) []hostile.Packet {
		return pkt(h.good(r, codec.Offer, func(p *hostile.Reply) {
			p.XID ^= 1
		}))
	}),
	check: dropped("xid mismatch"),
}, {
	name: "wrong chaddr", expect: "dropped: chaddr mismatch",
	script: before(codec.Discover, func(h *hlab,
		r *hostile.Request) []hostile.Packet {
		return pkt(h.good(r, codec.Offer, func(p *hostile.Reply) {
			p.CHAddr = []byte{2, 0, 0, 0, 0, 1}
		}))
	}),
	check: dropped("chaddr mismatch"),
}, {
	name: "OFFER without option 54", expect: "dropped: no server id",
	script: before(codec.Discover, func(h *hlab,
		r *hostile.Request) []hostile.Packet {
		return pkt(h.good(r, codec.Offer, dropOption(codec.OptServerID)))
	}),
	check: dropped("no server id"),
}, {
	name: "ACK from another server", expect: "dropped: wrong server",
	script: before(codec.Request, func(h *hlab,
		r *hostile.Request) []hostile.Packet {
		return []hostile.Packet{{
			Payload: h.good(r, codec.Ack,
				serverID(h.stranger())).Marshal(),
			Src: h.stranger(),
		}}
	}),
	check: dropped("wrong server"),
}, {
	name: "yiaddr 0.0.0.0", expect: "dropped: bad yiaddr",
	script: before(codec.Discover, func(h *hlab,
		r *hostile.Request) []hostile.Packet {
		return pkt(h.good(r, codec.Offer, func(p *hostile.Reply) {
			p.YIAddr = netip.IPv4Unspecified()
		}))
	}),
	check: dropped("bad yiaddr"),
}, {
	name: "yiaddr 255.255.255.255", expect: "dropped: bad yiaddr",
	script: before(codec.Discover, func(h *hlab,
		r *hostile.Request) []hostile.Packet {
		return pkt(h.good(r, codec.Offer, func(p *hostile.Reply) {
			p.YIAddr = netip.AddrFrom4([4]byte{255, 255, 255, 255})
		}))
	}),
	check: dropped("bad yiaddr"),
}, {
	name: "lease 0", expect: "dropped: no lease time",
	script: before(codec.Request, func(h *hlab,
		r *hostile.Request) []hostile.Packet {
		return pkt(h.good(r, codec.Ack,
			setOption(codec.OptLeaseTime,
				hostile.U32(codec.OptLeaseTime, 0))))
	}),
	check: dropped("no lease time"),
}, {
	name: "truncated options", expect: "dropped: codec: truncated",
	script: before(codec.Discover, func(h *hlab,
		r *hostile.Request) []hostile.Packet {
		return pkt(h.good(r, codec.Offer, func(p *hostile.Reply) {
			p.Options = append(p.Options,
				hostile.RawBytes(byte(codec.OptRouter), 8, 10, 77))
			p.NoEnd = true
		}))
	}),
	check: dropped("codec: truncated"),
}, {
	name: "overload loop", expect: "accepted, nested 52 not followed",
	script: instead(codec.Discover, func(p *hostile.Reply) {
		// Option 52 in the options, and again in file and in sname,
		// each asking for both fields again (RFC 2132 section 9.3).
		p.Options = append(p.Options, hostile.Opt(codec.OptOverload, 3))
		p.File = []byte{byte(codec.OptOverload), 1, 3, 255}
		p.SName = []byte{byte(codec.OptOverload), 1, 3, 255}
	}),
	check: func(t *testing.T, h *hlab, c *client) {
		if n := c.countLog(`msg="packet dropped"`); n != 0 {
			t.Errorf("%d drops, want the overloaded OFFER taken", n)
		}
		checkGood(t, h, c)
	},
}, {
	name: "options after END", expect: "accepted, tail ignored",
	script: instead(codec.Request, func(p *hostile.Reply) {
		p.Tail = []byte{byte(codec.OptDNSServer), 4, 6, 6, 6, 6,
			byte(codec.OptRouter), 4, 6, 6, 6, 6, 255}
	}),
	check: accepted(),
}, {
	name: "option 119 pointer loop", expect: "accepted, 119 left out",
	script: instead(codec.Request, setOption(codec.OptDomainSearch,
		hostile.Opt(codec.OptDomainSearch, 0xc0, 0x00))),
	check: accepted("ignored malformed option 119"),
}, {
	name: "option 121 bad width", expect: "accepted, 121 left out",
	script: instead(codec.Request, setOption(codec.OptClasslessRoute,
		hostile.Opt(codec.OptClasslessRoute, 33, 10, 0, 0, 0, 1,
			10, 77, 0, 1))),
	check: accepted("ignored malformed option 121"),
}, {
	// The client asks for MTU - 28 = 1,472 bytes (option 57), so on a
	// 1,500-byte link a reply over 576 bytes is one it asked for; on a
	// 576-byte link the frame would not arrive at all.
	name: "1,500-byte reply", expect: "accepted (option 57 was 1472)",
	script: instead(codec.Request, func(p *hostile.Reply) {
		p.PadTo = 1500 - 20 - 8 // the IPv4 packet is 1,500 bytes
	}),
	check: func(t *testing.T, h *hlab, c *client) {
		n, err := h.srv.Seen()[0].Msg.Options.MaxMessageSize()
		if err != nil || n != 1472 {
			t.Errorf("option 57 = %d, %v; want 1472", n, err)
		}
		accepted()(t, h, c)
	},
}, {
	name: "shell metacharacters", expect: "accepted, names left out",
	script: instead(codec.Request,
		setOption(codec.OptHostName,
			hostile.Text(codec.OptHostName, "h;reboot")),
		setOption(codec.OptDomainName,
			hostile.Text(codec.OptDomainName, "lab.example$(id)"))),
	check: func(t *testing.T, h *hlab, c *client) {
		for _, w := range []string{"option 12", "option 15"} {
			if c.countLog("level=WARN", "ignored malformed "+w) == 0 {
				t.Errorf("no warning for %s", w)
			}
		}
		checkResolv(t, c, "nameserver "+h.ServerAddr.String())
		checkEngineAlive(t, c)
	},
}, {
	name: "flood of bad replies", expect: "dropped, then bound",
	script: func(h *hlab, r *hostile.Request) []hostile.Packet {
		if r.Type != codec.Discover {
			return answer(h, r)
		}

		// TODO: a good OFFER sent right behind the burst is often
		// lost (the supervisor queues 16 frames for the engine), so
		// the client retries until the burst stops; it waits here.
		good := answer(h, r)
		good[0].After = floodPause
		return append(flood(h, r), good...)
	},
	check: func(t *testing.T, h *hlab, c *client) {
		for _, r := range []string{"xid mismatch", "chaddr mismatch",
			"no server id", "bad yiaddr", "codec: truncated"} {
			wantDrop(t, c, `reason="`+r)
		}
		checkGood(t, h, c)
	},
}, {
	name: "T1 > T2 > lease", expect: "accepted, T1/T2 repaired",
	daemon: true,
	script: instead(codec.Request,
		setOption(codec.OptLeaseTime, hostile.U32(codec.OptLeaseTime, 8)),
		setOption(codec.OptRenewalTime,
			hostile.U32(codec.OptRenewalTime, 30)),
		setOption(codec.OptRebindingTime,
			hostile.U32(codec.OptRebindingTime, 20))),
	check: func(t *testing.T, h *hlab, c *client) {
		c.waitLog(10*time.Second, "inconsistent T1/T2 repaired")
		line := c.waitLog(10*time.Second, `msg="lease applied"`)
		start := time.Now()
		c.waitLog(8*time.Second, "from=BOUND", "to=RENEWING")
		if d := time.Since(start); d > 6*time.Second {
			t.Errorf("renewed after %v, want T1 = 4 s", d)
		}
		c.waitLog(5*time.Second, "from=RENEWING", "to=BOUND")
		if !strings.Contains(line, "lifetime=8 ") {
			t.Errorf("lease line %q, want lifetime=8", line)
		}
		checkGood(t, h, c)
	},
}, {
	name: "lease 0xffffffff", expect: "accepted, infinite",
	daemon: true,
	script: instead(codec.Request, setOption(codec.OptLeaseTime,
		hostile.U32(codec.OptLeaseTime, 0xffffffff))),
	check: func(t *testing.T, h *hlab, c *client) {
		line := c.waitLog(10*time.Second, `msg="lease applied"`)
		if !strings.Contains(line, "lifetime=4294967295") {
			t.Errorf("lease line %q, want lifetime=4294967295", line)
		}
		// The longest finite lifetime: a permanent address would
		// read as an administrator's (priv.Addr).
		out := ipJSON(t, h, "-4", "addr", "show", "dev", h.ClientIf)
		if !strings.Contains(out, `"valid_life_time":42949672`) ||
			strings.Contains(out, `"valid_life_time":4294967295`) {
			t.Errorf("address lifetime not the longest finite: %s", out)
		}
		checkGood(t, h, c)
	},
}, {
	name:   "NAK from a stranger while RENEWING",
	expect: "dropped: wrong server", daemon: true,
	script: func(h *hlab, r *hostile.Request) []hostile.Packet {
		if r.Type != codec.Request || !r.CIAddr.IsValid() ||
			r.CIAddr.IsUnspecified() {
			return instead(codec.Request, setOption(codec.OptLeaseTime,
				hostile.U32(codec.OptLeaseTime, 8)))(h, r)
		}
		nak := r.Answer(codec.Nak,
			hostile.Addr(codec.OptServerID, h.stranger()))
		return append([]hostile.Packet{{
			Payload: nak.Marshal(), Src: h.stranger(),
		}}, instead(codec.Request, setOption(codec.OptLeaseTime,
			hostile.U32(codec.OptLeaseTime, 8)))(h, r)...)
	},
	check: func(t *testing.T, h *hlab, c *client) {
		c.waitLog(10*time.Second, `msg="lease applied"`)
		c.waitLog(8*time.Second, "from=BOUND", "to=RENEWING")
		c.waitLog(5*time.Second, "from=RENEWING", "to=BOUND")
		wantDrop(t, c, `reason="wrong server"`)
		checkGood(t, h, c)
	},
}, {
	name:   "NAK from a stranger while BOUND",
	expect: "dropped: not expected in state", daemon: true,
	script: answer,
	check: func(t *testing.T, h *hlab, c *client) {
		c.waitLog(10*time.Second, `msg="lease applied"`)
		seen := h.srv.Seen()
		last := seen[len(seen)-1]
		nak := last.Answer(codec.Nak,
			hostile.Addr(codec.OptServerID, h.stranger()))
		for _, src := range []netip.Addr{h.stranger(), h.ServerAddr} {
			err := h.srv.Send(hostile.Packet{
				Payload: nak.Marshal(), Src: src,
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		c.waitLog(5*time.Second, `reason="not expected in state"`)
		checkGood(t, h, c)
	},
}}

// floodPause is the wait between a flood and the good reply after it.
const floodPause = 200 * time.Millisecond

// flood is 50 rounds of the bad replies above, 350 packets in all.
func flood(h *hlab, r *hostile.Request) []hostile.Packet {
	bad := []func(*hostile.Reply){
		func(p *hostile.Reply) { p.XID++ },
		func(p *hostile.Reply) { p.CHAddr = []byte{2, 0, 0, 0, 0, 1} },
		dropOption(codec.OptServerID),
		func(p *hostile.Reply) { p.YIAddr = netip.IPv4Unspecified() },
		func(p *hostile.Reply) {
			p.Options = append(p.Options, hostile.RawBytes(3, 200))
			p.NoEnd = true
		},
		func(p *hostile.Reply) { p.Op = codec.BootRequest },
		func(p *hostile.Reply) { p.Options = nil },
	}

	var ps []hostile.Packet
	for range 50 {
		for _, m := range bad {
			ps = append(ps, pkt(h.good(r, codec.Offer, m))...)
		}
	}

	return ps
}

// TestHostile runs the client against each hostile server behaviour and
// checks both the reason it logged and what it applied.
func TestHostile(t *testing.T) {
	for _, tc := range hostileCases {
		t.Run(tc.name, func(t *testing.T) {
			outcome(t, hostileTable, tc.name, "outcome", tc.expect)
			h := newHostile(t, tc.script)
			if !tc.daemon {
				c := oneshot(t, h)
				tc.check(t, h, c)
				return
			}

			c := newClient(t)
			c.start(h.Lab, "--noarp", "--nodelay")
			tc.check(t, h, c)
		})
	}
}

// sortedCopy returns a sorted copy of s.
func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)

	return s
}

// ipJSON runs `ip -j ARGS` in the client namespace of h.
func ipJSON(t *testing.T, h *hlab, args ...string) string {
	t.Helper()
	out, err := h.ClientCommand(t.Context(), "ip",
		append([]string{"-j"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip -j %v: %v\n%s", args, err, out)
	}

	return string(out)
}
