package rawsock

import "errors"

// ErrNotSupported is returned by every constructor on systems other than
// Linux.
var ErrNotSupported = errors.New("rawsock: not supported on this system")

// ErrFrameTooLarge reports a received frame longer than the caller's
// buffer; the excess was discarded.
var ErrFrameTooLarge = errors.New("rawsock: frame larger than buffer")
