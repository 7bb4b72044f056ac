package sandbox

// TODO: the arm64 lists are derived from the amd64 ones and have not been
// run under the filter on arm64 hardware.

// engineArchSyscalls are the engine's arm64-only system calls.
var engineArchSyscalls = []string{}

// privilegedArchSyscalls are the supervisor's arm64-only system calls.
var privilegedArchSyscalls = []string{"fstatat"}
