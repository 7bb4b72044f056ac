package sandbox

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

func init() {
	childModes["priv-status"] = privStatus
	childModes["priv-engine"] = privEngine
	childModes["priv-mount"] = privThen(func() error {
		return unix.Mount("none", "/mnt", "tmpfs", 0, "")
	})
	childModes["priv-ptrace"] = privThen(func() error {
		return unix.PtraceAttach(os.Getppid())
	})
	childModes["priv-fileconn"] = privFileConn
	childModes["priv-closed-stdio"] = privClosedStdio
	childModes["stdio-null"] = stdioNull
	childModes["engine-clone3"] = confinedThen(func() error {
		_, _, errno := unix.RawSyscall(unix.SYS_CLONE3, 0, 0, 0)
		fmt.Printf("clone3: %v\n", errno)
		os.Exit(0)
		return nil
	})
}

// confinePriv confines the supervisor as it confines itself, with no
// directories: it keeps only the execution of its own binary and
// /dev/null.
func confinePriv() error {
	_, err := ConfinePrivileged(PrivilegedCaps, PrivilegedFiles{
		Exec:      "/proc/self/exe",
		ReadWrite: []string{os.DevNull},
	})

	return err
}

// privThen returns a child mode that confines the supervisor and then
// calls f, which should never return.
func privThen(f func() error) func() error {
	return func() error {
		if err := confinePriv(); err != nil {
			return err
		}

		return fmt.Errorf("forbidden call returned: %v", f())
	}
}

// privStatus confines the supervisor and waits for stdin to close.
func privStatus() error {
	if err := confinePriv(); err != nil {
		return err
	}
	fmt.Println("confined")
	_, err := os.Stdin.Read(make([]byte, 1))
	if err.Error() != "EOF" {
		return err
	}

	return nil
}

// privEngine confines the supervisor, then starts an engine the way the
// supervisor restarts one (re-executing itself) and relays its output.
func privEngine() error {
	if err := confinePriv(); err != nil {
		return err
	}
	cmd := exec.Command("/proc/self/exe", "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=engine-work")
	cmd.Stdin = strings.NewReader("renew\n")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	fmt.Printf("engine said %q, err %v\n", out, err)

	return nil
}

// privFileConn confines the supervisor, then wraps both ends of a new
// SOCK_SEQPACKET socketpair with net.FileConn, as it does for every engine
// it starts, and passes one datagram across.
func privFileConn() error {
	if err := confinePriv(); err != nil {
		return err
	}
	fds, err := unix.Socketpair(unix.AF_UNIX,
		unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	var conns [2]net.Conn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "pair")
		conns[i], err = net.FileConn(f)
		f.Close()
		if err != nil {
			return err
		}
		defer conns[i].Close()
	}
	if _, err := conns[0].Write([]byte("ping")); err != nil {
		return err
	}
	b := make([]byte, 16)
	n, err := conns[1].Read(b)
	if err != nil {
		return err
	}
	fmt.Printf("%s got %q\n", conns[1].LocalAddr().Network(), b[:n])

	return nil
}

// privClosedStdio confines the supervisor, then starts a Go program with
// stdin and stdout closed, as it starts an engine: that program's
// runtime opens /dev/null in their place before main runs.
func privClosedStdio() error {
	if err := confinePriv(); err != nil {
		return err
	}
	p, err := os.StartProcess("/proc/self/exe",
		[]string{"/proc/self/exe", "-test.run=^$"}, &os.ProcAttr{
			Env:   []string{childEnv + "=stdio-null"},
			Files: []*os.File{nil, nil, os.Stderr},
		})
	if err != nil {
		return err
	}
	st, err := p.Wait()
	if err != nil {
		return err
	}
	fmt.Printf("started with closed stdio: %v\n", st)

	return nil
}

// stdioNull checks that stdin and stdout are character devices, the
// /dev/null the runtime opened.
func stdioNull() error {
	for _, f := range []*os.File{os.Stdin, os.Stdout} {
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		if fi.Mode()&os.ModeCharDevice == 0 {
			return fmt.Errorf("%s is %v, want /dev/null", f.Name(),
				fi.Mode())
		}
	}

	return nil
}

func TestConfinePrivilegedStatus(t *testing.T) {
	c := startChild(t, "priv-status")
	if line := c.readLine(t); line != "confined" {
		t.Fatalf("child said %q", line)
	}

	// NET_BIND_SERVICE 10, NET_ADMIN 12, NET_RAW 13, SETGID 6, SETUID 7,
	// SETPCAP 8, KILL 5.
	const kept = "00000000000035e0"
	got := status(t, c.cmd.Process.Pid, "CapInh", "CapPrm", "CapEff",
		"CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Uid")
	want := map[string]string{
		"CapInh": "0000000000000000", "CapPrm": kept, "CapEff": kept,
		"CapBnd": kept, "CapAmb": "0000000000000000", "NoNewPrivs": "1",
		"Seccomp": "2", "Uid": "0 0 0 0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("confined supervisor status mismatch (-want +got):\n%s",
			diff)
	}
	if got := c.wait(t); got != "exit 0" {
		t.Errorf("child ended with %s, want exit 0", got)
	}
}

func TestConfinePrivilegedForbidden(t *testing.T) {
	for _, mode := range []string{"priv-mount", "priv-ptrace"} {
		t.Run(mode, func(t *testing.T) {
			c := startChild(t, mode)
			if got := c.wait(t); got != "signal bad system call" {
				t.Errorf("child ended with %s, want SIGSYS", got)
			}
		})
	}
}

func TestConfinedSupervisorRestartsEngine(t *testing.T) {
	c := startChild(t, "priv-engine")
	got := c.readLine(t)
	want := `engine said "echo RENEW\n", err <nil>`
	if got != want {
		t.Errorf("supervisor said\n%s\nwant\n%s", got, want)
	}
	if got := c.wait(t); got != "exit 0" {
		t.Errorf("child ended with %s, want exit 0", got)
	}
}

// TestConfinedSupervisorStartsClosedStdio is the regression test for
// engines restarted by a Landlock-confined supervisor dying with "cannot
// open standard fds".
func TestConfinedSupervisorStartsClosedStdio(t *testing.T) {
	c := startChild(t, "priv-closed-stdio")
	got, want := c.readLine(t), "started with closed stdio: exit status 0"
	if got != want {
		t.Errorf("supervisor said %q, want %q", got, want)
	}
	if got := c.wait(t); got != "exit 0" {
		t.Errorf("child ended with %s, want exit 0", got)
	}
}

// TestConfinedSupervisorWrapsSocketpair is the regression test for a
// supervisor killed with SIGSYS by getpeername when it restarted an
// engine.
func TestConfinedSupervisorWrapsSocketpair(t *testing.T) {
	c := startChild(t, "priv-fileconn")
	if got, want := c.readLine(t), `unixpacket got "ping"`; got != want {
		t.Errorf("supervisor said %q, want %q", got, want)
	}
	if got := c.wait(t); got != "exit 0" {
		t.Errorf("child ended with %s, want exit 0", got)
	}
}

func TestEngineClone3IsENOSYS(t *testing.T) {
	c := startChild(t, "engine-clone3")
	if got, want := c.readLine(t), "clone3: function not implemented"; got != want {
		t.Errorf("child said %q, want %q", got, want)
	}
	if got := c.wait(t); got != "exit 0" {
		t.Errorf("child ended with %s, want exit 0", got)
	}
}
