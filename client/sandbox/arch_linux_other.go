//go:build linux && !amd64 && !arm64

package sandbox

// TODO: only amd64 and arm64 have architecture-specific lists; other
// architectures get the common lists, which may miss runtime calls.

// engineArchSyscalls are the engine's architecture-only system calls.
var engineArchSyscalls = []string{}

// privilegedArchSyscalls are the supervisor's architecture-only calls.
var privilegedArchSyscalls = []string{}
