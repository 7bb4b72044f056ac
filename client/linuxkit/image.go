package linuxkit

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"path"
	"runtime"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// DefaultPath is the PATH the image's environment sets, as a Dockerfile
// build FROM scratch does.
const DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:" +
	"/usr/bin:/sbin:/bin"

// ImageOptions configures Image.
type ImageOptions struct {
	// Arch is the GOARCH the binary was built for; runtime.GOARCH if
	// empty. It must match the binary's ELF machine.
	Arch string

	// Created is the image's creation time and every file's mtime. The
	// zero value means the Unix epoch, which makes the image digest a
	// function of the binary alone.
	Created time.Time
}

// elfMachines maps the GOARCH values Image accepts to ELF machines.
var elfMachines = map[string]elf.Machine{
	"amd64":   elf.EM_X86_64,
	"arm64":   elf.EM_AARCH64,
	"riscv64": elf.EM_RISCV,
	"s390x":   elf.EM_S390,
}

// Image builds the dhcp-client image from a static Linux binary: one
// layer holding the binary at BinaryPath and the empty directories
// ConfigDir and StateDir, the Entrypoint and Cmd, and the label under
// LabelKey. It rejects a binary that is not a static ELF executable for
// o.Arch.
func Image(binary []byte, o ImageOptions) (v1.Image, error) {
	if o.Arch == "" {
		o.Arch = runtime.GOARCH
	}
	if o.Created.IsZero() {
		o.Created = time.Unix(0, 0).UTC()
	}

	if err := checkBinary(binary, o.Arch); err != nil {
		return nil, err
	}

	label, err := Label()
	if err != nil {
		return nil, err
	}

	layer, err := rootLayer(binary, o.Created)
	if err != nil {
		return nil, err
	}

	img, err := mutate.Append(empty.Image, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: o.Created},
			CreatedBy: "mkimage: COPY dhcp-client " + BinaryPath,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("linuxkit: adding layer: %w", err)
	}

	img = mutate.MediaType(img, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)

	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("linuxkit: reading config: %w", err)
	}
	cf = cf.DeepCopy()
	cf.Architecture = o.Arch
	cf.OS = "linux"
	cf.Created = v1.Time{Time: o.Created}
	cf.Config = v1.Config{
		Entrypoint: Entrypoint(),
		Cmd:        Cmd(),
		Env:        []string{DefaultPath},
		WorkingDir: "/",
		Labels:     map[string]string{LabelKey: label},
	}

	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, fmt.Errorf("linuxkit: setting config: %w", err)
	}

	return img, nil
}

// checkBinary rejects anything but a statically linked ELF executable
// for arch: the image has no loader and no libraries.
func checkBinary(binary []byte, arch string) error {
	want, ok := elfMachines[arch]
	if !ok {
		return fmt.Errorf("linuxkit: unsupported architecture %q", arch)
	}

	f, err := elf.NewFile(bytes.NewReader(binary))
	if err != nil {
		return fmt.Errorf("linuxkit: binary is not ELF: %w", err)
	}
	defer f.Close()

	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("linuxkit: binary is %v, not an executable", f.Type)
	}
	if f.Machine != want {
		return fmt.Errorf("linuxkit: binary is for %v, not %s", f.Machine,
			arch)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("linuxkit: binary is dynamically linked " +
				"(build with CGO_ENABLED=0)")
		}
	}

	return nil
}

// rootLayer returns the image's only layer, with every file owned by
// root and stamped with mtime.
func rootLayer(binary []byte, mtime time.Time) (v1.Layer, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)

	dirs := layerDirs(ConfigDir, StateDir, path.Dir(BinaryPath))
	for _, d := range dirs {
		h := &tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o755,
			ModTime: mtime, Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("linuxkit: writing layer: %w", err)
		}
	}

	h := &tar.Header{Typeflag: tar.TypeReg, Name: BinaryPath[1:],
		Mode: 0o755, Size: int64(len(binary)), ModTime: mtime,
		Format: tar.FormatPAX}
	if err := tw.WriteHeader(h); err != nil {
		return nil, fmt.Errorf("linuxkit: writing layer: %w", err)
	}
	if _, err := tw.Write(binary); err != nil {
		return nil, fmt.Errorf("linuxkit: writing layer: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("linuxkit: writing layer: %w", err)
	}

	data := b.Bytes()
	opener := func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	layer, err := tarball.LayerFromOpener(opener,
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("linuxkit: compressing layer: %w", err)
	}

	return layer, nil
}

// layerDirs returns every directory on the way to each of paths, as tar
// names ("etc/", "etc/dhcp-client/"), sorted and without repeats.
func layerDirs(paths ...string) []string {
	var dirs []string
	for _, p := range paths {
		for d := path.Clean(p); d != "/"; d = path.Dir(d) {
			dirs = append(dirs, strings.TrimPrefix(d, "/")+"/")
		}
	}
	slices.Sort(dirs)

	return slices.Compact(dirs)
}
