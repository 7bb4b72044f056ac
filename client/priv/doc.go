// Package priv is the privileged supervisor of dhcp-client: the half that
// holds the sockets and the capability to change the network
// configuration, and never parses a DHCP message.
//
// Main runs it. In order it:
//
//  1. takes the configuration package config validated (a bad one never
//     reaches Main: the command exits with status 2 before any socket is
//     opened) and marks every inherited descriptor close-on-exec;
//  2. takes the interface's lock, an abstract unix socket named
//     @dhcp-client/INTERFACE in the network namespace, so that a second
//     dhcp-client on the same interface stops here (ErrRunning), as a
//     second dhcpcd does; it then looks up the interface (the command has
//     already checked that it exists) and brings its link up;
//  3. opens the AF_PACKET socket of package rawsock (IPv4 UDP to port 68
//     only, locked filter);
//  4. starts the engine (package engine) as a child process running
//     /proc/self/exe engine with only a pipe as stderr and its end of a
//     SOCK_SEQPACKET socketpair open, and sends it Init. Each line the
//     engine writes to stderr (a Go panic trace, say) is re-logged at
//     error level with component=engine-stderr, quoted by slog, cut at
//     1,024 bytes and within the rate limit of Log below;
//  5. drops the capabilities it no longer needs, denies itself with
//     Landlock every filesystem access but executing its own binary,
//     /dev/null and replacing files in the state directory and in the
//     directory of resolv.conf, and installs its own seccomp allowlist
//     (sandbox.ConfinePrivileged);
//  6. relays frames to the engine unparsed (see below for an engine that
//     falls behind) and carries out the engine's requests once ipc's
//     Validate has accepted them: SendPayload (a frame it builds itself
//     with package frame, or a unicast datagram from the leased address
//     to the lease's server, RFC 2131 section 4.4.5; a burst of 10, then
//     2 a second, the rest dropped), ApplyLease and RemoveLease
//     (package netconf and resolv.conf; a new address is then claimed
//     with RFC 5227 section 2.3 ARP announcements when probing is on),
//     PersistLease (the lease store), ProbeAddress (RFC 5227 section
//     2.1.1; one probe at a time, a new one cancelling the one before)
//     and Log (re-logged with component=engine, at most 20 lines a second
//     after a burst of 100);
//  7. forwards the interface's carrier changes (netlink link updates) to
//     the engine as LinkState. A read of the packet socket that fails
//     for a passing reason (ENETDOWN while the link is down, EINTR,
//     ENOBUFS) is retried, and a frame too long for the engine is
//     dropped and counted; any other read error, and the interface's
//     deletion, ends Main with an error naming the interface, so that a
//     service manager restarts the client rather than leave it deaf.
//
// Before the first engine starts, a persisted lease whose address is on
// the interface (left by an earlier run that stopped without a release
// or crashed) counts as applied, after the same validation as any
// lease: the engine that verifies it with INIT-REBOOT may then remove it
// when the server answers DHCPNAK (RFC 2131 section 3.2). A DHCPNAK'd
// persisted lease that is not on the interface needs no removal, and its
// RemoveLease is not a violation.
//
// A permanent address (one without a lifetime, IFA_F_PERMANENT) is an
// administrator's: netconf gives every lease a finite lifetime, even an
// infinite lease. The supervisor never adopts a permanent address and
// never applies a lease over one, so no engine can turn a static address
// into a lease and then remove it.
//
// At most one leased address is on the interface: before it applies a
// lease whose address differs from the applied lease's, the supervisor
// removes the applied lease (its address and routes, and the MTU it set),
// and when that fails it does not apply the new one. An engine cannot
// pile addresses up on the interface that RemoveLease no longer reaches.
//
// resolv.conf is not part of the lease: when it cannot be written the
// supervisor logs the cause and the lease still counts as applied.
//
// The supervisor never waits on the engine's socket: a goroutine of each
// engine writes the events the supervisor queues, while the supervisor
// goes on serving the engine's requests, so that neither can block the
// other and SIGTERM is always honoured. A frame is dropped and counted
// when the engine is behind (its socket is full, or 16 events wait). An
// engine that leaves any other event unwritten for 5 seconds has stopped
// reading, and is killed and restarted like a misbehaving one.
//
// A request that fails to decode or to validate is never partly applied:
// the supervisor logs it, kills the engine, carries out nothing more that
// engine sent (even what it had queued already) and starts a new one with
// back-off (1 s doubling to 30 s). An engine that dies is restarted the
// same way; the applied lease stays and the new engine resumes from the
// persisted lease (INIT-REBOOT, RFC 2131 section 4.4.2).
//
// In oneshot mode Main returns once a lease is applied, or fails after the
// timeout. In daemon mode it runs until its context ends (SIGTERM or
// SIGINT), then tells the engine to stop, releasing the lease only when
// the configuration asks for it (RFC 2131 section 4.4.6).
package priv
