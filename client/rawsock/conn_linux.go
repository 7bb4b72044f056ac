package rawsock

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// Conn is an AF_PACKET socket bound to one interface that receives only
// what Filter passes and sends whole Ethernet frames.
type Conn struct {
	f       *os.File
	rc      syscall.RawConn
	ifindex int
	foreign atomic.Uint64 // frames dropped as not for this host
}

// Open returns a Conn on the interface with index ifindex. The socket is
// created listening to no protocol, gets Filter attached and locked
// (SO_LOCK_FILTER, so even a later holder of the descriptor cannot replace
// or remove it), and only then is bound to ETH_P_IP on the interface; any
// frame queued before the bind is drained. It needs CAP_NET_RAW.
func Open(ifindex int) (*Conn, error) {
	return openBound("packet", unix.SOCK_RAW, Filter(), unix.ETH_P_IP,
		ifindex)
}

// openBound returns a Conn of type sotype (SOCK_RAW or SOCK_DGRAM) that
// receives protocol proto on the interface with index ifindex, and only
// what prog passes. The socket listens to no protocol until prog is
// attached and locked, PACKET_AUXDATA is on and it is bound to the
// interface, so it never holds a packet of another interface or one
// the filter did not see; what came in before the bind is drained.
func openBound(name string, sotype int, prog []bpf.Instruction,
	proto uint16, ifindex int) (*Conn, error) {
	fd, err := unix.Socket(unix.AF_PACKET,
		sotype|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("rawsock: open %s socket: %w", name, err)
	}
	if err := attachLocked(fd, prog); err != nil {
		unix.Close(fd)
		return nil, err
	}
	err = unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_AUXDATA, 1)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("rawsock: enable PACKET_AUXDATA: %w", err)
	}
	sa := &unix.SockaddrLinklayer{
		Protocol: htons(proto),
		Ifindex:  ifindex,
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("rawsock: bind %s socket to "+
			"interface %d: %w", name, ifindex, err)
	}
	drain(fd)

	return newConn(fd, ifindex)
}

// newConn wraps fd, which it owns from then on, for the runtime poller.
func newConn(fd, ifindex int) (*Conn, error) {
	f := os.NewFile(uintptr(fd), fmt.Sprintf("packet:%d", ifindex))
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("rawsock: packet socket: %w", err)
	}

	return &Conn{f: f, rc: rc, ifindex: ifindex}, nil
}

// attachLocked attaches prog to fd and locks it.
func attachLocked(fd int, prog []bpf.Instruction) error {
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return fmt.Errorf("rawsock: assemble filter: %w", err)
	}
	filter := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		filter[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	fprog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	err = unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET,
		unix.SO_ATTACH_FILTER, &fprog)
	if err != nil {
		return fmt.Errorf("rawsock: attach filter: %w", err)
	}
	err = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_LOCK_FILTER, 1)
	if err != nil {
		return fmt.Errorf("rawsock: lock filter: %w", err)
	}

	return nil
}

// drain discards every frame already queued on the non-blocking fd.
func drain(fd int) {
	var b [1]byte
	for {
		_, _, err := unix.Recvfrom(fd, b[:], unix.MSG_TRUNC)
		if err != nil {
			return
		}
	}
}

// Recv reads the next frame that passed the filter into b and returns its
// length. Frames the host itself sent are skipped. A frame longer than b
// is discarded and reported with ErrFrameTooLarge. Recv blocks until a
// frame arrives, the read deadline passes or the Conn is closed.
//
// A frame that is not for this host is dropped and counted
// (DroppedForeign). The kernel strips an IEEE 802.1Q tag before the
// filter runs, so a frame for another VLAN, one the host has no VLAN
// device for, would otherwise read as a frame of the untagged network.
// Such a frame comes with TP_STATUS_VLAN_VALID in its auxiliary data or,
// as Linux reports it once it has removed the tag of a VLAN it has no
// device for, as PACKET_OTHERHOST, the type of a frame addressed to
// another host's MAC (which a DHCP client has no use for either).
// Priority-tagged frames (VLAN id 0, IEEE 802.1p) arrive untagged as
// frames for this host and are kept.
//
// A frame the kernel marks TP_STATUS_CSUMNOTREADY was sent by this host
// with its UDP checksum left to offload (a veth pair or a bridge to a
// local server), so the checksum field holds only a partial sum. Recv sets
// that field to zero, which RFC 768 defines as "no checksum", so that the
// engine's parser accepts the frame.
func (c *Conn) Recv(b []byte) (int, error) {
	var (
		n       int
		partial bool
		rerr    error
	)
	oob := make([]byte, unix.CmsgSpace(sizeofAuxdata))
	err := c.rc.Read(func(fd uintptr) bool {
		for {
			var (
				oobn int
				from unix.Sockaddr
			)
			n, oobn, _, from, rerr = unix.Recvmsg(int(fd), b, oob,
				unix.MSG_TRUNC)
			if rerr == unix.EAGAIN {
				return false
			}
			if rerr != nil {
				return true
			}
			ll, ok := from.(*unix.SockaddrLinklayer)
			if ok && ll.Pkttype == unix.PACKET_OUTGOING {
				continue
			}
			status := auxStatus(oob[:oobn])
			if status&unix.TP_STATUS_VLAN_VALID != 0 ||
				ok && ll.Pkttype == unix.PACKET_OTHERHOST {
				c.foreign.Add(1)
				continue
			}
			partial = status&unix.TP_STATUS_CSUMNOTREADY != 0
			return true
		}
	})
	if err != nil {
		return 0, fmt.Errorf("rawsock: receive: %w", err)
	}
	if rerr != nil {
		return 0, fmt.Errorf("rawsock: receive: %w", rerr)
	}
	if n > len(b) {
		return 0, ErrFrameTooLarge
	}
	if partial {
		zeroUDPChecksum(b[:n])
	}

	return n, nil
}

// DroppedForeign returns how many frames Recv dropped as not for this
// host: tagged for a VLAN or addressed to another host.
func (c *Conn) DroppedForeign() uint64 { return c.foreign.Load() }

// sizeofAuxdata is the size of struct tpacket_auxdata.
const sizeofAuxdata = int(unsafe.Sizeof(unix.TpacketAuxdata{}))

// auxStatus returns tp_status of the PACKET_AUXDATA control message in
// oob, or 0 when there is none.
func auxStatus(oob []byte) uint32 {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return 0
	}
	for _, m := range msgs {
		if m.Header.Level != unix.SOL_PACKET ||
			m.Header.Type != unix.PACKET_AUXDATA ||
			len(m.Data) < sizeofAuxdata {
			continue
		}
		return binary.NativeEndian.Uint32(m.Data[0:4])
	}

	return 0
}

// zeroUDPChecksum clears the UDP checksum of frame, an IPv4 UDP frame as
// the filter passes them, if the header lies within the frame.
func zeroUDPChecksum(frame []byte) {
	if len(frame) <= offIP {
		return
	}
	off := offIP + int(frame[offIP]&0x0f)*4 + 6
	if off+2 <= len(frame) {
		frame[off], frame[off+1] = 0, 0
	}
}

// Send transmits frame, a complete Ethernet II frame such as package
// frame builds, on the interface. The destination is frame's own
// destination MAC.
func (c *Conn) Send(frame []byte) error {
	if len(frame) < 14 {
		return fmt.Errorf("rawsock: send: frame of %d bytes has no "+
			"ethernet header", len(frame))
	}
	sa := &unix.SockaddrLinklayer{
		Protocol: htons(unix.ETH_P_IP),
		Ifindex:  c.ifindex,
		Halen:    6,
	}
	copy(sa.Addr[:], frame[:6])

	var serr error
	err := c.rc.Write(func(fd uintptr) bool {
		serr = unix.Sendto(int(fd), frame, 0, sa)
		return serr != unix.EAGAIN
	})
	if err != nil {
		return fmt.Errorf("rawsock: send: %w", err)
	}
	if serr != nil {
		return fmt.Errorf("rawsock: send on interface %d: %w", c.ifindex,
			serr)
	}

	return nil
}

// SetReadDeadline sets the time after which a blocked Recv returns an
// error wrapping os.ErrDeadlineExceeded; the zero time clears it.
func (c *Conn) SetReadDeadline(t time.Time) error {
	return c.f.SetReadDeadline(t)
}

// Close closes the socket; a blocked Recv returns an error wrapping
// os.ErrClosed.
func (c *Conn) Close() error {
	return c.f.Close()
}

// htons converts a 16-bit value to network byte order for sockaddr_ll.
func htons(v uint16) uint16 {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)

	return binary.NativeEndian.Uint16(b[:])
}
