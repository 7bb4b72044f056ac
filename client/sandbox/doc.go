// Package sandbox confines the two processes of the DHCP client.
//
// ConfineEngine is called by the unprivileged engine, which parses every
// untrusted byte, before it reads its first frame. It empties the
// capability bounding set, drops to a non-root uid and gid with no
// supplementary groups, clears every capability set, sets no_new_privs,
// denies all filesystem access with Landlock where the kernel has it, and
// installs a seccomp-bpf allowlist (EngineSyscalls) on every thread whose
// default action kills the process.
//
// ConfinePrivileged is called by the privileged supervisor once it has
// opened its sockets. It keeps only the capabilities it is given
// (PrivilegedCaps lists what the supervisor needs and why), denies with
// Landlock all filesystem access but executing its own binary, reading
// and writing /dev/null and replacing files in a few directories
// (PrivilegedFiles and its access rights), and installs a broader
// allowlist (PrivilegedSyscalls) that still excludes everything the
// supervisor never does. Both report the Landlock ABI applied.
//
// The allowlists are exported as data so they can be tested, reviewed and
// documented. They cover the pure Go runtime only: in a binary built with
// cgo both functions return ErrCgo, so build and test with CGO_ENABLED=0
// (libcap's psx then uses the runtime's AllThreadsSyscall). The package is
// Linux-only; elsewhere both functions return ErrNotSupported.
package sandbox
