package statemachine_test

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

func sampleLease() *sm.Lease {
	a := netip.MustParseAddr
	return &sm.Lease{
		Addr: netip.MustParsePrefix("10.0.0.11/24"), ServerID: a("10.0.0.1"),
		Routes: []sm.Route{{
			Dest: netip.MustParsePrefix("0.0.0.0/0"), Gateway: a("10.0.0.1"),
		}},
		DNS: []netip.Addr{a("10.0.0.53")}, NTP: []netip.Addr{a("10.0.0.123")},
		Search: []string{"example.org", "lab.example.org"},
		Domain: "example.org", Hostname: "box1", MTU: 1500,
		Acquired:  t0,
		LeaseTime: time.Hour, T1: 30 * time.Minute, T2: 50 * time.Minute,
	}
}

func TestLeaseRecordRoundTrip(t *testing.T) {
	for _, l := range []*sm.Lease{sampleLease(), func() *sm.Lease {
		l := sampleLease()
		l.LeaseTime, l.T1, l.T2 = sm.Infinite, sm.Infinite, sm.Infinite
		return l
	}(), func() *sm.Lease {
		l := sampleLease()
		l.Routes = []sm.Route{
			route("0.0.0.0/0", "10.0.0.254"),
			route("10.9.9.0/24", "0.0.0.0"),
			route("172.16.1.1/32", "10.0.0.3"),
			route("192.168.0.0/16", "10.0.0.2"),
		}
		l.Search = []string{"a.example", "b-2.example", "example"}
		return l
	}(), func() *sm.Lease {
		l := sampleLease()
		l.Routes = nil
		l.Routers = []netip.Addr{netip.MustParseAddr("10.0.0.1"),
			netip.MustParseAddr("10.0.0.2")}
		l.Search, l.Domain, l.Hostname = nil, "", ""
		return l
	}()} {
		b, err := l.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary: %v", err)
		}
		var got sm.Lease
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatalf("UnmarshalBinary: %v", err)
		}
		opts := cmp.Comparer(func(x, y netip.Addr) bool { return x == y })
		pfx := cmp.Comparer(func(x, y netip.Prefix) bool { return x == y })
		if diff := cmp.Diff(l, &got, opts, pfx); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}

func TestLeaseRecordRejects(t *testing.T) {
	good, err := sampleLease().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"truncated", good[:len(good)-5]},
		{"bad magic", flip(0)},
		{"bad version", flip(4)},
		{"bad checksum", flip(len(good) - 1)},
		{"body change", flip(10)},
		{"trailing", append(bytes.Clone(good), 0)},
		{"huge", make([]byte, 64<<10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l sm.Lease
			err := l.UnmarshalBinary(tt.in)
			if !errors.Is(err, sm.ErrBadRecord) {
				t.Errorf("UnmarshalBinary = %v, want ErrBadRecord", err)
			}
		})
	}
}

func TestLeaseMarshalRefusesInvalid(t *testing.T) {
	tests := []struct {
		name string
		edit func(*sm.Lease)
	}{
		{"t1 after t2", func(l *sm.Lease) { l.T1 = l.T2 + 1 }},
		{"no server", func(l *sm.Lease) { l.ServerID = netip.Addr{} }},
		{"bad name", func(l *sm.Lease) { l.Domain = "a..b" }},
		{"underscore in a search name", func(l *sm.Lease) {
			l.Search = []string{"_tcp.example"}
		}},
		{"route with host bits", func(l *sm.Lease) {
			l.Routes = []sm.Route{{
				Dest:    netip.MustParsePrefix("10.0.0.1/8"),
				Gateway: netip.MustParseAddr("10.0.0.1"),
			}}
		}},
		{"ipv6 dns", func(l *sm.Lease) {
			l.DNS = []netip.Addr{netip.MustParseAddr("::1")}
		}},
		{"small mtu", func(l *sm.Lease) { l.MTU = 10 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := sampleLease()
			tt.edit(l)
			if _, err := l.MarshalBinary(); !errors.Is(err, sm.ErrBadRecord) {
				t.Errorf("MarshalBinary = %v, want ErrBadRecord", err)
			}
		})
	}
}

func FuzzLeaseRecord(f *testing.F) {
	good, _ := sampleLease().MarshalBinary()
	f.Add(good)
	f.Fuzz(func(t *testing.T, data []byte) {
		var l sm.Lease
		if l.UnmarshalBinary(data) != nil {
			return
		}
		b, err := l.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded lease does not encode: %v", err)
		}
		if !bytes.Equal(b, data) {
			t.Fatalf("re-encoding differs")
		}
	})
}
