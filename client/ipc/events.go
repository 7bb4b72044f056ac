package ipc

import (
	"net/netip"
	"time"
)

// MaxInitialDelay bounds EngineConfig.InitialDelay. RFC 2131 section
// 4.4.1 asks for a random wait of 1 to 10 seconds before DHCPDISCOVER.
const MaxInitialDelay = time.Minute

// EngineConfig is the part of the configuration the engine needs to build
// its messages (RFC 2131 section 4.4.1, RFC 2132 section 9).
type EngineConfig struct {
	Hostname          string        // option 12, empty for none
	ClientID          []byte        // option 61, empty for the default
	VendorClass       []byte        // option 60, empty for none
	RapidCommit       bool          // request option 80 (RFC 4039)
	IPv6OnlyPreferred bool          // request option 108 (RFC 8925)
	ARPProbe          bool          // probe offered addresses (RFC 5227)
	InitialDelay      time.Duration // upper bound of the random delay
	ReleaseOnStop     bool          // send DHCPRELEASE on Stop
}

// Init is the privileged part's answer to Hello: the interface the
// engine works on, its configuration and the lease bytes the previous
// engine persisted, if any (RFC 2131 section 3.2, INIT-REBOOT).
type Init struct {
	IfIndex   uint32
	IfName    string
	HWAddr    []byte
	MTU       uint16
	Config    EngineConfig
	Persisted []byte
}

// Frame carries one Ethernet frame received on the interface, copied
// unparsed. The engine checks every header itself.
type Frame struct {
	Data []byte
}

// ProbeResult answers a ProbeAddress: Conflict reports that another host
// uses Addr (RFC 5227 section 2.1.1).
type ProbeResult struct {
	Addr     netip.Addr
	Conflict bool
}

// LinkState reports that the interface's carrier went up or down. On up
// the engine reboots its lease (RFC 2131 section 3.2).
type LinkState struct {
	Up bool
}

// Stop asks the engine to finish, releasing the lease first when Release
// is set (RFC 2131 section 4.4.6).
type Stop struct {
	Release bool
}

// Type returns TypeInit.
func (*Init) Type() Type { return TypeInit }

// Type returns TypeFrame.
func (*Frame) Type() Type { return TypeFrame }

// Type returns TypeProbeResult.
func (*ProbeResult) Type() Type { return TypeProbeResult }

// Type returns TypeLinkState.
func (*LinkState) Type() Type { return TypeLinkState }

// Type returns TypeStop.
func (*Stop) Type() Type { return TypeStop }

func (*Init) event()        {}
func (*Frame) event()       {}
func (*ProbeResult) event() {}
func (*LinkState) event()   {}
func (*Stop) event()        {}

func (m *Init) appendBody(w *writer) {
	w.u32(m.IfIndex)
	w.text("IfName", m.IfName, MaxIfNameLen)
	w.bytes("HWAddr", m.HWAddr, MaxHWAddrLen)
	w.u16(m.MTU)
	c := &m.Config
	w.text("Config.Hostname", c.Hostname, MaxNameLen)
	w.bytes("Config.ClientID", c.ClientID, MaxOptionLen)
	w.bytes("Config.VendorClass", c.VendorClass, MaxOptionLen)
	w.bool(c.RapidCommit)
	w.bool(c.IPv6OnlyPreferred)
	w.bool(c.ARPProbe)
	w.duration("Config.InitialDelay", c.InitialDelay, MaxInitialDelay)
	w.bool(c.ReleaseOnStop)
	w.bytes("Persisted", m.Persisted, MaxPersistLen)
}

func (m *Init) decodeBody(r *reader) {
	m.IfIndex = r.u32("IfIndex")
	m.IfName = r.text("IfName", MaxIfNameLen)
	m.HWAddr = r.bytes("HWAddr", MaxHWAddrLen)
	m.MTU = r.u16("MTU")
	c := &m.Config
	c.Hostname = r.text("Config.Hostname", MaxNameLen)
	c.ClientID = r.bytes("Config.ClientID", MaxOptionLen)
	c.VendorClass = r.bytes("Config.VendorClass", MaxOptionLen)
	c.RapidCommit = r.bool("Config.RapidCommit")
	c.IPv6OnlyPreferred = r.bool("Config.IPv6OnlyPreferred")
	c.ARPProbe = r.bool("Config.ARPProbe")
	c.InitialDelay = r.duration("Config.InitialDelay", MaxInitialDelay)
	c.ReleaseOnStop = r.bool("Config.ReleaseOnStop")
	m.Persisted = r.bytes("Persisted", MaxPersistLen)
}

func (m *Frame) appendBody(w *writer) { w.bytes("Data", m.Data, MaxFrameLen) }
func (m *Frame) decodeBody(r *reader) { m.Data = r.bytes("Data", MaxFrameLen) }

func (m *ProbeResult) appendBody(w *writer) {
	w.addr("Addr", m.Addr)
	w.bool(m.Conflict)
}

func (m *ProbeResult) decodeBody(r *reader) {
	m.Addr = r.addr("Addr")
	m.Conflict = r.bool("Conflict")
}

func (m *LinkState) appendBody(w *writer) { w.bool(m.Up) }
func (m *LinkState) decodeBody(r *reader) { m.Up = r.bool("Up") }

func (m *Stop) appendBody(w *writer) { w.bool(m.Release) }
func (m *Stop) decodeBody(r *reader) { m.Release = r.bool("Release") }
