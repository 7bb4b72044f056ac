package priv

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/safedhcp/safedhcp/client/config"
	"github.com/safedhcp/safedhcp/client/netconf"
	"github.com/safedhcp/safedhcp/client/sandbox"
	"golang.org/x/sys/unix"
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

	lock, err := lockInterface(cfg.Interface)
	if err != nil {
		log.Error("start-up failed", "err", err)

		return ExitFailure
	}
	defer unix.Close(lock)

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
		AfterStart: func() error {
			return confine(supervisorFiles(cfg), log)
		},
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
// engine runs: every capability outside sandbox.PrivilegedCaps, all
// filesystem access but files, and every system call outside its
// allowlist.
func confine(files sandbox.PrivilegedFiles, log *slog.Logger) error {
	r, err := sandbox.ConfinePrivileged(sandbox.PrivilegedCaps, files)
	if err != nil {
		return fmt.Errorf("priv: confining the supervisor: %w", err)
	}

	log.Debug("supervisor confined", "component", "supervisor",
		"landlock_abi", r.LandlockABI, "dirs", files.Dirs)

	return nil
}

// supervisorFiles returns what the supervisor still reaches on the
// filesystem once confined: its own binary, to restart engines;
// /dev/null, which a restarted engine's Go runtime opens in place of its
// closed stdin and stdout; and the directories where it replaces the
// lease file and resolv.conf (when it writes one). It reads nothing else
// after start-up: the configuration is parsed, the sockets are open, the
// time zone is loaded, and the only file netlink reads (a TUN/TAP
// link's owner under /sys/class/net) is optional to it.
//
// TODO: Landlock rights hold for a directory's whole tree, so with
// resolv.conf in /etc the supervisor may still replace any file there.
func supervisorFiles(cfg *config.Config) sandbox.PrivilegedFiles {
	f := sandbox.PrivilegedFiles{
		Exec:      exePath,
		ReadWrite: []string{os.DevNull},
		Dirs:      []string{cfg.StateDir},
	}
	if cfg.ApplyDNS {
		f.Dirs = append(f.Dirs, filepath.Dir(cfg.ResolvConf))
	}

	return f
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
		Start: ExecStarter(exePath, s.log, cfg.EngineUID,
			cfg.EngineGID),
		Unicast: s.unicast,
		Links:   s.links,
		Gone:    s.gone,
		Addrs:   s.addrs,
		Resolv:  s.writeResolv,
	}
	if cfg.ARPProbe {
		d.Probe, d.Announce = s.probe, s.announce
	}

	return d
}
