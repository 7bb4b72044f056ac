package statemachine

// DropReason names why the machine ignored an input. It is carried by Log
// actions so that every drop can be counted and explained.
type DropReason uint8

// Drop reasons, each tied to the rule it enforces.
const (
	// ReasonNone marks a Log action that reports no drop.
	ReasonNone DropReason = iota

	// ReasonNilMessage: a packet event without a message.
	ReasonNilMessage

	// ReasonNotReply: op is not BOOTREPLY (RFC 2131 section 2).
	ReasonNotReply

	// ReasonXIDMismatch: xid is not that of the exchange in progress
	// (RFC 2131 section 4.4.1).
	ReasonXIDMismatch

	// ReasonCHAddrMismatch: htype, hlen or chaddr is not ours (RFC 2131
	// section 4.4.1).
	ReasonCHAddrMismatch

	// ReasonClientIDMismatch: option 61 is present and differs from ours
	// (RFC 6842 section 3).
	ReasonClientIDMismatch

	// ReasonNoMessageType: option 53 is absent or malformed (RFC 2131
	// section 3).
	ReasonNoMessageType

	// ReasonUnexpectedType: the message type is not one the current
	// state waits for (RFC 2131 section 4.4, figure 5).
	ReasonUnexpectedType

	// ReasonNoServerID: option 54 is absent or malformed in a DHCPOFFER
	// or DHCPACK (RFC 2131 section 4.3.1, table 3).
	ReasonNoServerID

	// ReasonWrongServer: a DHCPACK or DHCPNAK does not come from the
	// server the client selected (RFC 2131 section 4.4.1).
	ReasonWrongServer

	// ReasonBadYIAddr: yiaddr is 0.0.0.0, broadcast, multicast, loopback,
	// class E or the network or broadcast address of its subnet.
	ReasonBadYIAddr

	// ReasonBadSubnetMask: option 1 is malformed (RFC 2132 section 3.3).
	ReasonBadSubnetMask

	// ReasonNoLeaseTime: a DHCPACK without a valid option 51 (RFC 2131
	// section 4.3.1, table 3).
	ReasonNoLeaseTime

	// ReasonNoRapidCommit: a DHCPACK while selecting, without rapid
	// commit enabled and option 80 present (RFC 4039 section 4).
	ReasonNoRapidCommit

	// ReasonWrongAddr: a DHCPACK for an address other than the one the
	// client requested or holds (RFC 2131 section 4.4.5).
	ReasonWrongAddr

	// ReasonNotExpected: the event means nothing in the current state,
	// such as a packet while Bound or a probe result while not probing.
	ReasonNotExpected

	// ReasonStaleTimer: a timer event for an ID that is not armed.
	ReasonStaleTimer

	// ReasonEarlyTimer: a timer event before its deadline; the timer is
	// armed again.
	ReasonEarlyTimer

	// ReasonBadLease: the lease given to Start failed validation or has
	// expired.
	ReasonBadLease

	numReasons
)

var reasonNames = [numReasons]string{
	ReasonNone:             "none",
	ReasonNilMessage:       "nil message",
	ReasonNotReply:         "not a reply",
	ReasonXIDMismatch:      "xid mismatch",
	ReasonCHAddrMismatch:   "chaddr mismatch",
	ReasonClientIDMismatch: "client id mismatch",
	ReasonNoMessageType:    "no message type",
	ReasonUnexpectedType:   "unexpected message type",
	ReasonNoServerID:       "no server id",
	ReasonWrongServer:      "wrong server",
	ReasonBadYIAddr:        "bad yiaddr",
	ReasonBadSubnetMask:    "bad subnet mask",
	ReasonNoLeaseTime:      "no lease time",
	ReasonNoRapidCommit:    "rapid commit not agreed",
	ReasonWrongAddr:        "wrong address",
	ReasonNotExpected:      "not expected in state",
	ReasonStaleTimer:       "stale timer",
	ReasonEarlyTimer:       "early timer",
	ReasonBadLease:         "bad lease",
}

// String returns a short lower-case name of r, such as "xid mismatch".
func (r DropReason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}

	return "reason(" + itoa(uint64(r)) + ")"
}
