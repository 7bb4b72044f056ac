package statemachine

import (
	"net/netip"

	"github.com/safedhcp/safedhcp/codec"
)

// EventKind says what happened; it selects the meaningful fields of an
// Event.
type EventKind uint8

// Event kinds.
const (
	// EvStart starts the client: INIT-REBOOT with Event.Lease when it is
	// a lease loaded from disk, otherwise INIT (RFC 2131 section 4.4).
	EvStart EventKind = iota + 1

	// EvLinkUp reports that the interface has carrier again.
	EvLinkUp

	// EvLinkDown reports that the interface lost carrier.
	EvLinkDown

	// EvPacket delivers a decoded message (Event.Msg) received from the
	// IP source Event.Src.
	EvPacket

	// EvTimer reports that the deadline of Event.Timer has passed.
	EvTimer

	// EvProbeResult reports the RFC 5227 probe of Event.Addr; Conflict is
	// true when another host uses it.
	EvProbeResult

	// EvRelease gives the lease back with DHCPRELEASE (RFC 2131 section
	// 4.4.6) and stops.
	EvRelease

	// EvStop stops the client, keeping the lease on the server (RFC 2131
	// section 4.4.6 leaves DHCPRELEASE optional).
	EvStop

	numEventKinds
)

var eventNames = [numEventKinds]string{
	EvStart:       "Start",
	EvLinkUp:      "LinkUp",
	EvLinkDown:    "LinkDown",
	EvPacket:      "Packet",
	EvTimer:       "Timer",
	EvProbeResult: "ProbeResult",
	EvRelease:     "Release",
	EvStop:        "Stop",
}

// String returns the name of k, such as "Packet".
func (k EventKind) String() string {
	if k > 0 && k < numEventKinds {
		return eventNames[k]
	}

	return "Event(" + itoa(uint64(k)) + ")"
}

// Event is one input to Handle. Kind selects which other fields matter;
// the constructors below fill them. An Event is a plain value, so feeding
// one allocates nothing.
type Event struct {
	Kind EventKind

	// Lease is the persisted lease of EvStart, or nil.
	Lease *Lease

	// Msg is the decoded message of EvPacket. The machine reads it during
	// Handle only and keeps no reference.
	Msg *codec.Message

	// Src is the IP source address of EvPacket.
	Src netip.Addr

	// Timer is the timer of EvTimer.
	Timer TimerID

	// Addr is the probed address of EvProbeResult.
	Addr netip.Addr

	// Conflict reports, for EvProbeResult, that Addr is in use.
	Conflict bool
}

// Start returns an EvStart event; l is a lease loaded from disk or nil.
func Start(l *Lease) Event { return Event{Kind: EvStart, Lease: l} }

// LinkUp returns an EvLinkUp event.
func LinkUp() Event { return Event{Kind: EvLinkUp} }

// LinkDown returns an EvLinkDown event.
func LinkDown() Event { return Event{Kind: EvLinkDown} }

// Packet returns an EvPacket event for msg received from src.
func Packet(msg *codec.Message, src netip.Addr) Event {
	return Event{Kind: EvPacket, Msg: msg, Src: src}
}

// Timer returns an EvTimer event for id.
func Timer(id TimerID) Event { return Event{Kind: EvTimer, Timer: id} }

// ProbeResult returns an EvProbeResult event for the RFC 5227 probe of
// addr.
func ProbeResult(addr netip.Addr, conflict bool) Event {
	return Event{Kind: EvProbeResult, Addr: addr, Conflict: conflict}
}

// Release returns an EvRelease event.
func Release() Event { return Event{Kind: EvRelease} }

// Stop returns an EvStop event.
func Stop() Event { return Event{Kind: EvStop} }
