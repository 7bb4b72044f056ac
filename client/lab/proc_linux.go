package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// stopGrace is how long a process has to exit after SIGTERM.
const stopGrace = 3 * time.Second

// proc is a process the lab started and must end.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has been waited for
	err  error         // cmd.Wait's result, set before done closes
}

// nsCommand returns a command that runs name in namespace ns, in its own
// process group so that stopping it ends its children too.
func nsCommand(ctx context.Context, ns, name string, arg ...string) *exec.Cmd {
	args := append([]string{"netns", "exec", ns, name}, arg...)
	cmd := exec.CommandContext(ctx, "ip", args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = stopGrace

	return cmd
}

// ClientCommand returns a command that runs name with arg in the client
// namespace, where /etc/resolv.conf is the namespace's own. The caller
// starts and waits for it; Close kills it if it still runs.
func (l *Lab) ClientCommand(ctx context.Context, name string,
	arg ...string) *exec.Cmd {
	return nsCommand(ctx, l.ClientNS, name, arg...)
}

// ServerCommand is ClientCommand for the server namespace.
func (l *Lab) ServerCommand(ctx context.Context, name string,
	arg ...string) *exec.Cmd {
	return nsCommand(ctx, l.ServerNS, name, arg...)
}

// start starts cmd and records it so that Close ends it.
func (l *Lab) start(cmd *exec.Cmd) (*proc, error) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if l.closed {
		return nil, errors.New("lab: closed")
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("lab: starting %s: %w", cmd.Args[4], err)
	}

	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	l.procs = append(l.procs, p)

	return p, nil
}

// exited reports whether p has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// signal sends sig to p's process group, and waits up to d for it to
// exit. It reports whether p exited.
func (p *proc) signal(sig syscall.Signal, d time.Duration) bool {
	if p.exited() {
		return true
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, sig)

	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// stop ends p: SIGTERM, then SIGKILL if it lingers. It returns once p
// has been waited for.
func (p *proc) stop() {
	if !p.signal(syscall.SIGTERM, stopGrace) {
		p.signal(syscall.SIGKILL, stopGrace)
	}
}

// forget drops p from the processes Close ends.
func (l *Lab) forget(p *proc) {
	l.mu.Lock()
	defer l.mu.Unlock()

	for i, q := range l.procs {
		if q == p {
			l.procs = append(l.procs[:i], l.procs[i+1:]...)
			break
		}
	}
}

// killNamespace kills, by PID, every process left in namespace ns, such
// as a client that daemonised itself.
func killNamespace(ns string) {
	for range 3 {
		out, err := exec.Command("ip", "netns", "pids", ns).Output()
		if err != nil || len(bytes.TrimSpace(out)) == 0 {
			return
		}

		for _, f := range strings.Fields(string(out)) {
			pid, err := strconv.Atoi(f)
			if err == nil && pid > 1 && pid != os.Getpid() {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}
