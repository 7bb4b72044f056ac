package rawsock

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/safedhcp/safedhcp/client/frame"
	"golang.org/x/sys/unix"
)

// listenUDP opens a UDPConn on e at clientIP and closes it when the test
// ends.
func listenUDP(t *testing.T, e end) *UDPConn {
	t.Helper()
	var u *UDPConn
	e.in(t, func() {
		var err error
		if u, err = ListenUDP(e.name, clientIP); err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { u.Close() })

	return u
}

// recvPayload reads frames from c for up to two seconds and returns the
// UDP payload of the first one that parses, or fails the test.
func recvPayload(t *testing.T, c *Conn) string {
	t.Helper()
	buf := make([]byte, 2048)
	if err := c.SetReadDeadline(time.Now().Add(2 * time.Second)); err != nil {
		t.Fatal(err)
	}
	for {
		n, err := c.Recv(buf)
		if err != nil {
			t.Fatalf("Recv: %v", err)
		}
		if f, err := frame.Parse(buf[:n]); err == nil {
			return string(f.Payload)
		}
	}
}

func TestUDPConnQueuesNothing(t *testing.T) {
	p := newPair(t, "192.0.2.1/24")
	run(t, "ip", "-n", p.client.name, "addr", "add", "192.0.2.10/24",
		"dev", p.client.name)
	c := openConn(t, p.client)
	u := listenUDP(t, p.client)

	var server *net.UDPConn
	p.peer.in(t, func() {
		var err error
		server, err = net.ListenUDP("udp4", &net.UDPAddr{
			IP: serverIP.AsSlice(), Port: 67})
		if err != nil {
			t.Fatal(err)
		}
	})
	defer server.Close()
	to := &net.UDPAddr{IP: clientIP.AsSlice(), Port: 68}
	if _, err := server.WriteToUDP([]byte("ack"), to); err != nil {
		t.Fatalf("peer send: %v", err)
	}

	if got := recvPayload(t, c); got != "ack" {
		t.Errorf("packet socket payload = %q, want %q", got, "ack")
	}
	rc, err := u.c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var rerr error
	err = rc.Control(func(fd uintptr) {
		n, _, rerr = unix.Recvfrom(int(fd), make([]byte, 100),
			unix.MSG_DONTWAIT)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(rerr, unix.EAGAIN) {
		t.Errorf("udp read = %d bytes, %v; want EAGAIN (a datagram "+
			"was queued on the send-only socket)", n, rerr)
	}
}

func TestUDPConnFilterIsLocked(t *testing.T) {
	p := newPair(t, "")
	run(t, "ip", "-n", p.client.name, "addr", "add", "192.0.2.10/24",
		"dev", p.client.name)
	u := listenUDP(t, p.client)

	rc, err := u.c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var detach error
	err = rc.Control(func(fd uintptr) {
		detach = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET,
			unix.SO_DETACH_FILTER, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(unix.EPERM, detach, cmp.Comparer(
		func(a, b error) bool { return errors.Is(a, b) })); diff != "" {
		t.Errorf("detach error (-want +got):\n%s", diff)
	}
}
