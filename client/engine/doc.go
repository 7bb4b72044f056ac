// Package engine is the unprivileged half of dhcp-client: the process that
// reads every untrusted byte.
//
// The privileged supervisor (package priv) re-executes the binary as
//
//	/proc/self/exe engine UID GID
//
// (Subcommand, then the uid and gid to run as) with exactly four
// descriptors: stdin and stdout closed, stderr the write end of a pipe
// whose lines the supervisor logs (quoted, rate-limited, marked
// component=engine-stderr: a Go panic trace shows up there), and at
// descriptor 3 (FD) its end of a SOCK_SEQPACKET socketpair, and an empty
// environment. Main then runs the engine:
//
//  1. it sends the ipc Hello request and reads the Init event (interface,
//     hardware address, MTU, engine configuration, persisted lease bytes);
//  2. it draws its random seed from crypto/rand and confines itself with
//     sandbox.ConfineEngine (no capabilities, a non-root uid and gid,
//     no_new_privs, Landlock, a seccomp allowlist that kills on anything
//     else) before it reads its first frame;
//  3. it runs the RFC 2131 section 4.4 state machine of package
//     statemachine: each Frame event is checked by frame.Parse (Ethernet,
//     IPv4 and UDP headers and checksums) and codec.Message.Decode, then
//     handed to the machine; the machine's timers are Go timers; its
//     actions become ipc requests (SendPayload, ApplyLease, RemoveLease,
//     PersistLease, ProbeAddress, Log). An ApplyLease carries at most
//     the list lengths ipc admits: longer router, DNS and search lists
//     are cut to their first entries, and a lease with more classless
//     routes than ipc.MaxRoutes is applied with none rather than with a
//     partial routing table. An option 26 MTU below the 576 octets
//     ipc admits (ipc.MinMTU; RFC 2132 section 5.1 allows 68) is
//     dropped, and the link keeps its own MTU. Each cut is logged as a
//     warning.
//
// The engine never opens a file or a socket. It logs through ipc Log
// requests, which the supervisor re-logs with component=engine. Packets
// dropped before or by the machine are counted per reason and logged at
// debug level at most once per reason per DropLogInterval.
package engine

// Subcommand is argv[1] of a process started as the engine.
const Subcommand = "engine"

// FD is the engine's end of the socketpair to the privileged side.
const FD = 3
