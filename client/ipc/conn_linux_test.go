package ipc

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// seqpacketPair returns both ends of a SOCK_SEQPACKET socketpair.
func seqpacketPair(t *testing.T) (*net.UnixConn, *net.UnixConn) {
	t.Helper()

	fds, err := unix.Socketpair(unix.AF_UNIX,
		unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socketpair: %v", err)
	}

	conns := make([]*net.UnixConn, 2)
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "seqpacket")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			t.Fatalf("FileConn: %v", err)
		}
		conns[i] = c.(*net.UnixConn)
		t.Cleanup(func() { c.Close() })
	}

	return conns[0], conns[1]
}

func TestConnExchange(t *testing.T) {
	a, b := seqpacketPair(t)
	engine, priv := NewConn(a), NewConn(b)

	if err := engine.Send(&Hello{}); err != nil {
		t.Fatal(err)
	}

	req, err := priv.ReadRequest()
	if err != nil {
		t.Fatal(err)
	}

	if _, ok := req.(*Hello); !ok {
		t.Fatalf("got %T, want *Hello", req)
	}

	init := &Init{IfIndex: 2, IfName: "eth0", HWAddr: testMAC, MTU: 1500,
		Persisted: []byte("old lease")}
	if err := priv.Send(init); err != nil {
		t.Fatal(err)
	}

	ev, err := engine.ReadEvent()
	if err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff(Event(init), ev); diff != "" {
		t.Errorf("Init (-want +got):\n%s", diff)
	}

	lease := fullLease()
	if err := engine.Send(lease); err != nil {
		t.Fatal(err)
	}

	req, err = priv.ReadRequest()
	if err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff(Request(lease), req, addrCmp, prefixCmp); diff != "" {
		t.Errorf("ApplyLease (-want +got):\n%s", diff)
	}

	// A request sent the wrong way is refused by the reader.
	if err := priv.Send(&Stop{}); err != nil {
		t.Fatal(err)
	}

	if _, err := engine.ReadRequest(); !errors.Is(err, ErrUnknownType) {
		t.Errorf("reading an event as request: %v, want ErrUnknownType", err)
	}
}

func TestConnRefusesOversizedDatagram(t *testing.T) {
	a, b := seqpacketPair(t)
	big := make([]byte, MaxMessageLen+2)
	big[0], big[1] = Version, uint8(TypeFrame)
	if _, err := a.Write(big); err != nil {
		t.Fatal(err)
	}

	if _, err := NewConn(b).ReadEvent(); !errors.Is(err, ErrBounds) {
		t.Errorf("ReadEvent = %v, want ErrBounds", err)
	}
}

func TestConnRefusesDescriptors(t *testing.T) {
	a, b := seqpacketPair(t)
	msg, err := Append(nil, &Hello{})
	if err != nil {
		t.Fatal(err)
	}

	oob := unix.UnixRights(int(os.Stdin.Fd()))
	if _, _, err := a.WriteMsgUnix(msg, oob, nil); err != nil {
		t.Fatal(err)
	}

	if _, err := NewConn(b).ReadRequest(); !errors.Is(err, ErrBounds) {
		t.Errorf("ReadRequest = %v, want ErrBounds", err)
	}
}

func TestConnEOF(t *testing.T) {
	a, b := seqpacketPair(t)
	a.Close()
	if _, err := NewConn(b).ReadRequest(); !errors.Is(err, io.EOF) {
		t.Errorf("ReadRequest after close = %v, want io.EOF", err)
	}
}

// TestConnSendWhenFull checks the two ways to send to a peer that does
// not read: TrySend fails at once with ErrFull, SendBy at its deadline;
// and that neither leaves a deadline behind for the next Send.
func TestConnSendWhenFull(t *testing.T) {
	a, b := seqpacketPair(t)
	priv, engine := NewConn(a), NewConn(b)
	frame := &Frame{Data: make([]byte, 1000)}

	sent := 0
	var err error
	for ; sent < 100000; sent++ {
		if err = priv.TrySend(frame); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrFull) || sent == 0 {
		t.Fatalf("TrySend failed with %v after %d frames, want %v after "+
			"some", err, sent, ErrFull)
	}

	start := time.Now()
	err = priv.SendBy(&LinkState{Up: true},
		time.Now().Add(100*time.Millisecond))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("SendBy to a full socket = %v, want %v", err,
			os.ErrDeadlineExceeded)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("SendBy returned after %v, want about 100ms", d)
	}

	for range 10 {
		if _, err := engine.ReadEvent(); err != nil {
			t.Fatal(err)
		}
	}
	if err := priv.Send(&Stop{}); err != nil {
		t.Errorf("Send once there is room = %v", err)
	}
	if err := priv.TrySend(frame); err != nil {
		t.Errorf("TrySend once there is room = %v", err)
	}
}
