package sandbox

import (
	seccomp "github.com/elastic/go-seccomp-bpf"
	"golang.org/x/sys/unix"
)

// EngineSyscalls is the seccomp allowlist of the engine after
// ConfineEngine returns: what a CGO_ENABLED=0 Go runtime needs to run
// goroutines, timers and the garbage collector, and what the engine's loop
// needs to exchange datagrams on descriptors it already holds. clone is
// allowed only for new threads (EngineCloneFlags). Everything else,
// including open, execve, socket, connect, bind and ptrace, kills the
// process.
var EngineSyscalls = append([]string{
	// I/O on descriptors the engine already holds.
	"read", "write", "readv", "writev", "recvmsg", "sendmsg",
	"recvfrom", "sendto", "close", "fcntl",
	// The runtime's network poller, created on first use.
	"epoll_create1", "eventfd2", "epoll_ctl", "epoll_pwait", "epoll_pwait2",
	// Threads, scheduling and time.
	"futex", "nanosleep", "clock_nanosleep", "clock_gettime",
	"sched_yield", "gettid", "getpid", "tgkill", "restart_syscall",
	// Memory; mmap only without PROT_EXEC (mmapNoExec).
	"munmap", "madvise",
	// Signals: the runtime's preemption uses SIGURG.
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	// Random transaction IDs (RFC 2131 section 4.4.1) via crypto/rand.
	"getrandom",
	"exit", "exit_group",
}, engineArchSyscalls...)

// EngineCloneFlags are the clone(2) flags that must all be set for the
// engine's allowlist to admit a clone: the Go runtime creates threads with
// them, and without CLONE_THREAD a clone would be a fork.
const EngineCloneFlags = unix.CLONE_VM | unix.CLONE_FS | unix.CLONE_FILES |
	unix.CLONE_SIGHAND | unix.CLONE_THREAD

// PrivilegedSyscalls is the seccomp allowlist of the privileged
// supervisor after ConfinePrivileged returns. On top of EngineSyscalls it
// admits netlink and AF_PACKET/UDP sockets, file writes for resolv.conf and
// the lease store, and starting a new engine (clone, execve of itself and
// the calls the engine makes while it confines itself, since seccomp
// filters are inherited). It excludes, among others, ptrace, mount,
// module loading, kexec, bpf, keyctl and reboot.
var PrivilegedSyscalls = append(append([]string{
	// Sockets: netlink, AF_PACKET, UDP and the engine's socketpair;
	// net.FileConn, which wraps each end of a new socketpair in an
	// ipc.Conn, calls getsockname and getpeername.
	"socket", "socketpair", "bind", "connect", "getsockname",
	"getpeername", "getsockopt", "setsockopt", "shutdown", "ioctl",
	// Files in the state and resolv.conf directories.
	"openat", "fstat", "statx", "lseek", "pread64",
	"pwrite64", "fsync", "fdatasync", "fchmod", "fchown", "renameat",
	"renameat2", "unlinkat", "mkdirat", "getdents64", "readlinkat",
	"faccessat", "faccessat2", "dup3", "pipe2", "getcwd", "flock",
	// Starting, watching and stopping the engine.
	"clone", "clone3", "execve", "wait4", "waitid", "kill", "pidfd_open",
	"pidfd_send_signal", "setpgid", "close_range", "prlimit64",
	"sched_getaffinity", "uname",
	"set_robust_list", "rseq", "getppid", "setsid",
	// What the engine does while it confines itself after execve.
	"prctl", "capget", "capset", "setgroups", "setresuid", "setresgid",
	"setuid", "setgid", "getuid", "geteuid", "getgid", "getegid",
	"seccomp", "landlock_create_ruleset", "landlock_add_rule",
	"landlock_restrict_self",
	"rt_sigtimedwait", "signalfd4", "timerfd_create", "timerfd_settime",
}, EngineSyscalls...), privilegedArchSyscalls...)

// mmapNoExec admits mmap unless it asks for executable memory: a Go
// binary, static and without a JIT, never maps code after it starts, so
// an exploit cannot stage any that way (mprotect is not admitted at all).
var mmapNoExec = seccomp.NameWithConditions{
	Name: "mmap",
	Conditions: seccomp.ArgumentConditions{{
		Argument:  2, // prot
		Operation: seccomp.BitsNotSet,
		Value:     unix.PROT_EXEC,
	}},
}

// errnoENOSYS is the action that fails a call as if the kernel lacked it.
const errnoENOSYS = seccomp.ActionErrno | seccomp.Action(unix.ENOSYS)

// EnginePolicy returns the seccomp policy ConfineEngine installs: allow
// EngineSyscalls (clone only with EngineCloneFlags), fail clone3 with
// ENOSYS because its flags cannot be inspected (a C library then falls
// back to clone), and kill the process on anything else. The library
// prepends a check of the audit architecture that also kills the process
// on a mismatch.
func EnginePolicy() seccomp.Policy {
	return seccomp.Policy{
		DefaultAction: seccomp.ActionKillProcess,
		Syscalls: []seccomp.SyscallGroup{
			{Action: seccomp.ActionAllow, Names: EngineSyscalls},
			{Action: errnoENOSYS, Names: []string{"clone3"}},
			{
				Action: seccomp.ActionAllow,
				NamesWithCondtions: []seccomp.NameWithConditions{{
					Name: "clone",
					Conditions: seccomp.ArgumentConditions{{
						Argument:  0,
						Operation: seccomp.BitsSet,
						Value:     EngineCloneFlags,
					}},
				}, mmapNoExec},
			},
		},
	}
}

// PrivilegedPolicy returns the seccomp policy ConfinePrivileged installs:
// allow PrivilegedSyscalls and mmap without PROT_EXEC, kill the process
// on anything else.
func PrivilegedPolicy() seccomp.Policy {
	return seccomp.Policy{
		DefaultAction: seccomp.ActionKillProcess,
		Syscalls: []seccomp.SyscallGroup{
			{Action: seccomp.ActionAllow, Names: PrivilegedSyscalls,
				NamesWithCondtions: []seccomp.NameWithConditions{
					mmapNoExec,
				}},
		},
	}
}
