package codec

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSetters(t *testing.T) {
	var o Options
	for _, err := range []error{
		o.SetMessageType(Request),
		o.SetUint8(OptOverload, 1),
		o.SetUint16(OptMaxMessageSize, 1500),
		o.SetUint32(OptLeaseTime, 3600),
		o.SetAddr(OptRequestedIP, mustAddr("10.0.0.5")),
		o.SetAddrs(OptRouter, addrs("10.0.0.1", "10.0.0.2")),
		o.SetMessageType(Decline), // replaces in place
	} {
		if err != nil {
			t.Fatal(err)
		}
	}

	want := []opt{
		{53, []byte{4}},
		{52, []byte{1}},
		{57, []byte{5, 0xdc}},
		{51, []byte{0, 0, 0x0e, 0x10}},
		{50, []byte{10, 0, 0, 5}},
		{3, []byte{10, 0, 0, 1, 10, 0, 0, 2}},
	}
	if diff := cmp.Diff(want, optList(&o)); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}

func TestSetterErrors(t *testing.T) {
	var o Options
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"ipv6 addr", o.SetAddr(OptServerID, netip.IPv6Loopback()), ErrMalformed},
		{"zero addr", o.SetAddr(OptServerID, netip.Addr{}), ErrMalformed},
		{"empty addr list", o.SetAddrs(OptRouter, nil), ErrMalformed},
		{"ipv6 in list", o.SetAddrs(OptRouter, []netip.Addr{
			mustAddr("1.1.1.1"), mustAddr("::1")}), ErrMalformed},
		{"pad", o.Set(OptPad, []byte{1}), ErrMalformed},
		{"end", o.SetUint8(OptEnd, 1), ErrMalformed},
		{"too large", o.Set(OptVendorClass, make([]byte, maxOptionData+1)), ErrFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, tt.want) {
				t.Errorf("error = %v, want %v", tt.err, tt.want)
			}
		})
	}
	if o.Len() != 0 {
		t.Errorf("failed setters left %d options", o.Len())
	}
}

// TestSetReclaimsSpace replaces a large value many times: without
// compaction the storage would fill after a few rounds.
func TestSetReclaimsSpace(t *testing.T) {
	var o Options
	if err := o.SetMessageType(Request); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		v := make([]byte, 1000+i)
		v[0] = byte(i)
		if err := o.Set(OptVendorClass, v); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if err := o.SetAddrs(OptRouter, addrs("1.1.1.1", "2.2.2.2")[:1+i%2]); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		o.Delete(OptDNSServer)
		if err := o.Set(OptDNSServer, make([]byte, 2000)); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}

	v, _ := o.Get(OptVendorClass)
	if len(v) != 1099 || v[0] != 99 {
		t.Errorf("vendor class len %d first %d, want 1099 and 99", len(v), v[0])
	}
	got := []OptionCode{}
	for c := range o.All() {
		got = append(got, c)
	}
	want := []OptionCode{OptMessageType, OptVendorClass, OptRouter, OptDNSServer}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

// TestSetAliasing sets an option from a slice of the same Options when
// the storage is full enough to force compaction, which moves values.
func TestSetAliasing(t *testing.T) {
	var o Options
	pattern := make([]byte, 4100)
	for i := range pattern {
		pattern[i] = byte(i * 7)
	}
	for _, err := range []error{
		o.Set(OptVendorClass, make([]byte, 4000)),
		o.Set(OptClientID, []byte("abcdef")),
		o.Set(OptVendorClass, pattern), // abandons 4000 bytes
	} {
		if err != nil {
			t.Fatal(err)
		}
	}

	v, _ := o.Get(OptVendorClass)
	if err := o.Set(OptUserClass, v); err != nil {
		t.Fatal(err)
	}

	for _, c := range []OptionCode{OptVendorClass, OptUserClass} {
		got, _ := o.Get(c)
		if diff := cmp.Diff(pattern, got); diff != "" {
			t.Errorf("option %d (-want +got):\n%s", c, diff)
		}
	}
	if got, _ := o.Get(OptClientID); string(got) != "abcdef" {
		t.Errorf("client id = %q, want abcdef", got)
	}
}
