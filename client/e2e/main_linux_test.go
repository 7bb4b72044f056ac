// Package e2e runs the dhcp-client binary against real DHCP servers in a
// namespace lab (package lab). It needs root and Linux; CI runs it as
// root.
package e2e

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
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/lab"
)

// clientBin is the dhcp-client binary TestMain builds.
var clientBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sdj-e2e")
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
	os.RemoveAll(dir)
	os.Exit(code)
}

// newLab builds a lab for t, removed when t ends.
func newLab(t *testing.T) *lab.Lab {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the end-to-end tests need root (CI runs them as root)")
	}

	l, err := lab.New(lab.Options{Prefix: "sdj"})
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

// startServer starts a server of kind k serving s, stopped with the lab.
func startServer(t *testing.T, l *lab.Lab, k lab.Kind,
	s lab.Scope) *lab.Server {
	t.Helper()
	srv, err := l.StartServer(k, s)
	if err != nil {
		t.Fatalf("starting %s: %v", k, err)
	}

	return srv
}

// client is one dhcp-client run in a lab's client namespace.
type client struct {
	t        *testing.T
	cmd      *exec.Cmd
	stateDir string
	resolv   string

	mu  sync.Mutex
	log bytes.Buffer // stderr so far

	logged chan struct{} // pinged on each new stderr line
	done   chan error
}

// clientArgs returns the flags every run uses, pointing the state and
// resolv.conf at temporary paths, followed by extra.
func (c *client) args(l *lab.Lab, extra ...string) []string {
	args := []string{"-v", "--state-dir", c.stateDir,
		"--resolv-conf", c.resolv}

	return append(append(args, extra...), l.ClientIf)
}

// newClient prepares a client run; start it with start.
func newClient(t *testing.T) *client {
	dir := t.TempDir()

	return &client{
		t:        t,
		stateDir: filepath.Join(dir, "state"),
		resolv:   filepath.Join(dir, "resolv.conf"),
		logged:   make(chan struct{}, 1),
		done:     make(chan error, 1),
	}
}

// start runs dhcp-client with extra flags in l's client namespace.
func (c *client) start(l *lab.Lab, extra ...string) {
	c.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c.cmd = l.ClientCommand(ctx, clientBin, c.args(l, extra...)...)
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		c.t.Fatal(err)
	}

	if err := c.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}

	go func() {
		sc := bufio.NewScanner(stderr)
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
	}()

	c.t.Cleanup(func() {
		cancel()
		<-c.done
		if c.t.Failed() {
			c.t.Logf("dhcp-client log:\n%s", c.logText())
		}
	})
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

// waitLog waits up to d for a log line containing all of words.
func (c *client) waitLog(d time.Duration, words ...string) string {
	c.t.Helper()

	return c.waitLogN(0, d, words...)
}

// waitLogN waits up to d for a log line containing all of words that
// follows n earlier such lines.
func (c *client) waitLogN(n int, d time.Duration, words ...string) string {
	c.t.Helper()
	deadline := time.After(d)
	for {
		seen := 0
		for _, line := range strings.Split(c.logText(), "\n") {
			if !containsAll(line, words) {
				continue
			}

			if seen == n {
				return line
			}
			seen++
		}

		select {
		case <-c.logged:
		case <-deadline:
			c.t.Fatalf("no log line %d with %q within %v", n+1, words, d)
		}
	}
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}

	return true
}
