package main

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/statemachine"
)

// addOthers adds the seeds of the IPC, lease, configuration and state
// machine targets.
func addOthers(c corpus) error {
	for name, m := range ipcSeeds() {
		b, err := ipc.Append(nil, m)
		if err != nil {
			return err
		}
		c.add("ipc", "edge-"+name, b)
	}

	for name, l := range leaseSeeds() {
		b, err := l.MarshalBinary()
		if err != nil {
			return err
		}
		c.add("lease", "edge-"+name, b)
	}

	for name, y := range configSeeds {
		c.add("config", "edge-"+name, []byte(y))
	}

	for name, s := range smScripts() {
		c.add("statemachine", "edge-"+name, s)
	}

	return nil
}

// a4 returns the IPv4 address a.b.c.d.
func a4(a, b, c, d byte) netip.Addr { return netip.AddrFrom4([4]byte{a, b, c, d}) }

// ipcSeeds are one valid message of every type.
func ipcSeeds() map[string]ipc.Message {
	return map[string]ipc.Message{
		"hello": &ipc.Hello{},
		"send": &ipc.SendPayload{Broadcast: true, Src: a4(0, 0, 0, 0),
			Dst: a4(255, 255, 255, 255), Payload: withOffer()},
		"apply": &ipc.ApplyLease{
			Addr:    netip.MustParsePrefix("192.0.2.10/24"),
			Routers: []netip.Addr{a4(192, 0, 2, 1)},
			Routes: []ipc.Route{{
				Dest:    netip.MustParsePrefix("198.51.100.0/24"),
				Gateway: a4(192, 0, 2, 1)}},
			DNS:    []netip.Addr{a4(192, 0, 2, 53)},
			Search: []string{"lab.example", "example.net"},
			Domain: "lab.example", MTU: 1400, ValidLifetime: 1200,
			PreferredLifetime: 1200, ServerID: a4(192, 0, 2, 1),
		},
		"remove":  &ipc.RemoveLease{Addr: netip.MustParsePrefix("192.0.2.10/24")},
		"persist": &ipc.PersistLease{Data: []byte("SDHL\x01")},
		"probe":   &ipc.ProbeAddress{Addr: a4(192, 0, 2, 10)},
		"log": &ipc.Log{Level: 4, Msg: "lease bound",
			Attrs: []ipc.Attr{{Key: "xid", Value: "0x12345678"}}},
		"status": &ipc.Status{State: ipc.StateBound, Reason: "ack"},
		"init": &ipc.Init{IfIndex: 2, IfName: "eth0",
			HWAddr: []byte{2, 0, 0, 0, 0, 1}, MTU: 1500,
			Config: ipc.EngineConfig{Hostname: "host", RapidCommit: true,
				InitialDelay: time.Second}},
		"frame":        &ipc.Frame{Data: withOffer()},
		"probe-result": &ipc.ProbeResult{Addr: a4(192, 0, 2, 10), Conflict: true},
		"link":         &ipc.LinkState{Up: true},
		"stop":         &ipc.Stop{Release: true},
	}
}

// leaseSeeds are valid lease records: a plain one, one with every list
// filled, and one that never expires.
func leaseSeeds() map[string]*statemachine.Lease {
	base := func() *statemachine.Lease {
		return &statemachine.Lease{
			Addr:      netip.MustParsePrefix("192.0.2.10/24"),
			ServerID:  a4(192, 0, 2, 1),
			Acquired:  time.Unix(1700000000, 0),
			LeaseTime: 20 * time.Minute,
			T1:        10 * time.Minute,
			T2:        17*time.Minute + 30*time.Second,
		}
	}

	full := base()
	full.Routes = []statemachine.Route{
		{Dest: netip.MustParsePrefix("0.0.0.0/0"), Gateway: a4(192, 0, 2, 1)},
		{Dest: netip.MustParsePrefix("198.51.100.0/24"),
			Gateway: a4(192, 0, 2, 1)},
	}
	full.DNS = []netip.Addr{a4(192, 0, 2, 53), a4(192, 0, 2, 54)}
	full.NTP = []netip.Addr{a4(192, 0, 2, 123)}
	full.Search = []string{"lab.example", "example.net"}
	full.Domain, full.Hostname, full.MTU = "lab.example", "labclient", 1400

	plain := base()
	plain.Routers = []netip.Addr{a4(192, 0, 2, 1)}

	forever := base()
	forever.LeaseTime = statemachine.Infinite
	forever.T1, forever.T2 = statemachine.Infinite, statemachine.Infinite

	return map[string]*statemachine.Lease{
		"plain": plain, "full": full, "infinite": forever,
	}
}

// configSeeds are configuration files, valid and not.
var configSeeds = map[string]string{
	"minimal": "interface: eth0\n",
	"full": "interface: eth0\noneshot: true\ntimeout: 30s\n" +
		"hostname: labclient\nclient_id: \"01:02:00:00:00:00:01\"\n" +
		"vendor_class: safedhcp\narp_probe: true\nrapid_commit: true\n" +
		"ipv6_only_preferred: true\ninitial_delay: 2s\n" +
		"release_on_exit: true\nstate_dir: /var/lib/dhcp-client\n" +
		"resolv_conf: /etc/resolv.conf\nengine_uid: 65534\n" +
		"engine_gid: 65534\nroute_metric: 100\napply_dns: true\n" +
		"apply_routes: false\napply_mtu: true\nlog_level: DEBUG\n",
	"bad-type":  "timeout: forever\nhostname: [a, b]\n",
	"unknown":   "interface: eth0\ncolour: blue\n",
	"repeated":  "interface: eth0\ninterface: eth1\n",
	"anchors":   "a: &a [*a, *a]\n",
	"not-a-map": "- 1\n- 2\n",
}

// script builds a state machine event script for FuzzStateMachine: the
// random seed, the flags byte, the server's lease time, then the events.
type script []byte

func newScript(flags byte, lease uint32) script {
	s := script{0, 0, 0, 0, 0, 0, 0, 42, 1, flags}

	return binary.BigEndian.AppendUint32(s, lease)
}

// answer delivers the server's reply after ms milliseconds.
func (s script) answer(ms uint16) script {
	return append(s, 0, byte(ms>>8), byte(ms), 1)
}

// op appends raw event bytes: 4 fires the next timer, 6 reports a probe,
// 7 and 0x87 bring the link up and down, 8, 0x48 and 0x88 release, stop
// and start, 9 restarts the server.
func (s script) op(ops ...byte) script { return append(s, ops...) }

// raw delivers the DHCP message m after 1 ms.
func (s script) raw(m []byte) script {
	s = append(s, 3)
	s = binary.BigEndian.AppendUint32(s, uint32(len(m)))
	s = append(s, m...)

	return append(s, 0, 1, 1)
}

// smScripts are event scripts through the main paths of RFC 2131.
func smScripts() map[string][]byte {
	bound := func(flags byte) script {
		return newScript(flags, 1200).answer(10).answer(10)
	}
	nak := message(opt(53, 6), opt(54, 192, 0, 2, 1), []byte{255})

	return map[string][]byte{
		"dora": newScript(0x20, 1200).answer(100).answer(100).op(4, 4).
			answer(5).op(4, 4, 4, 4),
		"rapid":          newScript(0x11, 600).answer(50).op(4, 4, 4),
		"probe":          bound(0x02).op(6, 4, 4),
		"probe-conflict": bound(0x02).op(0x86, 4).answer(10),
		"v6only":         newScript(0x44, 1200).answer(10).op(4, 4),
		"restart":        bound(0x20).op(9, 4).answer(10).op(4, 4),
		"link":           bound(0).op(0x87, 7, 4).answer(1).answer(1),
		"release":        bound(0).op(8, 0x88, 4).answer(1).op(0x48),
		"mutated": newScript(0x20, 1200).answer(10).
			op(2, 2, 121, 0, 0, 0, 5, 24, 10, 0, 0, 9, 0, 0, 1),
		"raw-nak":  newScript(0, 1200).answer(10).raw(nak),
		"timeouts": newScript(0, 60).op(4, 4, 4, 4, 4, 4, 4, 4),
		"reboot":   newScript(0xa0, 1200).answer(10).op(4, 4).answer(1),
	}
}
