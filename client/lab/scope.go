package lab

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// Kind names a DHCP server implementation the lab can run.
type Kind string

// The servers the lab runs. Each is configured from KIND's template in
// the template directory (see Options.Templates).
const (
	Dnsmasq Kind = "dnsmasq" // dnsmasq, DHCP only
	Kea     Kind = "kea"     // ISC kea-dhcp4 with a memfile lease file
	ISC     Kind = "isc"     // ISC dhcpd (isc-dhcp-server)
	Udhcpd  Kind = "udhcpd"  // busybox udhcpd
)

// Kinds lists every server Kind, in a stable order.
var Kinds = []Kind{Dnsmasq, Kea, ISC, Udhcpd}

// ParseKind returns the Kind named s.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}

	return "", fmt.Errorf("lab: unknown server %q (want one of %v)", s, Kinds)
}

// template returns the file name of k's configuration template.
func (k Kind) template() string {
	switch k {
	case Dnsmasq:
		return "dnsmasq.conf.tmpl"
	case Kea:
		return "kea-dhcp4.json.tmpl"
	case ISC:
		return "dhcpd.conf.tmpl"
	case Udhcpd:
		return "udhcpd.conf.tmpl"
	}

	return ""
}

// Route is one classless static route (RFC 3442 section 2).
type Route struct {
	Dest    netip.Prefix
	Gateway netip.Addr
}

// Scope is what a lab server hands out, as DHCP options (RFC 2132). A
// zero field takes the default noted next to it; addresses default to
// the lab's server address. Every server sends options 1, 3, 6, 12, 15,
// 26, 51, 54, 119 and 121; dnsmasq raises lease times under two minutes
// to two minutes.
type Scope struct {
	LeaseTime time.Duration // option 51; default one hour
	Routers   []netip.Addr  // option 3; default the server address
	DNS       []netip.Addr  // option 6; default the server address
	Domain    string        // option 15; default "lab.example"
	Search    []string      // option 119; default lab.example, example.net
	Routes    []Route       // option 121; default 0/0 and 192.0.2.0/24 via server
	MTU       int           // option 26; default 1400
	HostName  string        // option 12; default "labclient"

	// RenewalTime and RebindingTime are T1 and T2 (options 58 and 59,
	// RFC 2132 sections 9.11 and 9.12; RFC 2131 section 4.4.5); zero
	// leaves each to the server (kea computes them, dnsmasq, dhcpd and
	// udhcpd default to half and seven eighths of the lease or send
	// none). Every server sends them when set; with dnsmasq, whose
	// leases last at least two minutes, they are the way to renew and
	// rebind within a short test.
	RenewalTime   time.Duration
	RebindingTime time.Duration

	// NotAuthoritative makes dnsmasq, kea and ISC dhcpd serve the
	// subnet without claiming authority over it (RFC 2131 section
	// 4.3.2); the default is authoritative. Without authority dnsmasq
	// answers a RENEWING DHCPREQUEST for a lease it holds no record of
	// with a DHCPNAK ("lease not found"); with it, dnsmasq grants the
	// lease again. udhcpd has no such setting.
	NotAuthoritative bool
}

// Defaults for a zero Scope.
const (
	DefaultLeaseTime = time.Hour
	DefaultDomain    = "lab.example"
	DefaultMTU       = 1400
	DefaultHostName  = "labclient"
)

// DefaultSearch is the default domain search list (option 119).
var DefaultSearch = []string{"lab.example", "example.net"}

// DefaultRouteDest is the destination of the default scope's second
// classless route; the first is the default route 0.0.0.0/0, which a
// server sending option 121 must include (RFC 3442 section 1).
var DefaultRouteDest = netip.MustParsePrefix("192.0.2.0/24")

// withDefaults returns s with its zero fields set for a server at srv.
func (s Scope) withDefaults(srv netip.Addr) Scope {
	if s.LeaseTime == 0 {
		s.LeaseTime = DefaultLeaseTime
	}
	if len(s.Routers) == 0 {
		s.Routers = []netip.Addr{srv}
	}
	if len(s.DNS) == 0 {
		s.DNS = []netip.Addr{srv}
	}
	if s.Domain == "" {
		s.Domain = DefaultDomain
	}
	if len(s.Search) == 0 {
		s.Search = DefaultSearch
	}
	if len(s.Routes) == 0 {
		s.Routes = []Route{
			{Dest: netip.PrefixFrom(netip.IPv4Unspecified(), 0), Gateway: srv},
			{Dest: DefaultRouteDest, Gateway: srv},
		}
	}
	if s.MTU == 0 {
		s.MTU = DefaultMTU
	}
	if s.HostName == "" {
		s.HostName = DefaultHostName
	}

	return s
}

// check rejects a scope the templates cannot express safely: names are
// pasted into configuration files, so they must be plain DNS names.
func (s Scope) check() error {
	if s.LeaseTime < time.Second || s.LeaseTime > 365*24*time.Hour {
		return fmt.Errorf("lab: lease time %v out of range", s.LeaseTime)
	}
	if s.MTU < 68 || s.MTU > 65535 {
		return fmt.Errorf("lab: mtu %d out of range", s.MTU)
	}

	if err := s.checkTimers(); err != nil {
		return err
	}

	names := append([]string{s.Domain, s.HostName}, s.Search...)
	for _, n := range names {
		if !plainName(n) {
			return fmt.Errorf("lab: bad name %q in scope", n)
		}
	}

	addrs := append(append([]netip.Addr{}, s.Routers...), s.DNS...)
	for _, r := range s.Routes {
		addrs = append(addrs, r.Gateway, r.Dest.Addr())
	}
	for _, a := range addrs {
		if !a.Is4() {
			return fmt.Errorf("lab: address %v in scope is not IPv4", a)
		}
	}

	return nil
}

// checkTimers rejects T1 and T2 out of order: each set one is at least
// a second, T1 is before T2 and both are before the lease ends (RFC 2131
// section 4.4.5).
func (s Scope) checkTimers() error {
	t1, t2 := s.RenewalTime, s.RebindingTime
	for _, d := range []time.Duration{t1, t2} {
		if d != 0 && (d < time.Second || d >= s.LeaseTime) {
			return fmt.Errorf("lab: T1 %v or T2 %v out of range for a "+
				"%v lease", t1, t2, s.LeaseTime)
		}
	}
	if t1 != 0 && t2 != 0 && t1 >= t2 {
		return fmt.Errorf("lab: T1 %v not before T2 %v", t1, t2)
	}

	return nil
}

// plainName reports whether n has only letters, digits, '-' and '.'.
func plainName(n string) bool {
	if n == "" || len(n) > 253 {
		return false
	}
	for _, c := range []byte(n) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ||
			c >= '0' && c <= '9' || c == '-' || c == '.'
		if !ok {
			return false
		}
	}

	return true
}

// network is where a server runs: its interface, subnet and files.
type network struct {
	Iface     string
	Subnet    netip.Prefix // 10.77.N.0/24
	Server    netip.Addr   // 10.77.N.1
	LeaseFile string
	PidFile   string
}

// configData is what a template sees.
type configData struct {
	Scope
	network

	Network      netip.Addr
	Mask         string
	PoolStart    netip.Addr
	PoolEnd      netip.Addr
	LeaseSeconds int64

	RenewalSeconds   int64 // T1, 0 when not set
	RebindingSeconds int64 // T2, 0 when not set
}

// render fills k's template from dir for scope s on network n.
func render(dir string, k Kind, s Scope, n network) ([]byte, error) {
	name := k.template()
	if name == "" {
		return nil, fmt.Errorf("lab: unknown server %q", k)
	}

	text, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("lab: reading template: %w", err)
	}

	t, err := template.New(name).Funcs(funcs).
		Option("missingkey=error").Parse(string(text))
	if err != nil {
		return nil, fmt.Errorf("lab: parsing template %s: %w", name, err)
	}

	base := n.Subnet.Masked().Addr().As4()
	d := configData{
		Scope:        s,
		network:      n,
		Network:      netip.AddrFrom4(base),
		Mask:         maskString(n.Subnet.Bits()),
		PoolStart:    netip.AddrFrom4([4]byte{base[0], base[1], base[2], 100}),
		PoolEnd:      netip.AddrFrom4([4]byte{base[0], base[1], base[2], 200}),
		LeaseSeconds: int64(s.LeaseTime / time.Second),

		RenewalSeconds:   int64(s.RenewalTime / time.Second),
		RebindingSeconds: int64(s.RebindingTime / time.Second),
	}

	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("lab: rendering %s: %w", name, err)
	}

	return b.Bytes(), nil
}

// maskString formats a prefix length as a dotted-quad netmask.
func maskString(bits int) string {
	m := ^uint32(0) << (32 - bits)
	a := netip.AddrFrom4([4]byte{
		byte(m >> 24), byte(m >> 16), byte(m >> 8), byte(m),
	})

	return a.String()
}

// funcs are the helpers the templates use.
var funcs = template.FuncMap{
	"join":      joinAny,
	"quotejoin": quoteJoin,
	"hex121":    hex121,
	"csv121":    csv121,
	"hex32":     hex32,
}

// hex32 is n as the hex of a 32-bit option value, for udhcpd's numbered
// options.
func hex32(n int64) string {
	return fmt.Sprintf("%08x", uint32(n))
}

// joinAny joins the String forms of a slice of addresses or strings.
func joinAny(v any, sep string) (string, error) {
	switch v := v.(type) {
	case []string:
		return strings.Join(v, sep), nil
	case []netip.Addr:
		s := make([]string, len(v))
		for i, a := range v {
			s[i] = a.String()
		}

		return strings.Join(s, sep), nil
	}

	return "", errors.New("lab: join: unsupported type")
}

// quoteJoin joins names as quoted strings, for dhcpd.conf.
func quoteJoin(v []string, sep string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = strconv.Quote(s)
	}

	return strings.Join(q, sep)
}

// routes121 encodes routes as option 121 data (RFC 3442 section 2):
// prefix length, the significant octets of the destination, the router.
func routes121(rs []Route) []byte {
	var b []byte
	for _, r := range rs {
		bits := r.Dest.Bits()
		dst := r.Dest.Masked().Addr().As4()
		gw := r.Gateway.As4()
		b = append(b, byte(bits))
		b = append(b, dst[:(bits+7)/8]...)
		b = append(b, gw[:]...)
	}

	return b
}

// hex121 is routes121 in hex, for kea.
func hex121(rs []Route) string {
	return strings.ToUpper(hex.EncodeToString(routes121(rs)))
}

// csv121 is routes121 as comma-separated decimals, for dhcpd.
func csv121(rs []Route) string {
	b := routes121(rs)
	s := make([]string, len(b))
	for i, c := range b {
		s[i] = strconv.Itoa(int(c))
	}

	return strings.Join(s, ", ")
}
