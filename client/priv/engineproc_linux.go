package priv

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/safedhcp/safedhcp/client/engine"
	"github.com/safedhcp/safedhcp/client/ipc"
)

// engineProc is an engine running as a child process.
type engineProc struct {
	c      *ipc.Conn
	p      *os.Process
	stderr chan struct{} // closed when its stderr relay has ended
}

// stderrDrain bounds how long Wait waits, once the engine has exited,
// for the last lines of its stderr to be logged.
const stderrDrain = time.Second

// ExecStarter returns a Starter that runs exe (normally /proc/self/exe)
// as the engine: argv is exe, engine.Subcommand, uid and gid (which the
// engine switches to), the environment is empty, and the only
// descriptors are, at 2, the write end of a pipe whose lines are logged
// to log (component=engine-stderr, rate-limited, see stderrRelay) and,
// at engine.FD, its end of a SOCK_SEQPACKET socketpair. The engine is
// killed if the supervisor dies.
func ExecStarter(exe string, log *slog.Logger, uid, gid uint32) Starter {
	argv := []string{exe, engine.Subcommand,
		strconv.FormatUint(uint64(uid), 10),
		strconv.FormatUint(uint64(gid), 10)}
	relay := newStderrRelay(log)

	return func() (Engine, error) {
		return startProc(exe, argv, relay)
	}
}

// startProc starts one engine process and the relay of its stderr.
func startProc(exe string, argv []string, relay *stderrRelay) (*engineProc,
	error) {
	fds, err := unix.Socketpair(unix.AF_UNIX,
		unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("priv: socketpair: %w", err)
	}

	theirs := os.NewFile(uintptr(fds[1]), "engine-ipc-child")
	defer theirs.Close()

	c, err := unixConn(fds[0])
	if err != nil {
		return nil, err
	}

	errR, errW, err := os.Pipe()
	if err != nil {
		c.Close()

		return nil, fmt.Errorf("priv: engine stderr pipe: %w", err)
	}
	defer errW.Close()

	files := make([]*os.File, engine.FD+1)
	files[2], files[engine.FD] = errW, theirs
	// No Dir: the engine has no filesystem access at all (Landlock), and
	// chdir is not in the confined supervisor's allowlist.
	p, err := os.StartProcess(exe, argv, &os.ProcAttr{
		Env:   []string{},
		Files: files,
		Sys:   &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL},
	})
	if err != nil {
		c.Close()
		errR.Close()

		return nil, fmt.Errorf("priv: starting %s: %w", exe, err)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		defer errR.Close()
		relay.relay(errR, p.Pid)
	}()

	return &engineProc{c: ipc.NewConn(c), p: p, stderr: done}, nil
}

// unixConn turns descriptor fd, our end of the socketpair, into a
// *net.UnixConn served by the runtime poller, so that a blocked read ends
// when the engine dies or the socket is closed. It closes fd either way.
func unixConn(fd int) (*net.UnixConn, error) {
	f := os.NewFile(uintptr(fd), "engine-ipc")
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("priv: socketpair: %w", err)
	}

	uc, ok := c.(*net.UnixConn)
	if !ok {
		c.Close()

		return nil, fmt.Errorf("priv: socketpair end is a %T", c)
	}

	return uc, nil
}

// Send writes one event to the engine, waiting until deadline at most.
func (e *engineProc) Send(ev ipc.Event, deadline time.Time) error {
	return e.c.SendBy(ev, deadline)
}

// TrySend writes one event to the engine if its socket has room now.
func (e *engineProc) TrySend(ev ipc.Event) error { return e.c.TrySend(ev) }

// ReadRequest reads the engine's next request.
func (e *engineProc) ReadRequest() (ipc.Request, error) {
	return e.c.ReadRequest()
}

// Kill sends SIGKILL to the engine.
func (e *engineProc) Kill() error { return e.p.Kill() }

// PID returns the engine's process id.
func (e *engineProc) PID() int { return e.p.Pid }

// Wait reaps the engine, closes the socket and lets the relay log what
// was left in the stderr pipe, for at most stderrDrain.
func (e *engineProc) Wait() error {
	st, err := e.p.Wait()
	e.c.Close()
	select {
	case <-e.stderr:
	case <-time.After(stderrDrain):
	}

	if err != nil {
		return fmt.Errorf("priv: waiting for the engine: %w", err)
	}

	if !st.Success() {
		return fmt.Errorf("priv: engine %s", st)
	}

	return nil
}
