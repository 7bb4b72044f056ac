package codec

import (
	"path/filepath"
	"testing"
)

// TestRealServersAccepted checks that every option a real server or
// client sent in testdata/captures passes its accessor: the validation
// is strict, but not stricter than dnsmasq, kea, dhcpd, udhcpd, udhcpc,
// dhclient and dhcpcd.
func TestRealServersAccepted(t *testing.T) {
	pcaps, _ := filepath.Glob(filepath.Join("..", "testdata", "captures", "*.pcap"))
	if len(pcaps) == 0 {
		t.Log("no captures in ../testdata/captures; nothing to check")
	}
	for _, p := range pcaps {
		for _, in := range pcapInputs(t, p) {
			t.Run(in.name, func(t *testing.T) {
				m := decode(t, in.data)
				for c := range m.Options.All() {
					check, ok := accessorChecks[c]
					if !ok {
						continue
					}
					v, _ := m.Options.Get(c)
					if err := check(&m.Options, v); err != nil {
						t.Errorf("option %d % x: %v", c, v, err)
					}
				}
			})
		}
	}
}
