package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// staticBinary builds a tiny static program into dir.
func staticBinary(t *testing.T, dir string) string {
	t.Helper()

	src := filepath.Join(dir, "main.go")
	prog := "package main\n\nfunc main() {}\n"
	if err := os.WriteFile(src, []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "prog")
	cmd := exec.Command("go", "build", "-o", out, src)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}

	return out
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	bin := staticBinary(t, dir)

	tests := []struct {
		name  string
		args  []string
		epoch string
		want  string // error substring; "" for success
	}{
		{"oci", []string{"-binary", bin, "-out", dir + "/a/oci.tar"}, "",
			""},
		{"docker", []string{"-binary", bin, "-format", "docker",
			"-out", dir + "/docker.tar"}, "", ""},
		{"dated", []string{"-binary", bin, "-out", dir + "/d.tar"},
			"1700000000", ""},
		{"bad format", []string{"-binary", bin, "-format", "zip",
			"-out", dir + "/x.tar"}, "", "unknown format"},
		{"no binary", []string{"-binary", dir + "/none",
			"-out", dir + "/x.tar"}, "", "no such file"},
		{"not a binary", []string{"-binary", filepath.Join(dir, "main.go"),
			"-out", dir + "/x.tar"}, "", "not ELF"},
		{"bad epoch", []string{"-binary", bin, "-out", dir + "/x.tar"},
			"yesterday", "SOURCE_DATE_EPOCH"},
		{"stray argument", []string{"-binary", bin, "extra"}, "",
			"unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SOURCE_DATE_EPOCH", tt.epoch)
			err := run(tt.args)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("run(%q): %v", tt.args, err)
				}
				out := tt.args[len(tt.args)-1]
				if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
					t.Errorf("output %s: %v", out, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) = %v, want error containing %q",
					tt.args, err, tt.want)
			}
		})
	}

	if _, err := os.Stat(dir + "/x.tar"); !os.IsNotExist(err) {
		t.Errorf("a failed run left output behind: %v", err)
	}
}
