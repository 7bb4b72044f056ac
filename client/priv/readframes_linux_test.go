package priv

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// scriptedConn is a PacketConn whose reads return a script of frames and
// errors, then block until closed.
type scriptedConn struct {
	script []any // []byte or error
	reads  int
	end    chan struct{}
}

func (c *scriptedConn) ReadFrame(b []byte) (int, error) {
	if c.reads == len(c.script) {
		<-c.end

		return 0, fmt.Errorf("rawsock: receive: %w", unix.EBADF)
	}

	step := c.script[c.reads]
	c.reads++
	if err, ok := step.(error); ok {
		return 0, err
	}

	return copy(b, step.([]byte)), nil
}

func (c *scriptedConn) WriteFrame(b []byte) error { return nil }

// TestReadFramesErrors checks which read errors end the frame reader:
// the ENETDOWN of a link going down and other transient errors are
// retried, so frames after them still reach the engine; any other error
// ends the reader.
func TestReadFramesErrors(t *testing.T) {
	wrap := func(e error) error { return fmt.Errorf("rawsock: receive: %w", e) }
	tests := []struct {
		name   string
		script []any
		want   []string // frames delivered
		ends   bool     // the reader returns by itself
	}{
		{"link down then up", []any{[]byte("a"), wrap(unix.ENETDOWN),
			[]byte("b")}, []string{"a", "b"}, false},
		{"errors in a row", []any{wrap(unix.ENETDOWN), wrap(unix.EINTR),
			wrap(unix.ENOBUFS), wrap(unix.EAGAIN), []byte("c")},
			[]string{"c"}, false},
		{"closed socket ends it", []any{[]byte("a"), wrap(unix.EBADF),
			[]byte("never")}, []string{"a"}, true},
		{"interface gone ends it", []any{wrap(unix.ENODEV)}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := &scriptedConn{script: tt.script,
				end: make(chan struct{})}
			s := NewSupervisor(Options{}, Deps{Link: testLink,
				Packets: conn},
				slog.New(slog.NewTextHandler(io.Discard, nil)))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()

			returned := make(chan struct{})
			go func() {
				s.readFrames(ctx)
				close(returned)
			}()

			var got []string
			for range tt.want {
				select {
				case f := <-s.frames:
					got = append(got, string(f))
				case <-time.After(5 * time.Second):
					t.Fatalf("frames %q, then nothing", got)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("frames (-want +got):\n%s", diff)
			}

			select {
			case <-returned:
				if !tt.ends {
					t.Error("the reader returned")
				}
			case <-time.After(200 * time.Millisecond):
				if tt.ends {
					t.Error("the reader is still running")
				}
			}

			close(conn.end)
			cancel()
			<-returned
		})
	}
}

func TestReadRetryWait(t *testing.T) {
	var got []time.Duration
	for n := 1; n <= 9; n++ {
		got = append(got, readRetryWait(n))
	}

	ms := time.Millisecond
	want := []time.Duration{10 * ms, 20 * ms, 40 * ms, 80 * ms, 160 * ms,
		320 * ms, 640 * ms, time.Second, time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}
