package ipc

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	addrCmp   = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })
	prefixCmp = cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })
)

func ip(s string) netip.Addr    { return netip.MustParseAddr(s) }
func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func ips(s ...string) []netip.Addr {
	as := make([]netip.Addr, len(s))
	for i := range s {
		as[i] = ip(s[i])
	}

	return as
}

// fullLease is a lease that uses every field of ApplyLease.
func fullLease() *ApplyLease {
	return &ApplyLease{
		Addr:    pfx("192.0.2.10/24"),
		Routers: ips("192.0.2.1"),
		Routes: []Route{
			{Dest: pfx("0.0.0.0/0"), Gateway: ip("192.0.2.1")},
			{Dest: pfx("198.51.100.0/24"), Gateway: ip("0.0.0.0")},
		},
		DNS:               ips("192.0.2.53", "198.51.100.53"),
		Search:            []string{"example.com", "lab.example.com"},
		Domain:            "example.com",
		MTU:               1500,
		ValidLifetime:     3600,
		PreferredLifetime: 1800,
		ServerID:          ip("192.0.2.1"),
	}
}

// roundTripCases holds one value of every message type.
func roundTripCases() []Message {
	return []Message{
		&Hello{},
		&SendPayload{Broadcast: true, Dst: ip("255.255.255.255"),
			Src: ip("0.0.0.0"), Payload: validPayload()},
		fullLease(),
		&ApplyLease{Addr: pfx("10.0.0.2/8"), ValidLifetime: Infinite,
			PreferredLifetime: Infinite, ServerID: ip("0.0.0.0")},
		&RemoveLease{Addr: pfx("192.0.2.10/24")},
		&PersistLease{Data: []byte("lease bytes")},
		&ProbeAddress{Addr: ip("192.0.2.10")},
		&Log{Level: -4, Msg: "offer received",
			Attrs: []Attr{{"server", "192.0.2.1"}, {"xid", "0x1234"}}},
		&Status{State: StateBound, Reason: "ack"},
		&Init{IfIndex: 3, IfName: "eth0",
			HWAddr: []byte{2, 0, 0, 0, 0, 1}, MTU: 1500,
			Config: EngineConfig{Hostname: "host", ClientID: []byte{1, 2},
				VendorClass: []byte("linuxkit"), RapidCommit: true,
				IPv6OnlyPreferred: true, ARPProbe: true,
				InitialDelay: 1500 * time.Millisecond, ReleaseOnStop: true},
			Persisted: []byte{1, 2, 3}},
		&Frame{Data: bytes.Repeat([]byte{0xab}, MaxFrameLen)},
		&ProbeResult{Addr: ip("192.0.2.10"), Conflict: true},
		&LinkState{Up: true},
		&Stop{Release: true},
	}
}

func decodeAny(b []byte) (Message, error) {
	if len(b) > 1 && b[1] >= uint8(TypeInit) {
		return DecodeEvent(b)
	}

	return DecodeRequest(b)
}

func TestRoundTrip(t *testing.T) {
	for _, m := range roundTripCases() {
		t.Run(m.Type().String(), func(t *testing.T) {
			b, err := Append(nil, m)
			if err != nil {
				t.Fatalf("Append: %v", err)
			}

			if b[0] != Version || Type(b[1]) != m.Type() {
				t.Fatalf("header % x, want %d %d", b[:2], Version, m.Type())
			}

			got, err := decodeAny(b)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}

			if diff := cmp.Diff(m, got, addrCmp, prefixCmp); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}

			again, err := Append([]byte{0xee}, got)
			if err != nil || !bytes.Equal(again[1:], b) || again[0] != 0xee {
				t.Errorf("re-encoding differs (err %v)", err)
			}
		})
	}
}

func TestMaximalMessagesFit(t *testing.T) {
	long := strings.Repeat("a", 63) + "." + strings.Repeat("b", 63)
	lease := fullLease()
	lease.Routers = ips("192.0.2.1", "192.0.2.2", "192.0.2.3",
		"192.0.2.4", "192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8")
	lease.Routes = make([]Route, MaxRoutes)
	lease.DNS = lease.Routers
	lease.Search = make([]string, MaxSearch)
	for i := range lease.Routes {
		lease.Routes[i] = Route{Dest: pfx("10.0.0.0/8"), Gateway: ip("1.1.1.1")}
	}
	for i := range lease.Search {
		lease.Search[i] = long
	}
	tests := []Message{
		lease,
		&SendPayload{Payload: make([]byte, MaxPayloadLen),
			Dst: ip("1.1.1.1"), Src: ip("1.1.1.1")},
		&Frame{Data: make([]byte, MaxFrameLen)},
		&Init{IfName: "eth0", HWAddr: make([]byte, MaxHWAddrLen),
			Config: EngineConfig{Hostname: long,
				ClientID:     make([]byte, MaxOptionLen),
				VendorClass:  make([]byte, MaxOptionLen),
				InitialDelay: MaxInitialDelay},
			Persisted: make([]byte, MaxPersistLen)},
		&Log{Msg: strings.Repeat("m", MaxLogMsgLen),
			Attrs: make([]Attr, MaxLogAttrs)},
	}
	for _, m := range tests {
		t.Run(m.Type().String(), func(t *testing.T) {
			b, err := Append(nil, m)
			if err != nil {
				t.Fatalf("Append: %v", err)
			}

			if _, err := decodeAny(b); err != nil {
				t.Fatalf("decode: %v", err)
			}
		})
	}
}

func TestAppendErrors(t *testing.T) {
	tests := []struct {
		name  string
		m     Message
		field string
	}{
		{"ipv6 dst", &SendPayload{Dst: ip("::1"), Src: ip("0.0.0.0")}, "Dst"},
		{"zero src", &SendPayload{Dst: ip("1.1.1.1")}, "Src"},
		{"payload too long", &SendPayload{Dst: ip("1.1.1.1"),
			Src: ip("1.1.1.1"), Payload: make([]byte, MaxPayloadLen+1)},
			"Payload"},
		{"too many routes", &ApplyLease{Addr: pfx("10.0.0.2/8"),
			Routes: make([]Route, MaxRoutes+1)}, "Routes"},
		{"invalid prefix", &ApplyLease{}, "Addr"},
		{"too many dns", &ApplyLease{Addr: pfx("10.0.0.2/8"),
			DNS: make([]netip.Addr, MaxDNS+1)}, "DNS"},
		{"long search name", &ApplyLease{Addr: pfx("10.0.0.2/8"),
			Search: []string{strings.Repeat("a", MaxNameLen+1)}}, "Search"},
		{"persist too long", &PersistLease{
			Data: make([]byte, MaxPersistLen+1)}, "Data"},
		{"bad utf8", &Log{Msg: "\xff"}, "Msg"},
		{"too many attrs", &Log{Attrs: make([]Attr, MaxLogAttrs+1)}, "Attrs"},
		{"unknown state", &Status{State: 9}, "State"},
		{"long ifname", &Init{IfName: "0123456789abcdef"}, "IfName"},
		{"negative delay", &Init{Config: EngineConfig{InitialDelay: -1}},
			"Config.InitialDelay"},
		{"frame too long", &Frame{Data: make([]byte, MaxFrameLen+1)}, "Data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte{7}
			got, err := Append(dst, tt.m)
			checkFieldErr(t, err, tt.m.Type(), tt.field, ErrBounds)
			if len(got) != 1 {
				t.Errorf("Append returned %d bytes on error, want dst", len(got))
			}
		})
	}
}

// checkFieldErr fails unless err is a *FieldError for typ and field that
// wraps base.
func checkFieldErr(t *testing.T, err error, typ Type, field string,
	base error) {
	t.Helper()

	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a *FieldError", err)
	}

	want := FieldError{Type: typ, Field: field}
	got := FieldError{Type: fe.Type, Field: fe.Field}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error %q names (-want +got):\n%s", err, diff)
	}

	if !errors.Is(err, base) {
		t.Errorf("error %q does not wrap %v", err, base)
	}
}

func mustAppend(t *testing.T, m Message) []byte {
	t.Helper()

	b, err := Append(nil, m)
	if err != nil {
		t.Fatal(err)
	}

	return b
}

func TestDecodeErrors(t *testing.T) {
	lease := mustAppend(t, fullLease())
	tooManyRoutes := bytes.Clone(lease)
	tooManyRoutes[2+5+1+4] = MaxRoutes + 1 // after Addr and one router
	badBits := bytes.Clone(lease)
	badBits[6] = 33
	badBool := mustAppend(t, &LinkState{Up: true})
	badBool[2] = 2
	badVersion := mustAppend(t, &Hello{})
	badVersion[0] = Version + 1
	badState := mustAppend(t, &Status{State: StateLost})
	badState[2] = 0
	hugeLen := mustAppend(t, &PersistLease{})
	hugeLen[2], hugeLen[3] = 0x10, 0x01
	badUTF8 := mustAppend(t, &Log{Msg: "ab"})
	badUTF8[len(badUTF8)-3] = 0xff

	tests := []struct {
		name  string
		b     []byte
		event bool
		typ   Type
		field string
		base  error
	}{
		{"trailing", append(bytes.Clone(lease), 0), false,
			TypeApplyLease, "", ErrTrailing},
		{"truncated", lease[:len(lease)-1], false,
			TypeApplyLease, "ServerID", ErrTruncated},
		{"too many routes", tooManyRoutes, false,
			TypeApplyLease, "Routes", ErrBounds},
		{"prefix bits", badBits, false, TypeApplyLease, "Addr", ErrBounds},
		{"bool", badBool, true, TypeLinkState, "Up", ErrBounds},
		{"version", badVersion, false, TypeHello, "", ErrVersion},
		{"unknown type", []byte{Version, 200}, false,
			Type(200), "", ErrUnknownType},
		{"event as request", mustAppend(t, &Stop{}), false,
			TypeStop, "", ErrUnknownType},
		{"request as event", mustAppend(t, &Hello{}), true,
			TypeHello, "", ErrUnknownType},
		{"state", badState, false, TypeStatus, "State", ErrBounds},
		{"persist length", hugeLen, false,
			TypePersistLease, "Data", ErrBounds},
		{"utf8", badUTF8, false, TypeLog, "Msg", ErrBounds},
		{"too long", append([]byte{Version, uint8(TypeFrame)},
			make([]byte, MaxMessageLen)...), true, TypeFrame, "", ErrBounds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.event {
				_, err = DecodeEvent(tt.b)
			} else {
				_, err = DecodeRequest(tt.b)
			}
			checkFieldErr(t, err, tt.typ, tt.field, tt.base)
		})
	}
}

func TestDecodeShortHeader(t *testing.T) {
	for _, b := range [][]byte{nil, {Version}} {
		_, err := DecodeRequest(b)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("DecodeRequest(% x) = %v, want ErrUnexpectedEOF", b, err)
		}
	}
}

func TestFieldErrorMessage(t *testing.T) {
	_, err := Append(nil, &ApplyLease{Addr: pfx("10.0.0.2/8"),
		Routes: make([]Route, 40)})
	want := `ipc: ApplyLease field "Routes": ` +
		`ipc: field out of bounds: 40 entries > 32`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestStateString(t *testing.T) {
	got := []string{StateBound.String(), StateRenewed.String(),
		StateLost.String(), StateFailed.String(), State(9).String()}
	want := []string{"bound", "renewed", "lost", "failed", "state(9)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("State.String (-want +got):\n%s", diff)
	}
}
