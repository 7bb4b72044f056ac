package netconf

import "errors"

var (
	// ErrInvalid reports a lease value or name netconf refuses to write.
	ErrInvalid = errors.New("netconf: invalid value")

	// ErrMTU reports a link that refused a lease's MTU. Apply returns it
	// with the address and routes of the lease in place.
	ErrMTU = errors.New("netconf: MTU not set")

	// ErrNotSupported reports a platform without netlink.
	ErrNotSupported = errors.New("netconf: not supported on this platform")
)
