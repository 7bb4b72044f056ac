package statemachine

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/safedhcp/safedhcp/codec"
)

// ActionKind says what the caller must do; it selects the meaningful
// fields of an Action.
type ActionKind uint8

// Action kinds.
const (
	// ActSend sends Payload, an encoded DHCP message no longer than the
	// server's option 57 or 576 bytes (RFC 2131 section 2). Broadcast
	// messages go from 0.0.0.0 (or Src) to 255.255.255.255; unicast ones
	// go from Src, the leased address, to Dst (RFC 2131 section 4.4.5).
	ActSend ActionKind = iota + 1

	// ActArmTimer arms Timer to fire at At, replacing any earlier
	// deadline of the same timer.
	ActArmTimer

	// ActCancelTimer cancels Timer.
	ActCancelTimer

	// ActApply configures the interface with Lease (address, routes,
	// DNS, MTU); it follows a DHCPACK that passed every rule.
	ActApply

	// ActRemove removes Lease from the interface. After a DHCPNAK in
	// REBOOTING, Lease is the remembered lease of Start, which an
	// earlier run may have left configured (RFC 2131 section 3.2).
	ActRemove

	// ActPersist stores Data, the Lease.MarshalBinary encoding of the
	// current lease, for a later INIT-REBOOT; empty Data means forget it.
	ActPersist

	// ActProbe asks for an RFC 5227 probe of Addr, answered by a
	// ProbeResult event.
	ActProbe

	// ActLog reports something worth logging at Level.
	ActLog

	numActionKinds
)

var actionNames = [numActionKinds]string{
	ActSend:        "Send",
	ActArmTimer:    "ArmTimer",
	ActCancelTimer: "CancelTimer",
	ActApply:       "Apply",
	ActRemove:      "Remove",
	ActPersist:     "Persist",
	ActProbe:       "Probe",
	ActLog:         "Log",
}

// String returns the name of k, such as "ArmTimer".
func (k ActionKind) String() string {
	if k > 0 && k < numActionKinds {
		return actionNames[k]
	}

	return "Action(" + itoa(uint64(k)) + ")"
}

// Action is one output of Handle. Kind selects which other fields matter.
type Action struct {
	Kind ActionKind

	// Payload is the encoded message of ActSend. It is owned by the
	// machine and valid until the next call to Handle.
	Payload []byte

	// MsgType is the type of the message in Payload.
	MsgType codec.MessageType

	// Broadcast reports that ActSend goes to 255.255.255.255.
	Broadcast bool

	// Src is the source address of ActSend: the leased address for
	// unicast renewals, invalid (meaning 0.0.0.0) otherwise.
	Src netip.Addr

	// Dst is the unicast destination of ActSend (the server id).
	Dst netip.Addr

	// Timer and At describe ActArmTimer and ActCancelTimer.
	Timer TimerID
	At    time.Time

	// Lease is the lease of ActApply and ActRemove. It is never changed
	// after it is handed out.
	Lease *Lease

	// Data is the lease record of ActPersist.
	Data []byte

	// Addr is the address of ActProbe.
	Addr netip.Addr

	// Level, Msg and Reason describe ActLog: drops are logged at
	// slog.LevelDebug with their Reason, state changes at
	// slog.LevelInfo with From and To.
	Level  slog.Level
	Msg    string
	Reason DropReason
	From   State
	To     State

	// XID is the transaction id of the exchange the action belongs to.
	XID uint32

	// Peer is the server (or packet source) an ActLog is about.
	Peer netip.Addr
}

// LogAttrs returns the attributes of an ActLog action for a log/slog
// logger: the reason, states, xid and peer that are set.
func (a *Action) LogAttrs() []slog.Attr {
	attrs := make([]slog.Attr, 0, 5)
	if a.Reason != ReasonNone {
		attrs = append(attrs, slog.String("reason", a.Reason.String()))
	}
	if a.From != a.To {
		attrs = append(attrs,
			slog.String("from", a.From.String()),
			slog.String("to", a.To.String()))
	}
	if a.XID != 0 {
		attrs = append(attrs, slog.Uint64("xid", uint64(a.XID)))
	}
	if a.Peer.IsValid() {
		attrs = append(attrs, slog.String("peer", a.Peer.String()))
	}

	return attrs
}
