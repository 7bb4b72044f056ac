// Command dhcp-client is a privilege-separated DHCPv4 client (RFC 2131).
//
//	dhcp-client [flags] INTERFACE
//
// See config.Usage for the flags. Started by a user, it runs the
// privileged supervisor (package priv). The supervisor re-executes this
// binary as "/proc/self/exe engine UID GID" with its socketpair at
// descriptor 3 to run the unprivileged engine (package engine); that form
// is not for users.
//
// Exit status: 0 when a lease was applied (with -1) or after a clean
// stop, 1 on a runtime failure or the -1 timeout, 2 on a usage or
// configuration error, including a missing interface.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/safedhcp/safedhcp/client/config"
	"github.com/safedhcp/safedhcp/client/engine"
	"github.com/safedhcp/safedhcp/client/priv"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == engine.Subcommand {
		os.Exit(engine.Main(os.Args[2:]))
	}

	os.Exit(run(os.Args[1:]))
}

// run parses the configuration, checks that the interface exists and
// runs the supervisor until SIGTERM or SIGINT.
func run(args []string) int {
	cfg, err := config.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(os.Stderr, config.Usage)

		return priv.ExitOK
	}

	if err != nil {
		// The usage helps with a command line, not with a file.
		fmt.Fprintf(os.Stderr, "dhcp-client: %v\n", err)
		if ce := (*config.Error)(nil); errors.As(err, &ce) &&
			ce.File == config.CommandLine {
			fmt.Fprint(os.Stderr, config.Usage)
		}

		return priv.ExitUsage
	}

	err = cfg.CheckInterface(func(name string) error {
		_, err := net.InterfaceByName(name)
		if oe := (*net.OpError)(nil); errors.As(err, &oe) {
			return oe.Err // "no such network interface"
		}

		return err
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "dhcp-client: %v\n", err)

		return priv.ExitUsage
	}

	log := slog.New(slog.NewTextHandler(os.Stderr,
		&slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(),
		syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	return priv.Main(ctx, &cfg, log)
}
