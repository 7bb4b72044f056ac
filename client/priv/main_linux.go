package priv

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/safedhcp/safedhcp/client/config"
	"github.com/safedhcp/safedhcp/client/netconf"
	"github.com/safedhcp/safedhcp/client/sandbox"
)

// Exit statuses of Main.
const (
	ExitOK      = 0 // a lease was applied (oneshot) or a clean stop
	ExitFailure = 1 // a runtime failure or the oneshot timeout
	ExitUsage   = 2 // a bad configuration or a missing interface
)

// Main runs the privileged side for cfg, which config.Parse validated,
// until ctx ends (daemon) or a lease is applied (oneshot), and returns
// the exit status. It sets up in the order of the package documentation
// and closes everything it opened on every return.
func Main(ctx context.Context, cfg *config.Config, log *slog.Logger) int {
	log = log.With("interface", cfg.Interface)
	if err := closeInherited(); err != nil {
		log.Error("start-up failed", "err", err)

		return ExitFailure
	}

	sys, err := openSystem(cfg, log)
	if err != nil {
		log.Error("start-up failed", "err", err)

		return ExitFailure
	}
	defer sys.close()

	opts := Options{
		Oneshot:       cfg.Oneshot,
		Timeout:       cfg.Timeout,
		ReleaseOnExit: cfg.ReleaseOnExit,
		Engine:        engineConfig(cfg),
		AfterStart:    confine,
	}
	sup := NewSupervisor(opts, sys.deps(cfg), log)
	err = sup.Run(ctx)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrTimeout), errors.Is(err, ErrEngineFailed):
		return ExitFailure
	}

	log.Error("supervisor failed", "err", err)

	return ExitFailure
}

// confine drops what the supervisor no longer needs once the first
// engine runs: every capability outside sandbox.PrivilegedCaps, and every
// system call outside its allowlist.
func confine() error {
	if err := sandbox.ConfinePrivileged(sandbox.PrivilegedCaps); err != nil {
		return fmt.Errorf("priv: confining the supervisor: %w", err)
	}

	return nil
}

// openSystem looks up the interface, brings it up and opens the sockets,
// closing what it opened when a later step fails.
func openSystem(cfg *config.Config, log *slog.Logger) (*system, error) {
	s := &system{log: log}
	err := s.open(cfg)
	if err != nil {
		s.close()

		return nil, err
	}

	return s, nil
}

// exePath is the binary the engine runs.
const exePath = "/proc/self/exe"

// deps returns the supervisor's dependencies on the opened system.
func (s *system) deps(cfg *config.Config) Deps {
	d := Deps{
		Link:    s.link,
		Packets: packetConn{s.raw},
		Network: s,
		Store: netconf.LeaseStore{Dir: cfg.StateDir,
			Interface: cfg.Interface},
		Start: ExecStarter(exePath, os.Stderr, cfg.EngineUID,
			cfg.EngineGID),
		Unicast: s.unicast,
		Links:   s.links,
		Addrs:   s.addrs,
		Resolv:  s.writeResolv,
	}
	if cfg.ARPProbe {
		d.Probe, d.Announce = s.probe, s.announce
	}

	return d
}
