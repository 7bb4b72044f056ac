package linuxkit

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// untar unpacks the tar file at path into dir.
func untar(path, dir string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()

	return untarReader(f, dir)
}

// untarReader unpacks directories, regular files and symbolic links from
// r into dir, refusing names that leave dir.
func untarReader(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}

		name := filepath.Clean(h.Name)
		if filepath.IsAbs(name) || name == ".." ||
			strings.HasPrefix(name, "../") {
			return fmt.Errorf("tar entry %q leaves the directory", h.Name)
		}
		p := filepath.Join(dir, name)

		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(p, os.FileMode(h.Mode)&0o7777)
		case tar.TypeReg:
			err = writeEntry(p, tr, os.FileMode(h.Mode)&0o7777)
		case tar.TypeSymlink:
			err = os.Symlink(h.Linkname, p)
		default:
			err = fmt.Errorf("tar entry %q has type %c", h.Name, h.Typeflag)
		}
		if err != nil {
			return err
		}
	}
}

// writeEntry writes one file's contents from r.
func writeEntry(p string, r io.Reader, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}

	return f.Close()
}
