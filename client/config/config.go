package config

import (
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/statemachine"
)

// Defaults of the paths and identities (the LinuxKit dhcpcd image writes
// resolv.conf at /etc/resolv.conf inside its container).
const (
	DefaultConfigDir  = "/etc/dhcp-client"
	DefaultFile       = DefaultConfigDir + "/config.yaml"
	DefaultStateDir   = "/var/lib/dhcp-client"
	DefaultResolvConf = "/etc/resolv.conf"
	DefaultEngineID   = 65534 // nobody:nogroup
)

// Config is the whole configuration. The yaml name of each field is the
// key in the config file; fields without one are set otherwise.
type Config struct {
	Interface         string        // interface; the INTERFACE argument
	Oneshot           bool          // oneshot; -1
	Timeout           time.Duration // timeout; -t SECONDS
	Hostname          string        // hostname; -h (option 12)
	ClientID          string        // client_id; -I (option 61)
	VendorClass       string        // vendor_class; -i (option 60)
	ARPProbe          bool          // arp_probe; -A, --noarp clear it
	RapidCommit       bool          // rapid_commit (RFC 4039)
	IPv6OnlyPreferred bool          // ipv6_only_preferred (RFC 8925)
	InitialDelay      time.Duration // initial_delay; --nodelay sets 0
	ReleaseOnExit     bool          // release_on_exit; --release
	StateDir          string        // state_dir; --state-dir
	ResolvConf        string        // resolv_conf; --resolv-conf
	ConfigDir         string        // the directory of the config file
	EngineUID         uint32        // engine_uid
	EngineGID         uint32        // engine_gid
	RouteMetric       uint32        // route_metric
	ApplyDNS          bool          // apply_dns
	ApplyRoutes       bool          // apply_routes
	ApplyMTU          bool          // apply_mtu
	LogLevel          slog.Level    // log_level; -v sets debug

	// origin records where each field's value came from, for errors.
	origin map[string]origin

	// file is the last configuration file decoded, named in errors about
	// fields that were never set.
	file string
}

// origin is the file (or CommandLine) and line a value came from, and
// the flag that set it, if any.
type origin struct {
	file string
	line int
	flag string
}

// Default returns the configuration used when neither file nor flags say
// otherwise.
func Default() Config {
	return Config{
		Timeout:      30 * time.Second,
		ARPProbe:     true,
		InitialDelay: time.Second,
		StateDir:     DefaultStateDir,
		ResolvConf:   DefaultResolvConf,
		ConfigDir:    DefaultConfigDir,
		EngineUID:    DefaultEngineID,
		EngineGID:    DefaultEngineID,
		RouteMetric:  1024,
		ApplyDNS:     true,
		ApplyRoutes:  true,
		ApplyMTU:     true,
		LogLevel:     slog.LevelInfo,
	}
}

// setOrigin records where field's value came from.
func (c *Config) setOrigin(field string, o origin) {
	if c.origin == nil {
		c.origin = make(map[string]origin)
	}
	c.origin[field] = o
}

// errorf returns an *Error about field at the place its value came from.
func (c *Config) errorf(field, format string, args ...any) error {
	o, ok := c.origin[field]
	if !ok {
		o.file = c.file
		if o.file == "" {
			o.file = CommandLine
		}
	}

	if o.flag != "" {
		field = o.flag
	}

	return &Error{File: o.file, Line: o.line, Field: field,
		Reason: fmt.Sprintf(format, args...)}
}

// ClientIDBytes returns the value of option 61 (RFC 2132 section 9.14):
// colon-separated hex octets as given (the first octet is the type), or
// else type 0 followed by the text. It returns nil when ClientID is empty.
func (c *Config) ClientIDBytes() []byte {
	if c.ClientID == "" {
		return nil
	}

	if b, ok := parseHexOctets(c.ClientID); ok {
		return b
	}

	return append([]byte{0}, c.ClientID...)
}

// parseHexOctets decodes "01:aa:bb" style text.
func parseHexOctets(s string) ([]byte, bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 {
		return nil, false
	}

	b := make([]byte, 0, len(parts))
	for _, p := range parts {
		if len(p) != 2 {
			return nil, false
		}

		v, err := hex.DecodeString(p)
		if err != nil {
			return nil, false
		}
		b = append(b, v[0])
	}

	return b, true
}

// Validate checks every value and returns an *Error naming the first
// field that is wrong and where its value came from.
func (c *Config) Validate() error {
	if c.Interface == "" {
		return c.errorf("interface", "missing: name the interface "+
			"(the INTERFACE argument or the interface key)")
	}

	return c.validateValues()
}

// validateValues checks every value that is set, so that a file can be
// checked on its own before the flags are laid over it.
func (c *Config) validateValues() error {
	if c.Interface != "" && !validIfName(c.Interface) {
		return c.errorf("interface", "%q is not a valid interface name",
			c.Interface)
	}

	if c.Timeout <= 0 {
		return c.errorf("timeout", "must be a positive duration")
	}

	if c.Hostname != "" && !ipc.ValidName(c.Hostname) {
		return c.errorf("hostname", "%q is not a valid host name", c.Hostname)
	}

	if n := len(c.ClientIDBytes()); n != 0 && (n < 2 || n > 255) {
		return c.errorf("client_id", "must encode to 2..255 bytes, not %d", n)
	}

	if len(c.VendorClass) > ipc.MaxOptionLen {
		return c.errorf("vendor_class", "longer than %d bytes",
			ipc.MaxOptionLen)
	}

	if err := c.validateMessageSize(); err != nil {
		return err
	}

	if c.InitialDelay < 0 || c.InitialDelay > ipc.MaxInitialDelay {
		return c.errorf("initial_delay", "must be between 0 and %v",
			ipc.MaxInitialDelay)
	}

	return c.validateSystem()
}

// validateMessageSize checks that the options the client sends leave its
// longest DHCPREQUEST within 576 bytes (RFC 2131 section 2), as the
// engine's state machine will require; an Ethernet address stands in for
// the interface's. The error names the longest of the three options.
func (c *Config) validateMessageSize() error {
	id := c.ClientIDBytes()
	sc := statemachine.Config{
		HWAddr:            make(net.HardwareAddr, 6),
		ClientID:          id,
		Hostname:          c.Hostname,
		VendorClass:       []byte(c.VendorClass),
		RapidCommit:       c.RapidCommit,
		IPv6OnlyPreferred: c.IPv6OnlyPreferred,
	}
	if sc.Validate() == nil {
		return nil
	}

	field, n := "hostname", len(c.Hostname)
	if len(id) > n {
		field, n = "client_id", len(id)
	}
	if len(c.VendorClass) > n {
		field = "vendor_class"
	}

	return c.errorf(field, "with the other options it makes a "+
		"DHCPREQUEST longer than 576 bytes; shorten hostname, client_id "+
		"or vendor_class")
}

// validateSystem checks the paths and identities.
func (c *Config) validateSystem() error {
	paths := []struct {
		field, path string
	}{
		{"state_dir", c.StateDir},
		{"resolv_conf", c.ResolvConf},
		{"config_dir", c.ConfigDir},
	}
	for _, p := range paths {
		if !filepath.IsAbs(p.path) || filepath.Clean(p.path) != p.path {
			return c.errorf(p.field, "%q is not a clean absolute path", p.path)
		}
	}

	if c.ResolvConf == "/" {
		return c.errorf("resolv_conf", "must name a file")
	}

	if c.EngineUID == 0 {
		return c.errorf("engine_uid", "the engine must not run as root")
	}

	if c.EngineGID == 0 {
		return c.errorf("engine_gid", "the engine must not run as root")
	}

	return nil
}

// validIfName reports whether s can be a Linux interface name: 1 to 15
// bytes, no slash, colon or white space, not "." or "..".
func validIfName(s string) bool {
	if len(s) == 0 || len(s) > ipc.MaxIfNameLen || s == "." || s == ".." {
		return false
	}

	for _, r := range s {
		if r <= ' ' || r == '/' || r == ':' || r >= 0x7f {
			return false
		}
	}

	return true
}

// CheckInterface checks that the configured interface exists with lookup
// (say, a wrapper of net.InterfaceByName) and returns an *Error naming
// where the interface came from when it does not.
func (c *Config) CheckInterface(lookup func(name string) error) error {
	if err := lookup(c.Interface); err != nil {
		e := c.errorf("interface", "%q not found: %v", c.Interface, err)
		e.(*Error).Err = err

		return e
	}

	return nil
}
