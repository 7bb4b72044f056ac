package statemachine

// State is a client state of RFC 2131 section 4.4 (figure 5), extended
// with the few waiting states a real client needs.
type State uint8

// States of the machine.
const (
	// Stopped is the state before Start and after Stop or Release.
	Stopped State = iota

	// Init waits out the initial delay or a back-off before DHCPDISCOVER
	// (RFC 2131 section 4.4.1).
	Init

	// Selecting collects DHCPOFFERs (RFC 2131 section 4.4.1).
	Selecting

	// Requesting waits for the selected server's DHCPACK or DHCPNAK
	// (RFC 2131 section 4.4.1).
	Requesting

	// Probing waits for the caller's RFC 5227 address probe before the
	// acknowledged address is used (RFC 2131 section 2.2).
	Probing

	// Bound holds a lease until T1 (RFC 2131 section 4.4.5).
	Bound

	// Renewing unicasts DHCPREQUEST to the leasing server between T1
	// and T2 (RFC 2131 section 4.4.5).
	Renewing

	// Rebinding broadcasts DHCPREQUEST between T2 and expiry (RFC 2131
	// section 4.4.5).
	Rebinding

	// InitReboot starts from a remembered lease (RFC 2131 section 4.4.2).
	InitReboot

	// Rebooting waits for the answer to an INIT-REBOOT DHCPREQUEST
	// (RFC 2131 section 4.4.2).
	Rebooting

	// LinkWait waits for the link to come back up; a lease still held is
	// verified with INIT-REBOOT then (RFC 2131 section 3.7).
	LinkWait

	// V6OnlyWait pauses DHCPv4 for the V6ONLY_WAIT time an IPv6-only
	// preferred network asked for (RFC 8925 section 3.2).
	V6OnlyWait

	numStates
)

var stateNames = [numStates]string{
	Stopped:    "STOPPED",
	Init:       "INIT",
	Selecting:  "SELECTING",
	Requesting: "REQUESTING",
	Probing:    "PROBING",
	Bound:      "BOUND",
	Renewing:   "RENEWING",
	Rebinding:  "REBINDING",
	InitReboot: "INIT-REBOOT",
	Rebooting:  "REBOOTING",
	LinkWait:   "LINK-WAIT",
	V6OnlyWait: "V6ONLY-WAIT",
}

// String returns the RFC 2131 name of s, such as "INIT-REBOOT".
func (s State) String() string {
	if s < numStates {
		return stateNames[s]
	}

	return "STATE(" + itoa(uint64(s)) + ")"
}

// itoa formats v in decimal without fmt, keeping hot paths lean.
func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}

	return string(b[i:])
}
