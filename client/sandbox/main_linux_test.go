package sandbox

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// childEnv names the environment variable that turns the test binary into
// a child running one of childModes instead of the tests.
const childEnv = "SAFEDHCP_SANDBOX_CHILD"

// nobody is the uid and gid the engine children drop to.
const nobody = 65534

// childModes are what a re-executed test binary can do. Each confines
// itself and then does one thing; output goes to stdout, errors make the
// child exit 3 before it is confined or 4 after.
var childModes = map[string]func() error{}

func TestMain(m *testing.M) {
	mode := os.Getenv(childEnv)
	if mode == "" {
		os.Exit(m.Run())
	}
	f, ok := childModes[mode]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown child mode %q\n", mode)
		os.Exit(2)
	}
	if err := f(); err != nil {
		fmt.Fprintf(os.Stderr, "child %s: %v\n", mode, err)
		os.Exit(4)
	}
	os.Exit(0)
}

// child runs the test binary again in mode, with stdin and stdout pipes.
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
}

// startChild starts the test binary in mode, with env added to its
// environment, and registers its cleanup.
func startChild(t *testing.T, mode string, env ...string) *child {
	t.Helper()

	return startBinary(t, os.Args[0], mode, env...)
}

// startBinary is startChild for a copy of the test binary at bin.
func startBinary(t *testing.T, bin, mode string, env ...string) *child {
	t.Helper()
	if cgoBuild {
		t.Skip("the allowlists need a CGO_ENABLED=0 build; " +
			"TestCgoBuildRefused covers this one")
	}
	if os.Geteuid() != 0 {
		t.Fatal("the sandbox tests need root (CI runs them as root)")
	}
	cmd := exec.Command(bin, "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"="+mode), env...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})

	return &child{cmd: cmd, stdin: in, stdout: bufio.NewReader(out)}
}

// readLine returns the child's next line of output without its newline.
func (c *child) readLine(t *testing.T) string {
	t.Helper()
	line, err := c.stdout.ReadString('\n')
	if err != nil {
		t.Fatalf("reading from child: %v (got %q)", err, line)
	}

	return strings.TrimSuffix(line, "\n")
}

// wait waits for the child and describes how it ended: "exit N" or
// "signal NAME".
func (c *child) wait(t *testing.T) string {
	t.Helper()
	c.stdin.Close()
	err := c.cmd.Wait()
	ws := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	switch {
	case ws.Signaled():
		return "signal " + ws.Signal().String()
	case ws.Exited():
		return fmt.Sprintf("exit %d", ws.ExitStatus())
	}
	t.Fatalf("child ended oddly: %v", err)

	return ""
}

func TestCgoBuildRefused(t *testing.T) {
	if !cgoBuild {
		return
	}
	// Both calls must refuse before they change this test process.
	if _, err := ConfineEngine(nobody, nobody); !errors.Is(err, ErrCgo) {
		t.Errorf("ConfineEngine in a cgo build = %v, want %v", err, ErrCgo)
	}
	_, err := ConfinePrivileged(nil, PrivilegedFiles{})
	if !errors.Is(err, ErrCgo) {
		t.Errorf("ConfinePrivileged in a cgo build = %v, want %v", err,
			ErrCgo)
	}
}
