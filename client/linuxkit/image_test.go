package linuxkit

import (
	"archive/tar"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

var (
	helloOnce sync.Once
	helloBin  []byte
	helloErr  error
)

// hello returns a small static Go binary for runtime.GOARCH.
func hello(t *testing.T) []byte {
	t.Helper()

	helloOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sdk-hello-")
		if err != nil {
			helloErr = err
			return
		}
		defer os.RemoveAll(dir)

		src := filepath.Join(dir, "main.go")
		prog := "package main\n\nfunc main() { println(\"hello\") }\n"
		if helloErr = os.WriteFile(src, []byte(prog), 0o644); helloErr != nil {
			return
		}
		out := filepath.Join(dir, "hello")
		cmd := exec.Command("go", "build", "-o", out, src)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			helloErr = &buildError{err, string(b)}
			return
		}
		helloBin, helloErr = os.ReadFile(out)
	})
	if helloErr != nil {
		t.Fatalf("building test binary: %v", helloErr)
	}

	return helloBin
}

// buildError is a failed go build with its output.
type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.out }
func (e *buildError) Unwrap() error { return e.err }

// fileEntry is one file of an image's flattened root.
type fileEntry struct {
	Name string
	Type byte
	Mode int64
	UID  int
	Size int64
}

// files lists the image's flattened file system.
func files(t *testing.T, img v1.Image) []fileEntry {
	t.Helper()

	rc := mutate.Extract(img)
	defer rc.Close()

	var out []fileEntry
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading image: %v", err)
		}
		out = append(out, fileEntry{h.Name, h.Typeflag, h.Mode, h.Uid,
			h.Size})
	}

	return out
}

func TestImage(t *testing.T) {
	bin := hello(t)
	img, err := Image(bin, ImageOptions{})
	if err != nil {
		t.Fatalf("Image: %v", err)
	}

	t.Run("files", func(t *testing.T) {
		dir := func(n string) fileEntry {
			return fileEntry{n, tar.TypeDir, 0o755, 0, 0}
		}
		want := []fileEntry{
			dir("etc"), dir("etc/dhcp-client"), dir("usr"),
			dir("usr/sbin"), dir("var"), dir("var/lib"),
			dir("var/lib/dhcp-client"),
			{"usr/sbin/dhcp-client", tar.TypeReg, 0o755, 0,
				int64(len(bin))},
		}
		if diff := cmp.Diff(want, files(t, img)); diff != "" {
			t.Errorf("image files (-want +got):\n%s", diff)
		}
	})

	t.Run("config", func(t *testing.T) {
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		label, err := Label()
		if err != nil {
			t.Fatal(err)
		}
		want := v1.Config{
			Entrypoint: []string{"/usr/sbin/dhcp-client"},
			Cmd:        []string{"eth0"},
			Env:        []string{DefaultPath},
			WorkingDir: "/",
			Labels:     map[string]string{LabelKey: label},
		}
		if diff := cmp.Diff(want, cf.Config); diff != "" {
			t.Errorf("image config (-want +got):\n%s", diff)
		}
		if cf.OS != "linux" || cf.Created.Unix() != 0 {
			t.Errorf("os %q created %v, want linux at the epoch", cf.OS,
				cf.Created)
		}
	})

	t.Run("reproducible", func(t *testing.T) {
		again, err := Image(bin, ImageOptions{})
		if err != nil {
			t.Fatal(err)
		}
		later, err := Image(bin, ImageOptions{Created: time.Unix(1e9, 0)})
		if err != nil {
			t.Fatal(err)
		}
		d1, _ := img.Digest()
		d2, _ := again.Digest()
		d3, _ := later.Digest()
		if d1 != d2 {
			t.Errorf("same input, digests %v and %v", d1, d2)
		}
		if d1 == d3 {
			t.Errorf("different Created, same digest %v", d1)
		}
	})
}

func TestImageRejects(t *testing.T) {
	bin := hello(t)
	dynamic, err := os.ReadFile("/bin/sh")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		bin  []byte
		arch string
		want string
	}{
		{"empty", nil, "", "not ELF"},
		{"script", []byte("#!/bin/sh\necho hi\n"), "", "not ELF"},
		{"truncated", bin[:64], "", "not ELF"},
		{"dynamic", dynamic, "", "dynamically linked"},
		{"wrong arch", bin, otherArch(), "not " + otherArch()},
		{"unknown arch", bin, "vax", "unsupported architecture"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Image(tt.bin, ImageOptions{Arch: tt.arch})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Image = %v, want error containing %q", err,
					tt.want)
			}
		})
	}
}

// otherArch returns a supported GOARCH that is not this machine's.
func otherArch() string {
	if runtime.GOARCH == "arm64" {
		return "amd64"
	}

	return "arm64"
}

func TestWriteRoundTrip(t *testing.T) {
	img, err := Image(hello(t), ImageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	dir := t.TempDir()

	t.Run("oci", func(t *testing.T) {
		p := filepath.Join(dir, "oci.tar")
		if err := WriteOCI(p, "safedhcp/dhcp-client:test", img); err != nil {
			t.Fatalf("WriteOCI: %v", err)
		}
		got, err := readOCIArchive(t, p)
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := got.Digest(); d != want {
			t.Errorf("read back digest %v, want %v", d, want)
		}

		p2 := filepath.Join(dir, "oci2.tar")
		if err := WriteOCI(p2, "safedhcp/dhcp-client:test", img); err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(p)
		b, _ := os.ReadFile(p2)
		if string(a) != string(b) {
			t.Error("two writes of the same image differ")
		}
	})

	t.Run("docker", func(t *testing.T) {
		p := filepath.Join(dir, "docker.tar")
		if err := WriteDocker(p, "safedhcp/dhcp-client:test", img); err != nil {
			t.Fatalf("WriteDocker: %v", err)
		}
		got, err := tarball.ImageFromPath(p, nil)
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		wantCfg, _ := img.ConfigName()
		if c, _ := got.ConfigName(); c != wantCfg {
			t.Errorf("read back config %v, want %v", c, wantCfg)
		}
	})

	t.Run("bad tag", func(t *testing.T) {
		p := filepath.Join(dir, "bad.tar")
		if err := WriteOCI(p, "Not A Tag", img); err == nil {
			t.Error("WriteOCI with a bad tag succeeded")
		}
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("bad tag left a file behind: %v", err)
		}
	})
}

// readOCIArchive unpacks an OCI layout archive and returns its image.
func readOCIArchive(t *testing.T, path string) (v1.Image, error) {
	t.Helper()

	dir := t.TempDir()
	if err := untar(path, dir); err != nil {
		return nil, err
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(m.Manifests) != 1 {
		t.Fatalf("index has %d manifests, want 1", len(m.Manifests))
	}

	return idx.Image(m.Manifests[0].Digest)
}
