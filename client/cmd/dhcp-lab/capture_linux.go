package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/safedhcp/safedhcp/client/lab"
)

// scenario is one recorded exchange: a server, a subnet and what the
// peer client does while tcpdump runs.
type scenario struct {
	name string // file name without .pcap: SERVER-EXCHANGE
	kind lab.Kind
	net  uint8 // N of 10.77.N.0/24, fixed so the golden tests can check it
	run  func(ctx context.Context, c *recorder) error
}

// scenarios are the captures in testdata/captures, described in its
// README.md.
var scenarios = []scenario{
	{"dnsmasq-dora", lab.Dnsmasq, 1, udhcpcDORA},
	{"kea-dora", lab.Kea, 2, udhcpcDORA},
	{"isc-dora", lab.ISC, 3, udhcpcDORA},
	{"udhcpd-dora", lab.Udhcpd, 4, udhcpcDORA},
	{"dnsmasq-dhclient-dora", lab.Dnsmasq, 1, dhclientDORA},
	{"dnsmasq-dhcpcd-dora", lab.Dnsmasq, 1, dhcpcdDORA},
	{"dnsmasq-renew", lab.Dnsmasq, 1, udhcpcRenew},
	{"dnsmasq-nak", lab.Dnsmasq, 1, dhclientNAK},
	{"kea-renew", lab.Kea, 2, udhcpcRenew},
	{"isc-renew", lab.ISC, 3, udhcpcRenew},
	{"udhcpd-renew", lab.Udhcpd, 4, udhcpcRenew},
	{"kea-nak", lab.Kea, 2, dhclientNAK},
	{"isc-nak", lab.ISC, 3, dhclientNAK},
	{"udhcpd-nak", lab.Udhcpd, 4, dhclientNAK},
}

// captureScope is the scope every capture serves.
var captureScope = lab.Scope{LeaseTime: 20 * time.Minute}

// udhcpcOptions makes udhcpc ask for the options the servers only send
// on request (RFC 2132 section 9.8).
var udhcpcOptions = []string{"-O", "search", "-O", "mtu", "-O",
	"staticroutes", "-O", "hostname", "-O", "domain"}

// capture implements "dhcp-lab capture".
func capture(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("capture", flag.ContinueOnError)
	dir := fs.String("out", "testdata/captures", "output directory")
	only := fs.String("only", "", "record only this capture")
	if err := fs.Parse(args); err != nil {
		return err
	}

	for _, s := range scenarios {
		if *only != "" && *only != s.name {
			continue
		}
		path := filepath.Join(*dir, s.name+".pcap")
		if err := record(ctx, s, path); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Fprintln(out, "wrote", path)
	}

	return nil
}

// recorder is a lab with a server and a capture that a scenario drives.
type recorder struct {
	lab  *lab.Lab
	srv  *lab.Server
	path string // the pcap being written
	cap  *lab.Capture
}

// startCapture starts tcpdump; a scenario calls it once the state it
// does not want recorded (such as a first lease) is in place.
func (r *recorder) startCapture() error {
	c, err := r.lab.Capture(r.path)
	if err != nil {
		return err
	}
	r.cap = c

	return nil
}

// record runs scenario s and writes its capture to path atomically.
func record(ctx context.Context, s scenario, path string) error {
	l, err := lab.New(lab.Options{Net: s.net})
	if err != nil {
		return err
	}
	defer l.Close()

	srv, err := l.StartServer(s.kind, captureScope)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	defer os.Remove(tmp)

	r := &recorder{lab: l, srv: srv, path: tmp}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	runErr := s.run(ctx, r)
	if r.cap == nil {
		return errors.Join(runErr, errors.New("scenario captured nothing"))
	}

	// Let the last answer reach the file before tcpdump stops.
	time.Sleep(300 * time.Millisecond)
	if err := errors.Join(runErr, r.cap.Stop()); err != nil {
		return fmt.Errorf("%w\nserver log:\n%s", err, srv.Log())
	}

	return os.Rename(tmp, path)
}

// udhcpc returns a busybox udhcpc command line for the client interface.
func (r *recorder) udhcpc(ctx context.Context, extra ...string) []string {
	args := []string{"udhcpc", "-f", "-t", "5", "-T", "2", "-i",
		r.lab.ClientIf}
	args = append(args, udhcpcOptions...)

	return append(args, extra...)
}

// udhcpcDORA records one discover, offer, request, ack exchange.
func udhcpcDORA(ctx context.Context, r *recorder) error {
	if err := r.startCapture(); err != nil {
		return err
	}
	args := r.udhcpc(ctx, "-n", "-q", "-s", "/bin/true")

	return runClient(r.lab.ClientCommand(ctx, "busybox", args...))
}

// dhclientConf is Debian's dhclient.conf without the DHCPv6 and NetBIOS
// requests and without sending the machine's host name, which would
// leak into the captures and which kea echoes instead of its own.
const dhclientConf = `option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;
request subnet-mask, broadcast-address, time-offset, routers,
	domain-name, domain-name-servers, domain-search, host-name,
	interface-mtu, rfc3442-classless-static-routes, ntp-servers;
`

// dhclient runs ISC dhclient once with dhclientConf and the lease file
// leases, /bin/true as its script, until it holds a lease.
func dhclient(ctx context.Context, r *recorder, leases string) error {
	conf := filepath.Join(r.lab.Dir, "dhclient.conf")
	if err := os.WriteFile(conf, []byte(dhclientConf), 0o644); err != nil {
		return err
	}

	return runClient(r.lab.ClientCommand(ctx, "dhclient", "-4", "-1",
		"-cf", conf, "-lf", leases,
		"-pf", filepath.Join(r.lab.Dir, "dhclient.pid"),
		"-sf", "/bin/true", r.lab.ClientIf))
}

// dhclientDORA records ISC dhclient's exchange.
func dhclientDORA(ctx context.Context, r *recorder) error {
	if err := r.startCapture(); err != nil {
		return err
	}

	return dhclient(ctx, r, filepath.Join(r.lab.Dir, "dhclient.leases"))
}

// dhcpcdConf keeps dhcpcd from writing outside the lab: no hooks, and a
// client identifier made from the hardware address rather than a DUID.
const dhcpcdConf = `clientid
option domain_name_servers, domain_name, domain_search, host_name
option classless_static_routes, interface_mtu
nohook resolv.conf, hostname, ntp.conf, timesyncd.conf
noarp
`

// dhcpcdDORA records dhcpcd's exchange.
func dhcpcdDORA(ctx context.Context, r *recorder) error {
	conf := filepath.Join(r.lab.Dir, "dhcpcd.conf")
	if err := os.WriteFile(conf, []byte(dhcpcdConf), 0o644); err != nil {
		return err
	}
	defer os.Remove(filepath.Join("/var/lib/dhcpcd",
		r.lab.ClientIf+".lease"))

	if err := r.startCapture(); err != nil {
		return err
	}

	return runClient(r.lab.ClientCommand(ctx, "dhcpcd", "-f", conf,
		"-4", "-1", "-B", "-t", "15", "-c", "/bin/true",
		r.lab.ClientIf))
}

// udhcpcRenew gets a lease, then records the unicast renewal that
// SIGUSR1 makes udhcpc send (RFC 2131 section 4.4.5).
func udhcpcRenew(ctx context.Context, r *recorder) error {
	return boundThen(ctx, r, func(cmd *os.Process) error {
		if err := r.startCapture(); err != nil {
			return err
		}

		return cmd.Signal(syscall.SIGUSR1)
	})
}

// foreignLease is a dhclient lease file for an address outside every lab
// subnet, still valid, so that dhclient starts in INIT-REBOOT.
const foreignLease = `lease {
  interface "%s";
  fixed-address 10.99.0.50;
  option subnet-mask 255.255.255.0;
  option dhcp-server-identifier 10.99.0.1;
  option dhcp-lease-time 86400;
  renew 4 2037/01/01 00:00:00;
  rebind 4 2037/01/01 00:00:00;
  expire 4 2037/01/01 00:00:00;
}
`

// dhclientNAK records an INIT-REBOOT request for an address on another
// network, the authoritative server's DHCPNAK (RFC 2131 section 4.3.2)
// and the exchange that follows it.
func dhclientNAK(ctx context.Context, r *recorder) error {
	lf := filepath.Join(r.lab.Dir, "dhclient.leases")
	text := fmt.Sprintf(foreignLease, r.lab.ClientIf)
	if err := os.WriteFile(lf, []byte(text), 0o644); err != nil {
		return err
	}
	if err := r.startCapture(); err != nil {
		return err
	}

	return dhclient(ctx, r, lf)
}

// boundThen runs udhcpc until it has configured its lease, calls then,
// and lets udhcpc run three more seconds before ending it.
func boundThen(ctx context.Context, r *recorder,
	then func(*os.Process) error) error {
	args := r.udhcpc(ctx, "-s", "/etc/udhcpc/default.script")
	cmd := r.lab.ClientCommand(ctx, "busybox", args...)
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	}()

	for {
		as, err := r.lab.ClientAddrs()
		if err != nil {
			return err
		}
		if len(as) > 0 {
			break
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("udhcpc got no lease: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}

	if err := then(cmd.Process); err != nil {
		return err
	}
	time.Sleep(3 * time.Second)

	return nil
}

// runClient runs a client to completion, returning its output on error.
func runClient(cmd interface{ CombinedOutput() ([]byte, error) }) error {
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("client: %w\n%s", err, out)
	}

	return nil
}
