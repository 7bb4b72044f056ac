package sandbox

import "errors"

// ErrNotSupported is returned by ConfineEngine and ConfinePrivileged on
// systems other than Linux.
var ErrNotSupported = errors.New("sandbox: not supported on this system")

// ErrCgo is returned by ConfineEngine and ConfinePrivileged in a binary
// built with cgo: the allowlists cover only the pure Go runtime, so such a
// binary must be built with CGO_ENABLED=0.
var ErrCgo = errors.New("sandbox: built with cgo; build with CGO_ENABLED=0")
