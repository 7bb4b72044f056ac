package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// readyTimeout bounds the wait for a server to listen on port 67.
const readyTimeout = 10 * time.Second

// Server is a DHCP server running in a lab's server namespace.
type Server struct {
	Kind  Kind
	Scope Scope // the scope served, with defaults filled in

	lab       *Lab
	conf      string // rendered configuration file
	leaseFile string
	pidFile   string
	logFile   string
	runDir    string // kea's pid and lock directory

	// mu guards p.
	mu sync.Mutex
	p  *proc
}

// StartServer renders k's configuration for s, starts the server and
// waits until it listens on the DHCP server port (RFC 2131 section 4.1).
func (l *Lab) StartServer(k Kind, s Scope) (*Server, error) {
	s = s.withDefaults(l.ServerAddr)
	if err := s.check(); err != nil {
		return nil, err
	}

	dir := filepath.Join(l.Dir, string(k))
	srv := &Server{
		Kind:      k,
		Scope:     s,
		lab:       l,
		conf:      filepath.Join(dir, "server.conf"),
		leaseFile: filepath.Join(dir, "leases"),
		pidFile:   filepath.Join(dir, "server.pid"),
		logFile:   filepath.Join(dir, "server.log"),
		runDir:    filepath.Join(dir, "run"),
	}
	if err := os.MkdirAll(srv.runDir, 0o755); err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}

	n := network{
		Iface: l.ServerIf, Subnet: l.Subnet, Server: l.ServerAddr,
		LeaseFile: srv.leaseFile, PidFile: srv.pidFile,
	}
	text, err := render(l.templates, k, s, n)
	if err != nil {
		return nil, err
	}
	if err := writeFile(srv.conf, text); err != nil {
		return nil, err
	}
	if err := writeFile(srv.leaseFile, nil); err != nil {
		return nil, err
	}

	if err := srv.start(); err != nil {
		return nil, err
	}

	return srv, nil
}

// command returns the foreground command line of the server.
func (s *Server) command() (*exec.Cmd, error) {
	l := s.lab
	ctx := context.Background()
	switch s.Kind {
	case Dnsmasq:
		return nsCommand(ctx, l.ServerNS, "dnsmasq", "--keep-in-foreground",
			"--log-dhcp", "--log-facility=-", "--conf-file="+s.conf,
			"--pid-file="+s.pidFile), nil
	case Kea:
		cmd := nsCommand(ctx, l.ServerNS, "kea-dhcp4", "-c", s.conf)
		cmd.Env = append(os.Environ(), "KEA_PIDFILE_DIR="+s.runDir,
			"KEA_LOCKFILE_DIR="+s.runDir)
		return cmd, nil
	case ISC:
		return nsCommand(ctx, l.ServerNS, "dhcpd", "-f", "-4", "-cf", s.conf,
			"-lf", s.leaseFile, "-pf", s.pidFile, l.ServerIf), nil
	case Udhcpd:
		return nsCommand(ctx, l.ServerNS, "busybox", "udhcpd", "-f",
			s.conf), nil
	}

	return nil, fmt.Errorf("lab: unknown server %q", s.Kind)
}

// start runs the server and waits for it to listen.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()

	if s.p != nil && !s.p.exited() {
		return fmt.Errorf("lab: %s already running", s.Kind)
	}

	cmd, err := s.command()
	if err != nil {
		return err
	}
	log, err := os.OpenFile(s.logFile,
		os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("lab: opening server log: %w", err)
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log

	p, err := s.lab.start(cmd)
	if err != nil {
		return err
	}
	s.p = p

	if err := s.waitReadyLocked(); err != nil {
		s.stopLocked()
		return err
	}

	return nil
}

// waitReadyLocked polls until a socket in the server namespace is bound
// to UDP port 67, or the server exits, or readyTimeout passes.
func (s *Server) waitReadyLocked() error {
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		if s.p.exited() {
			return fmt.Errorf("lab: %s exited: %v: %s", s.Kind, s.p.err,
				s.Log())
		}

		out, err := exec.Command("ip", "netns", "exec", s.lab.ServerNS,
			"ss", "-Hlun", "sport = :67").Output()
		if err == nil && strings.TrimSpace(string(out)) != "" {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}

	return fmt.Errorf("lab: %s not listening after %v: %s", s.Kind,
		readyTimeout, s.Log())
}

// Stop ends the server and waits for it to exit. Stopping a stopped
// server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.stopLocked()
}

// stopLocked is Stop with s.mu held.
func (s *Server) stopLocked() {
	if s.p == nil {
		return
	}

	s.p.stop()
	s.lab.forget(s.p)
	s.p = nil
}

// Restart stops the server and starts it again with the same
// configuration and lease file.
func (s *Server) Restart() error {
	s.Stop()

	return s.start()
}

// ForgetLeases restarts the server with an empty lease file, so that it
// no longer knows the leases it granted. What it then answers a client
// that renews such a lease depends on the server: dnsmasq serving a
// Scope with NotAuthoritative sends a DHCPNAK (RFC 2131 section 4.3.2),
// while authoritative dnsmasq grants the lease again; the other servers
// do not reliably send a DHCPNAK either.
func (s *Server) ForgetLeases() error {
	s.Stop()

	if err := writeFile(s.leaseFile, nil); err != nil {
		return err
	}

	return s.start()
}

// Log returns what the server has written to its standard output and
// standard error, for test failure messages.
func (s *Server) Log() string {
	b, err := os.ReadFile(s.logFile)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}

	return string(b)
}

// writeFile writes b to path atomically: a temporary file in the same
// directory, renamed over path.
func writeFile(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("lab: writing %s: %w", path, err)
	}

	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("lab: writing %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("lab: writing %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("lab: writing %s: %w", path, err)
	}

	return nil
}
