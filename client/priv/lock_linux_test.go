package priv

import (
	"errors"
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// TestLockInterface: a second lock on the same interface fails with
// ErrRunning; another interface has its own lock; the lock is free again
// once its holder closes it (or exits).
func TestLockInterface(t *testing.T) {
	// The pid keeps parallel test binaries apart.
	name := "sdlk" + strconv.Itoa(os.Getpid())
	fd, err := lockInterface(name)
	if err != nil {
		t.Fatalf("first lock: %v", err)
	}

	if _, err := lockInterface(name); !errors.Is(err, ErrRunning) {
		t.Errorf("second lock on %s: %v, want ErrRunning", name, err)
	}

	other, err := lockInterface(name + "x")
	if err != nil {
		t.Errorf("lock on another interface: %v", err)
	} else {
		unix.Close(other)
	}

	unix.Close(fd)
	again, err := lockInterface(name)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	unix.Close(again)
}
