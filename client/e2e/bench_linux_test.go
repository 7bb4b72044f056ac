package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/lab"
)

// dhcpcdArgs runs dhcpcd as close to `dhcp-client -1 --noarp --nodelay`
// as it goes: IPv4 only, no ARP probe, no initial delay, no IPv4LL, an
// empty configuration file so no other defaults apply.
func dhcpcdArgs(conf string, oneshot bool, ifname string) []string {
	args := []string{"-f", conf, "-4", "--noarp", "--nodelay",
		"--noipv4ll", "-B"}
	if oneshot {
		args = append(args, "-1")
	}

	return append(args, ifname)
}

// flushClient removes every address and DHCP lease file the previous
// run left, so each run starts from INIT.
func flushClient(b *testing.B, l *lab.Lab, stateDir string) {
	b.Helper()
	out, err := l.ClientCommand(context.Background(), "ip", "-4", "addr",
		"flush", "dev", l.ClientIf).CombinedOutput()
	if err != nil {
		b.Fatalf("ip addr flush: %v\n%s", err, out)
	}

	os.RemoveAll(stateDir)
	os.Remove("/var/lib/dhcpcd/" + l.ClientIf + ".lease")
	for _, ext := range []string{".pid", ".sock", ".unpriv.sock"} {
		os.Remove("/run/dhcpcd/" + l.ClientIf + "-4" + ext)
	}
}

// timeRun runs cmd to completion and returns how long it took.
func timeRun(b *testing.B, cmd *exec.Cmd) time.Duration {
	b.Helper()
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v: %v\n%s", cmd.Args, err, out)
	}

	return time.Since(start)
}

// BenchmarkOneshotVsDhcpcd measures the time from start to a configured
// interface, exit included, of `dhcp-client -1` and of `dhcpcd -1` with
// the same options against the same kea server, alternating in one run,
// and reports both and their ratio. kea answers at once; dnsmasq's ping
// check would dominate both.
func BenchmarkOneshotVsDhcpcd(b *testing.B) {
	if _, err := exec.LookPath("dhcpcd"); err != nil {
		b.Fatalf("dhcpcd not installed (ci/setup.sh installs dhcpcd5): %v",
			err)
	}

	l, err := lab.New(lab.Options{Prefix: "sdj"})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()

	if _, err := l.StartServer(lab.Kea, lab.Scope{}); err != nil {
		b.Fatal(err)
	}

	dir := b.TempDir()
	conf := filepath.Join(dir, "dhcpcd.conf")
	if err := os.WriteFile(conf, nil, 0o644); err != nil {
		b.Fatal(err)
	}

	state := filepath.Join(dir, "state")
	ours := []string{"-1", "--noarp", "--nodelay", "-t", "20",
		"--state-dir", state, "--resolv-conf",
		filepath.Join(dir, "resolv.conf"), l.ClientIf}
	var tOurs, tTheirs time.Duration
	ctx := context.Background()
	for b.Loop() {
		flushClient(b, l, state)
		tOurs += timeRun(b, l.ClientCommand(ctx, clientBin, ours...))
		flushClient(b, l, state)
		tTheirs += timeRun(b, l.ClientCommand(ctx, "dhcpcd",
			dhcpcdArgs(conf, true, l.ClientIf)...))
	}

	flushClient(b, l, state)
	n := float64(b.N)
	b.ReportMetric(float64(tOurs.Milliseconds())/n, "dhcp-client-ms/op")
	b.ReportMetric(float64(tTheirs.Milliseconds())/n, "dhcpcd-ms/op")
	b.ReportMetric(float64(tOurs)/float64(tTheirs), "ratio")
}

// vmHWM returns the peak resident set size of pid in KiB, or 0 when the
// process is gone.
func vmHWM(b *testing.B, pid int) float64 {
	b.Helper()
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}

	for _, line := range strings.Split(string(st), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(
				strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				b.Fatalf("VmHWM %q: %v", v, err)
			}

			return float64(kb)
		}
	}

	b.Fatalf("no VmHWM for %d", pid)

	return 0
}

// descendants returns pid and every process below it.
func descendants(pid int) []int {
	out := []int{pid}
	kids, _ := exec.Command("pgrep", "-P", strconv.Itoa(pid)).Output()
	for _, f := range strings.Fields(string(kids)) {
		if k, err := strconv.Atoi(f); err == nil {
			out = append(out, descendants(k)...)
		}
	}

	return out
}

// BenchmarkDaemonRSS reports the peak resident memory (VmHWM) of the
// supervisor and the engine of a daemon holding a lease, after a few
// renewals, and of dhcpcd's processes doing the same. Each iteration is
// one whole run of both.
func BenchmarkDaemonRSS(b *testing.B) {
	l, err := lab.New(lab.Options{Prefix: "sdj"})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()

	if _, err := l.StartServer(lab.Kea,
		lab.Scope{LeaseTime: 4 * time.Second}); err != nil {
		b.Fatal(err)
	}

	dir := b.TempDir()
	conf := filepath.Join(dir, "dhcpcd.conf")
	if err := os.WriteFile(conf, nil, 0o644); err != nil {
		b.Fatal(err)
	}

	state := filepath.Join(dir, "state")
	var sup, eng, theirs float64
	for b.Loop() {
		flushClient(b, l, state)
		cmd := l.ClientCommand(context.Background(), clientBin,
			"--noarp", "--nodelay", "--state-dir", state,
			"--resolv-conf", filepath.Join(dir, "resolv.conf"),
			l.ClientIf)
		procs := runFor(b, cmd, 6*time.Second)
		sup += procs[0]
		if len(procs) != 2 {
			b.Fatalf("dhcp-client ran %d processes, want 2", len(procs))
		}

		eng += procs[1]

		flushClient(b, l, state)
		cmd = l.ClientCommand(context.Background(), "dhcpcd",
			dhcpcdArgs(conf, false, l.ClientIf)...)
		for _, kb := range runFor(b, cmd, 6*time.Second) {
			theirs += kb
		}
	}

	flushClient(b, l, state)
	n := float64(b.N)
	b.ReportMetric(sup/n, "supervisor-KiB")
	b.ReportMetric(eng/n, "engine-KiB")
	b.ReportMetric(theirs/n, "dhcpcd-all-procs-KiB")
}

// runFor runs cmd for d, then returns the VmHWM of it and each process
// below it, and stops it with SIGTERM.
func runFor(b *testing.B, cmd *exec.Cmd, d time.Duration) []float64 {
	b.Helper()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}

	time.Sleep(d)
	var kbs []float64
	for _, pid := range descendants(cmd.Process.Pid) {
		kbs = append(kbs, vmHWM(b, pid))
	}

	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}

	return kbs
}

// BenchmarkBinarySize reports the size of the stripped static binary, as
// `make build` makes it.
func BenchmarkBinarySize(b *testing.B) {
	out := filepath.Join(b.TempDir(), "dhcp-client")
	var size int64
	for b.Loop() {
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w",
			"-o", out, "github.com/safedhcp/safedhcp/client/cmd/dhcp-client")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if o, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, o)
		}

		st, err := os.Stat(out)
		if err != nil {
			b.Fatal(err)
		}

		size = st.Size()
	}

	b.ReportMetric(float64(size), "bytes")
	b.ReportMetric(float64(size)/(1<<20), "MiB")
}
