package sandbox

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

func init() {
	childModes["engine-status"] = engineStatus
	childModes["engine-work"] = engineWork
	childModes["engine-open"] = confinedThen(func() error {
		_, err := os.Open("/etc/hostname")
		return err
	})
	childModes["engine-exec"] = confinedThen(func() error {
		return syscall.Exec("/bin/true", []string{"true"}, nil)
	})
	childModes["engine-socket"] = confinedThen(func() error {
		_, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
		return err
	})
	childModes["engine-fork"] = confinedThen(func() error {
		_, _, errno := unix.RawSyscall(unix.SYS_CLONE,
			uintptr(unix.SIGCHLD), 0, 0)
		return errno
	})
	childModes["engine-landlock"] = landlockOnly
}

// confinedThen returns a child mode that confines the engine and then
// calls f, which should never return.
func confinedThen(f func() error) func() error {
	return func() error {
		if _, err := ConfineEngine(nobody, nobody); err != nil {
			return err
		}

		return fmt.Errorf("forbidden call returned: %v", f())
	}
}

// engineStatus confines the engine, says so and waits for its stdin to
// close, so that the parent can read /proc/PID/status meanwhile.
func engineStatus() error {
	r, err := ConfineEngine(nobody, nobody)
	if err != nil {
		return err
	}
	fmt.Printf("confined landlock=%d\n", r.LandlockABI)
	_, err = os.Stdin.Read(make([]byte, 1))
	if err.Error() != "EOF" {
		return err
	}

	return nil
}

// engineWork confines the engine and then does what its loop does: echo
// lines between pipes, with goroutines, timers, allocation and GC.
func engineWork() error {
	if _, err := ConfineEngine(nobody, nobody); err != nil {
		return err
	}

	var wg sync.WaitGroup
	sums := make([]int, 64)
	for i := range sums {
		wg.Go(func() {
			b := make([]byte, 1<<16)
			for j := range b {
				sums[i] += int(b[j]) + j
			}
			time.Sleep(time.Millisecond)
		})
	}
	wg.Wait()
	runtime.GC()
	debug.FreeOSMemory()
	timer := time.NewTimer(5 * time.Millisecond)
	<-timer.C
	select {
	case <-time.After(time.Millisecond):
	case <-make(chan int):
	}

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fmt.Printf("echo %s\n", strings.ToUpper(in.Text()))
	}

	return in.Err()
}

// landlockOnly applies only the Landlock step and reports what opening a
// file for reading and creating one return.
func landlockOnly() error {
	if err := setNoNewPrivs(); err != nil {
		return err
	}
	abi, err := restrictLandlock()
	if err != nil {
		return err
	}
	_, errRead := os.Open("/etc/hostname")
	_, errCreate := os.Create(os.TempDir() + "/sandbox-landlock-test")
	fmt.Printf("abi>0=%v read=%v create=%v\n", abi > 0, errRead,
		errCreate)

	return nil
}

// status returns the named fields of /proc/PID/status.
func status(t *testing.T, pid int, names ...string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for line := range strings.Lines(string(b)) {
		k, v, _ := strings.Cut(strings.TrimSpace(line), ":")
		for _, n := range names {
			if k == n {
				got[k] = strings.Join(strings.Fields(v), " ")
			}
		}
	}

	return got
}

func TestConfineEngineStatus(t *testing.T) {
	c := startChild(t, "engine-status")
	line := c.readLine(t)
	if !strings.HasPrefix(line, "confined landlock=") {
		t.Fatalf("child said %q", line)
	}
	t.Logf("engine %s", line)

	got := status(t, c.cmd.Process.Pid, "CapInh", "CapPrm", "CapEff",
		"CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Uid", "Gid", "Groups")
	want := map[string]string{
		"CapInh": "0000000000000000", "CapPrm": "0000000000000000",
		"CapEff": "0000000000000000", "CapBnd": "0000000000000000",
		"CapAmb": "0000000000000000", "NoNewPrivs": "1", "Seccomp": "2",
		"Uid": "65534 65534 65534 65534", "Gid": "65534 65534 65534 65534",
		"Groups": "",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("confined engine status mismatch (-want +got):\n%s", diff)
	}
	if got := c.wait(t); got != "exit 0" {
		t.Errorf("child ended with %s, want exit 0", got)
	}
}

func TestConfineEngineForbidden(t *testing.T) {
	for _, mode := range []string{
		"engine-open", "engine-exec", "engine-socket", "engine-fork",
	} {
		t.Run(mode, func(t *testing.T) {
			c := startChild(t, mode)
			if got := c.wait(t); got != "signal bad system call" {
				t.Errorf("child ended with %s, want SIGSYS", got)
			}
		})
	}
}

func TestConfineEngineAllowedWork(t *testing.T) {
	c := startChild(t, "engine-work")
	for _, word := range []string{"discover", "request"} {
		if _, err := fmt.Fprintln(c.stdin, word); err != nil {
			t.Fatal(err)
		}
		want := "echo " + strings.ToUpper(word)
		if got := c.readLine(t); got != want {
			t.Errorf("child said %q, want %q", got, want)
		}
	}
	if got := c.wait(t); got != "exit 0" {
		t.Errorf("child ended with %s, want exit 0", got)
	}
}

func TestLandlockDeniesFiles(t *testing.T) {
	c := startChild(t, "engine-landlock")
	got := c.readLine(t)
	want := "abi>0=true read=open /etc/hostname: permission denied " +
		"create=open /tmp/sandbox-landlock-test: permission denied"
	if got != want {
		t.Errorf("child said\n%s\nwant\n%s", got, want)
	}
	if got := c.wait(t); got != "exit 0" {
		t.Errorf("child ended with %s, want exit 0", got)
	}
}

func TestConfineEngineRejectsRoot(t *testing.T) {
	if _, err := ConfineEngine(0, nobody); err == nil {
		t.Error("ConfineEngine(0, ...) succeeded, want an error")
	}
}
