package statemachine

// TimerID names one of the machine's timers. Each ID has at most one
// deadline at a time; arming it again replaces the deadline.
type TimerID uint8

// Timers of the machine.
const (
	// TimerRetransmit fires the next retransmission of DHCPDISCOVER or
	// DHCPREQUEST (RFC 2131 sections 4.1 and 4.4.5).
	TimerRetransmit TimerID = iota + 1

	// TimerT1 moves Bound to Renewing (RFC 2131 section 4.4.5).
	TimerT1

	// TimerT2 moves Renewing to Rebinding (RFC 2131 section 4.4.5).
	TimerT2

	// TimerExpiry ends the lease (RFC 2131 section 4.4.5).
	TimerExpiry

	// TimerWait ends a wait: the initial delay before DHCPDISCOVER (RFC
	// 2131 section 4.4.1), the pause after a DHCPNAK or DHCPDECLINE
	// (RFC 2131 section 3.1), V6ONLY_WAIT (RFC 8925 section 3.2) or an
	// address probe that never reported back.
	TimerWait

	numTimers
)

var timerNames = [numTimers]string{
	TimerRetransmit: "Retransmit",
	TimerT1:         "T1",
	TimerT2:         "T2",
	TimerExpiry:     "Expiry",
	TimerWait:       "Wait",
}

// String returns the name of t, such as "T1".
func (t TimerID) String() string {
	if t > 0 && t < numTimers {
		return timerNames[t]
	}

	return "Timer(" + itoa(uint64(t)) + ")"
}
