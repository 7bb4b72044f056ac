package engine

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/client/sandbox"
)

// Main runs the engine in a process started by the privileged side (see
// the package documentation) and returns its exit status: 0 after a Stop,
// 1 on any failure. args are the arguments after Subcommand: the uid and
// gid to run as.
func Main(args []string) int {
	uid, gid, err := parseIDs(args)
	if err != nil {
		return fail(nil, err)
	}

	conn, err := openConn()
	if err != nil {
		return fail(nil, err)
	}
	defer conn.Close()

	var mu sync.Mutex
	send := func(r ipc.Request) error {
		mu.Lock()
		defer mu.Unlock()

		return conn.Send(r)
	}
	log := NewLogger(send)

	if err := run(conn, send, log, uid, gid); err != nil {
		return fail(log, err)
	}

	return 0
}

// openConn wraps descriptor FD, the engine's end of the socketpair, in an
// ipc.Conn. It runs before the engine confines itself; net.FileConn's
// getsockopt, getsockname and getpeername calls then only need to pass
// the supervisor's allowlist, which the engine inherits.
func openConn() (*ipc.Conn, error) {
	f := os.NewFile(FD, "ipc")
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("engine: descriptor %d: %w", FD, err)
	}

	uc, ok := c.(*net.UnixConn)
	if !ok {
		c.Close()

		return nil, fmt.Errorf("engine: descriptor %d is a %T, want a "+
			"unix socket", FD, c)
	}

	return ipc.NewConn(uc), nil
}

// run does the handshake, confines the process and runs the loop.
func run(conn *ipc.Conn, send func(ipc.Request) error, log *slog.Logger,
	uid, gid int) error {
	if err := send(&ipc.Hello{}); err != nil {
		return err
	}

	ev, err := conn.ReadEvent()
	if err != nil {
		return fmt.Errorf("engine: waiting for Init: %w", err)
	}

	init, ok := ev.(*ipc.Init)
	if !ok {
		return fmt.Errorf("engine: got %v before Init", ev.Type())
	}

	var seed [32]byte
	rand.Read(seed[:])

	rep, err := sandbox.ConfineEngine(uid, gid)
	if err != nil {
		return err
	}

	log.Debug("engine confined", "uid", uid, "gid", gid,
		"landlock_abi", rep.LandlockABI)

	e, err := New(init, mrand.New(mrand.NewChaCha8(seed)), send, log)
	if err != nil {
		return err
	}

	if err := e.Start(time.Now(), init.Persisted); err != nil {
		return err
	}

	return e.Run(conn.ReadEvent)
}

// parseIDs reads the uid and gid arguments; both must be positive.
func parseIDs(args []string) (int, int, error) {
	if len(args) != 2 {
		return 0, 0, fmt.Errorf("engine: want UID GID arguments, got %q",
			args)
	}

	var ids [2]int
	for i, a := range args {
		n, err := strconv.ParseUint(a, 10, 31)
		if err != nil || n == 0 {
			return 0, 0, fmt.Errorf("engine: bad id %q: want a "+
				"positive integer", a)
		}

		ids[i] = int(n)
	}

	return ids[0], ids[1], nil
}

// fail reports err through log when the channel still works, and on
// stderr otherwise, and returns exit status 1.
func fail(log *slog.Logger, err error) int {
	if log == nil || log.Handler().Handle(context.Background(), logRecord(err)) != nil {
		fmt.Fprintf(os.Stderr, "engine: %v\n", err)
	}

	return 1
}

// logRecord returns the record of a fatal engine error.
func logRecord(err error) slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelError, "engine failed", 0)
	r.AddAttrs(slog.String("err", err.Error()))

	return r
}
