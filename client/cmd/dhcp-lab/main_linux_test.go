package main

import (
	"bytes"
	"regexp"
	"testing"
)

func TestDemoWithUdhcpc(t *testing.T) {
	var out bytes.Buffer
	err := run(t.Context(), []string{"demo", "-client", "busybox",
		"-server", "udhcpd", "-timeout", "30s", "--", "udhcpc", "-f", "-n",
		"-q", "-i", "{if}", "-s", "/etc/udhcpc/default.script"}, &out)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, &out)
	}

	for _, re := range []string{
		`(?m)^client: exited$`,
		`(?m)^  addr  10\.77\.\d+\.\d+/24$`,
		`(?m)^  route 0\.0\.0\.0/0 via 10\.77\.\d+\.1$`,
		`(?m)^nameserver 10\.77\.\d+\.1$`,
		`(?m)^domain lab\.example$`,
	} {
		if !regexp.MustCompile(re).Match(out.Bytes()) {
			t.Errorf("demo output lacks %s:\n%s", re, &out)
		}
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no command", nil},
		{"unknown command", []string{"frobnicate"}},
		{"demo without client", []string{"demo"}},
		{"demo with unknown server", []string{"demo", "-client", "x",
			"-server", "bind"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(t.Context(), tt.args, &out); err == nil {
				t.Errorf("run(%q) succeeded:\n%s", tt.args, &out)
			}
		})
	}
}
