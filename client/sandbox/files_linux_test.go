package sandbox

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/client/netconf"
)

// dirEnv names the environment variable that gives the priv-files child
// its test directory, laid out by filesDir.
const dirEnv = "SAFEDHCP_SANDBOX_DIR"

func init() {
	childModes["priv-files"] = privFiles
	childModes["priv-replaced"] = privReplaced
}

// filesDir lays out a test directory: state and etc are the
// supervisor's directories, outside holds a file it must not reach.
func filesDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"state", "etc", "outside"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(dir, "outside", "secret")
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}

	return dir
}

// privFiles confines the supervisor with the state and etc directories
// of its test directory, then tries what the supervisor does after
// start-up and what it must not do, and prints one "what: result" line
// for each.
func privFiles() error {
	dir := os.Getenv(dirEnv)
	state, etc := filepath.Join(dir, "state"), filepath.Join(dir, "etc")
	secret := filepath.Join(dir, "outside", "secret")
	r, err := ConfinePrivileged(PrivilegedCaps, PrivilegedFiles{
		Exec: "/proc/self/exe",
		Dirs: []string{state, etc, filepath.Join(dir, "missing")},
	})
	if err != nil {
		return err
	}
	fmt.Printf("landlock: %v\n", r.LandlockABI > 0)
	winter := time.Date(2024, 1, 15, 12, 0, 0, 0, time.Local)
	fmt.Printf("time zone: %s\n", winter.Format("MST"))

	store := netconf.LeaseStore{Dir: state, Interface: "eth0"}
	lease := &ipc.ApplyLease{DNS: []netip.Addr{netip.MustParseAddr("192.0.2.53")}}
	steps := []struct {
		what string
		do   func() error
	}{
		{"save lease", func() error { return store.Save([]byte("lease")) }},
		{"replace lease", func() error { return store.Save([]byte("new")) }},
		{"load lease", func() error {
			b, err := store.Load()
			if err == nil && string(b) != "new" {
				err = fmt.Errorf("loaded %q", b)
			}

			return err
		}},
		{"clear lease", store.Clear},
		{"write resolv.conf", func() error {
			return netconf.WriteResolvConf(filepath.Join(etc, "resolv.conf"),
				lease)
		}},
		{"read outside", func() error {
			_, err := os.ReadFile(secret)
			return err
		}},
		{"write outside", func() error {
			return os.WriteFile(secret, []byte("x"), 0o600)
		}},
		{"create outside", func() error {
			return os.WriteFile(secret+"2", []byte("x"), 0o600)
		}},
		{"remove outside", func() error { return os.Remove(secret) }},
		{"list root", func() error {
			_, err := os.ReadDir("/")
			return err
		}},
		{"mkdir in state", func() error {
			return os.Mkdir(filepath.Join(state, "d"), 0o700)
		}},
		{"move out of state", func() error {
			p := filepath.Join(state, "f")
			if err := os.WriteFile(p, nil, 0o600); err != nil {
				return err
			}

			return os.Rename(p, secret+"3")
		}},
	}
	for _, s := range steps {
		fmt.Printf("%s: %s\n", s.what, result(s.do()))
	}

	return nil
}

// result describes err for privFiles: "ok", or its errno.
func result(err error) string {
	var errno syscall.Errno
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &errno):
		return errno.Error()
	}

	return err.Error()
}

// TestConfinePrivilegedFiles checks that the confined supervisor does
// what it must after start-up (with netconf's own code) and nothing else
// on the filesystem, and that its time zone, which the runtime loads
// lazily, was loaded before Landlock took the zone files away.
func TestConfinePrivilegedFiles(t *testing.T) {
	dir := filesDir(t)
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	zones := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "time",
		"zoneinfo.zip")
	c := startChild(t, "priv-files", dirEnv+"="+dir,
		"TZ=America/New_York", "ZONEINFO="+zones)
	out, err := io.ReadAll(c.stdout)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.wait(t); got != "exit 0" {
		t.Fatalf("child ended with %s, want exit 0; said\n%s", got, out)
	}

	const denied = "permission denied"
	want := strings.Join([]string{
		"landlock: true",
		"time zone: EST",
		"save lease: ok",
		"replace lease: ok",
		"load lease: ok",
		"clear lease: ok",
		"write resolv.conf: ok",
		"read outside: " + denied,
		"write outside: " + denied,
		"create outside: " + denied,
		"remove outside: " + denied,
		"list root: " + denied,
		"mkdir in state: " + denied,
		"move out of state: " + denied,
	}, "\n") + "\n"
	if diff := cmp.Diff(want, string(out)); diff != "" {
		t.Errorf("confined supervisor (-want +got):\n%s", diff)
	}

	b, err := os.ReadFile(filepath.Join(dir, "outside", "secret"))
	if err != nil || string(b) != "secret" {
		t.Errorf("file outside: %q, %v; want it untouched", b, err)
	}
	b, err = os.ReadFile(filepath.Join(dir, "etc", "resolv.conf"))
	if err != nil || !strings.Contains(string(b), "nameserver 192.0.2.53") {
		t.Errorf("resolv.conf: %q, %v; want the lease's nameserver", b, err)
	}
}

// privReplaced replaces its own binary on disk, as a package upgrade
// does, then confines the supervisor and starts an engine from
// /proc/self/exe, which still names the binary that runs.
func privReplaced() error {
	tmp := os.Args[0] + ".new"
	if err := os.WriteFile(tmp, []byte("#!/bin/false\n"), 0o755); err != nil {
		return err
	}
	if err := os.Rename(tmp, os.Args[0]); err != nil {
		return err
	}

	return privEngine()
}

// TestConfinedSupervisorRunsReplacedBinary is the regression test for a
// Landlock rule on the path of the binary: after an upgrade it would
// name the new file, and every engine restart would fail.
func TestConfinedSupervisorRunsReplacedBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "sandbox.test")
	out, err := exec.Command("cp", os.Args[0], bin).CombinedOutput()
	if err != nil {
		t.Fatalf("copying the test binary: %v: %s", err, out)
	}

	c := startBinary(t, bin, "priv-replaced")
	got := c.readLine(t)
	want := `engine said "echo RENEW\n", err <nil>`
	if got != want {
		t.Errorf("supervisor said\n%s\nwant\n%s", got, want)
	}
	if got := c.wait(t); got != "exit 0" {
		t.Errorf("child ended with %s, want exit 0", got)
	}
}
