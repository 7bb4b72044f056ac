package priv

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// maxStored bounds what Load reads back. It matches ipc.MaxPersistLen; a
// larger file was not written by us and is ignored.
const maxStored = 4096

// Store keeps the opaque lease bytes the engine asks to persist, one file
// per interface in the state directory, so a restarted engine or client
// can resume with INIT-REBOOT (RFC 2131 section 4.4.2). The supervisor
// never parses the bytes; the engine validates them when it reads them.
type Store struct {
	path string
}

// NewStore returns the Store for interface ifname under dir. It creates
// dir (mode 0700) if it is missing.
func NewStore(dir, ifname string) (*Store, error) {
	if ifname == "" || filepath.Base(ifname) != ifname ||
		ifname == "." || ifname == ".." {
		return nil, fmt.Errorf("priv: bad interface name %q for the "+
			"lease store", ifname)
	}

	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("priv: creating state directory: %w", err)
	}

	return &Store{path: filepath.Join(dir, "lease-"+ifname)}, nil
}

// Path returns the file the Store writes.
func (s *Store) Path() string { return s.path }

// Load returns the stored bytes, or nil when there are none. A file too
// large to be ours is reported as an error and not read.
func (s *Store) Load() ([]byte, error) {
	f, err := os.Open(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}

	if err != nil {
		return nil, fmt.Errorf("priv: opening lease file: %w", err)
	}
	defer f.Close()

	b, err := io.ReadAll(io.LimitReader(f, maxStored+1))
	if err != nil {
		return nil, fmt.Errorf("priv: reading lease file: %w", err)
	}

	if len(b) > maxStored {
		return nil, fmt.Errorf("priv: lease file %s is over %d bytes",
			s.path, maxStored)
	}

	return b, nil
}

// Save replaces the stored bytes atomically: it writes a temporary file in
// the same directory, syncs it and renames it over the old one, so a crash
// leaves either the old or the new lease, never a mix.
func (s *Store) Save(b []byte) error {
	if len(b) > maxStored {
		return fmt.Errorf("priv: lease of %d bytes is over %d",
			len(b), maxStored)
	}

	return writeAtomic(s.path, b, 0o600)
}

// Remove deletes the stored lease, if any.
func (s *Store) Remove() error {
	err := os.Remove(s.path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("priv: removing lease file: %w", err)
	}

	return nil
}

// writeAtomic writes b to path through a synced temporary file in the same
// directory and a rename.
func writeAtomic(path string, b []byte, mode os.FileMode) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}

	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("priv: creating temporary file: %w", err)
	}

	tmp := f.Name()
	err = f.Chmod(mode)
	if err == nil {
		_, err = f.Write(b)
	}

	if err == nil {
		err = f.Sync()
	}

	if cerr := f.Close(); err == nil {
		err = cerr
	}

	if err == nil {
		err = os.Rename(tmp, path)
	}

	if err != nil {
		os.Remove(tmp)

		return fmt.Errorf("priv: writing %s: %w", path, err)
	}

	return nil
}
