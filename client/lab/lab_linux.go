package lab

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultPrefix starts the name of every namespace and link a lab
// creates unless Options.Prefix says otherwise.
const DefaultPrefix = "sdl"

// maxIfName is the longest Linux interface name (IFNAMSIZ - 1).
const maxIfName = 15

// Options configures New.
type Options struct {
	// Prefix starts every namespace and veth name; DefaultPrefix if
	// empty. Names are Prefix, the process ID, a counter and one letter,
	// and must fit in 15 bytes.
	Prefix string

	// Templates is the directory holding the server configuration
	// templates. If empty, New looks for testdata/lab in the working
	// directory and its parents.
	Templates string

	// Net is N in the lab subnet 10.77.N.0/24, 1 to 254. If zero, New
	// derives it from the process ID and the counter. The subnet lives
	// only in the lab's namespaces, so labs may share it.
	Net uint8
}

// Lab is a server and a client network namespace joined by a veth pair.
// The server end has ServerAddr in Subnet; the client end is up with no
// address, waiting for a DHCP client.
type Lab struct {
	ServerNS   string       // server namespace name
	ClientNS   string       // client namespace name
	ServerIf   string       // veth end in ServerNS
	ClientIf   string       // veth end in ClientNS
	Subnet     netip.Prefix // 10.77.N.0/24
	ServerAddr netip.Addr   // 10.77.N.1
	Dir        string       // scratch directory for configs, leases, logs

	templates string

	// mu guards the fields below it.
	mu     sync.Mutex
	procs  []*proc
	closed bool
}

// seq numbers the labs of this process.
var seq atomic.Uint32

// New builds a lab: the namespaces with their resolv.conf files, the veth
// pair and the server address. On error it removes what it created.
func New(o Options) (*Lab, error) {
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}

	tdir, err := findTemplates(o.Templates)
	if err != nil {
		return nil, err
	}

	n := seq.Add(1) - 1
	base := fmt.Sprintf("%s%d-%d", o.Prefix, os.Getpid(), n)
	if len(base)+1 > maxIfName || strings.ContainsAny(base, "/ \t\n") {
		return nil, fmt.Errorf("lab: name %q too long or invalid", base)
	}

	third := o.Net
	if third == 0 {
		third = byte((os.Getpid()+int(n))%250 + 1)
	}
	if third == 255 {
		return nil, fmt.Errorf("lab: subnet 10.77.%d.0/24 not allowed", third)
	}
	subnet := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 77, third, 0}), 24)
	l := &Lab{
		ServerNS:   base + "s",
		ClientNS:   base + "c",
		ServerIf:   base + "s",
		ClientIf:   base + "c",
		Subnet:     subnet,
		ServerAddr: netip.AddrFrom4([4]byte{10, 77, third, 1}),
		templates:  tdir,
	}

	if err := l.setup(base); err != nil {
		return nil, errors.Join(err, l.Close())
	}

	return l, nil
}

// setup creates the scratch directory, namespaces and links of l.
func (l *Lab) setup(base string) error {
	dir, err := os.MkdirTemp("", base+"-")
	if err != nil {
		return fmt.Errorf("lab: creating scratch directory: %w", err)
	}
	l.Dir = dir

	for _, ns := range []string{l.ServerNS, l.ClientNS} {
		if err := addNamespace(ns); err != nil {
			return err
		}
	}

	steps := [][]string{
		{"link", "add", l.ServerIf, "netns", l.ServerNS, "type", "veth",
			"peer", "name", l.ClientIf, "netns", l.ClientNS},
		{"-n", l.ServerNS, "link", "set", "lo", "up"},
		{"-n", l.ClientNS, "link", "set", "lo", "up"},
		{"-n", l.ServerNS, "addr", "add", netip.PrefixFrom(l.ServerAddr,
			l.Subnet.Bits()).String(), "dev", l.ServerIf},
		{"-n", l.ServerNS, "link", "set", l.ServerIf, "up"},
		{"-n", l.ClientNS, "link", "set", l.ClientIf, "up"},
	}
	for _, args := range steps {
		if err := ip(args...); err != nil {
			return err
		}
	}

	if err := waitUp(l.ServerNS, l.ServerIf); err != nil {
		return err
	}

	return waitUp(l.ClientNS, l.ClientIf)
}

// upTimeout bounds the wait for a veth end to become operationally up.
const upTimeout = 5 * time.Second

// waitUp waits until dev in namespace ns is operationally up (RFC 2863
// ifOperStatus up; the kernel's IFF_RUNNING). The kernel turns a veth end
// up some time after both ends are set up, and a server that starts
// before then may refuse the interface for good, as kea-dhcp4 does.
func waitUp(ns, dev string) error {
	deadline := time.Now().Add(upTimeout)
	for {
		out, err := exec.Command("ip", "-n", ns, "-o", "link", "show",
			"dev", dev).Output()
		if err == nil && strings.Contains(string(out), " state UP ") {
			return nil
		}

		if time.Now().After(deadline) {
			return fmt.Errorf("lab: %s in %s not up after %v: %s", dev,
				ns, upTimeout, strings.TrimSpace(string(out)))
		}

		time.Sleep(20 * time.Millisecond)
	}
}

// addNamespace creates namespace ns and its private resolv.conf. The
// resolv.conf comes first so that no process ever runs in ns without it.
func addNamespace(ns string) error {
	etc := filepath.Join("/etc/netns", ns)
	if err := os.MkdirAll(etc, 0o755); err != nil {
		return fmt.Errorf("lab: creating %s: %w", etc, err)
	}

	rc := filepath.Join(etc, "resolv.conf")
	text := "# resolv.conf of lab namespace " + ns + "\n"
	if err := os.WriteFile(rc, []byte(text), 0o644); err != nil {
		return fmt.Errorf("lab: writing %s: %w", rc, err)
	}

	return ip("netns", "add", ns)
}

// ip runs the ip(8) command with args.
//
// TODO: build namespaces and links with vishvananda/netlink instead of
// ip(8), to get typed errors rather than command output.
func ip(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("lab: ip %s: %w: %s", strings.Join(args, " "),
			err, strings.TrimSpace(string(out)))
	}

	return nil
}

// findTemplates returns dir, or testdata/lab in the working directory or
// the nearest parent that has one.
func findTemplates(dir string) (string, error) {
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return "", fmt.Errorf("lab: templates: %w", err)
		}

		return dir, nil
	}

	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("lab: finding templates: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		t := filepath.Join(d, "testdata", "lab")
		if st, err := os.Stat(t); err == nil && st.IsDir() {
			return t, nil
		}
		if d == filepath.Dir(d) {
			break
		}
	}

	return "", fmt.Errorf("lab: no testdata/lab above %s", wd)
}

// Close ends every process the lab started and every process left in
// its namespaces, then deletes the namespaces, their /etc/netns
// directories and the scratch directory. It is safe to call more than
// once; later calls do nothing.
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	procs := l.procs
	l.procs = nil
	l.mu.Unlock()

	var errs []error
	for _, p := range procs {
		p.stop()
	}

	for _, ns := range []string{l.ServerNS, l.ClientNS} {
		errs = append(errs, removeNamespace(ns))
	}
	if l.Dir != "" {
		errs = append(errs, os.RemoveAll(l.Dir))
	}

	return errors.Join(errs...)
}

// removeNamespace kills what still runs in ns, deletes it and its
// /etc/netns directory. A namespace that does not exist is not an error.
func removeNamespace(ns string) error {
	var errs []error
	if _, err := os.Stat(filepath.Join("/run/netns", ns)); err == nil {
		killNamespace(ns)
		errs = append(errs, ip("netns", "del", ns))
	}

	err := os.RemoveAll(filepath.Join("/etc/netns", ns))
	if err != nil {
		errs = append(errs, fmt.Errorf("lab: removing netns dir: %w", err))
	}

	return errors.Join(errs...)
}
