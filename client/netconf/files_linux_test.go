package netconf

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

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
