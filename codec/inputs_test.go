package codec

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// input is one message used by the fuzz seeds and the allocation tests.
type input struct {
	name string
	data []byte
}

// handMade returns the hand-made packets of the table tests that matter
// as seeds: valid messages and each known bug class.
func handMade() []input {
	ins := []input{
		{"dnsmasq ack", ackPacket()},
		{"overload 3", withFields(packet(52, 1, 3, 53, 1, 5, 255),
			[]byte{6, 4, 8, 8, 8, 8, 255}, []byte{15, 3, 'f', 'o', 'o', 255})},
		{"overload 3 with 52 in file", withFields(packet(52, 1, 3, 255),
			[]byte{52, 1, 3, 255}, []byte{52, 1, 1, 12, 1, 'h', 255})},
		{"length past end", packet(53, 1, 5, 6, 8, 1, 1, 1, 1)},
		{"short", packet()[:239]},
	}
	for _, tt := range nameCases() {
		ins = append(ins, input{"names/" + tt.name, packet(append(tt.opts, 255)...)})
	}
	for _, tt := range routeCases() {
		ins = append(ins, input{"routes/" + tt.name, packet(append(tt.opts, 255)...)})
	}

	return ins
}

// fileInputs returns the files under codec/testdata, ../corpus and the UDP
// payloads of ../testdata/captures/*.pcap, whichever exist.
func fileInputs(t testing.TB) []input {
	t.Helper()
	var ins []input
	for _, dir := range []string{"testdata", filepath.Join("..", "corpus")} {
		ins = append(ins, dirInputs(t, dir)...)
	}

	pcaps, _ := filepath.Glob(filepath.Join("..", "testdata", "captures", "*.pcap"))
	for _, p := range pcaps {
		ins = append(ins, pcapInputs(t, p)...)
	}

	return ins
}

// dirInputs reads every regular file under dir; files in the Go fuzz
// corpus format contribute their []byte value.
func dirInputs(t testing.TB, dir string) []input {
	t.Helper()
	var ins []input
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if v, ok := fuzzFileValue(b); ok {
			b = v
		}
		ins = append(ins, input{p, b})

		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("reading %s: %v", dir, err)
	}

	return ins
}

// fuzzFileValue returns the first []byte value of a Go fuzz corpus file.
func fuzzFileValue(b []byte) ([]byte, bool) {
	s := bufio.NewScanner(bytes.NewReader(b))
	if !s.Scan() || s.Text() != "go test fuzz v1" {
		return nil, false
	}
	for s.Scan() {
		line := s.Text()
		if q, ok := strings.CutPrefix(line, "[]byte("); ok {
			v, err := strconv.Unquote(strings.TrimSuffix(q, ")"))
			if err == nil {
				return []byte(v), true
			}
		}
	}

	return nil, false
}

// pcapInputs returns the UDP payloads of the pcap file p.
func pcapInputs(t testing.TB, p string) []input {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}

	var ins []input
	for i := 0; ; i++ {
		data, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return ins
		}
		if err != nil {
			t.Fatalf("%s packet %d: %v", p, i, err)
		}

		pkt := gopacket.NewPacket(data, r.LinkType(), gopacket.Default)
		udp, ok := pkt.Layer(layers.LayerTypeUDP).(*layers.UDP)
		if !ok {
			continue
		}
		name := filepath.Base(p) + "#" + strconv.Itoa(i)
		ins = append(ins, input{name, append([]byte{}, udp.Payload...)})
	}
}

// allInputs returns the hand-made and the file inputs.
func allInputs(t testing.TB) []input {
	t.Helper()

	return append(handMade(), fileInputs(t)...)
}
