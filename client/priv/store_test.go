package priv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s, err := NewStore(dir, "eth0")
	if err != nil {
		t.Fatal(err)
	}

	got, err := s.Load()
	if err != nil || got != nil {
		t.Fatalf("Load() before Save = %q, %v; want nil, nil", got, err)
	}

	for _, want := range [][]byte{[]byte("first"), []byte("second")} {
		if err := s.Save(want); err != nil {
			t.Fatal(err)
		}

		got, err := s.Load()
		if err != nil {
			t.Fatal(err)
		}

		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Load() (-want +got):\n%s", diff)
		}
	}

	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}

	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}

	if diff := cmp.Diff([]string{"lease-eth0"}, names); diff != "" {
		t.Errorf("state directory (-want +got):\n%s", diff)
	}

	if err := s.Remove(); err != nil {
		t.Fatal(err)
	}

	if got, err := s.Load(); err != nil || got != nil {
		t.Errorf("Load() after Remove = %q, %v; want nil, nil", got, err)
	}
}

func TestStoreRejects(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"", "..", "a/b"} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewStore(dir, name); err == nil {
				t.Errorf("NewStore(%q) succeeded", name)
			}
		})
	}

	s, err := NewStore(dir, "eth0")
	if err != nil {
		t.Fatal(err)
	}

	big := []byte(strings.Repeat("x", maxStored+1))
	if err := s.Save(big); err == nil {
		t.Error("Save of an oversized lease succeeded")
	}

	if err := os.WriteFile(s.Path(), big, 0o600); err != nil {
		t.Fatal(err)
	}

	if _, err := s.Load(); err == nil {
		t.Error("Load of an oversized file succeeded")
	}
}
