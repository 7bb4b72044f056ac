package hostile

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/vishvananda/netns"
	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"

	"github.com/safedhcp/safedhcp/client/frame"
)

// errNoListener is returned by Receive on a Server from OpenSender.
var errNoListener = errors.New("hostile: opened to send only")

// pollInterval bounds how long Serve waits in one read, so that it
// notices a cancelled context.
const pollInterval = 200 * time.Millisecond

// Packet is one reply frame: Payload in UDP from Src:SrcPort to
// Dst:DstPort, in an Ethernet frame to DstMAC. Zero fields default to
// the server's address and port 67, 255.255.255.255 and port 68, and the
// Ethernet broadcast address (RFC 2131 section 4.1). Serve waits After
// before sending it.
type Packet struct {
	Payload          []byte
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	DstMAC           [6]byte
	After            time.Duration
}

// Script answers one request with the packets to send, in order; nil
// sends nothing.
type Script func(s *Server, r *Request) []Packet

// Server is a hostile DHCP server on one interface of a namespace.
type Server struct {
	Addr    netip.Addr // the server's address, the default source
	MAC     [6]byte    // the interface's hardware address
	ifIndex int

	udp *net.UDPConn
	pc  *ipv4.PacketConn
	raw int // AF_PACKET socket for sending frames

	// mu guards seen.
	mu   sync.Mutex
	seen []*Request
}

// Open opens a Server on interface ifName of namespace ns (a name under
// /run/netns), sending from addr, which the interface should hold. Its
// sockets stay in ns whatever namespace later uses them.
func Open(ns, ifName string, addr netip.Addr) (*Server, error) {
	if !addr.Is4() {
		return nil, fmt.Errorf("hostile: server address %v is not IPv4",
			addr)
	}

	s := &Server{Addr: addr, raw: -1}
	err := inNamespace(ns, func() error { return s.open(ifName, true) })
	if err != nil {
		s.Close()
		return nil, err
	}

	return s, nil
}

// OpenSender is Open without the port 67 listener, for a Server that
// only sends, such as a flood next to a real DHCP server that holds the
// port. Its Receive and Serve fail.
func OpenSender(ns, ifName string, addr netip.Addr) (*Server, error) {
	if !addr.Is4() {
		return nil, fmt.Errorf("hostile: server address %v is not IPv4",
			addr)
	}

	s := &Server{Addr: addr, raw: -1}
	err := inNamespace(ns, func() error { return s.open(ifName, false) })
	if err != nil {
		s.Close()
		return nil, err
	}

	return s, nil
}

// inNamespace runs fn on an OS thread switched to namespace ns, and
// switches back. A thread that cannot switch back is left locked, so
// the runtime ends it rather than reuse it in the wrong namespace.
func inNamespace(ns string, fn func() error) error {
	runtime.LockOSThread()

	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("hostile: current namespace: %w", err)
	}
	defer orig.Close()

	target, err := netns.GetFromName(ns)
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("hostile: namespace %s: %w", ns, err)
	}
	defer target.Close()

	if err := netns.Set(target); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("hostile: entering %s: %w", ns, err)
	}

	ferr := fn()
	if err := netns.Set(orig); err != nil {
		return errors.Join(ferr,
			fmt.Errorf("hostile: leaving %s: %w", ns, err))
	}
	runtime.UnlockOSThread()

	return ferr
}

// open creates the sockets in the current thread's namespace: the
// packet socket, and the port 67 listener if listen is set.
func (s *Server) open(ifName string, listen bool) error {
	ifi, err := net.InterfaceByName(ifName)
	if err != nil {
		return fmt.Errorf("hostile: interface %s: %w", ifName, err)
	}
	s.ifIndex = ifi.Index
	copy(s.MAC[:], ifi.HardwareAddr)

	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC,
		0)
	if err != nil {
		return fmt.Errorf("hostile: packet socket: %w", err)
	}
	s.raw = fd
	if !listen {
		return nil
	}

	lc := net.ListenConfig{Control: func(_, _ string,
		c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = unix.SetsockoptString(int(fd), unix.SOL_SOCKET,
				unix.SO_BINDTODEVICE, ifName)
		})

		return errors.Join(err, serr)
	}}
	pc, err := lc.ListenPacket(context.Background(), "udp4", ":67")
	if err != nil {
		return fmt.Errorf("hostile: listening on port 67: %w", err)
	}
	s.udp = pc.(*net.UDPConn)
	s.pc = ipv4.NewPacketConn(s.udp)
	if err := s.pc.SetControlMessage(ipv4.FlagDst, true); err != nil {
		return fmt.Errorf("hostile: asking for destinations: %w", err)
	}

	return nil
}

// Close closes the server's sockets.
func (s *Server) Close() error {
	var errs []error
	if s.udp != nil {
		errs = append(errs, s.udp.Close())
		s.udp = nil
	}
	if s.raw >= 0 {
		errs = append(errs, unix.Close(s.raw))
		s.raw = -1
	}

	return errors.Join(errs...)
}

// Receive waits up to d for the next client message. Datagrams that do
// not decode as a client message are skipped.
func (s *Server) Receive(d time.Duration) (*Request, error) {
	if s.udp == nil {
		return nil, errNoListener
	}

	deadline := time.Now().Add(d)
	buf := make([]byte, 2048)
	for {
		if err := s.udp.SetReadDeadline(deadline); err != nil {
			return nil, fmt.Errorf("hostile: %w", err)
		}

		n, cm, src, err := s.pc.ReadFrom(buf)
		if err != nil {
			return nil, fmt.Errorf("hostile: receiving: %w", err)
		}

		from, _ := netip.AddrFromSlice(src.(*net.UDPAddr).IP.To4())
		bcast := cm != nil && cm.Dst.Equal(net.IPv4bcast)
		r, err := ParseRequest(buf[:n], from, bcast)
		if err != nil {
			continue
		}

		s.mu.Lock()
		s.seen = append(s.seen, r)
		s.mu.Unlock()

		return r, nil
	}
}

// Seen returns the requests received so far.
func (s *Server) Seen() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()

	return append([]*Request(nil), s.seen...)
}

// Serve answers every request with script until ctx is done, and
// returns the first send error, or nil once ctx is done.
func (s *Server) Serve(ctx context.Context, script Script) error {
	for ctx.Err() == nil {
		r, err := s.Receive(pollInterval)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}

			return err
		}

		for _, p := range script(s, r) {
			time.Sleep(p.After)
			if err := s.Send(p); err != nil {
				return err
			}
		}
	}

	return nil
}

// Send writes p as one frame, filling in its defaults.
func (s *Server) Send(p Packet) error {
	bp := frame.BuildParams{
		DstMAC: p.DstMAC, SrcMAC: s.MAC, Src: p.Src, Dst: p.Dst,
		SrcPort: p.SrcPort, DstPort: p.DstPort, Payload: p.Payload,
	}
	if bp.DstMAC == [6]byte{} {
		bp.DstMAC = frame.BroadcastMAC
	}
	if !bp.Src.IsValid() {
		bp.Src = s.Addr
	}
	if !bp.Dst.IsValid() {
		bp.Dst = netip.AddrFrom4([4]byte{255, 255, 255, 255})
	}
	if bp.SrcPort == 0 {
		bp.SrcPort = frame.ServerPort
	}
	if bp.DstPort == 0 {
		bp.DstPort = frame.ClientPort
	}

	b, err := frame.Build(nil, bp)
	if err != nil {
		return fmt.Errorf("hostile: building a frame: %w", err)
	}

	return s.SendFrame(b)
}

// SendFrame writes b to the interface as it is; b starts with the
// Ethernet destination address.
func (s *Server) SendFrame(b []byte) error {
	if len(b) < 14 {
		return fmt.Errorf("hostile: frame of %d bytes is too short",
			len(b))
	}

	sa := &unix.SockaddrLinklayer{
		Ifindex: s.ifIndex, Protocol: htons(unix.ETH_P_IP), Halen: 6,
	}
	copy(sa.Addr[:], b[:6])
	if err := unix.Sendto(s.raw, b, 0, sa); err != nil {
		return fmt.Errorf("hostile: sending a frame: %w", err)
	}

	return nil
}

// htons converts a 16-bit value to network byte order.
func htons(v uint16) uint16 {
	return v<<8 | v>>8
}
