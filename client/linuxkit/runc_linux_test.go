package linuxkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/safedhcp/safedhcp/client/lab"
)

// These tests run the image the way LinuxKit would: built by mkimage,
// unpacked into an OCI bundle, and started by runc with the binds,
// capabilities and settings of its label, in the lab's client network
// namespace standing in for the host's.

// labPrefix starts the names of this package's lab namespaces and links.
const labPrefix = "sdk"

// bundleImage is the unpacked image: its root and configuration.
type bundleImage struct {
	rootfs string
	config Config
	args   []string // entrypoint and command
	env    []string
}

// buildTool runs go build for pkg into dir and returns the binary.
func buildTool(t *testing.T, dir, pkg string) string {
	t.Helper()

	out := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}

	return out
}

// unpackImage builds dhcp-client and its image with mkimage, as
// `make image` does, and unpacks the image into dir/rootfs.
func unpackImage(t *testing.T, dir string) bundleImage {
	t.Helper()

	bin := buildTool(t, dir,
		"github.com/safedhcp/safedhcp/client/cmd/dhcp-client")
	mk := buildTool(t, dir, "github.com/safedhcp/safedhcp/client/linuxkit/mkimage")

	archive := filepath.Join(dir, "image.tar")
	out, err := exec.Command(mk, "-binary", bin, "-out", archive).
		CombinedOutput()
	if err != nil {
		t.Fatalf("mkimage: %v\n%s", err, out)
	}

	img, err := readOCIArchive(t, archive)
	if err != nil {
		t.Fatalf("reading %s: %v", archive, err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig([]byte(cf.Config.Labels[LabelKey]))
	if err != nil {
		t.Fatalf("image label: %v", err)
	}

	rootfs := filepath.Join(dir, "rootfs")
	rc := mutate.Extract(img)
	defer rc.Close()
	if err := untarReader(rc, rootfs); err != nil {
		t.Fatalf("unpacking image: %v", err)
	}

	return bundleImage{
		rootfs: rootfs,
		config: c,
		args:   append(cf.Config.Entrypoint, cf.Config.Cmd...),
		env:    cf.Config.Env,
	}
}

// hostDirs gives every bind source of c a fresh directory standing in
// for the host's, as runtime.mkdir would create it.
func hostDirs(t *testing.T, c Config) map[string]string {
	t.Helper()

	dirs := map[string]string{}
	base := t.TempDir()
	for i, src := range c.Runtime.Mkdir {
		d := filepath.Join(base, fmt.Sprintf("host%d", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs[src] = d
	}

	return dirs
}

// ociSpec translates the label as LinuxKit does (its default mounts and
// masked paths, the binds, the same list for every capability set but
// the ambient one, a new mount and PID namespace) with host paths
// replaced by hosts[path], the network namespace at netns and the given
// command.
func ociSpec(b bundleImage, caps []string, hosts map[string]string,
	netns string, args []string) (*specs.Spec, error) {
	mounts := []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc",
			Options: []string{"nosuid", "nodev", "noexec", "relatime"}},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs",
			Options: []string{"nosuid", "strictatime", "mode=755",
				"size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts",
			Options: []string{"nosuid", "noexec", "newinstance",
				"ptmxmode=0666", "mode=0620"}},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs",
			Options: []string{"nosuid", "noexec", "nodev", "ro"}},
	}
	for _, s := range b.config.Binds {
		bd, err := ParseBind(s)
		if err != nil {
			return nil, err
		}
		src, ok := hosts[bd.Source]
		if !ok {
			return nil, fmt.Errorf("no host directory for %s", bd.Source)
		}
		mounts = append(mounts, specs.Mount{Destination: bd.Dest,
			Type: "bind", Source: src, Options: bd.MountOptions()})
	}
	// LinuxKit mounts parents before children.
	sort.SliceStable(mounts, func(i, j int) bool {
		return strings.Count(mounts[i].Destination, "/") <
			strings.Count(mounts[j].Destination, "/")
	})

	return &specs.Spec{
		Version: specs.Version,
		Process: &specs.Process{
			Args: args,
			Env:  b.env,
			Cwd:  "/",
			Capabilities: &specs.LinuxCapabilities{
				Bounding: caps, Effective: caps, Inheritable: caps,
				Permitted: caps, Ambient: []string{},
			},
			NoNewPrivileges: b.config.NoNewPrivileges,
		},
		Root:     &specs.Root{Path: b.rootfs, Readonly: b.config.Readonly},
		Hostname: "",
		Mounts:   mounts,
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{
				{Type: specs.MountNamespace},
				{Type: specs.PIDNamespace},
				{Type: specs.NetworkNamespace, Path: netns},
			},
			MaskedPaths: []string{"/proc/kcore", "/proc/latency_stats",
				"/proc/timer_list", "/proc/timer_stats",
				"/proc/sched_debug", "/sys/firmware", "/proc/scsi"},
			ReadonlyPaths: []string{"/proc/asound", "/proc/bus",
				"/proc/fs", "/proc/irq", "/proc/sys",
				"/proc/sysrq-trigger"},
		},
	}, nil
}

// runResult is what a container run left behind.
type runResult struct {
	err    error
	output string
}

// runContainer writes spec into a bundle under dir and runs it with
// runc until it exits or timeout passes.
func runContainer(t *testing.T, dir, id string, spec *specs.Spec,
	timeout time.Duration) runResult {
	t.Helper()

	bundle := filepath.Join(dir, "bundle-"+id)
	if err := os.MkdirAll(bundle, 0o755); err != nil {
		t.Fatal(err)
	}
	js, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), js,
		0o644); err != nil {
		t.Fatal(err)
	}

	root := filepath.Join(dir, "runc")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "runc", "--root", root, "run",
		"--bundle", bundle, id)
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if ctx.Err() != nil {
		err = errors.Join(err, ctx.Err())
	}

	del := exec.Command("runc", "--root", root, "delete", "--force", id)
	if b, derr := del.CombinedOutput(); derr != nil &&
		!strings.Contains(string(b), "does not exist") {
		t.Logf("runc delete %s: %v: %s", id, derr, b)
	}

	return runResult{err: err, output: out.String()}
}

// newLab starts a lab with dnsmasq serving the default scope.
func newLab(t *testing.T) *lab.Lab {
	t.Helper()

	l, err := lab.New(lab.Options{Prefix: labPrefix})
	if err != nil {
		t.Fatalf("lab: %v", err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("closing lab: %v", err)
		}
	})
	if _, err := l.StartServer(lab.Dnsmasq, lab.Scope{}); err != nil {
		t.Fatalf("starting dnsmasq: %v", err)
	}

	return l
}

// leased returns the client's addresses in the lab subnet.
func leased(t *testing.T, l *lab.Lab) []netip.Prefix {
	t.Helper()

	addrs, err := l.ClientAddrs()
	if err != nil {
		t.Fatalf("client addresses: %v", err)
	}
	var in []netip.Prefix
	for _, a := range addrs {
		if l.Subnet.Contains(a.Addr()) {
			in = append(in, a)
		}
	}

	return in
}

func TestRuncOneshot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for runc and network namespaces")
	}
	if _, err := exec.LookPath("runc"); err != nil {
		t.Fatalf("runc is not installed (apt-get install runc): %v", err)
	}

	dir := t.TempDir()
	img := unpackImage(t, dir)
	if want := append(Entrypoint(), Cmd()...); !slices.Equal(img.args, want) {
		t.Errorf("image command %q, want %q", img.args, want)
	}

	tests := []struct {
		name string
		drop string // capability removed from the label's; "" for none
	}{{name: "label capabilities"}}
	for _, c := range img.config.Capabilities {
		tests = append(tests, struct {
			name string
			drop string
		}{"without " + c, c})
	}

	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLab(t)
			hosts := hostDirs(t, img.config)
			caps := slices.DeleteFunc(slices.Clone(img.config.Capabilities),
				func(c string) bool { return c == tt.drop })

			wait := 20
			if tt.drop != "" {
				wait = 8
			}
			args := []string{BinaryPath, OneshotFlag, "--nodelay", "-t",
				fmt.Sprint(wait), l.ClientIf}
			spec, err := ociSpec(img, caps, hosts,
				"/var/run/netns/"+l.ClientNS, args)
			if err != nil {
				t.Fatal(err)
			}

			// TODO: most of the failing cases fail in
			// sandbox.ConfinePrivileged, which insists on every one of
			// PrivilegedCaps, rather than at the first use of the missing
			// capability; the test cannot tell the two apart.
			id := fmt.Sprintf("%s%d-%d", labPrefix, os.Getpid(), i)
			res := runContainer(t, dir, id, spec,
				time.Duration(wait+30)*time.Second)
			addrs := leased(t, l)
			resolv, rerr := os.ReadFile(filepath.Join(hosts["/run/resolvconf"],
				"resolv.conf"))

			if tt.drop != "" {
				if res.err == nil || len(addrs) != 0 {
					t.Errorf("without %s: run error %v, addresses %v; "+
						"want failure and no lease\n%s", tt.drop, res.err,
						addrs, res.output)
				}
				t.Logf("failed as it should: %v\n%s", res.err,
					tail(res.output, 3))
				return
			}

			if res.err != nil {
				t.Fatalf("runc run: %v\n%s", res.err, res.output)
			}
			if len(addrs) != 1 {
				t.Errorf("client addresses in %v: %v, want one lease",
					l.Subnet, addrs)
			}
			if rerr != nil {
				t.Fatalf("resolv.conf on the host side of /etc: %v", rerr)
			}
			want := "nameserver " + l.ServerAddr.String()
			if !strings.Contains(string(resolv), want) {
				t.Errorf("host resolv.conf lacks %q:\n%s", want, resolv)
			}

			state, err := os.ReadDir(hosts[StateDir])
			if err != nil || len(state) == 0 {
				t.Errorf("host state directory %s: %v, %d entries; want "+
					"the persisted lease", hosts[StateDir], err, len(state))
			}
		})
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}

	return strings.Join(lines, "\n")
}

// TestRuncDaemon runs the image as a LinuxKit service would: the default
// command (daemon mode) on the lab interface, until it holds a lease and
// has written resolv.conf, then stops it with SIGTERM as containerd does
// at shutdown.
func TestRuncDaemon(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for runc and network namespaces")
	}

	dir := t.TempDir()
	img := unpackImage(t, dir)
	l := newLab(t)
	hosts := hostDirs(t, img.config)

	// The default command with the lab's interface for eth0, and no
	// random start-up delay (RFC 2131 section 4.4.1) to keep it short.
	args := append(slices.Clone(Entrypoint()), "--nodelay", l.ClientIf)
	spec, err := ociSpec(img, img.config.Capabilities, hosts,
		"/var/run/netns/"+l.ClientNS, args)
	if err != nil {
		t.Fatal(err)
	}

	id := fmt.Sprintf("%s%d-daemon", labPrefix, os.Getpid())
	done := make(chan runResult, 1)
	go func() { done <- runContainer(t, dir, id, spec, 90*time.Second) }()

	resolv := filepath.Join(hosts["/run/resolvconf"], "resolv.conf")
	deadline := time.Now().Add(45 * time.Second)
	for {
		_, err := os.Stat(resolv)
		if len(leased(t, l)) == 1 && err == nil {
			break
		}
		select {
		case res := <-done:
			t.Fatalf("daemon exited before taking a lease: %v\n%s",
				res.err, res.output)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			break
		}
	}

	kill := exec.Command("runc", "--root", filepath.Join(dir, "runc"),
		"kill", id, "TERM")
	if out, err := kill.CombinedOutput(); err != nil {
		t.Errorf("runc kill: %v: %s", err, out)
	}
	res := <-done

	if len(leased(t, l)) != 1 {
		t.Errorf("daemon held no lease in %v\n%s", l.Subnet, res.output)
	}
	if _, err := os.Stat(resolv); err != nil {
		t.Errorf("daemon wrote no resolv.conf on the host: %v", err)
	}
	if res.err != nil {
		t.Errorf("daemon did not exit cleanly on SIGTERM: %v\n%s", res.err,
			tail(res.output, 5))
	}
}
