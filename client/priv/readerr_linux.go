package priv

import (
	"errors"

	"golang.org/x/sys/unix"
)

// transientReadErrs are the packet socket read errors that pass: the
// link went down (the kernel reports ENETDOWN once, and delivers frames
// again once it is up), an interrupted call, or a short lack of memory.
var transientReadErrs = []error{
	unix.ENETDOWN, unix.EINTR, unix.EAGAIN, unix.ENOBUFS, unix.ENOMEM,
}

// transientRead reports whether a read of the packet socket that failed
// with err is worth retrying.
func transientRead(err error) bool {
	for _, e := range transientReadErrs {
		if errors.Is(err, e) {
			return true
		}
	}

	return false
}
