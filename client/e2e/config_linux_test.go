package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadConfig checks that configuration errors stop the client with
// status 2 and a message naming the file, field and reason, before it
// opens any socket. The usage text follows errors on the command line
// only.
func TestBadConfig(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(conf, []byte("timeout: 30s\nbogus_key: 1\n"),
		0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		args  []string
		want  []string // substrings of stderr
		usage bool
	}{
		{"unknown key", []string{"-f", conf, "lo"},
			[]string{conf + ":2", "bogus_key"}, false},
		{"missing interface", []string{"-1", "sde-no-such-if"},
			[]string{"INTERFACE", "sde-no-such-if",
				"not found: no such network interface"}, false},
		{"bad timeout flag", []string{"-t", "never", "lo"},
			[]string{"command line", `"-t"`, "seconds"}, true},
		{"no interface", []string{"-1"}, []string{"INTERFACE"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(clientBin, tt.args...)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 {
				t.Fatalf("exit: %v, want status 2\n%s", err, out)
			}

			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if got := strings.Contains(string(out), "usage:"); got != tt.usage {
				t.Errorf("usage shown: %v, want %v:\n%s", got, tt.usage, out)
			}
		})
	}
}
