package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const durationReason = `must be a duration such as "30s" or a whole ` +
	`number of seconds, not negative`

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want Error
	}{
		{"unknown key", "interface: eth0\ntimeuot: 5s\n",
			Error{Line: 2, Field: "timeuot", Reason: "unknown field"}},
		{"duplicate key", "oneshot: true\noneshot: false\n",
			Error{Line: 2, Field: "oneshot", Reason: "set twice"}},
		{"bool as string", "oneshot: \"yes\"\n",
			Error{Line: 1, Field: "oneshot", Reason: "must be true or false"}},
		{"bool as int", "apply_dns: 1\n",
			Error{Line: 1, Field: "apply_dns",
				Reason: "must be true or false"}},
		{"string as int", "hostname: 12\n",
			Error{Line: 1, Field: "hostname", Reason: "must be a string"}},
		{"string as list", "hostname:\n  - a\n",
			Error{Line: 2, Field: "hostname",
				Reason: "must be a single value"}},
		{"bad duration", "timeout: soon\n",
			Error{Line: 1, Field: "timeout", Reason: durationReason}},
		{"negative seconds", "initial_delay: -1\n",
			Error{Line: 1, Field: "initial_delay", Reason: durationReason}},
		{"huge seconds", "timeout: 99999999999999999\n",
			Error{Line: 1, Field: "timeout", Reason: durationReason}},
		{"uid overflow", "engine_uid: 4294967296\n",
			Error{Line: 1, Field: "engine_uid", Reason: "must be an " +
				"integer between 0 and 4294967295"}},
		{"negative metric", "route_metric: -1\n",
			Error{Line: 1, Field: "route_metric", Reason: "must be an " +
				"integer between 0 and 4294967295"}},
		{"bad level", "log_level: loud\n",
			Error{Line: 1, Field: "log_level",
				Reason: "must be debug, info, warn or error"}},
		{"not a mapping", "- eth0\n",
			Error{Line: 1, Reason: "must be a mapping of keys to values"}},
		{"non-string key", "1: eth0\n",
			Error{Line: 1, Reason: "keys must be strings"}},
		{"two documents", "oneshot: true\n---\noneshot: false\n",
			Error{Line: 2, Reason: "more than one YAML document"}},
		{"too long", strings.Repeat("#", MaxFileLen+1),
			Error{Reason: "longer than 1048576 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			err := Decode("test.yaml", []byte(tt.yaml), &c)
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("Decode = %v, want *Error", err)
			}

			tt.want.File = "test.yaml"
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeSyntaxError(t *testing.T) {
	c := Default()
	err := Decode("test.yaml", []byte("interface: [eth0\n"), &c)
	var got *Error
	if !errors.As(err, &got) || got.Err == nil ||
		!strings.HasPrefix(err.Error(), "config: test.yaml: invalid YAML: ") {
		t.Errorf("Decode = %v, want an invalid YAML *Error with a cause", err)
	}
}

func TestDecodeAccepts(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		edit func(c *Config)
	}{
		{"empty", "", func(*Config) {}},
		{"null", "~\n", func(*Config) {}},
		{"comment only", "# nothing\n", func(*Config) {}},
		{"alias", "hostname: &h box\nvendor_class: *h\n", func(c *Config) {
			c.Hostname, c.VendorClass = "box", "box"
		}},
		{"seconds and strings", "timeout: 7\ninitial_delay: 250ms\n",
			func(c *Config) {
				c.Timeout, c.InitialDelay = 7*time.Second,
					250*time.Millisecond
			}},
		{"every key", `
interface: eth0
oneshot: true
timeout: 1m
hostname: h
client_id: "01:aa:bb"
vendor_class: v
arp_probe: false
rapid_commit: true
ipv6_only_preferred: true
initial_delay: 0s
release_on_exit: true
state_dir: /s
resolv_conf: /r
engine_uid: 1
engine_gid: 2
route_metric: 3
apply_dns: false
apply_routes: false
apply_mtu: false
log_level: debug
`, func(c *Config) {
			*c = Config{Interface: "eth0", Oneshot: true, Timeout: time.Minute,
				Hostname: "h", ClientID: "01:aa:bb", VendorClass: "v",
				RapidCommit: true, IPv6OnlyPreferred: true,
				ReleaseOnExit: true, StateDir: "/s", ResolvConf: "/r",
				ConfigDir: DefaultConfigDir, EngineUID: 1, EngineGID: 2,
				RouteMetric: 3, LogLevel: -4}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, got := Default(), Default()
			tt.edit(&want)
			if err := Decode("test.yaml", []byte(tt.yaml), &got); err != nil {
				t.Fatalf("Decode: %v", err)
			}

			if diff := cmp.Diff(want, got, ignoreOrigin); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzLoad checks that no file content makes Decode or Validate panic and
// that every failure is an *Error.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("interface: eth0\ntimeout: 5s\nhostname: h\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte("client_id: \"01:02\"\nlog_level: DEBUG+2\n"))
	f.Add([]byte("- 1\n- 2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := Default()
		err := Decode("fuzz.yaml", data, &c)
		var ce *Error
		if err != nil && !errors.As(err, &ce) {
			t.Fatalf("Decode error %T is not a *Error: %v", err, err)
		}

		if err == nil {
			if err := c.Validate(); err != nil && !errors.As(err, &ce) {
				t.Fatalf("Validate error %T is not a *Error", err)
			}
		}
	})
}
