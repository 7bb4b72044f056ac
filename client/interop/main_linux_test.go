package interop

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/lab"
)

// prefix names every namespace and link these tests create.
const prefix = "sdi"

// clientBin is the dhcp-client binary TestMain builds.
var clientBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sdi-interop")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	clientBin = filepath.Join(dir, "dhcp-client")
	cmd := exec.Command("go", "build", "-trimpath", "-o", clientBin,
		"github.com/safedhcp/safedhcp/client/cmd/dhcp-client")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building dhcp-client: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}

	code := m.Run()
	printSummary(os.Stdout)
	if path := os.Getenv("SAFEDHCP_INTEROP_SUMMARY"); path != "" {
		if err := writeSummary(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// newLab builds a lab for t, removed when t ends. templates is the
// directory of server templates, or "" for the lab's own.
func newLab(t *testing.T, templates string) *lab.Lab {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the interop tests need root (CI runs them as root)")
	}

	l, err := lab.New(lab.Options{Prefix: prefix, Templates: templates})
	if err != nil {
		t.Fatalf("lab.New: %v", err)
	}

	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("lab Close: %v", err)
		}
	})

	return l
}

// client is one dhcp-client run in a lab's client namespace. Its
// process ends with the test that created it (owner); t, which failures
// go to, may be one of owner's subtests (see reportTo).
type client struct {
	t        *testing.T
	owner    *testing.T
	cmd      *exec.Cmd
	stateDir string
	resolv   string

	// mu guards log.
	mu  sync.Mutex
	log bytes.Buffer // stderr so far

	logged chan struct{} // pinged on each new stderr line
	done   chan error
}

// newClient prepares a client run with fresh state and resolv.conf
// paths in t's temporary directory; start it with start.
func newClient(t *testing.T) *client {
	return newClientIn(t, t.TempDir())
}

// newClientIn is newClient with the paths in dir, which may outlive t.
func newClientIn(t *testing.T, dir string) *client {
	return &client{
		t:        t,
		owner:    t,
		stateDir: filepath.Join(dir, "state"),
		resolv:   filepath.Join(dir, "resolv.conf"),
		logged:   make(chan struct{}, 1),
		done:     make(chan error, 1),
	}
}

// again returns a new run owned by c's owner that shares c's state and
// resolv.conf, reporting to t.
func (c *client) again(t *testing.T) *client {
	n := newClientIn(c.owner, filepath.Dir(c.stateDir))
	n.t = t

	return n
}

// reportTo sends c's failures to t, a subtest of c's owner, and
// returns c.
func (c *client) reportTo(t *testing.T) *client {
	c.t = t

	return c
}

// start runs dhcp-client -v with extra flags in l's client namespace.
func (c *client) start(l *lab.Lab, extra ...string) {
	c.t.Helper()
	args := []string{"-v", "--state-dir", c.stateDir,
		"--resolv-conf", c.resolv}
	args = append(append(args, extra...), l.ClientIf)

	ctx, cancel := context.WithCancel(context.Background())
	c.cmd = l.ClientCommand(ctx, clientBin, args...)
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		cancel()
		c.t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		cancel()
		c.t.Fatal(err)
	}

	go c.read(stderr)
	owner := c.owner
	owner.Cleanup(func() {
		cancel()
		<-c.done
		if owner.Failed() {
			owner.Logf("dhcp-client %v log:\n%s", c.cmd.Args[5:],
				c.logText())
		}
	})
}

// read copies the client's stderr into c.log, then waits for the exit.
func (c *client) read(stderr interface{ Read([]byte) (int, error) }) {
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		c.mu.Lock()
		c.log.Write(sc.Bytes())
		c.log.WriteByte('\n')
		c.mu.Unlock()
		select {
		case c.logged <- struct{}{}:
		default:
		}
	}

	c.done <- c.cmd.Wait()
}

// logText returns the client's stderr so far.
func (c *client) logText() string {
	c.mu.Lock()
	defer c.mu.Unlock()

	return c.log.String()
}

// wait returns the client's exit error, failing after d.
func (c *client) wait(d time.Duration) error {
	c.t.Helper()
	select {
	case err := <-c.done:
		c.done <- err

		return err
	case <-time.After(d):
		c.t.Fatalf("dhcp-client still running after %v", d)

		return nil
	}
}

// signal sends sig to the client's supervisor.
func (c *client) signal(sig syscall.Signal) {
	c.t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		c.t.Fatalf("signalling dhcp-client: %v", err)
	}
}

// waitLog waits up to d for a log line containing all of words, and
// returns it.
func (c *client) waitLog(d time.Duration, words ...string) string {
	c.t.Helper()
	line, ok := c.findLog(d, 0, words...)
	if !ok {
		c.t.Fatalf("no log line with %q within %v", words, d)
	}

	return line
}

// findLog is waitLog that reports failure instead of failing, and
// looks only at lines after the first skip ones.
func (c *client) findLog(d time.Duration, skip int,
	words ...string) (string, bool) {
	deadline := time.After(d)
	for {
		lines := strings.Split(c.logText(), "\n")
		for _, line := range lines[min(skip, len(lines)):] {
			if containsAll(line, words) {
				return line, true
			}
		}

		select {
		case <-c.logged:
		case <-deadline:
			return "", false
		}
	}
}

// lines returns the number of complete log lines so far, a mark for
// findLog.
func (c *client) lines() int {
	return strings.Count(c.logText(), "\n")
}

// countLog returns how many log lines contain all of words.
func (c *client) countLog(words ...string) int {
	n := 0
	for _, line := range strings.Split(c.logText(), "\n") {
		if containsAll(line, words) {
			n++
		}
	}

	return n
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}

	return true
}
