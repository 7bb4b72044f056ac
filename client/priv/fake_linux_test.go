package priv

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// fakeEngine is the supervisor's side of a socketpair whose other end a
// test drives as the engine, writing whatever bytes it likes.
type fakeEngine struct {
	c    *ipc.Conn
	peer *net.UnixConn // the test's end

	once   sync.Once
	killed chan struct{}
}

// seqpacketPair returns two connected SOCK_SEQPACKET sockets.
func seqpacketPair(t *testing.T) (*net.UnixConn, *net.UnixConn) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX,
		unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}

	var cs [2]*net.UnixConn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "seqpacket")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}

		cs[i] = c.(*net.UnixConn)
	}

	return cs[0], cs[1]
}

func newFakeEngine(t *testing.T) *fakeEngine {
	ours, peer := seqpacketPair(t)

	return &fakeEngine{
		c: ipc.NewConn(ours), peer: peer, killed: make(chan struct{}),
	}
}

func (f *fakeEngine) Send(ev ipc.Event, deadline time.Time) error {
	return f.c.SendBy(ev, deadline)
}

func (f *fakeEngine) TrySend(ev ipc.Event) error { return f.c.TrySend(ev) }

func (f *fakeEngine) ReadRequest() (ipc.Request, error) {
	return f.c.ReadRequest()
}

// Kill closes the test's end, as the kernel does when a process dies.
func (f *fakeEngine) Kill() error {
	f.once.Do(func() {
		close(f.killed)
		f.peer.Close()
	})

	return nil
}

func (f *fakeEngine) Wait() error { return f.c.Close() }

func (f *fakeEngine) PID() int { return 0 }

// wasKilled reports whether the supervisor killed the engine.
func (f *fakeEngine) wasKilled() bool {
	select {
	case <-f.killed:
		return true
	default:
		return false
	}
}

// write sends raw bytes as the engine.
func (f *fakeEngine) write(t *testing.T, b []byte) {
	t.Helper()
	if _, err := f.peer.Write(b); err != nil {
		t.Fatalf("engine write: %v", err)
	}
}

// request encodes and sends r as the engine.
func (f *fakeEngine) request(t *testing.T, r ipc.Request) {
	t.Helper()
	b, err := ipc.Append(nil, r)
	if err != nil {
		t.Fatalf("encoding %v: %v", r.Type(), err)
	}

	f.write(t, b)
}

// event reads the next event the supervisor sent, or returns an error
// once the engine was killed.
func (f *fakeEngine) event() (ipc.Event, error) {
	b := make([]byte, ipc.MaxMessageLen)
	n, err := f.peer.Read(b)
	if err != nil {
		return nil, err
	}

	if n == 0 {
		return nil, io.EOF
	}

	return ipc.DecodeEvent(b[:n])
}

// recorder is a Network, PacketConn and Unicaster that records what the
// supervisor asked of it.
type recorder struct {
	mu       sync.Mutex
	applied  []*ipc.ApplyLease
	removed  []*ipc.ApplyLease
	frames   [][]byte
	unicasts []netip.Addr

	in chan []byte // frames to deliver to the supervisor
}

func newRecorder() *recorder { return &recorder{in: make(chan []byte)} }

func (r *recorder) Apply(l *ipc.ApplyLease) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.applied = append(r.applied, l)

	return nil
}

func (r *recorder) Remove(l *ipc.ApplyLease) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removed = append(r.removed, l)

	return nil
}

func (r *recorder) ReadFrame(b []byte) (int, error) {
	f, ok := <-r.in
	if !ok {
		return 0, errors.New("closed")
	}

	return copy(b, f), nil
}

func (r *recorder) WriteFrame(b []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.frames = append(r.frames, append([]byte(nil), b...))

	return nil
}

func (r *recorder) unicast(src, dst netip.Addr, payload []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.unicasts = append(r.unicasts, dst)

	return nil
}

// counts returns how many leases were applied and removed and frames
// and unicasts sent.
func (r *recorder) counts() [4]int {
	r.mu.Lock()
	defer r.mu.Unlock()

	return [4]int{len(r.applied), len(r.removed), len(r.frames),
		len(r.unicasts)}
}

// testLogger logs to the test's output.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{
		Level: slog.LevelDebug,
	}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Logf("%s", b)

	return len(b), nil
}
