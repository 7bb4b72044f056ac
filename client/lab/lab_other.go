//go:build !linux

package lab

import (
	"context"
	"errors"
	"net/netip"
	"os/exec"
)

// errNotSupported is what every lab operation returns off Linux.
var errNotSupported = errors.New("lab: network namespaces need Linux")

// DefaultPrefix starts the name of every namespace and link a lab
// creates unless Options.Prefix says otherwise.
const DefaultPrefix = "sdl"

// Options configures New.
type Options struct {
	Prefix    string // see the Linux documentation
	Templates string // see the Linux documentation
	Net       uint8  // see the Linux documentation
}

// Lab is a network namespace lab; it needs Linux.
type Lab struct {
	ServerNS, ClientNS, ServerIf, ClientIf, Dir string
	Subnet                                      netip.Prefix
	ServerAddr                                  netip.Addr
}

// New returns an error: the lab needs Linux.
func New(o Options) (*Lab, error) { return nil, errNotSupported }

// Close does nothing off Linux.
func (l *Lab) Close() error { return nil }

// ClientCommand returns a command that fails: the lab needs Linux.
func (l *Lab) ClientCommand(ctx context.Context, name string,
	arg ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, arg...)
	cmd.Err = errNotSupported

	return cmd
}
