package sandbox

import "kernel.org/pub/linux/libs/security/libcap/cap"

// PrivilegedCaps are the capabilities the supervisor keeps after start-up,
// and why:
//
//   - CAP_NET_ADMIN: netlink changes to addresses, routes and the MTU.
//   - CAP_NET_RAW: the AF_PACKET sockets for DHCP frames and ARP probes
//     (RFC 5227 section 2.1.1).
//   - CAP_NET_BIND_SERVICE: binding the unicast socket to port 68 (RFC
//     2131 section 4.4.5).
//   - CAP_SETUID, CAP_SETGID: a restarted engine, which inherits these
//     through execve as uid 0, switches to its unprivileged uid and gid.
//   - CAP_SETPCAP: the restarted engine empties its bounding set.
//   - CAP_KILL: the supervisor stops an engine that runs as another uid.
//
// The supervisor keeps uid 0 but not CAP_DAC_OVERRIDE, so it can write
// only files and directories that uid 0 owns; Landlock narrows that to
// the directories in PrivilegedFiles.
var PrivilegedCaps = []cap.Value{
	cap.NET_ADMIN, cap.NET_RAW, cap.NET_BIND_SERVICE, cap.SETUID,
	cap.SETGID, cap.SETPCAP, cap.KILL,
}
