package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"net/netip"
	"strings"
	"testing"
)

// nameChars are the only bytes a validated name may hold.
const nameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."

// checkAccessors calls every accessor on o and checks its result against
// vals, the raw option values from refDecode.
func checkAccessors(t *testing.T, o *Options, vals map[OptionCode][]byte) {
	t.Helper()
	for c, check := range accessorChecks {
		v, present := vals[c]
		err := check(o, v)
		switch {
		case !present:
			if !errors.Is(err, ErrNoOption) {
				t.Errorf("absent option %d: error %v", c, err)
			}
		case errors.Is(err, errMismatch):
			t.Errorf("option %d % x: %v", c, v, err)
		case err != nil:
			var oe *OptionError
			if !errors.As(err, &oe) || oe.Code != c {
				t.Errorf("option %d: error %v does not name it", c, err)
			}
		}
	}
}

// errMismatch reports an accessor result that disagrees with the raw
// bytes.
var errMismatch = errors.New("accessor result does not match the raw value")

// check returns errMismatch unless ok, or err when the accessor failed.
func check(err error, ok bool) error {
	if err != nil {
		return err
	}
	if !ok {
		return errMismatch
	}

	return nil
}

func addrBytes(as ...netip.Addr) []byte {
	var b []byte
	for _, a := range as {
		b = append(b, a.AsSlice()...)
	}

	return b
}

func u32(v []byte, got uint32) bool {
	return len(v) == 4 && binary.BigEndian.Uint32(v) == got
}

func u16(v []byte, got uint16) bool {
	return len(v) == 2 && binary.BigEndian.Uint16(v) == got
}

// safeName reports whether s holds only name bytes and is found in v.
func safeName(v []byte, s string) bool {
	return s != "" && len(s) <= maxNameLen && bytes.Contains(v, []byte(s)) &&
		strings.Trim(s, nameChars) == ""
}

func safeText(v []byte, s string) bool {
	return bytes.HasPrefix(v, []byte(s)) && !strings.ContainsAny(s, " \n\r\x00\"'`\\")
}

// classlessBytes re-encodes routes in the RFC 3442 format.
func classlessBytes(rs []Route) []byte {
	var b []byte
	for _, r := range rs {
		bits := r.Dest.Bits()
		a := r.Dest.Addr().As4()
		b = append(b, byte(bits))
		b = append(b, a[:(bits+7)/8]...)
		b = append(b, r.Gateway.AsSlice()...)
	}

	return b
}

var accessorChecks = map[OptionCode]func(o *Options, v []byte) error{
	OptMessageType: func(o *Options, v []byte) error {
		got, err := o.MessageType()
		return check(err, len(v) == 1 && v[0] == byte(got) && got != 0)
	},
	OptServerID: func(o *Options, v []byte) error {
		got, err := o.ServerID()
		return check(err, bytes.Equal(v, addrBytes(got)))
	},
	OptRequestedIP: func(o *Options, v []byte) error {
		got, err := o.RequestedIP()
		return check(err, bytes.Equal(v, addrBytes(got)))
	},
	OptBroadcastAddr: func(o *Options, v []byte) error {
		got, err := o.BroadcastAddr()
		return check(err, bytes.Equal(v, addrBytes(got)))
	},
	OptSubnetMask: func(o *Options, v []byte) error {
		got, err := o.SubnetMask()
		return check(err, u32(v, ^uint32(0)<<(32-got)))
	},
	OptRouter: func(o *Options, v []byte) error {
		got, err := o.Routers(nil)
		return check(err, bytes.Equal(v, addrBytes(got...)))
	},
	OptDNSServer: func(o *Options, v []byte) error {
		got, err := o.DNSServers(nil)
		return check(err, bytes.Equal(v, addrBytes(got...)))
	},
	OptNTPServer: func(o *Options, v []byte) error {
		got, err := o.NTPServers(nil)
		return check(err, bytes.Equal(v, addrBytes(got...)))
	},
	OptLeaseTime: func(o *Options, v []byte) error {
		got, err := o.LeaseTime()
		return check(err, u32(v, got) && got != 0)
	},
	OptRenewalTime: func(o *Options, v []byte) error {
		got, err := o.RenewalTime()
		return check(err, u32(v, got) && got != 0)
	},
	OptRebindingTime: func(o *Options, v []byte) error {
		got, err := o.RebindingTime()
		return check(err, u32(v, got) && got != 0)
	},
	OptIPv6OnlyPreferred: func(o *Options, v []byte) error {
		got, err := o.IPv6OnlyPreferred()
		return check(err, u32(v, got))
	},
	OptInterfaceMTU: func(o *Options, v []byte) error {
		got, err := o.InterfaceMTU()
		return check(err, u16(v, got) && got >= 68)
	},
	OptMaxMessageSize: func(o *Options, v []byte) error {
		got, err := o.MaxMessageSize()
		return check(err, u16(v, got) && got >= 576)
	},
	OptOverload: func(o *Options, v []byte) error {
		got, err := o.Overload()
		return check(err, len(v) == 1 && v[0] == got && got >= 1 && got <= 3)
	},
	OptRapidCommit: func(o *Options, v []byte) error {
		got, err := o.RapidCommit()
		return check(err, got && len(v) == 0)
	},
	OptParamRequest: func(o *Options, v []byte) error {
		got, err := o.ParamRequestList()
		return check(err, bytes.Equal(v, got) && len(got) > 0)
	},
	OptVendorClass: func(o *Options, v []byte) error {
		got, err := o.VendorClass()
		return check(err, bytes.Equal(v, got) && len(got) > 0)
	},
	OptClientID: func(o *Options, v []byte) error {
		got, err := o.ClientID()
		return check(err, bytes.Equal(v, got) && len(got) > 1)
	},
	OptRelayAgent: func(o *Options, v []byte) error {
		got, err := o.RelayAgent()
		return check(err, bytes.Equal(v, got))
	},
	OptHostName: func(o *Options, v []byte) error {
		got, err := o.HostName()
		return check(err, safeName(v, got))
	},
	OptDomainName: func(o *Options, v []byte) error {
		got, err := o.DomainName()
		return check(err, safeName(v, got))
	},
	OptTFTPServer: func(o *Options, v []byte) error {
		got, err := o.TFTPServer()
		return check(err, safeName(v, got))
	},
	OptBootfile: func(o *Options, v []byte) error {
		got, err := o.Bootfile()
		return check(err, got != "" && safeText(v, got) &&
			!strings.ContainsAny(got, "$;&|<>()*?#![]{}"))
	},
	OptCaptivePortal: func(o *Options, v []byte) error {
		got, err := o.CaptivePortal()
		return check(err, safeText(v, got) && !strings.ContainsAny(got, "$;()"))
	},
	OptUserClass: func(o *Options, v []byte) error {
		got, err := o.UserClass(nil)
		var b []byte
		for _, u := range got {
			b = append(append(b, byte(len(u))), u...)
		}
		return check(err, bytes.Equal(v, b) && len(got) > 0)
	},
	OptClientFQDN: func(o *Options, v []byte) error {
		got, err := o.ClientFQDN()
		return check(err, len(v) >= 3 &&
			[3]byte(v) == [3]byte{got.Flags, got.RCode1, got.RCode2} &&
			(got.Name == "" || strings.Trim(got.Name, nameChars) == ""))
	},
	OptDomainSearch: func(o *Options, v []byte) error {
		got, err := o.DomainSearch(nil, math.MaxInt)
		ok := len(got) > 0
		for _, n := range got {
			ok = ok && n != "" && len(n) <= maxNameLen &&
				strings.Trim(n, nameChars) == ""
		}
		return check(err, ok)
	},
	OptStaticRoute: func(o *Options, v []byte) error {
		got, err := o.StaticRoutes(nil)
		ok := len(v) == 8*len(got)
		for i, r := range got {
			ok = ok && bytes.Equal(v[i*8:i*8+8], addrBytes(r.Dest.Addr(), r.Gateway))
		}
		return check(err, ok && len(got) > 0)
	},
	OptClasslessRoute: func(o *Options, v []byte) error {
		got, err := o.ClasslessRoutes(nil)
		return check(err, bytes.Equal(v, classlessBytes(got)) && len(got) > 0)
	},
	OptMSClasslessRoute: func(o *Options, v []byte) error {
		got, err := o.MSClasslessRoutes(nil)
		return check(err, bytes.Equal(v, classlessBytes(got)) && len(got) > 0)
	},
}
