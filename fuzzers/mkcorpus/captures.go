package main

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/safedhcp/safedhcp/client/frame"
)

// addCaptures adds the DHCP payload of every packet in the captures to
// the codec targets, and every whole frame a client receives (to UDP port
// 68) to the frame target. Identical payloads are kept once.
func addCaptures(c corpus, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.pcap"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no captures in %s", dir)
	}

	seen := make(map[string]bool)
	for _, file := range files {
		base := strings.TrimSuffix(filepath.Base(file), ".pcap")
		err := eachFrame(file, func(i int, frame []byte) {
			p := gopacket.NewPacket(frame, layers.LayerTypeEthernet,
				gopacket.NoCopy)
			udp, ok := p.Layer(layers.LayerTypeUDP).(*layers.UDP)
			if !ok || seen[string(udp.Payload)] {
				return
			}
			seen[string(udp.Payload)] = true

			name := fmt.Sprintf("cap-%s-%d", base, i)
			c.add("codec-decode", name, udp.Payload)
			c.add("codec-roundtrip", name, udp.Payload)
			if udp.DstPort == 68 {
				if b, err := rebuild(p, udp); err == nil {
					c.add("frame", name, b)
				}
			}
		})
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}

	return nil
}

// rebuild returns the frame p again with valid checksums. The captures
// were taken on a veth with checksum offload, so their UDP checksums are
// only partial and frame.Parse would reject every one of them.
func rebuild(p gopacket.Packet, udp *layers.UDP) ([]byte, error) {
	eth, ok := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
	ip, ok2 := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	if !ok || !ok2 {
		return nil, errors.New("not Ethernet and IPv4")
	}
	src, _ := netip.AddrFromSlice(ip.SrcIP.To4())
	dst, _ := netip.AddrFromSlice(ip.DstIP.To4())

	return frame.Build(nil, frame.BuildParams{
		DstMAC: [6]byte(eth.DstMAC), SrcMAC: [6]byte(eth.SrcMAC),
		Src: src, Dst: dst, ID: ip.Id,
		SrcPort: uint16(udp.SrcPort), DstPort: uint16(udp.DstPort),
		Payload: udp.Payload,
	})
}

// eachFrame calls fn with the index and bytes of every Ethernet frame in
// the pcap file.
func eachFrame(file string, fn func(int, []byte)) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()

	r, err := pcapgo.NewReader(f)
	if err != nil {
		return err
	}
	if r.LinkType() != layers.LinkTypeEthernet {
		return fmt.Errorf("link type %v, want Ethernet", r.LinkType())
	}
	for i := 0; ; i++ {
		data, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		fn(i, data)
	}
}
