package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/safedhcp/safedhcp/client/lab"
)

const usage = `usage:
  dhcp-lab demo -client PATH [-server KIND] [-lease D] [-- ARGS]
  dhcp-lab capture [-out DIR]
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt,
		syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()

	if err != nil {
		fmt.Fprintln(os.Stderr, "dhcp-lab:", err)
		os.Exit(1)
	}
}

// run dispatches to the subcommand named by args[0].
func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("no command\n" + usage)
	}

	switch args[0] {
	case "demo":
		return demo(ctx, args[1:], out)
	case "capture":
		return capture(ctx, args[1:], out)
	}

	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

// demo implements "dhcp-lab demo".
func demo(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	client := fs.String("client", "", "client binary to run (required)")
	server := fs.String("server", "dnsmasq",
		"server: dnsmasq, kea, isc or udhcpd")
	lease := fs.Duration("lease", time.Hour, "lease time")
	timeout := fs.Duration("timeout", 60*time.Second,
		"give up on the client after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *client == "" {
		return errors.New("demo: -client is required")
	}
	kind, err := lab.ParseKind(*server)
	if err != nil {
		return err
	}

	l, err := lab.New(lab.Options{})
	if err != nil {
		return err
	}
	defer l.Close()

	if _, err := l.StartServer(kind, lab.Scope{LeaseTime: *lease}); err != nil {
		return err
	}
	fmt.Fprintf(out, "lab: %s serving %v on %s; client interface %s\n",
		kind, l.Subnet, l.ServerIf, l.ClientIf)

	cargs := fs.Args()
	for i, a := range cargs {
		a = strings.ReplaceAll(a, "{if}", l.ClientIf)
		cargs[i] = strings.ReplaceAll(a, "{resolv}",
			l.ClientResolvConfPath())
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	cmd := l.ClientCommand(ctx, *client, cargs...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("demo: starting %s: %w", *client, err)
	}

	status := waitClient(ctx, l, cmd.Wait)
	fmt.Fprintf(out, "client: %s\n", status)

	return report(l, out)
}

// waitClient waits until the client exits, or has configured an address
// and had a second to finish, or ctx ends. It returns what happened.
//
// TODO: a daemon that sets routes or resolv.conf more than a second
// after its address is reported before it finishes; wait for a quiet
// netlink stream instead of a fixed second.
func waitClient(ctx context.Context, l *lab.Lab, wait func() error) string {
	exited := make(chan error, 1)
	go func() { exited <- wait() }()

	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-exited:
			if err != nil {
				return "exited: " + err.Error()
			}
			return "exited"
		case <-ctx.Done():
			return "still running at timeout"
		case <-tick.C:
		}

		if as, err := l.ClientAddrs(); err == nil && len(as) > 0 {
			select {
			case err := <-exited:
				if err != nil {
					return "exited: " + err.Error()
				}
				return "exited"
			case <-time.After(time.Second):
				return "running, address configured"
			}
		}
	}
}

// report prints the client interface's addresses, routes and MTU and the
// client namespace's resolv.conf.
func report(l *lab.Lab, out io.Writer) error {
	addrs, err := l.ClientAddrs()
	if err != nil {
		return err
	}
	routes, err := l.ClientRoutes()
	if err != nil {
		return err
	}
	mtu, err := l.ClientMTU()
	if err != nil {
		return err
	}
	rc, err := l.ClientResolvConf()
	if err != nil {
		return err
	}

	fmt.Fprintf(out, "%s mtu %d\n", l.ClientIf, mtu)
	for _, a := range addrs {
		fmt.Fprintf(out, "  addr  %v\n", a)
	}
	for _, r := range routes {
		if r.Gateway.IsValid() {
			fmt.Fprintf(out, "  route %v via %v\n", r.Dest, r.Gateway)
		} else {
			fmt.Fprintf(out, "  route %v (link)\n", r.Dest)
		}
	}
	fmt.Fprintf(out, "resolv.conf:\n%s", rc)

	return nil
}
