package codec

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// FuzzDifferential compares Decode with gopacket's layers.DHCPv4 on the
// same bytes. The deliberate differences, where nothing is compared:
//
//   - hlen above 16: gopacket slices chaddr by hlen into sname and past
//     the end of a short packet (it panics); Decode caps HWAddr at 16.
//   - Option 52 present: gopacket does not follow overload, and does not
//     check its value, which Decode rejects when malformed.
//   - A code repeated: gopacket lists each instance, Decode concatenates
//     them (RFC 3396).
//   - More than MaxMessageLen bytes: Decode refuses them.
//
// gopacket also lists Pad options, which are dropped before comparing.
// Everywhere else both must accept or both refuse, and agree on the
// header and on the option list.
func FuzzDifferential(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 2 && b[2] > 16 {
			return
		}
		var m Message
		err := m.Decode(b)
		var g layers.DHCPv4
		gerr := g.DecodeFromBytes(b, gopacket.NilDecodeFeedback)

		switch {
		case gerr != nil && err == nil:
			t.Fatalf("gopacket refuses (%v), Decode accepts", gerr)
		case gerr != nil:
			return
		case err != nil && !deliberate(err):
			t.Fatalf("Decode refuses (%v), gopacket accepts", err)
		case err != nil:
			return
		}

		got, want := optList(&m.Options), gopacketOpts(&g)
		if m.Options.Has(OptOverload) || len(got) != len(want) {
			return // overload, or repeated codes concatenated
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("options (-gopacket +Decode):\n%s", diff)
		}
		if diff := cmp.Diff(gopacketHeader(&g), headerOf(&m)); diff != "" {
			t.Errorf("header (-gopacket +Decode):\n%s", diff)
		}
		if string(g.ServerName) != string(m.SName[:]) ||
			string(g.File) != string(m.File[:]) {
			t.Errorf("sname or file differ")
		}
	})
}

// deliberate reports whether a Decode error is one gopacket does not
// share by design: size, option 52, or a fault inside sname or file.
func deliberate(err error) bool {
	var oe *OptionError
	if errors.As(err, &oe) {
		return oe.Code == OptOverload || oe.Offset < MinLen
	}

	return errors.Is(err, ErrTooLong)
}

// gopacketOpts returns g's options without Pad.
func gopacketOpts(g *layers.DHCPv4) []opt {
	var l []opt
	for _, o := range g.Options {
		if o.Type == layers.DHCPOptPad {
			continue
		}
		l = append(l, opt{OptionCode(o.Type), append([]byte{}, o.Data...)})
	}

	return l
}

// gopacketHeader returns g's header in the form headerOf gives.
func gopacketHeader(g *layers.DHCPv4) header {
	ip := func(b []byte) string {
		a, _ := netip.AddrFromSlice(b)
		return a.String()
	}

	return header{
		Op: OpCode(g.Operation), HType: uint8(g.HardwareType),
		HLen: g.HardwareLen, Hops: g.HardwareOpts,
		XID: g.Xid, Secs: g.Secs, Flags: g.Flags,
		CI: ip(g.ClientIP), YI: ip(g.YourClientIP),
		SI: ip(g.NextServerIP), GI: ip(g.RelayAgentIP),
		HWAddr:   []byte(g.ClientHWAddr),
		SNameNul: allZero(g.ServerName), FileNul: allZero(g.File),
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}

	return true
}
