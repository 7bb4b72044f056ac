package lab

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"syscall"
	"time"
)

// Capture is a running tcpdump on the server end of the veth pair.
type Capture struct {
	Path string // the pcap file being written

	lab *Lab
	p   *proc
}

// Capture starts tcpdump on the server interface, writing the DHCP
// traffic (UDP ports 67 and 68) to path as a pcap file, and returns once
// tcpdump is capturing.
func (l *Lab) Capture(path string) (*Capture, error) {
	return l.CaptureFilter(path, "udp and (port 67 or port 68)")
}

// CaptureFilter is Capture with another tcpdump filter expression, such
// as "arp".
func (l *Lab) CaptureFilter(path, filter string) (*Capture, error) {
	// --immediate-mode: without it, packets of the last second can sit
	// in the capture ring and be lost when tcpdump stops.
	cmd := nsCommand(context.Background(), l.ServerNS, "tcpdump", "-i",
		l.ServerIf, "-n", "-U", "--immediate-mode", "-Z", "root",
		"-s", "0", "-w", path, filter)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("lab: capture: %w", err)
	}

	p, err := l.start(cmd)
	if err != nil {
		return nil, err
	}
	c := &Capture{Path: path, lab: l, p: p}

	ready := make(chan string, 1)
	go watchTcpdump(stderr, ready)
	select {
	case line := <-ready:
		if !strings.Contains(line, "listening on") {
			c.Stop()
			return nil, fmt.Errorf("lab: tcpdump: %s", line)
		}
	case <-time.After(readyTimeout):
		c.Stop()
		return nil, fmt.Errorf("lab: tcpdump not ready after %v",
			readyTimeout)
	}

	return c, nil
}

// watchTcpdump sends tcpdump's first line of output to ready, then
// drains the rest so that tcpdump never blocks on a full pipe.
func watchTcpdump(r io.Reader, ready chan<- string) {
	sc := bufio.NewScanner(r)
	first := true
	for sc.Scan() {
		if first {
			ready <- sc.Text()
			first = false
		}
	}
	if first {
		ready <- "exited before capturing"
	}
}

// Stop ends the capture, letting tcpdump flush the file, and waits for
// it to exit.
func (c *Capture) Stop() error {
	defer c.lab.forget(c.p)

	if !c.p.signal(syscall.SIGINT, stopGrace) {
		c.p.stop()
		return fmt.Errorf("lab: tcpdump ignored SIGINT")
	}

	return nil
}
