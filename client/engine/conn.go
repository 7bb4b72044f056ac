package engine

import (
	"fmt"
	"os"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// Conn sends and receives ipc messages, one per datagram, on one end of a
// SOCK_SEQPACKET socketpair held as an *os.File. Both the engine and the
// supervisor use it: unlike ipc.Conn it needs no net.FileConn, whose
// getpeername call the seccomp allowlists do not admit.
//
// TODO: use ipc.Conn once the sandbox allowlists admit getpeername; the
// two would then not duplicate the datagram bounds checks.
//
// Reads and writes may run in two goroutines; two concurrent reads or two
// concurrent writes may not.
type Conn struct {
	f    *os.File
	rbuf []byte
	wbuf []byte
}

// NewConn returns a Conn on f, which must be a SOCK_SEQPACKET socket. The
// Conn owns f from then on.
func NewConn(f *os.File) *Conn {
	return &Conn{
		f:    f,
		rbuf: make([]byte, ipc.MaxMessageLen+1),
		wbuf: make([]byte, 0, ipc.MaxMessageLen),
	}
}

// Close closes the socket.
func (c *Conn) Close() error { return c.f.Close() }

// Send encodes m and writes it as one datagram.
func (c *Conn) Send(m ipc.Message) error {
	b, err := ipc.Append(c.wbuf[:0], m)
	if err != nil {
		return err
	}

	if _, err := c.f.Write(b); err != nil {
		return fmt.Errorf("engine: send %v: %w", m.Type(), err)
	}

	return nil
}

// read returns the next datagram, refusing one longer than
// ipc.MaxMessageLen (the buffer holds one byte more to notice). A closed
// peer, like an empty datagram, reads as io.EOF.
func (c *Conn) read() ([]byte, error) {
	n, err := c.f.Read(c.rbuf)
	if err != nil {
		return nil, fmt.Errorf("engine: receive: %w", err)
	}

	if n > ipc.MaxMessageLen {
		return nil, fmt.Errorf("engine: receive: datagram over %d "+
			"bytes: %w", ipc.MaxMessageLen, ipc.ErrBounds)
	}

	return c.rbuf[:n], nil
}

// ReadEvent reads and decodes the next event.
func (c *Conn) ReadEvent() (ipc.Event, error) {
	b, err := c.read()
	if err != nil {
		return nil, err
	}

	return ipc.DecodeEvent(b)
}

// ReadRequest reads and decodes the next request. The request owns its
// memory; the buffer is reused by the next read.
func (c *Conn) ReadRequest() (ipc.Request, error) {
	b, err := c.read()
	if err != nil {
		return nil, err
	}

	return ipc.DecodeRequest(b)
}
