package engine

import (
	"errors"
	"io"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// connPair returns two Conns on the ends of a SOCK_SEQPACKET socketpair.
func connPair(t *testing.T) (*Conn, *Conn) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX,
		unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}

	a := NewConn(os.NewFile(uintptr(fds[0]), "a"))
	b := NewConn(os.NewFile(uintptr(fds[1]), "b"))
	t.Cleanup(func() { a.Close(); b.Close() })

	return a, b
}

func TestConnRoundTrip(t *testing.T) {
	a, b := connPair(t)
	want := &ipc.Frame{Data: []byte("frame")}
	if err := a.Send(want); err != nil {
		t.Fatal(err)
	}

	got, err := b.ReadEvent()
	if err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff(ipc.Event(want), got); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}

	if err := b.Send(&ipc.Hello{}); err != nil {
		t.Fatal(err)
	}

	if r, err := a.ReadRequest(); err != nil || r.Type() != ipc.TypeHello {
		t.Errorf("ReadRequest = %v, %v; want Hello", r, err)
	}
}

func TestConnRejects(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"oversized", make([]byte, ipc.MaxMessageLen+100), ipc.ErrBounds},
		{"empty", nil, io.EOF},
		{"request as event", []byte{ipc.Version, byte(ipc.TypeHello)},
			ipc.ErrUnknownType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := connPair(t)
			if _, err := a.f.Write(tt.data); err != nil {
				t.Fatal(err)
			}

			_, err := b.ReadEvent()
			if !errors.Is(err, tt.want) {
				t.Errorf("ReadEvent = %v, want %v", err, tt.want)
			}
		})
	}
}
