package priv

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/safedhcp/safedhcp/client/engine"
	"github.com/safedhcp/safedhcp/client/ipc"
)

// engineProc is an engine running as a child process.
type engineProc struct {
	c *ipc.Conn
	p *os.Process
}

// ExecStarter returns a Starter that runs exe (normally /proc/self/exe)
// as the engine: argv is exe, engine.Subcommand, uid and gid (which the
// engine switches to), the environment is empty, and the only
// descriptors are stderr and, at engine.FD, its end of a SOCK_SEQPACKET
// socketpair. The engine is killed if the supervisor
// dies.
func ExecStarter(exe string, stderr *os.File, uid, gid uint32) Starter {
	argv := []string{exe, engine.Subcommand,
		strconv.FormatUint(uint64(uid), 10),
		strconv.FormatUint(uint64(gid), 10)}

	return func() (Engine, error) {
		return startProc(exe, argv, stderr)
	}
}

// startProc starts one engine process.
func startProc(exe string, argv []string, stderr *os.File) (*engineProc,
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

	files := make([]*os.File, engine.FD+1)
	files[2], files[engine.FD] = stderr, theirs
	// No Dir: the engine has no filesystem access at all (Landlock), and
	// chdir is not in the confined supervisor's allowlist.
	p, err := os.StartProcess(exe, argv, &os.ProcAttr{
		Env:   []string{},
		Files: files,
		Sys:   &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL},
	})
	if err != nil {
		c.Close()

		return nil, fmt.Errorf("priv: starting %s: %w", exe, err)
	}

	return &engineProc{c: ipc.NewConn(c), p: p}, nil
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

// Send writes one event to the engine.
func (e *engineProc) Send(ev ipc.Event) error { return e.c.Send(ev) }

// ReadRequest reads the engine's next request.
func (e *engineProc) ReadRequest() (ipc.Request, error) {
	return e.c.ReadRequest()
}

// Kill sends SIGKILL to the engine.
func (e *engineProc) Kill() error { return e.p.Kill() }

// PID returns the engine's process id.
func (e *engineProc) PID() int { return e.p.Pid }

// Wait reaps the engine and closes the socket.
func (e *engineProc) Wait() error {
	st, err := e.p.Wait()
	e.c.Close()
	if err != nil {
		return fmt.Errorf("priv: waiting for the engine: %w", err)
	}

	if !st.Success() {
		return fmt.Errorf("priv: engine %s", st)
	}

	return nil
}
