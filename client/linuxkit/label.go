package linuxkit

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
)

// LabelKey is the image label LinuxKit reads the image's runtime
// configuration from.
const LabelKey = "org.mobyproject.config"

// Paths and arguments of the image. The directories follow the client's
// convention; ResolvConf is where the client writes the resolver
// configuration (RFC 2132 sections 3.8 and 3.17) inside the container.
const (
	BinaryPath       = "/usr/sbin/dhcp-client"
	ConfigDir        = "/etc/dhcp-client"
	StateDir         = "/var/lib/dhcp-client"
	ResolvConf       = "/etc/resolv.conf"
	DefaultInterface = "eth0"
	OneshotFlag      = "-1"
)

// Entrypoint returns the image's entrypoint: the client binary.
func Entrypoint() []string { return []string{BinaryPath} }

// Cmd returns the image's default arguments: daemon mode on
// DefaultInterface, renewing the lease as RFC 2131 section 4.4.5 says.
func Cmd() []string { return []string{DefaultInterface} }

// OneshotCommand returns the full command an onboot entry uses: take one
// lease on DefaultInterface, apply it and exit.
func OneshotCommand() []string {
	return []string{BinaryPath, OneshotFlag, DefaultInterface}
}

//go:embed label.json
var labelJSON []byte

// Config is the part of LinuxKit's image configuration that the label
// sets. Field names and meanings are LinuxKit's.
type Config struct {
	Binds           []string `json:"binds" yaml:"binds"`
	Capabilities    []string `json:"capabilities" yaml:"capabilities"`
	Net             string   `json:"net" yaml:"net"`
	NoNewPrivileges bool     `json:"noNewPrivileges" yaml:"noNewPrivileges"`
	Readonly        bool     `json:"readonly" yaml:"readonly"`
	Runtime         Runtime  `json:"runtime" yaml:"runtime"`
}

// Runtime is LinuxKit's per-container runtime setup.
type Runtime struct {
	// Mkdir lists host directories LinuxKit creates before the start.
	Mkdir []string `json:"mkdir" yaml:"mkdir"`
}

// Label returns the label value: label.json, checked by ParseConfig and
// without white space.
func Label() (string, error) {
	if _, err := ParseConfig(labelJSON); err != nil {
		return "", err
	}

	var b bytes.Buffer
	if err := json.Compact(&b, labelJSON); err != nil {
		return "", fmt.Errorf("linuxkit: compacting label: %w", err)
	}

	return b.String(), nil
}

// DefaultConfig returns the parsed label.
func DefaultConfig() (Config, error) {
	return ParseConfig(labelJSON)
}

// ParseConfig decodes and checks a label value. Unknown fields are an
// error, so that a misspelt key cannot silently drop a setting.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("linuxkit: decoding label: %w", err)
	}
	if d.More() {
		return Config{}, errors.New("linuxkit: trailing data after label")
	}

	if err := c.check(); err != nil {
		return Config{}, err
	}

	return c, nil
}

// check rejects a configuration LinuxKit would reject or misread.
func (c Config) check() error {
	if c.Net != "host" {
		return fmt.Errorf("linuxkit: net is %q, want host", c.Net)
	}

	for _, s := range c.Binds {
		if _, err := ParseBind(s); err != nil {
			return err
		}
	}

	for _, p := range c.Runtime.Mkdir {
		if !path.IsAbs(p) || path.Clean(p) != p {
			return fmt.Errorf("linuxkit: mkdir path %q not clean", p)
		}
	}

	seen := map[string]bool{}
	for _, cp := range c.Capabilities {
		if !validCap(cp) {
			return fmt.Errorf("linuxkit: bad capability name %q", cp)
		}
		if seen[cp] {
			return fmt.Errorf("linuxkit: capability %s twice", cp)
		}
		seen[cp] = true
	}

	return nil
}

// validCap reports whether s has the form CAP_NAME.
func validCap(s string) bool {
	name, ok := strings.CutPrefix(s, "CAP_")
	if !ok || name == "" {
		return false
	}
	for _, r := range name {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}

	return true
}

// Bind is one entry of a LinuxKit binds list: SOURCE:DEST[:OPTIONS].
type Bind struct {
	Source  string   // path on the host
	Dest    string   // path in the container
	Options []string // mount options; nil for LinuxKit's default
}

// ParseBind parses a binds entry as LinuxKit does. Both paths must be
// absolute and clean.
func ParseBind(s string) (Bind, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return Bind{}, fmt.Errorf("linuxkit: bind %q is not SRC:DST[:OPTS]", s)
	}

	b := Bind{Source: parts[0], Dest: parts[1]}
	for _, p := range []string{b.Source, b.Dest} {
		if !path.IsAbs(p) || path.Clean(p) != p {
			return Bind{}, fmt.Errorf("linuxkit: bind %q: path %q not clean",
				s, p)
		}
	}

	if len(parts) == 3 {
		if parts[2] == "" {
			return Bind{}, fmt.Errorf("linuxkit: bind %q: empty options", s)
		}
		b.Options = strings.Split(parts[2], ",")
	}

	return b, nil
}

// MountOptions returns the options LinuxKit gives the bind mount: rw,
// rbind and rprivate by default, else the given options plus rbind.
func (b Bind) MountOptions() []string {
	if b.Options == nil {
		return []string{"rw", "rbind", "rprivate"}
	}

	return append(append([]string{}, b.Options...), "rbind")
}

// ReadOnly reports whether the bind is mounted read-only.
func (b Bind) ReadOnly() bool {
	for _, o := range b.Options {
		if o == "ro" {
			return true
		}
	}

	return false
}
