package hostile

import "errors"

// ErrNotSupported is returned by Open on platforms other than Linux,
// which lack AF_PACKET sockets and network namespaces.
var ErrNotSupported = errors.New("hostile: needs Linux")
