//go:build unix

package netconf

import "syscall"

// openNoFollow makes an open fail on a symbolic link, and return at once
// on a FIFO, so that the caller can refuse both.
const openNoFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
