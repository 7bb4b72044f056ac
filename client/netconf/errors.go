package netconf

import "errors"

var (
	// ErrInvalid reports a lease value or name netconf refuses to write.
	ErrInvalid = errors.New("netconf: invalid value")

	// ErrNotSupported reports a platform without netlink.
	ErrNotSupported = errors.New("netconf: not supported on this platform")
)
