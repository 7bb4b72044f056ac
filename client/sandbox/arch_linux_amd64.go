package sandbox

// engineArchSyscalls are the engine's amd64-only system calls.
var engineArchSyscalls = []string{"epoll_wait", "arch_prctl"}

// privilegedArchSyscalls are the supervisor's amd64-only system calls,
// mostly the older forms that the Go runtime and os/exec use at start-up.
var privilegedArchSyscalls = []string{
	"newfstatat", "open", "stat", "lstat", "access", "readlink", "rename", "unlink",
	"mkdir", "pipe", "dup2", "getrlimit", "epoll_create",
}
