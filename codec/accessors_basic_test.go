package codec

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// accessorCase decodes opts and calls get on the result.
type accessorCase struct {
	name string
	opts []byte
	get  func(o *Options) (any, error)
	want any
	err  error // nil, ErrNoOption, ErrMalformed or ErrBadName
}

// runAccessors runs accessor cases, checking value, error and, for an
// *OptionError, that it names the option's wire offset.
func runAccessors(t *testing.T, tests []accessorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := decode(t, packet(append(tt.opts, 255)...))
			got, err := tt.get(&m.Options)
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("error = %v, want %v", err, tt.err)
			}
			if err != nil {
				var oe *OptionError
				if errors.As(err, &oe) && oe.Offset < MinLen {
					t.Errorf("offset %d not in the options field", oe.Offset)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got, addrCmp); diff != "" {
				t.Errorf("value (-want +got):\n%s", diff)
			}
		})
	}
}

func addrs(s ...string) []netip.Addr {
	var as []netip.Addr
	for _, a := range s {
		as = append(as, mustAddr(a))
	}

	return as
}

func TestBasicAccessors(t *testing.T) {
	msgType := func(o *Options) (any, error) { return o.MessageType() }
	lease := func(o *Options) (any, error) { return o.LeaseTime() }
	mask := func(o *Options) (any, error) { return o.SubnetMask() }
	routers := func(o *Options) (any, error) { return o.Routers(nil) }
	dns := func(o *Options) (any, error) { return o.DNSServers(nil) }
	serverID := func(o *Options) (any, error) { return o.ServerID() }

	runAccessors(t, []accessorCase{
		{"message type ack", []byte{53, 1, 5}, msgType, Ack, nil},
		{"message type absent", nil, msgType, nil, ErrNoOption},
		{"option 53 with length 0", []byte{53, 0}, msgType, nil, ErrMalformed},
		{"option 53 with length 2", []byte{53, 2, 5, 5}, msgType, nil, ErrMalformed},
		{"option 53 value 0", []byte{53, 1, 0}, msgType, nil, ErrMalformed},
		{"server id", []byte{54, 4, 10, 0, 0, 1}, serverID, mustAddr("10.0.0.1"), nil},
		{"server id short", []byte{54, 3, 10, 0, 0}, serverID, nil, ErrMalformed},
		{"lease time one hour", []byte{51, 4, 0, 0, 0x0e, 0x10}, lease, uint32(3600), nil},
		{"lease time infinite", []byte{51, 4, 0xff, 0xff, 0xff, 0xff}, lease, Infinite, nil},
		{"lease time 0", []byte{51, 4, 0, 0, 0, 0}, lease, nil, ErrMalformed},
		{"lease time 3 bytes", []byte{51, 3, 0, 0, 1}, lease, nil, ErrMalformed},
		{"mask /24", []byte{1, 4, 255, 255, 255, 0}, mask, 24, nil},
		{"mask /0", []byte{1, 4, 0, 0, 0, 0}, mask, 0, nil},
		{"mask /32", []byte{1, 4, 255, 255, 255, 255}, mask, 32, nil},
		{"mask /17", []byte{1, 4, 255, 255, 128, 0}, mask, 17, nil},
		{"mask non-contiguous", []byte{1, 4, 255, 0, 255, 0}, mask, nil, ErrMalformed},
		{"mask trailing one", []byte{1, 4, 255, 255, 255, 1}, mask, nil, ErrMalformed},
		{"routers two", []byte{3, 8, 10, 0, 0, 1, 10, 0, 0, 2}, routers,
			addrs("10.0.0.1", "10.0.0.2"), nil},
		{"routers empty", []byte{3, 0}, routers, nil, ErrMalformed},
		{"routers 5 bytes", []byte{3, 5, 10, 0, 0, 1, 1}, routers, nil, ErrMalformed},
		{"dns split over instances", []byte{6, 2, 1, 1, 6, 2, 1, 1}, dns,
			addrs("1.1.1.1"), nil},
		{"dns absent", nil, dns, nil, ErrNoOption},
	})
}

func TestMoreFixedAccessors(t *testing.T) {
	mtu := func(o *Options) (any, error) { return o.InterfaceMTU() }
	mms := func(o *Options) (any, error) { return o.MaxMessageSize() }
	ov := func(o *Options) (any, error) { return o.Overload() }
	rc := func(o *Options) (any, error) { return o.RapidCommit() }
	t1 := func(o *Options) (any, error) { return o.RenewalTime() }
	t2 := func(o *Options) (any, error) { return o.RebindingTime() }
	v6 := func(o *Options) (any, error) { return o.IPv6OnlyPreferred() }
	cid := func(o *Options) (any, error) { return o.ClientID() }
	prl := func(o *Options) (any, error) { return o.ParamRequestList() }
	ntp := func(o *Options) (any, error) { return o.NTPServers(nil) }
	bcast := func(o *Options) (any, error) { return o.BroadcastAddr() }
	req := func(o *Options) (any, error) { return o.RequestedIP() }
	vc := func(o *Options) (any, error) { return o.VendorClass() }
	relay := func(o *Options) (any, error) { return o.RelayAgent() }

	runAccessors(t, []accessorCase{
		{"mtu 1500", []byte{26, 2, 5, 0xdc}, mtu, uint16(1500), nil},
		{"mtu 67", []byte{26, 2, 0, 67}, mtu, nil, ErrMalformed},
		{"max size 1500", []byte{57, 2, 5, 0xdc}, mms, uint16(1500), nil},
		{"max size 575", []byte{57, 2, 2, 0x3f}, mms, nil, ErrMalformed},
		{"overload 3", []byte{52, 1, 3}, ov, uint8(3), nil},
		{"rapid commit", []byte{80, 0}, rc, true, nil},
		{"rapid commit with data", []byte{80, 1, 0}, rc, nil, ErrMalformed},
		{"rapid commit absent", nil, rc, nil, ErrNoOption},
		{"t1", []byte{58, 4, 0, 0, 7, 8}, t1, uint32(1800), nil},
		{"t1 zero", []byte{58, 4, 0, 0, 0, 0}, t1, nil, ErrMalformed},
		{"t2", []byte{59, 4, 0, 0, 0x0c, 0x4e}, t2, uint32(3150), nil},
		{"v6 only wait", []byte{108, 4, 0, 0, 1, 0x2c}, v6, uint32(300), nil},
		{"v6 only wait short", []byte{108, 2, 1, 0x2c}, v6, nil, ErrMalformed},
		{"client id", []byte{61, 3, 1, 2, 3}, cid, []byte{1, 2, 3}, nil},
		{"client id one byte", []byte{61, 1, 1}, cid, nil, ErrMalformed},
		{"param list", []byte{55, 2, 1, 3}, prl, []byte{1, 3}, nil},
		{"param list empty", []byte{55, 0}, prl, nil, ErrMalformed},
		{"ntp", []byte{42, 4, 10, 0, 0, 9}, ntp, addrs("10.0.0.9"), nil},
		{"broadcast", []byte{28, 4, 10, 0, 0, 255}, bcast, mustAddr("10.0.0.255"), nil},
		{"requested ip", []byte{50, 4, 10, 0, 0, 5}, req, mustAddr("10.0.0.5"), nil},
		{"vendor class", []byte{60, 4, 'M', 'S', 'F', 'T'}, vc, []byte("MSFT"), nil},
		{"relay agent opaque", []byte{82, 3, 1, 1, 0xff}, relay, []byte{1, 1, 0xff}, nil},
	})
}

func TestAbsentErrorNamesOption(t *testing.T) {
	var o Options
	_, err := o.LeaseTime()
	if got, want := err.Error(), "codec: option 51 not present"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	if !errors.Is(err, ErrNoOption) {
		t.Errorf("errors.Is(%v, ErrNoOption) = false", err)
	}
}

func TestAccessorAppendsToDst(t *testing.T) {
	m := decode(t, ackPacket())
	dst := addrs("9.9.9.9")
	got, err := m.Options.DNSServers(dst)
	if err != nil {
		t.Fatal(err)
	}
	want := addrs("9.9.9.9", "192.168.1.1", "1.1.1.1")
	if diff := cmp.Diff(want, got, addrCmp); diff != "" {
		t.Errorf("DNSServers (-want +got):\n%s", diff)
	}
}
