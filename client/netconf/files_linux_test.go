package netconf

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// tmpfs mounts a small tmpfs on a fresh directory and unmounts it when
// the test ends.
func tmpfs(t *testing.T) string {
	t.Helper()

	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}

	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })

	return dir
}

// fill writes to a file in dir until the file system is full.
func fill(t *testing.T, dir string) {
	t.Helper()

	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, unix.ENOSPC) {
				t.Fatalf("filling %s: %v", dir, err)
			}
			return
		}
	}
}

func readOnly(t *testing.T, dir string) {
	t.Helper()

	err := unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_RDONLY, "")
	if err != nil {
		t.Fatalf("remount %s read-only: %v", dir, err)
	}
}

// TestWritesKeepOldFile checks that a failed write leaves the old file
// and no temporary file behind.
func TestWritesKeepOldFile(t *testing.T) {
	lease := &ipc.ApplyLease{Domain: "example.com",
		DNS: []netip.Addr{addr("192.0.2.53")}}
	big := make([]byte, ipc.MaxPersistLen)
	writers := []struct {
		name  string
		file  string
		write func(dir string) error
	}{
		{"resolv.conf", "resolv.conf", func(dir string) error {
			return WriteResolvConf(filepath.Join(dir, "resolv.conf"), lease)
		}},
		{"lease", "lease-eth0", func(dir string) error {
			return LeaseStore{Dir: dir, Interface: "eth0"}.Save(big)
		}},
	}
	breaks := []struct {
		name  string
		brk   func(t *testing.T, dir string)
		files []string
	}{
		{"full disk", fill, []string{"filler"}},
		{"read-only", readOnly, nil},
	}
	for _, w := range writers {
		for _, b := range breaks {
			t.Run(w.name+" "+b.name, func(t *testing.T) {
				dir := tmpfs(t)
				old := filepath.Join(dir, w.file)
				if err := os.WriteFile(old, []byte("old\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				b.brk(t, dir)

				if err := w.write(dir); err == nil {
					t.Fatal("write succeeded, want an error")
				}

				got, err := os.ReadFile(old)
				if err != nil || string(got) != "old\n" {
					t.Errorf("old file = %q, %v; want it intact", got, err)
				}

				want := append([]string{w.file}, b.files...)
				slices.Sort(want)
				if diff := cmp.Diff(want, dirNames(t, dir)); diff != "" {
					t.Errorf("directory (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestWriteResolvConfMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "resolv.conf")
	err := WriteResolvConf(path, &ipc.ApplyLease{})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("WriteResolvConf = %v, want ErrNotExist", err)
	}
}

// TestLeaseStoreLoadRefusesNonFiles checks that Load reads only a
// regular file: never through a symbolic link, which would hand the
// engine whatever file it names, and never by blocking on a FIFO.
func TestLeaseStoreLoadRefusesNonFiles(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path, secret string)
	}{
		{"symbolic link", func(t *testing.T, path, secret string) {
			if err := os.Symlink(secret, path); err != nil {
				t.Fatal(err)
			}
		}},
		{"fifo", func(t *testing.T, path, _ string) {
			if err := unix.Mkfifo(path, 0o600); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				// Release a Load that blocked in open.
				f, err := os.OpenFile(path,
					os.O_WRONLY|unix.O_NONBLOCK, 0)
				if err == nil {
					f.Close()
				}
			})
		}},
		{"directory", func(t *testing.T, path, _ string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			secret := filepath.Join(dir, "shadow")
			err := os.WriteFile(secret, []byte("root:secret"), 0o600)
			if err != nil {
				t.Fatal(err)
			}

			s := LeaseStore{Dir: dir, Interface: "eth0"}
			tt.make(t, s.Path(), secret)

			type result struct {
				data []byte
				err  error
			}
			done := make(chan result, 1)
			go func() {
				data, err := s.Load()
				done <- result{data, err}
			}()

			select {
			case r := <-done:
				if r.err == nil || r.data != nil {
					t.Errorf("Load = %q, %v; want an error", r.data,
						r.err)
				}
			case <-time.After(2 * time.Second):
				t.Error("Load blocked")
			}
		})
	}
}
