package priv

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// ErrRunning reports that another dhcp-client already runs on the
// interface.
var ErrRunning = errors.New("priv: another dhcp-client runs on this interface")

// lockInterface keeps a second dhcp-client off the interface, as dhcpcd
// refuses a second instance: it binds an abstract unix socket named after
// the interface and returns its descriptor, which the caller keeps open
// for as long as it runs. Abstract names belong to the network namespace,
// as interface names do, need no file and vanish with the process, so a
// read-only state directory or a crash leaves nothing to clean up.
func lockInterface(ifname string) (int, error) {
	fd, err := unix.Socket(unix.AF_UNIX,
		unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("priv: lock socket: %w", err)
	}

	name := lockName(ifname)
	err = unix.Bind(fd, &unix.SockaddrUnix{Name: name})
	if err == nil {
		return fd, nil
	}

	unix.Close(fd)
	if errors.Is(err, unix.EADDRINUSE) {
		return -1, fmt.Errorf("%w %s (it holds %q)", ErrRunning, ifname,
			name)
	}

	return -1, fmt.Errorf("priv: lock %q: %w", name, err)
}

// lockName is the abstract socket name of ifname's lock; the leading @
// makes it abstract.
func lockName(ifname string) string {
	return "@dhcp-client/" + ifname
}
