//go:build !linux

package netconf

import (
	"net/netip"

	"github.com/vishvananda/netlink"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// Apply returns ErrNotSupported: netlink exists only on Linux.
func Apply(*netlink.Handle, netlink.Link, *ipc.ApplyLease,
	Options) (Report, error) {
	return Report{}, ErrNotSupported
}

// Remove returns ErrNotSupported: netlink exists only on Linux.
func Remove(*netlink.Handle, netlink.Link, netip.Prefix) error {
	return ErrNotSupported
}

// RestoreMTU returns ErrNotSupported: netlink exists only on Linux.
func RestoreMTU(*netlink.Handle, netlink.Link, int) error {
	return ErrNotSupported
}
