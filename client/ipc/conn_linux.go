package ipc

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// Conn sends and receives whole messages on one end of a SOCK_SEQPACKET
// socketpair, one message per datagram. It keeps one read and one write
// buffer, so it must not be used by several goroutines at once in the
// same direction.
type Conn struct {
	c    *net.UnixConn
	rbuf []byte
	wbuf []byte
}

// NewConn returns a Conn on c, which must be a SOCK_SEQPACKET socket.
func NewConn(c *net.UnixConn) *Conn {
	return &Conn{
		c:    c,
		rbuf: make([]byte, MaxMessageLen+1),
		wbuf: make([]byte, 0, MaxMessageLen),
	}
}

// Close closes the underlying socket.
func (c *Conn) Close() error { return c.c.Close() }

// Send encodes m and writes it as one datagram.
func (c *Conn) Send(m Message) error {
	b, err := Append(c.wbuf[:0], m)
	if err != nil {
		return err
	}

	if _, err := c.c.Write(b); err != nil {
		return fmt.Errorf("ipc: send %v: %w", m.Type(), err)
	}

	return nil
}

// SendBy is Send waiting until deadline at most for room in the socket;
// past it, the error wraps os.ErrDeadlineExceeded and nothing was sent.
func (c *Conn) SendBy(m Message, deadline time.Time) error {
	if err := c.c.SetWriteDeadline(deadline); err != nil {
		return fmt.Errorf("ipc: send %v: %w", m.Type(), err)
	}
	defer c.c.SetWriteDeadline(time.Time{})

	return c.Send(m)
}

// TrySend is Send that never waits: when the socket has no room for the
// datagram now, it returns an error wrapping ErrFull and sends nothing.
func (c *Conn) TrySend(m Message) error {
	b, err := Append(c.wbuf[:0], m)
	if err != nil {
		return err
	}

	rc, err := c.c.SyscallConn()
	if err != nil {
		return fmt.Errorf("ipc: send %v: %w", m.Type(), err)
	}

	var werr error
	err = rc.Write(func(fd uintptr) bool {
		_, werr = unix.Write(int(fd), b)

		return true // one attempt: never wait for room
	})
	if err == nil {
		err = werr
	}

	if errors.Is(err, unix.EAGAIN) {
		return fmt.Errorf("ipc: send %v: %w", m.Type(), ErrFull)
	}

	if err != nil {
		return fmt.Errorf("ipc: send %v: %w", m.Type(), err)
	}

	return nil
}

// read returns the next datagram. It refuses datagrams longer than
// MaxMessageLen and datagrams that carried control messages such as
// descriptors (the kernel closes those when we pass no buffer for them).
// A closed peer yields io.EOF.
func (c *Conn) read() ([]byte, error) {
	n, _, flags, _, err := c.c.ReadMsgUnix(c.rbuf, nil)
	if err != nil {
		return nil, fmt.Errorf("ipc: receive: %w", err)
	}

	if n == 0 {
		return nil, io.EOF
	}

	if flags&unix.MSG_TRUNC != 0 || n > MaxMessageLen {
		return nil, fmt.Errorf("ipc: receive: datagram over %d bytes: %w",
			MaxMessageLen, ErrBounds)
	}

	if flags&unix.MSG_CTRUNC != 0 {
		return nil, fmt.Errorf("ipc: receive: control data: %w", ErrBounds)
	}

	return c.rbuf[:n], nil
}

// ReadRequest reads and decodes the next request. The request owns its
// memory; the buffer is reused by the next read.
func (c *Conn) ReadRequest() (Request, error) {
	b, err := c.read()
	if err != nil {
		return nil, err
	}

	return DecodeRequest(b)
}

// ReadEvent reads and decodes the next event.
func (c *Conn) ReadEvent() (Event, error) {
	b, err := c.read()
	if err != nil {
		return nil, err
	}

	return DecodeEvent(b)
}
