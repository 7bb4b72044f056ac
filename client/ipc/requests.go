package ipc

import (
	"net/netip"
	"strconv"
)

// Hello is the engine's first message. The privileged part answers with
// Init; the version in the header is how the two agree on the protocol.
type Hello struct{}

// SendPayload asks the privileged part to send a DHCP message (RFC 2131
// section 4.1). Broadcast sends it to 255.255.255.255 from Src (0.0.0.0
// or the leased address) through the packet socket; otherwise it goes by
// unicast from the leased address Src to Dst. The privileged part builds
// all Ethernet, IPv4 and UDP headers itself.
type SendPayload struct {
	Broadcast bool
	Dst       netip.Addr
	Src       netip.Addr
	Payload   []byte
}

// Route is a destination prefix and the gateway that reaches it; an
// unspecified gateway (0.0.0.0) means the destination is on-link
// (RFC 3442 section 3).
type Route struct {
	Dest    netip.Prefix
	Gateway netip.Addr
}

// ApplyLease asks the privileged part to configure a bound lease on its
// interface (RFC 2131 section 4.4.1). Addr is the leased address with
// the prefix length of the subnet mask. Routes holds the classless static
// routes of option 121; when it is not empty, Routers is ignored
// (RFC 3442 section 3). MTU 0 leaves the link MTU alone; any other MTU
// is at least MinMTU. The lifetimes are in seconds; Infinite never
// expires.
type ApplyLease struct {
	Addr              netip.Prefix
	Routers           []netip.Addr
	Routes            []Route
	DNS               []netip.Addr
	Search            []string
	Domain            string
	MTU               uint16
	ValidLifetime     uint32
	PreferredLifetime uint32
	ServerID          netip.Addr
}

// RemoveLease asks the privileged part to remove the address Addr and the
// routes it added with it, after a lease expired or was released
// (RFC 2131 section 4.4.5, 4.4.6).
type RemoveLease struct {
	Addr netip.Prefix
}

// PersistLease hands the privileged part opaque lease bytes to store. It
// returns them, unparsed, in the Init of the next engine so that engine
// can start in INIT-REBOOT (RFC 2131 section 3.2).
type PersistLease struct {
	Data []byte
}

// ProbeAddress asks the privileged part to check that Addr is unused with
// an ARP probe (RFC 2131 section 4.4.1, RFC 5227 section 2.1.1). The
// answer is a ProbeResult.
type ProbeAddress struct {
	Addr netip.Addr
}

// Attr is one key/value pair of a Log request.
type Attr struct {
	Key   string
	Value string
}

// Log asks the privileged part to log Msg with its attributes at Level,
// a log/slog level. The engine has no descriptor to log to itself.
type Log struct {
	Level int8
	Msg   string
	Attrs []Attr
}

// State is the state a Status request reports.
type State uint8

// States reported by Status. Oneshot mode exits 0 on the first Bound and
// non-zero on Failed.
const (
	StateBound   State = 1 // a lease was applied (RFC 2131 BOUND)
	StateRenewed State = 2 // the lease was extended
	StateLost    State = 3 // the lease expired or was refused (NAK)
	StateFailed  State = 4 // the engine gave up
)

// String returns the state's name in lower case, or "state(N)".
func (s State) String() string {
	switch s {
	case StateBound:
		return "bound"
	case StateRenewed:
		return "renewed"
	case StateLost:
		return "lost"
	case StateFailed:
		return "failed"
	}

	return "state(" + strconv.Itoa(int(s)) + ")"
}

// Status tells the privileged part about a change of the engine's state,
// with a short human-readable Reason.
type Status struct {
	State  State
	Reason string
}

// Type returns TypeHello.
func (*Hello) Type() Type { return TypeHello }

// Type returns TypeSendPayload.
func (*SendPayload) Type() Type { return TypeSendPayload }

// Type returns TypeApplyLease.
func (*ApplyLease) Type() Type { return TypeApplyLease }

// Type returns TypeRemoveLease.
func (*RemoveLease) Type() Type { return TypeRemoveLease }

// Type returns TypePersistLease.
func (*PersistLease) Type() Type { return TypePersistLease }

// Type returns TypeProbeAddress.
func (*ProbeAddress) Type() Type { return TypeProbeAddress }

// Type returns TypeLog.
func (*Log) Type() Type { return TypeLog }

// Type returns TypeStatus.
func (*Status) Type() Type { return TypeStatus }

func (*Hello) request()        {}
func (*SendPayload) request()  {}
func (*ApplyLease) request()   {}
func (*RemoveLease) request()  {}
func (*PersistLease) request() {}
func (*ProbeAddress) request() {}
func (*Log) request()          {}
func (*Status) request()       {}

func (*Hello) appendBody(*writer) {}
func (*Hello) decodeBody(*reader) {}

func (m *SendPayload) appendBody(w *writer) {
	w.bool(m.Broadcast)
	w.addr("Dst", m.Dst)
	w.addr("Src", m.Src)
	w.bytes("Payload", m.Payload, MaxPayloadLen)
}

func (m *SendPayload) decodeBody(r *reader) {
	m.Broadcast = r.bool("Broadcast")
	m.Dst = r.addr("Dst")
	m.Src = r.addr("Src")
	m.Payload = r.bytes("Payload", MaxPayloadLen)
}

func (m *ApplyLease) appendBody(w *writer) {
	w.prefix("Addr", m.Addr)
	appendAddrs(w, "Routers", m.Routers, MaxRouters)
	if w.count("Routes", len(m.Routes), MaxRoutes) {
		for _, rt := range m.Routes {
			w.prefix("Routes.Dest", rt.Dest)
			w.addr("Routes.Gateway", rt.Gateway)
		}
	}
	appendAddrs(w, "DNS", m.DNS, MaxDNS)
	if w.count("Search", len(m.Search), MaxSearch) {
		for _, s := range m.Search {
			w.text("Search", s, MaxNameLen)
		}
	}
	w.text("Domain", m.Domain, MaxNameLen)
	w.u16(m.MTU)
	w.u32(m.ValidLifetime)
	w.u32(m.PreferredLifetime)
	w.addr("ServerID", m.ServerID)
}

func (m *ApplyLease) decodeBody(r *reader) {
	m.Addr = r.prefix("Addr")
	m.Routers = decodeAddrs(r, "Routers", MaxRouters)
	if n := r.count("Routes", MaxRoutes); n > 0 {
		m.Routes = make([]Route, n)
		for i := range m.Routes {
			m.Routes[i].Dest = r.prefix("Routes.Dest")
			m.Routes[i].Gateway = r.addr("Routes.Gateway")
		}
	}
	m.DNS = decodeAddrs(r, "DNS", MaxDNS)
	if n := r.count("Search", MaxSearch); n > 0 {
		m.Search = make([]string, n)
		for i := range m.Search {
			m.Search[i] = r.text("Search", MaxNameLen)
		}
	}
	m.Domain = r.text("Domain", MaxNameLen)
	m.MTU = r.u16("MTU")
	m.ValidLifetime = r.u32("ValidLifetime")
	m.PreferredLifetime = r.u32("PreferredLifetime")
	m.ServerID = r.addr("ServerID")
}

func appendAddrs(w *writer, field string, as []netip.Addr, max int) {
	if w.count(field, len(as), max) {
		for _, a := range as {
			w.addr(field, a)
		}
	}
}

// decodeAddrs reads a counted list of addresses, nil when empty.
func decodeAddrs(r *reader, field string, max int) []netip.Addr {
	n := r.count(field, max)
	if n == 0 {
		return nil
	}

	as := make([]netip.Addr, n)
	for i := range as {
		as[i] = r.addr(field)
	}

	return as
}

func (m *RemoveLease) appendBody(w *writer) { w.prefix("Addr", m.Addr) }
func (m *RemoveLease) decodeBody(r *reader) { m.Addr = r.prefix("Addr") }

func (m *PersistLease) appendBody(w *writer) {
	w.bytes("Data", m.Data, MaxPersistLen)
}

func (m *PersistLease) decodeBody(r *reader) {
	m.Data = r.bytes("Data", MaxPersistLen)
}

func (m *ProbeAddress) appendBody(w *writer) { w.addr("Addr", m.Addr) }
func (m *ProbeAddress) decodeBody(r *reader) { m.Addr = r.addr("Addr") }

func (m *Log) appendBody(w *writer) {
	w.u8(uint8(m.Level))
	w.text("Msg", m.Msg, MaxLogMsgLen)
	if w.count("Attrs", len(m.Attrs), MaxLogAttrs) {
		for _, a := range m.Attrs {
			w.text("Attrs.Key", a.Key, MaxLogKeyLen)
			w.text("Attrs.Value", a.Value, MaxLogValueLen)
		}
	}
}

func (m *Log) decodeBody(r *reader) {
	m.Level = int8(r.u8("Level"))
	m.Msg = r.text("Msg", MaxLogMsgLen)
	if n := r.count("Attrs", MaxLogAttrs); n > 0 {
		m.Attrs = make([]Attr, n)
		for i := range m.Attrs {
			m.Attrs[i].Key = r.text("Attrs.Key", MaxLogKeyLen)
			m.Attrs[i].Value = r.text("Attrs.Value", MaxLogValueLen)
		}
	}
}

func (m *Status) appendBody(w *writer) {
	if m.State < StateBound || m.State > StateFailed {
		w.fail("State", "unknown state %d", m.State)
	}
	w.u8(uint8(m.State))
	w.text("Reason", m.Reason, MaxReasonLen)
}

func (m *Status) decodeBody(r *reader) {
	m.State = State(r.u8("State"))
	if r.err == nil && (m.State < StateBound || m.State > StateFailed) {
		r.fail("State", ErrBounds, "unknown state %d", m.State)
	}
	m.Reason = r.text("Reason", MaxReasonLen)
}
