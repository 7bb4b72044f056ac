package linuxkit

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// refAnnotation names the image in an OCI layout's index (OCI image
// layout specification, annotations).
const refAnnotation = "org.opencontainers.image.ref.name"

// WriteDocker stores img at path in the format of `docker save`, tagged
// tag, for `docker load`. The file is replaced atomically.
func WriteDocker(path, tag string, img v1.Image) error {
	ref, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("linuxkit: bad tag: %w", err)
	}

	return writeAtomic(path, func(w io.Writer) error {
		return tarball.Write(ref, img, w)
	})
}

// WriteOCI stores img at path as a tar file of an OCI image layout whose
// index names it tag, for `skopeo copy oci-archive:PATH` or a registry
// push. The file is replaced atomically; its bytes depend only on img and
// tag.
func WriteOCI(path, tag string, img v1.Image) error {
	if _, err := name.NewTag(tag); err != nil {
		return fmt.Errorf("linuxkit: bad tag: %w", err)
	}

	dir, err := os.MkdirTemp("", "oci-layout-")
	if err != nil {
		return fmt.Errorf("linuxkit: making layout directory: %w", err)
	}
	defer os.RemoveAll(dir)

	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("linuxkit: writing layout: %w", err)
	}
	ann := map[string]string{refAnnotation: tag}
	if err := p.AppendImage(img, layout.WithAnnotations(ann)); err != nil {
		return fmt.Errorf("linuxkit: writing layout: %w", err)
	}

	return writeAtomic(path, func(w io.Writer) error {
		return tarDir(w, dir)
	})
}

// tarDir writes the regular files and directories under dir to w in
// name order, owned by root and dated at the Unix epoch.
func tarDir(w io.Writer, dir string) error {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			names = append(names, p)
		}

		return nil
	})
	if err != nil {
		return fmt.Errorf("linuxkit: listing layout: %w", err)
	}
	slices.Sort(names)

	tw := tar.NewWriter(w)
	for _, p := range names {
		if err := addFile(tw, dir, p); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("linuxkit: writing archive: %w", err)
	}

	return nil
}

// addFile adds file p, named relative to dir, to tw.
func addFile(tw *tar.Writer, dir, p string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return fmt.Errorf("linuxkit: archiving layout: %w", err)
	}
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		return fmt.Errorf("linuxkit: archiving layout: %w", err)
	}

	h := &tar.Header{Name: filepath.ToSlash(rel), ModTime: time.Unix(0, 0),
		Format: tar.FormatPAX}
	switch {
	case fi.IsDir():
		h.Typeflag, h.Name, h.Mode = tar.TypeDir, h.Name+"/", 0o755
	case fi.Mode().IsRegular():
		h.Typeflag, h.Mode, h.Size = tar.TypeReg, 0o644, fi.Size()
	default:
		return fmt.Errorf("linuxkit: layout has special file %s", rel)
	}
	if err := tw.WriteHeader(h); err != nil {
		return fmt.Errorf("linuxkit: writing archive: %w", err)
	}
	if h.Typeflag == tar.TypeDir {
		return nil
	}

	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("linuxkit: archiving layout: %w", err)
	}
	defer f.Close()
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("linuxkit: writing archive: %w", err)
	}

	return nil
}

// writeAtomic writes path through fill: into a temporary file in the
// same directory, synced, then renamed over path.
func writeAtomic(path string, fill func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-")
	if err != nil {
		return fmt.Errorf("linuxkit: creating output: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, os.Remove(f.Name()))
		}
	}()

	if err := fill(f); err != nil {
		f.Close()
		return fmt.Errorf("linuxkit: writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("linuxkit: syncing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("linuxkit: closing %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("linuxkit: chmod %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("linuxkit: renaming into %s: %w", path, err)
	}

	return nil
}
