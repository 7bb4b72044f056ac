package priv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/client/rawsock"
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
// retried, and a frame too long for the engine is skipped, so frames
// after them still reach the engine; any other error ends the reader,
// which hands it to the loop naming the interface.
func TestReadFramesErrors(t *testing.T) {
	wrap := func(e error) error { return fmt.Errorf("rawsock: receive: %w", e) }
	tests := []struct {
		name   string
		script []any
		want   []string // frames delivered
		fatal  error    // the error the reader ends with, or nil
	}{
		{"link down then up", []any{[]byte("a"), wrap(unix.ENETDOWN),
			[]byte("b")}, []string{"a", "b"}, nil},
		{"errors in a row", []any{wrap(unix.ENETDOWN), wrap(unix.EINTR),
			wrap(unix.ENOBUFS), wrap(unix.EAGAIN), []byte("c")},
			[]string{"c"}, nil},
		{"oversized frames skipped", []any{[]byte("a"),
			rawsock.ErrFrameTooLarge, rawsock.ErrFrameTooLarge,
			make([]byte, ipc.MaxFrameLen+1), []byte("b")},
			[]string{"a", "b"}, nil},
		{"closed socket ends it", []any{[]byte("a"), wrap(unix.EBADF),
			[]byte("never")}, []string{"a"}, unix.EBADF},
		{"interface gone ends it", []any{wrap(unix.ENODEV)}, nil,
			unix.ENODEV},
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
				if tt.fatal == nil {
					t.Error("the reader returned")
				}
			case <-time.After(200 * time.Millisecond):
				if tt.fatal != nil {
					t.Error("the reader is still running")
				}
			}

			var err error
			select {
			case err = <-s.readErr:
			default:
			}
			if !errors.Is(err, tt.fatal) || tt.fatal != nil &&
				!strings.Contains(err.Error(), testLink.Name) {
				t.Errorf("reader's error = %v, want one naming %s and "+
					"wrapping %v", err, testLink.Name, tt.fatal)
			}

			close(conn.end)
			cancel()
			<-returned
		})
	}
}

// TestRunEndsWhenReadingFails checks that a packet socket that fails for
// good ends Run with an error naming the interface, after stopping the
// engine, rather than leaving the client running deaf.
func TestRunEndsWhenReadingFails(t *testing.T) {
	h := newHarness(t, Options{})
	conn := &scriptedConn{script: []any{[]byte("a"),
		fmt.Errorf("rawsock: receive: %w", unix.ENODEV)},
		end: make(chan struct{})}
	defer close(conn.end)
	h.sup.deps.Packets = conn
	h.run()

	select {
	case err := <-h.done:
		h.done <- err
		if !errors.Is(err, unix.ENODEV) ||
			!strings.Contains(err.Error(), testLink.Name) {
			t.Errorf("Run = %v, want an error naming %s wrapping %v",
				err, testLink.Name, unix.ENODEV)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run still running after the packet socket failed")
	}

	e := <-h.engines
	if !e.wasKilled() {
		t.Error("the engine was left running")
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
