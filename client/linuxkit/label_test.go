package linuxkit

import (
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/safedhcp/safedhcp/client/sandbox"
)

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // substring of the error
	}{
		{"not json", `{"binds": [`, "decoding label"},
		{"unknown field", `{"net": "host", "capabilitys": []}`,
			"unknown field"},
		{"trailing", `{"net": "host"} {}`, "trailing data"},
		{"net none", `{"net": "none"}`, `net is "none"`},
		{"bind no colon", `{"net": "host", "binds": ["/a"]}`,
			"not SRC:DST"},
		{"bind relative", `{"net": "host", "binds": ["a:/b"]}`,
			"not clean"},
		{"bind dotdot", `{"net": "host", "binds": ["/a/../b:/b"]}`,
			"not clean"},
		{"bind four parts", `{"net": "host", "binds": ["/a:/b:ro:x"]}`,
			"not SRC:DST"},
		{"bind empty opts", `{"net": "host", "binds": ["/a:/b:"]}`,
			"empty options"},
		{"cap lower", `{"net": "host", "capabilities": ["cap_net_raw"]}`,
			"bad capability"},
		{"cap bare", `{"net": "host", "capabilities": ["CAP_"]}`,
			"bad capability"},
		{"cap twice", `{"net": "host", "capabilities": ` +
			`["CAP_NET_RAW", "CAP_NET_RAW"]}`, "twice"},
		{"mkdir relative", `{"net": "host", "runtime": {"mkdir": ["x"]}}`,
			"not clean"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParseConfig(%s) = nil error, want %q", tt.in,
					tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) ||
				!strings.HasPrefix(err.Error(), "linuxkit: ") {
				t.Errorf("ParseConfig(%s) = %v, want linuxkit: ...%s",
					tt.in, err, tt.want)
			}
		})
	}
}

func TestParseBind(t *testing.T) {
	tests := []struct {
		in       string
		want     Bind
		wantOpts []string
	}{
		{"/run/resolvconf:/etc",
			Bind{Source: "/run/resolvconf", Dest: "/etc"},
			[]string{"rw", "rbind", "rprivate"}},
		{"/a:/b:ro",
			Bind{Source: "/a", Dest: "/b", Options: []string{"ro"}},
			[]string{"ro", "rbind"}},
		{"/a:/b:ro,rshared",
			Bind{Source: "/a", Dest: "/b",
				Options: []string{"ro", "rshared"}},
			[]string{"ro", "rshared", "rbind"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseBind(tt.in)
			if err != nil {
				t.Fatalf("ParseBind(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseBind(%q) (-want +got):\n%s", tt.in, diff)
			}
			if diff := cmp.Diff(tt.wantOpts, got.MountOptions()); diff != "" {
				t.Errorf("MountOptions (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLabelConventions checks label.json against the client's paths: the
// binds cover resolv.conf, the configuration and the state, LinuxKit
// creates every bind source, and only the configuration is read-only.
func TestLabelConventions(t *testing.T) {
	c, err := DefaultConfig()
	if err != nil {
		t.Fatalf("DefaultConfig: %v", err)
	}

	dests := map[string]Bind{}
	for _, s := range c.Binds {
		b, err := ParseBind(s)
		if err != nil {
			t.Fatal(err)
		}
		dests[b.Dest] = b
	}

	wantRO := map[string]bool{
		path.Dir(ResolvConf): false,
		ConfigDir:            true,
		StateDir:             false,
	}
	gotRO := map[string]bool{}
	for d, b := range dests {
		gotRO[d] = b.ReadOnly()
	}
	if diff := cmp.Diff(wantRO, gotRO); diff != "" {
		t.Errorf("bind destinations and read-only flags (-want +got):\n%s",
			diff)
	}

	if got := dests["/etc"].Source; got != "/run/resolvconf" {
		t.Errorf("/etc bind source = %q, want linuxkit/dhcpcd's "+
			"/run/resolvconf", got)
	}

	var sources []string
	for _, s := range c.Binds {
		b, _ := ParseBind(s)
		sources = append(sources, b.Source)
	}
	if diff := cmp.Diff(sources, c.Runtime.Mkdir); diff != "" {
		t.Errorf("runtime.mkdir must list every bind source, in order "+
			"(-binds +mkdir):\n%s", diff)
	}

	for _, cp := range []string{"CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE",
		"CAP_SYS_PTRACE", "CAP_SYS_MODULE"} {
		for _, got := range c.Capabilities {
			if got == cp {
				t.Errorf("label grants %s, which the client must not need",
					cp)
			}
		}
	}

	if !c.Readonly || !c.NoNewPrivileges {
		t.Errorf("label readonly=%v noNewPrivileges=%v, want both true",
			c.Readonly, c.NoNewPrivileges)
	}
}

func TestLabelCompact(t *testing.T) {
	l, err := Label()
	if err != nil {
		t.Fatalf("Label: %v", err)
	}
	if strings.ContainsAny(l, "\n\t") {
		t.Errorf("Label() has white space: %q", l)
	}

	got, err := ParseConfig([]byte(l))
	if err != nil {
		t.Fatalf("ParseConfig(Label()): %v", err)
	}
	want, _ := DefaultConfig()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Label() does not parse back (-want +got):\n%s", diff)
	}
}

// TestLabelMatchesSandbox checks that the label grants exactly what the
// supervisor keeps after start-up: anything less and it cannot confine
// itself, anything more is never used.
func TestLabelMatchesSandbox(t *testing.T) {
	c, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}

	var want []string
	for _, v := range sandbox.PrivilegedCaps {
		want = append(want, strings.ToUpper(v.String()))
	}
	slices.Sort(want)
	got := slices.Sorted(slices.Values(c.Capabilities))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("label capabilities (-sandbox.PrivilegedCaps +label):\n%s",
			diff)
	}
}
