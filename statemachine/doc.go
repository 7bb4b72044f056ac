// Package statemachine implements the DHCPv4 client protocol of RFC 2131
// section 4.4 as a pure, deterministic state machine.
//
// A Machine is driven by Handle: each call takes the current time and one
// Event (Start, LinkUp, LinkDown, a decoded Packet with its IP source, a
// Timer firing, a ProbeResult, Release, Stop) and returns the Actions the
// caller must perform, in order (Send a message, ArmTimer or CancelTimer at
// an absolute time, Apply or Remove a Lease, Persist a lease record, Probe
// an address, Log something). The machine does no I/O, reads no clock and
// draws randomness only from the *rand.Rand given to New, so the same
// inputs always give the same outputs.
//
// States follow RFC 2131 figure 5: Init, Selecting, Requesting, Bound,
// Renewing, Rebinding, InitReboot and Rebooting, plus Stopped (before Start
// and after Stop or Release), LinkWait (the link is down), Probing (the
// offered address is being checked, RFC 5227 and RFC 2131 section 2.2) and
// V6OnlyWait (DHCPv4 paused for an IPv6-only network, RFC 8925 section
// 3.2). A Start event carrying a lease loaded from disk enters InitReboot.
//
// Timers are named by a TimerID and armed at absolute times; arming an ID
// replaces its previous deadline. The caller fires a Timer event when a
// deadline passes. A Timer event for an ID the machine has not armed, or
// that arrives before its deadline, is dropped (and an early one re-armed).
//
// Retransmission follows RFC 2131 section 4.1: 4, 8, 16, 32 and then 64
// seconds, each randomised by -1 to +1 second. In Renewing and Rebinding
// the wait is half the time left until T2 or expiry, never below 60 seconds
// (RFC 2131 section 4.4.5). T1 and T2 come from options 58 and 59 or
// default to 0.5 and 0.875 of the lease; inconsistent values are repaired.
//
// A DHCPACK becomes a Lease when its address and lease time are valid.
// Its optional options are read with the codec's accessors; one that is
// malformed is left out whole with a warning and the lease kept. Classless
// static routes (option 121, else 249) replace the routers of option 3
// (RFC 3442), and every name must pass codec.ValidHostname.
//
// Every packet that fails an acceptance rule is dropped with a Log action
// at slog.LevelDebug carrying a DropReason; state changes are logged at
// slog.LevelInfo. The slice returned by Handle, and the Payload of its Send
// actions, are owned by the machine and valid until the next call to
// Handle; Lease values handed out are never changed afterwards.
//
// Handle does bounded work whatever the input: no loop depends on the
// clock, so a jump of years costs one expiry and one restart; a call
// emits at most a few dozen actions (CheckTrace enforces the bound) and
// its work grows only with the size of the message. An input that is
// dropped allocates nothing; a lease costs one allocation, plus its names
// and its record.
//
// CheckTrace verifies the protocol invariants over a recorded Trace; tests
// and fuzzers share it, and FuzzSteps is the reusable fuzz body.
package statemachine
