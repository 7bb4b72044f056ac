package config

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var ignoreOrigin = cmpopts.IgnoreUnexported(Config{})

// writeFile writes content to a config.yaml in a fresh directory.
func writeFile(t *testing.T, content string) string {
	t.Helper()

	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	return path
}

// noDefaultFile points defaultFile at a path that does not exist.
func noDefaultFile(t *testing.T) {
	t.Helper()

	old := defaultFile
	defaultFile = filepath.Join(t.TempDir(), "missing.yaml")
	t.Cleanup(func() { defaultFile = old })
}

func TestParsePrecedence(t *testing.T) {
	noDefaultFile(t)
	file := writeFile(t, `
interface: eth1
timeout: 10s
hostname: from-file
arp_probe: true
initial_delay: 5
log_level: warn
engine_uid: 1000
engine_gid: 1001
route_metric: 50
apply_mtu: false
resolv_conf: /run/resolv.conf
`)
	dir := filepath.Dir(file)
	tests := []struct {
		name string
		args []string
		edit func(c *Config)
	}{
		{"defaults", []string{"eth0"}, func(c *Config) {
			c.Interface = "eth0"
		}},
		{"every flag", []string{"-1", "-t", "5", "-h", "host", "-I",
			"01:02:03:04:05:06", "-i", "vendor", "-A", "--nodelay",
			"--release", "-v", "--resolv-conf", "/tmp/r.conf",
			"--state-dir", "/tmp/state", "eth0"}, func(c *Config) {
			c.Interface, c.Oneshot, c.Timeout = "eth0", true, 5*time.Second
			c.Hostname, c.ClientID = "host", "01:02:03:04:05:06"
			c.VendorClass, c.ARPProbe, c.InitialDelay = "vendor", false, 0
			c.ReleaseOnExit, c.LogLevel = true, slog.LevelDebug
			c.ResolvConf, c.StateDir = "/tmp/r.conf", "/tmp/state"
		}},
		{"long noarp", []string{"--noarp", "eth0"}, func(c *Config) {
			c.Interface, c.ARPProbe = "eth0", false
		}},
		{"duration timeout", []string{"-t", "1m30s", "eth0"}, func(c *Config) {
			c.Interface, c.Timeout = "eth0", 90*time.Second
		}},
		{"file only", []string{"-f", file}, func(c *Config) {
			c.Interface, c.Timeout, c.Hostname = "eth1", 10*time.Second,
				"from-file"
			c.InitialDelay, c.LogLevel = 5*time.Second, slog.LevelWarn
			c.EngineUID, c.EngineGID, c.RouteMetric = 1000, 1001, 50
			c.ApplyMTU, c.ResolvConf, c.ConfigDir = false,
				"/run/resolv.conf", dir
		}},
		{"flags override file", []string{"-f", file, "-t", "3", "-h",
			"from-flag", "-A", "--nodelay", "-v", "eth2"}, func(c *Config) {
			c.Interface, c.Timeout, c.Hostname = "eth2", 3*time.Second,
				"from-flag"
			c.ARPProbe, c.InitialDelay, c.LogLevel = false, 0,
				slog.LevelDebug
			c.EngineUID, c.EngineGID, c.RouteMetric = 1000, 1001, 50
			c.ApplyMTU, c.ResolvConf, c.ConfigDir = false,
				"/run/resolv.conf", dir
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := Default()
			tt.edit(&want)
			got, err := Parse(tt.args)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}

			if diff := cmp.Diff(want, got, ignoreOrigin); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestParseDefaultFile(t *testing.T) {
	old := defaultFile
	defaultFile = writeFile(t, "interface: eth9\noneshot: true\n")
	t.Cleanup(func() { defaultFile = old })

	got, err := Parse(nil)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}

	want := Default()
	want.Interface, want.Oneshot = "eth9", true
	if diff := cmp.Diff(want, got, ignoreOrigin); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	noDefaultFile(t)
	bad := writeFile(t, "interface: eth0\ntimeout: -5s\n")
	noIface := writeFile(t, "timeout: 5s\n")
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no interface", nil,
			`config: command line: field "interface": missing: name the ` +
				`interface (the INTERFACE argument or the interface key)`},
		{"no interface in the file", []string{"-f", noIface},
			`config: ` + noIface + `: field "interface": missing: name ` +
				`the interface (the INTERFACE argument or the interface key)`},
		{"unknown flag", []string{"-x", "eth0"},
			"config: command line: flag provided but not defined: -x"},
		{"flag after interface", []string{"eth0", "-t"},
			`config: command line: field "INTERFACE": unexpected ` +
				`arguments after the interface (flags go before it)`},
		{"two interfaces", []string{"eth0", "eth1"},
			`config: command line: field "INTERFACE": unexpected ` +
				`arguments after the interface (flags go before it)`},
		{"bad timeout", []string{"-t", "soon", "eth0"},
			`config: command line: field "-t": must be a positive ` +
				`number of seconds`},
		{"zero timeout", []string{"-t", "0", "eth0"},
			`config: command line: field "-t": must be a positive duration`},
		{"bad timeout in file", []string{"-f", bad},
			"config: " + bad + `:2: field "timeout": must be a positive ` +
				`duration`},
		{"flag does not hide a bad file", []string{"-f", bad, "-t", "4"},
			"config: " + bad + `:2: field "timeout": must be a positive ` +
				`duration`},
		{"missing explicit file", []string{"-f", missing, "eth0"},
			"config: " + missing + ": cannot open: open " + missing +
				": no such file or directory"},
		{"bad hostname", []string{"-h", "a b", "eth0"},
			`config: command line: field "-h": "a b" is not a valid ` +
				`host name`},
		{"empty client id", []string{"-I", "", "eth0"}, ""},
		{"short text client id", []string{"-I", "01", "eth0"}, ""},
		{"long client id", []string{"-I", string(make([]byte, 255)),
			"eth0"},
			`config: command line: field "-I": must encode to 2..255 ` +
				`bytes, not 256`},
		{"options too long together", []string{
			"-i", strings.Repeat("v", 255),
			"-I", strings.Repeat("c", 200), "eth0"},
			`config: command line: field "-i": with the other options ` +
				`it makes a DHCPREQUEST longer than 576 bytes; shorten ` +
				`hostname, client_id or vendor_class`},
		{"long vendor class", []string{"-i", string(make([]byte, 256)),
			"eth0"},
			`config: command line: field "-i": longer than 255 bytes`},
		{"relative resolv.conf", []string{"--resolv-conf", "r.conf",
			"eth0"},
			`config: command line: field "--resolv-conf": "r.conf" is ` +
				`not a clean absolute path`},
		{"unclean state dir", []string{"--state-dir", "/var/../x", "eth0"},
			`config: command line: field "--state-dir": "/var/../x" is ` +
				`not a clean absolute path`},
		{"interface with slash", []string{"eth/0"},
			`config: command line: field "INTERFACE": "eth/0" is not a ` +
				`valid interface name`},
		{"interface too long", []string{"0123456789abcdef"},
			`config: command line: field "INTERFACE": ` +
				`"0123456789abcdef" is not a valid interface name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.args)
			got := ""
			if err != nil {
				got = err.Error()
			}

			if got != tt.want {
				t.Errorf("Parse(%q) error\n got %s\nwant %s", tt.args, got,
					tt.want)
			}

			var ce *Error
			if err != nil && !errors.As(err, &ce) {
				t.Errorf("error %T is not a *Error", err)
			}
		})
	}
}

func TestLoadMissingWrapsNotExist(t *testing.T) {
	c := Default()
	err := Load(filepath.Join(t.TempDir(), "none.yaml"), &c)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load = %v, want fs.ErrNotExist", err)
	}
}

func TestClientIDBytes(t *testing.T) {
	tests := []struct {
		id   string
		want []byte
	}{
		{"", nil},
		{"01:02:03:04:05:06:07", []byte{1, 2, 3, 4, 5, 6, 7}},
		{"ff:00", []byte{0xff, 0}},
		{"host-1", []byte("\x00host-1")},
		{"01:2:03", []byte("\x0001:2:03")},
		{"zz:zz", []byte("\x00zz:zz")},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c := Config{ClientID: tt.id}
			if diff := cmp.Diff(tt.want, c.ClientIDBytes()); diff != "" {
				t.Errorf("ClientIDBytes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckInterface(t *testing.T) {
	noDefaultFile(t)
	c, err := Parse([]string{"eth7"})
	if err != nil {
		t.Fatal(err)
	}

	if err := c.CheckInterface(func(string) error { return nil }); err != nil {
		t.Errorf("CheckInterface(found) = %v", err)
	}

	notFound := errors.New("no such network interface")
	err = c.CheckInterface(func(name string) error {
		if name != "eth7" {
			t.Errorf("lookup(%q), want eth7", name)
		}

		return notFound
	})
	want := `config: command line: field "INTERFACE": "eth7" not found: ` +
		`no such network interface`
	if err == nil || err.Error() != want || !errors.Is(err, notFound) {
		t.Errorf("CheckInterface = %v, want %s wrapping the cause", err, want)
	}
}
