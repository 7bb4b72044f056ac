package config

import (
	"errors"
	"flag"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strconv"
	"time"
)

// Usage describes the command line, for the program's help text.
const Usage = `usage: dhcp-client [flags] INTERFACE
  -1                 oneshot: acquire a lease, apply it and exit
  -t SECONDS         give up after SECONDS (default 30)
  -h HOSTNAME        send HOSTNAME in option 12
  -I CLIENTID        client identifier: hex octets (01:aa:..) or text
  -i VENDORCLASS     send VENDORCLASS in option 60
  -A, --noarp        no ARP probe or announcement (RFC 5227)
  --nodelay          do not wait before the first DHCPDISCOVER
  -f FILE            config file (default ` + DefaultFile + `)
  --release          release the lease on exit
  -v                 log debug messages
  --resolv-conf PATH write DNS settings to PATH
  --state-dir DIR    keep the lease in DIR
`

// defaultFile is DefaultFile; tests point it elsewhere.
var defaultFile = DefaultFile

// flagValues holds the flags as given, before they are laid over the
// file.
type flagValues struct {
	oneshot, noarp, noarpLong, nodelay, release, verbose bool

	timeout, hostname, clientID, vendorClass string
	file, resolvConf, stateDir               string
}

func newFlagSet(v *flagValues) *flag.FlagSet {
	fs := flag.NewFlagSet("dhcp-client", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.BoolVar(&v.oneshot, "1", false, "")
	fs.StringVar(&v.timeout, "t", "", "")
	fs.StringVar(&v.hostname, "h", "", "")
	fs.StringVar(&v.clientID, "I", "", "")
	fs.StringVar(&v.vendorClass, "i", "", "")
	fs.BoolVar(&v.noarp, "A", false, "")
	fs.BoolVar(&v.noarpLong, "noarp", false, "")
	fs.BoolVar(&v.nodelay, "nodelay", false, "")
	fs.StringVar(&v.file, "f", "", "")
	fs.BoolVar(&v.release, "release", false, "")
	fs.BoolVar(&v.verbose, "v", false, "")
	fs.StringVar(&v.resolvConf, "resolv-conf", "", "")
	fs.StringVar(&v.stateDir, "state-dir", "", "")

	return fs
}

// Parse builds the configuration from the command-line arguments (without
// the program name): defaults, then the config file, then the flags, and
// validates the result. Without -f a missing DefaultFile is skipped; a
// file named with -f must exist. A bad value in the file is an error even
// when a flag overrides it: the file is checked before the flags apply.
func Parse(args []string) (Config, error) {
	var v flagValues
	fset := newFlagSet(&v)
	if err := fset.Parse(args); err != nil {
		return Config{}, &Error{File: CommandLine, Reason: err.Error(),
			Err: err}
	}

	if fset.NArg() > 1 {
		return Config{}, &Error{File: CommandLine, Field: "INTERFACE",
			Reason: "unexpected arguments after the interface " +
				"(flags go before it)"}
	}

	c := Default()
	if err := loadFile(&c, v.file); err != nil {
		return Config{}, err
	}

	if err := c.validateValues(); err != nil {
		return Config{}, err
	}

	if err := c.applyFlags(fset, &v); err != nil {
		return Config{}, err
	}

	if err := c.Validate(); err != nil {
		return Config{}, err
	}

	return c, nil
}

// loadFile loads file, or DefaultFile when file is empty and it exists.
func loadFile(c *Config, file string) error {
	if file == "" {
		err := Load(defaultFile, c)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}

		return err
	}

	c.ConfigDir = filepath.Dir(file)
	c.setOrigin("config_dir", origin{file: CommandLine, flag: "-f"})

	return Load(file, c)
}

// applyFlags lays the flags that were given over c.
func (c *Config) applyFlags(fset *flag.FlagSet, v *flagValues) error {
	var err error
	fset.Visit(func(f *flag.Flag) {
		if err == nil {
			err = c.applyFlag(f.Name, v)
		}
	})

	if err != nil {
		return err
	}

	if fset.NArg() == 1 {
		c.Interface = fset.Arg(0)
		c.setOrigin("interface", origin{file: CommandLine,
			flag: "INTERFACE"})
	}

	return nil
}

// applyFlag sets the field of the flag called name.
func (c *Config) applyFlag(name string, v *flagValues) error {
	field := ""
	switch name {
	case "1":
		c.Oneshot, field = v.oneshot, "oneshot"
	case "t":
		d, err := parseSeconds(v.timeout)
		if err != nil {
			return &Error{File: CommandLine, Field: "-t",
				Reason: "must be a positive number of seconds"}
		}
		c.Timeout, field = d, "timeout"
	case "h":
		c.Hostname, field = v.hostname, "hostname"
	case "I":
		c.ClientID, field = v.clientID, "client_id"
	case "i":
		c.VendorClass, field = v.vendorClass, "vendor_class"
	case "A", "noarp":
		c.ARPProbe, field = !(v.noarp || v.noarpLong), "arp_probe"
	case "nodelay":
		if v.nodelay {
			c.InitialDelay = 0
		}
		field = "initial_delay"
	case "release":
		c.ReleaseOnExit, field = v.release, "release_on_exit"
	case "v":
		if v.verbose {
			c.LogLevel = slog.LevelDebug
		}
		field = "log_level"
	case "resolv-conf":
		c.ResolvConf, field = v.resolvConf, "resolv_conf"
	case "state-dir":
		c.StateDir, field = v.stateDir, "state_dir"
	default:
		return nil // -f was handled before the file was read
	}
	dash := "-"
	if len(name) > 1 {
		dash = "--"
	}
	c.setOrigin(field, origin{file: CommandLine, flag: dash + name})

	return nil
}

// parseSeconds reads whole seconds, or a Go duration such as "1m30s".
func parseSeconds(s string) (time.Duration, error) {
	if n, err := strconv.ParseUint(s, 10, 31); err == nil {
		return time.Duration(n) * time.Second, nil
	}

	return time.ParseDuration(s)
}
